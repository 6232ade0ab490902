import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { describeNetworkError } from '../errors/messages';
import { asNodeError } from '../errors/nodeErrors';
import { isNetworkError } from '../retry';

/** What the upload engine needs from n8n: IExecuteFunctions fits; tests pass a small stand-in. */
export type UploadContext = Pick<IExecuteFunctions, 'getNode' | 'logger'> & {
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest'>;
	getExecutionCancelSignal?: () => AbortSignal | undefined;
};

export interface ChunkPut {
	/** TikTok's upload_url, used verbatim; it carries the upload token, so it is never logged or shown */
	uploadUrl: string;
	contentType: string;
	/** First and last byte (inclusive, as in Content-Range) and the file's size */
	first: number;
	last: number;
	total: number;
	body: IHttpRequestOptions['body'];
	signal?: AbortSignal;
	itemIndex?: number;
}

/** TikTok's answer to a chunk, or the network failure that left it without one. */
export type PutOutcome =
	{ status: number; headers: Record<string, unknown>; body: string } | { networkError: string };

/**
 * n8n's HTTP client applies `timeout` to a silent socket, not to the whole request: a chunk that keeps
 * moving never times out, and one that stalls is retried after two minutes, leaving room for retries
 * within TikTok's one-hour upload window.
 */
export const CHUNK_IDLE_TIMEOUT_MS = 120_000;

/**
 * One chunk PUT to TikTok's upload URL through n8n's HTTP helper, without an Authorization header (the
 * URL is the capability). Error statuses come back as outcomes, for the engine to judge.
 */
export async function putChunk(this: UploadContext, put: ChunkPut): Promise<PutOutcome> {
	const options: IHttpRequestOptions = {
		method: 'PUT',
		url: put.uploadUrl,
		headers: {
			'Content-Type': put.contentType,
			'Content-Length': String(put.last - put.first + 1),
			'Content-Range': `bytes ${put.first}-${put.last}/${put.total}`,
		},
		body: put.body,
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: CHUNK_IDLE_TIMEOUT_MS,
		// Following a redirect means keeping every byte sent for a replay, i.e. the whole chunk in memory.
		// TikTok's upload URL is used verbatim and not documented to redirect: a 3xx is an error naming the chunk.
		disableFollowRedirect: true,
		...(put.signal && { abortSignal: put.signal }),
	};
	try {
		const response = (await this.helpers.httpRequest(options)) as {
			statusCode: number;
			headers: Record<string, unknown>;
			body: unknown;
		};
		return {
			status: response.statusCode,
			headers: response.headers ?? {},
			body: typeof response.body === 'string' ? response.body : '',
		};
	} catch (error) {
		// A stopped execution ends the upload with the stop's own reason, not as a failure to report
		if (put.signal?.aborted) throw put.signal.reason;
		if (!isNetworkError(error)) throw asNodeError(this.getNode(), error, put.itemIndex);
		return { networkError: describeNetworkError((error as { code?: unknown }).code) };
	}
}
