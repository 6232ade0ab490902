import type { IExecuteFunctions } from 'n8n-workflow';

import { isTransient, RETRY_POLICIES, retryDelayMs } from '../../shared/retry';
import { download } from '../../shared/transport/download';
import type {
	DownloadOutcome,
	DownloadResponse,
	ResponseBody,
} from '../../shared/transport/download';
import { cancelSignalOf, pauseUnlessCancelled } from '../../shared/utils/pause';
import type { InputChecker } from '../input/checker';
import type { UploadSource } from '../upload';
import { contentLengthOf, contentRangeOf, versionOf } from '../upload/remoteFile';
import type { RemoteVersion } from '../upload/remoteFile';
import { urlSource } from '../upload/urlSource';
import { checkVideoFileSize, readHead } from './videoFile';
import { CONTAINER_MIME_TYPES, inspectVideoHead, VIDEO_HEAD_BYTES } from './videoContainer';
import type { VideoContainer } from './videoContainer';

const FIELD = 'Video URL';
const DOWNLOAD_FIX =
	'Download the video with the HTTP Request node (Response Format: File) and publish it with Source "Binary Data" instead.';

export interface UrlVideo {
	size: number;
	/** The URL's host, for messages: never its query string, which may hold a signature */
	host: string;
	container: VideoContainer;
	/** video/mp4, video/quicktime or video/webm, from the bytes rather than the server's label */
	contentType: string;
	/** From the container's header, when its first megabyte states one */
	durationSec: number | null;
	/** Whether the server answers ranged requests (each chunk its own GET) */
	ranges: boolean;
	/** The bytes for the upload, downloaded while they are sent */
	openSource: () => UploadSource;
}

/**
 * The video at `videoUrl`, checked before anything is sent to TikTok: the first megabyte is read with a
 * ranged GET, which also tells the size (Content-Range's total, or Content-Length from a server that
 * ignores ranges; a HEAD when neither does) and whether the server takes ranges. A server that does not
 * tell the size, an error status, a redirect loop, or bytes that are not an MP4, MOV or WebM are refused
 * naming the URL's host.
 */
export async function readUrlVideo(
	this: IExecuteFunctions,
	check: InputChecker,
	videoUrl: string,
): Promise<UrlVideo> {
	const host = new URL(videoUrl).host;
	const signal = cancelSignalOf(this);
	const get = async (range?: { first: number; last: number }) =>
		await download.call(this, {
			url: videoUrl,
			method: 'GET',
			range,
			signal,
			itemIndex: check.itemIndex,
		});
	const first = await probe(
		check,
		host,
		signal,
		async () => await get({ first: 0, last: VIDEO_HEAD_BYTES - 1 }),
	);
	const ranges = first.status === 206;
	const head = await readFirstBytes(first.body, check, host);
	let version: Partial<RemoteVersion> = versionOf(
		first.headers,
		ranges ? (contentRangeOf(first.headers)?.total ?? undefined) : contentLengthOf(first.headers),
	);
	if (version.size === undefined) {
		const answer = await download.call(this, {
			url: videoUrl,
			method: 'HEAD',
			signal,
			itemIndex: check.itemIndex,
		});
		const answered = 'status' in answer && answer.status < 300 ? answer : undefined;
		const length = answered && contentLengthOf(answered.headers);
		if (!answered || length === undefined) {
			throw check.invalid(
				FIELD,
				`the server at ${host} does not tell the size of the file (no Content-Length, and no total in Content-Range), which TikTok needs before the upload starts`,
				DOWNLOAD_FIX,
			);
		}
		version = { ...versionOf(answered.headers, length), ...version, size: length };
	}
	const size = version.size as number;
	checkSize(check, host, size);
	const inspected = inspectVideoHead(head);
	if (inspected.container === null) {
		throw check.invalid(
			FIELD,
			`the file at ${host} looks like ${inspected.looksLike}, not a video TikTok accepts (MP4, MOV or WebM)`,
			'Link to the MP4 (H.264 recommended), MOV or WebM file itself, not to an image, a page or another format.',
		);
	}
	const logger = this.logger;
	return {
		size,
		host,
		container: inspected.container,
		contentType: CONTAINER_MIME_TYPES[inspected.container],
		durationSec: inspected.durationSec,
		ranges,
		openSource: () =>
			urlSource({
				...version,
				size,
				host,
				ranges,
				get,
				signal,
				onRetry: (retry) => logger.debug('TikTok upload: download retried', { host, ...retry }),
			}),
	};
}

