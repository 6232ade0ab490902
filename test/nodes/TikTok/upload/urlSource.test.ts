/**
 * The URL source and its probe outside a workflow: n8n-core's real HTTP helper (engineContext), the media
 * server, and uploads opened on the emulator. Covers what the workflow tests do not reach: retries running
 * out, an expired link, a server that stops honouring ranges, a size change, a stopped execution, and the
 * probe's refusals (empty, over 4 GB, a URL's signature never shown).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { engineContext, openUpload } from './engineContext';
import type { EngineContext } from './engineContext';
import { startEmulator } from '../../../emulator';
import type { TikTokEmulator } from '../../../emulator';
import { startMediaServer } from '../../../media-server';
import type { MediaFile, MediaServer } from '../../../media-server';
import { planChunks, uploadChunks } from '../../../../nodes/TikTok/upload';
import { ChunkBody } from '../../../../nodes/TikTok/upload/chunkBody';
import { urlSource } from '../../../../nodes/TikTok/upload/urlSource';
import type { RemoteFile } from '../../../../nodes/TikTok/upload/urlSource';
import { readUrlVideo } from '../../../../nodes/TikTok/media/urlSource';
import { inputChecker } from '../../../../nodes/TikTok/input/checker';
import { download } from '../../../../nodes/shared/transport/download';
import { RETRY_POLICIES } from '../../../../nodes/shared/retry';
import { tikTokErrorContext } from '../../../../nodes/shared/errors/nodeErrors';
import type { IExecuteFunctions } from 'n8n-workflow';

const MB = 1_000_000;
const FAST_RETRIES = { ...RETRY_POLICIES.uploadChunk, delaysMs: [1, 2, 4, 4, 4] };

let emu: TikTokEmulator;
let media: MediaServer;
let count = 0;

beforeAll(async () => {
	emu = await startEmulator({
		settings: { pendingShareCap: 1000, rateLimits: { inboxInit: Number.POSITIVE_INFINITY } },
	});
	media = await startMediaServer();
});

afterAll(async () => {
	await media.close();
	await emu.close();
});

function serve(file: MediaFile): string {
	const path = `/clip-${++count}.mp4`;
	media.set(path, file);
	return path;
}

/** The source as the probe would open it, for `path` as it is served now. */
function remoteFile(
	context: EngineContext,
	path: string,
	overrides: Partial<RemoteFile> = {},
): RemoteFile {
	const described = media.describe(path);
	return {
		size: described.size,
		etag: described.etag || undefined,
		lastModified: described.lastModified || undefined,
		host: new URL(media.baseUrl).host,
		ranges: true,
		get: async (range) =>
			await download.call(context, { url: `${media.url(path)}?sig=secret`, method: 'GET', range }),
		retryPolicy: FAST_RETRIES,
		...overrides,
	};
}

async function uploadFrom(
	path: string,
	overrides: Partial<RemoteFile> = {},
	context = engineContext(),
) {
	const file = remoteFile(context, path, overrides);
	const plan = planChunks(file.size, 10 * MB);
	const { publishId, uploadUrl } = await openUpload(emu, plan);
	const run = uploadChunks.call(context, {
		uploadUrl,
		plan,
		contentType: 'video/mp4',
		source: urlSource(file),
		retryPolicy: FAST_RETRIES,
	});
	return { publishId, plan, run };
}