/** The first answer, retried like a read when it is a passing failure; anything else is refused. */
async function probe(
	check: InputChecker,
	host: string,
	signal: AbortSignal | undefined,
	send: () => Promise<DownloadOutcome>,
): Promise<DownloadResponse & { body: ResponseBody }> {
	for (let attempt = 1; ; attempt++) {
		const outcome = await send();
		const status = 'status' in outcome ? outcome.status : undefined;
		if ('status' in outcome && outcome.body && (status === 200 || status === 206)) {
			return outcome as DownloadResponse & { body: ResponseBody };
		}
		if ('body' in outcome) outcome.body?.destroy();
		const passing =
			'networkError' in outcome ? !outcome.redirectLoop : isTransient({ httpStatus: status });
		const delayMs = passing ? retryDelayMs(RETRY_POLICIES.read, attempt) : undefined;
		if (delayMs !== undefined) {
			if (await pauseUnlessCancelled(delayMs, signal)) {
				throw signal?.reason ?? new Error('The execution was cancelled');
			}
			continue;
		}
		throw refusal(check, host, outcome);
	}
}

function refusal(check: InputChecker, host: string, outcome: DownloadOutcome) {
	if ('networkError' in outcome) {
		return outcome.redirectLoop
			? check.invalid(
					FIELD,
					`${host} redirects without end (a redirect loop)`,
					'Use the final URL of the video, or fix the redirect on the server.',
				)
			: check.invalid(
					FIELD,
					`n8n could not download from ${host}: ${outcome.networkError}`,
					"Check that the URL is reachable from the n8n host (n8n's proxy settings apply), then publish again.",
				);
	}
	const { status } = outcome;
	if (status === 416) {
		return check.invalid(
			FIELD,
			`the file at ${host} is empty (0 bytes)`,
			'Check the URL: the server has no bytes for it.',
		);
	}
	const fixes: Record<number, string> = {
		401: 'The server wants a login: use a presigned or public link, or download the video with the HTTP Request node (with its credential) and publish it as binary data.',
		403: 'The server refused access: check that the link is public or its signature has not expired (presigned links expire), or download the video with the HTTP Request node and publish it as binary data.',
		404: 'Check the URL: the server has no file there (or a presigned link expired).',
	};
	return check.invalid(
		FIELD,
		`the server at ${host} answered HTTP ${status}`,
		fixes[status] ??
			(status >= 500
				? 'The server had a problem; try again later.'
				: 'Check the URL in a browser: it must lead straight to the video file.'),
	);
}

/** The first bytes of a response, whose stream is then dropped. */
/** The first megabyte of the probe's answer, with a break-off said as the URL's problem. */
async function readFirstBytes(
	body: ResponseBody,
	check: InputChecker,
	host: string,
): Promise<Buffer> {
	return await readHead(body, VIDEO_HEAD_BYTES).catch(() => {
		throw check.invalid(
			FIELD,
			`the download from ${host} broke off while its first bytes were read`,
			"Check that the URL is reachable from the n8n host (n8n's proxy settings apply), then publish again.",
		);
	});
}

function checkSize(check: InputChecker, host: string, size: number): void {
	checkVideoFileSize(
		check,
		{
			field: FIELD,
			file: `the file at ${host}`,
			emptyFix: 'Check the URL: the server has no bytes for it.',
		},
		size,
	);
}