describe('urlSource', () => {
	test('a server that keeps dropping the download: upload_download_failed once the retries run out', async () => {
		const path = serve({ size: 25 * MB, drop: { every: true, atOffset: 12 * MB } });
		const { publishId, run } = await uploadFrom(path);
		const error = await run.then(
			() => undefined,
			(caught: unknown) => caught as Error,
		);
		expect(error?.message).toMatch(
			/^The upload stopped: downloading the video from 127\.0\.0\.1:\d+ failed 6 times at byte \d+ \(last: /,
		);
		expect(tikTokErrorContext(error)?.code).toBe('upload_download_failed');
		expect(error?.message).not.toContain('secret');
		expect(emu.getUpload(publishId)!.complete).toBe(false);
	});

	test("a 206 declaring exactly the chunk's bytes is the PUT's body as it is; one without a length is read piece by piece", async () => {
		const context = engineContext();
		for (const [contentLength, piped] of [
			[true, true],
			['chunked', false],
		] as const) {
			const path = serve({ size: 25 * MB, contentLength });
			const source = urlSource(remoteFile(context, path));
			const body = await source.slice(0, 10 * MB, 'video/mp4');
			// n8n's HTTP client pipes a Node stream (anything with pipe()); a ChunkBody it reads as a Blob
			expect(typeof (body as { pipe?: unknown }).pipe === 'function').toBe(piped);
			expect(body instanceof ChunkBody).toBe(!piped);
			await source.close();
		}
	});

	test("a piped chunk whose download is cut is fetched and sent again on the source's retries, not TikTok's", async () => {
		const path = serve({ size: 25 * MB, drop: { atOffset: 12 * MB, times: 2 } });
		const context = engineContext();
		const retries: Array<{ position: number; attempt: number }> = [];
		const file = remoteFile(context, path, { onRetry: (retry) => retries.push(retry) });
		const plan = planChunks(file.size, 10 * MB);
		const { publishId, uploadUrl } = await openUpload(emu, plan);
		await uploadChunks.call(context, {
			uploadUrl,
			plan,
			contentType: 'video/mp4',
			source: urlSource(file),
			// No retry for TikTok's failures: the two cut downloads must not spend any
			retryPolicy: { delaysMs: [], jitter: 0 },
		});
		const upload = emu.getUpload(publishId)!;
		expect(upload.sha256).toBe(await media.sha256(path));
		expect(upload.putCount).toBe(plan.totalChunkCount + 2);
		// Counted per chunk across its attempts, from the first byte of the chunk that holds the cut
		const cut = plan.chunks.find((chunk) => chunk.start <= 12 * MB && 12 * MB <= chunk.end)!;
		expect(retries).toMatchObject([
			{ position: cut.start, attempt: 1 },
			{ position: cut.start, attempt: 2 },
		]);
	});

	test('an expired link (403) mid-upload stops it with the fix, without sending the chunk', async () => {
		const path = serve({ size: 25 * MB });
		const context = engineContext();
		const file = remoteFile(context, path);
		media.update(path, { status: 403 });
		const plan = planChunks(file.size, 10 * MB);
		const { publishId, uploadUrl } = await openUpload(emu, plan);
		const error = await uploadChunks
			.call(context, { uploadUrl, plan, contentType: 'video/mp4', source: urlSource(file) })
			.then(
				() => undefined,
				(caught: unknown) => caught as { description?: string; message: string },
			);
		expect(error?.message).toMatch(/answered HTTP 403 when bytes 0-\d+ were downloaded/);
		expect(error?.description).toMatch(/presigned link must not expire/);
		expect(emu.getUpload(publishId)!.putCount).toBe(0);
	});

	test('a server that stops honouring Range: read from the start from then on, byte-exact', async () => {
		const path = serve({ size: 25 * MB, ranges: false });
		const { publishId, run } = await uploadFrom(path, { ranges: true });
		await run;
		expect(emu.getUpload(publishId)!.sha256).toBe(await media.sha256(path));
		expect(media.requestsFor(path, 'GET')).toHaveLength(1);
	});

	test('a size change alone (no validators) stops the upload as upload_source_changed', async () => {
		const path = serve({
			size: 25 * MB,
			etag: false,
			lastModified: false,
			change: { afterRequests: 1, size: 26 * MB },
		});
		const { publishId, run } = await uploadFrom(path);
		const error = await run.then(
			() => undefined,
			(caught: unknown) => caught as Error,
		);
		expect(error?.message).toMatch(
			/changed while it was uploaded \(its size went from 25000000 to 26000000 bytes\)/,
		);
		expect(tikTokErrorContext(error)?.code).toBe('upload_source_changed');
		expect(emu.getUpload(publishId)!.complete).toBe(false);
	});

	test('a stopped execution ends a slow download promptly with the stop reason', async () => {
		const path = serve({ size: 25 * MB, bytesPerSecond: 1 * MB });
		const controller = new AbortController();
		const context = engineContext(controller.signal);
		const { run } = await uploadFrom(path, { signal: controller.signal }, context);
		setTimeout(() => controller.abort(new Error('stopped by the user')), 300);
		const started = Date.now();
		await expect(run).rejects.toThrow('stopped by the user');
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});

describe('readUrlVideo (the probe)', () => {
	const probe = async (url: string) => {
		const context = engineContext();
		return await readUrlVideo.call(
			context as unknown as IExecuteFunctions,
			inputChecker(context, 0),
			url,
		);
	};

	test('size, container, duration and range support from one ranged GET of the first megabyte', async () => {
		const path = serve({ size: 7 * MB, durationSec: 42 });
		const video = await probe(media.url(path));
		expect(video).toMatchObject({
			size: 7 * MB,
			container: 'mp4',
			contentType: 'video/mp4',
			durationSec: 42,
			ranges: true,
		});
		expect(media.requestsFor(path).map((request) => `${request.method} ${request.range}`)).toEqual([
			'GET bytes=0-1048575',
		]);
	});

	test('a server whose GET tells no size but whose HEAD does: the size from HEAD, then one read from the start', async () => {
		const bytes = await media.read(serve({ size: 6 * MB }));
		const server = createServer((req, res) => {
			if (req.method === 'HEAD') {
				res.writeHead(200, { 'Content-Length': String(bytes.length), 'Content-Type': 'video/mp4' });
				res.end();
				return;
			}
			// Range ignored, body chunked (no Content-Length)
			res.writeHead(200, { 'Content-Type': 'video/mp4' });
			res.end(bytes);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/clip.mp4`;
			const video = await probe(url);
			expect(video).toMatchObject({ size: bytes.length, ranges: false, container: 'mp4' });
			const plan = planChunks(video.size, 5 * 1024 * 1024);
			const { publishId, uploadUrl } = await openUpload(emu, plan);
			await uploadChunks.call(engineContext(), {
				uploadUrl,
				plan,
				contentType: video.contentType,
				source: video.openSource(),
			});
			expect(emu.getUpload(publishId)).toMatchObject({
				complete: true,
				sha256: createHash('sha256').update(bytes).digest('hex'),
			});
		} finally {
			server.close();
		}
	});

	test('a file over 4 GB is refused after reading only its first megabyte', async () => {
		const path = serve({ size: 4_100_000_000 });
		await expect(probe(`${media.url(path)}?sig=secret`)).rejects.toThrow(
			/is 4100000000 bytes and TikTok accepts videos up to 4 GB/,
		);
		expect(media.requestsFor(path, 'GET')[0].bytesSent).toBeLessThanOrEqual(1024 * 1024);
	});

	test('an empty file and an unreachable host are refused naming the host, never the query string', async () => {
		await expect(probe(`${media.url(serve({ body: '' }))}?sig=secret`)).rejects.toThrow(
			/the file at 127\.0\.0\.1:\d+ is empty \(0 bytes\)/,
		);
		const error = (await probe('http://127.0.0.1:1/clip.mp4?sig=secret').catch(
			(caught: Error) => caught,
		)) as Error;
		expect(error.message).toMatch(
			/n8n could not download from 127\.0\.0\.1:1: the connection was refused/,
		);
		expect(error.message).not.toContain('secret');
	});
});
