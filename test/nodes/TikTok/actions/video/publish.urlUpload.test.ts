/**
 * Publish Video with Source "URL (Uploaded by This Node)" through the real node (n8n-core's WorkflowExecute), on
 * both binary modes, against the emulator and the local media server: byte-exact uploads with and without
 * range support and HEAD, a dropped download, a 503 on a PUT, and refusals before any TikTok request.
 */
import { runPublish, startTestEmulator, visibleText } from './publishKit';
import type { PublishResult } from './publishKit';
import type { TikTokEmulator } from '../../../../emulator';
import { describeEachBinaryMode } from '../../../../harness';
import type { BinaryMode } from '../../../../harness';
import { startMediaServer } from '../../../../media-server';
import type { MediaFile, MediaServer } from '../../../../media-server';
import { DEFAULT_CHUNK_SIZE_MB, planChunks } from '../../../../../nodes/TikTok/upload';
import type { INodeParameters } from 'n8n-workflow';

const MB = 1_000_000;
const SECRET = 'X-Amz-Signature=s3cr3tsignature';

let emu: TikTokEmulator;
let media: MediaServer;
let fileCount = 0;

beforeAll(async () => {
	emu = await startTestEmulator();
	media = await startMediaServer();
});

afterAll(async () => {
	await media?.close();
	await emu?.close();
});

beforeEach(() => {
	emu.faults.clear();
});

/** A fresh path on the media server (its own counters), served with `file`. */
function serve(file: MediaFile): string {
	const path = `/videos/clip-${++fileCount}.mp4`;
	media.set(path, file);
	return path;
}

function initCount(since: number): number {
	return emu.requests
		.slice(since)
		.filter((request) => request.server === 'api' && request.path.endsWith('/init/')).length;
}

async function publishFrom(
	path: string,
	binaryMode: BinaryMode,
	options: INodeParameters = {},
): Promise<PublishResult & { inits: number; apiRequests: number }> {
	const since = emu.requests.length;
	const result = await runPublish(emu, {
		binaryMode,
		parameters: {
			source: 'urlUpload',
			videoUrl: `${media.url(path)}?${SECRET}`,
			privacyLevel: 'SELF_ONLY',
			options,
		},
	});
	const apiRequests = emu.requests
		.slice(since)
		.filter((request) => request.server === 'api').length;
	return Object.assign(result, { inits: initCount(since), apiRequests });
}

/** The upload succeeded, byte for byte, with one init and the documented output. */
async function expectUploaded(
	result: Awaited<ReturnType<typeof publishFrom>>,
	path: string,
	chunkSizeMb = DEFAULT_CHUNK_SIZE_MB,
): Promise<void> {
	expect(result.errorText).toBe('');
	expect(result.inits).toBe(1);
	const size = media.sizeOf(path);
	const plan = planChunks(size, chunkSizeMb * MB);
	const json = result.output[0].json;
	expect(json).toMatchObject({
		source: 'urlUpload',
		uploadedBytes: size,
		upload: {
			bytes: size,
			chunkSize: plan.chunkSize,
			chunks: plan.totalChunkCount,
			durationMs: expect.any(Number),
		},
	});
	const upload = emu.getUpload(String(json.publishId))!;
	expect(upload).toMatchObject({ complete: true, videoSize: size, sawAuthorizationHeader: false });
	expect(upload.sha256).toBe(await media.sha256(path));
	expect(emu.getTask(String(json.publishId))!.sourceInfo).toEqual({
		source: 'FILE_UPLOAD',
		video_size: size,
		chunk_size: plan.chunkSize,
		total_chunk_count: plan.totalChunkCount,
	});
	// The signature in the query string never reaches outputs or logs
	expect(visibleText(result)).not.toContain('s3cr3tsignature');
}

/** Refused with the field, the host and a fix, before any request to TikTok. */
function expectRefusedBeforeInit(
	result: Awaited<ReturnType<typeof publishFrom>>,
	problem: RegExp,
): void {
	expect(result.inits).toBe(0);
	expect(result.apiRequests).toBe(0);
	expect(result.error?.message).toMatch(/^Invalid "Video URL": /);
	expect(result.error?.message).toContain('127.0.0.1');
	expect(result.errorText).toMatch(problem);
	expect(result.errorText).not.toContain('s3cr3tsignature');
}

describeEachBinaryMode('Publish Video from a URL that n8n uploads', (binaryMode) => {
	test('3 MB: one chunk, ranged GETs', async () => {
		const path = serve({ size: 3 * MB });
		const result = await publishFrom(path, binaryMode);
		await expectUploaded(result, path);
		expect(result.output[0].json.upload).toMatchObject({ chunks: 1 });
		expect(result.logText).toContain('TikTok upload: chunk sent');
		// The probe reads the first megabyte with a range; the one chunk is its own ranged GET
		expect(media.requestsFor(path, 'GET').map((request) => request.range)).toEqual([
			'bytes=0-1048575',
			`bytes=0-${3 * MB - 1}`,
		]);
	});

	test('70 MB with range support: each chunk its own ranged GET', async () => {
		const path = serve({ size: 70 * MB });
		const result = await publishFrom(path, binaryMode);
		await expectUploaded(result, path);
		const plan = planChunks(70 * MB, DEFAULT_CHUNK_SIZE_MB * MB);
		expect(
			media
				.requestsFor(path, 'GET')
				.slice(1)
				.map((request) => request.range),
		).toEqual(plan.chunks.map((chunk) => `bytes=${chunk.start}-${chunk.end}`));
		expect(media.requestsFor(path, 'HEAD')).toHaveLength(0);
	});

	test('70 MB from a server that ignores Range: read once from the start and cut as it streams', async () => {
		const path = serve({ size: 70 * MB, ranges: false });
		const result = await publishFrom(path, binaryMode, { chunkSizeMb: 20 });
		await expectUploaded(result, path, 20);
		// The probe's read, then one read for all chunks
		expect(media.requestsFor(path, 'GET')).toHaveLength(2);
	});

	test('70 MB without HEAD, with and without range support', async () => {
		for (const ranges of [true, false]) {
			const path = serve({ size: 70 * MB, head: false, ranges });
			await expectUploaded(await publishFrom(path, binaryMode), path);
		}
	});

	test('a download dropped in the middle of a chunk: fetched and sent again (without ranges: resumed there), byte-exact', async () => {
		const cut = planChunks(70 * MB, DEFAULT_CHUNK_SIZE_MB * MB).chunks.find(
			(chunk) => chunk.start <= 50 * MB && 50 * MB <= chunk.end,
		)!;
		for (const ranges of [true, false]) {
			// Without ranges the probe's GET covers the offset too (and stops early): cut the second GET
			const path = serve({
				size: 70 * MB,
				ranges,
				drop: { atOffset: 50 * MB, ...(!ranges && { requests: [2] }) },
			});
			const result = await publishFrom(path, binaryMode);
			await expectUploaded(result, path);
			const gets = media.requestsFor(path, 'GET');
			expect(gets.filter((request) => request.dropped)).toHaveLength(1);
			expect(result.logText).toContain('TikTok upload: download retried');
			const { putCount } = emu.getUpload(String(result.output[0].json.publishId))!;
			if (ranges) {
				// The chunk's body was its download, piped: the PUT broke off with it, and both went again
				expect(
					gets.filter((request) => request.range === `bytes=${cut.start}-${cut.end}`),
				).toHaveLength(2);
				expect(putCount).toBe(3);
			} else {
				// Read piece by piece: read again from the start, skipped to the cut, into the same PUT
				expect(gets.map((request) => request.range)).toEqual([
					'bytes=0-1048575',
					undefined,
					undefined,
				]);
				expect(putCount).toBe(2);
			}
		}
	});

	test('206 bodies without Content-Length are read piece by piece; a drop mid-chunk resumes with a ranged GET of the rest', async () => {
		const path = serve({
			size: 70 * MB,
			contentLength: 'chunked',
			drop: { atOffset: 50 * MB },
		});
		const result = await publishFrom(path, binaryMode);
		await expectUploaded(result, path);
		const plan = planChunks(70 * MB, DEFAULT_CHUNK_SIZE_MB * MB);
		const [, second] = plan.chunks;
		expect(
			media
				.requestsFor(path, 'GET')
				.slice(1)
				.map((request) => [request.range, request.dropped]),
		).toEqual([
			[`bytes=${plan.chunks[0].start}-${plan.chunks[0].end}`, false],
			[`bytes=${second.start}-${second.end}`, true],
			[`bytes=${50 * MB}-${second.end}`, false],
		]);
		expect(result.logText).toContain('TikTok upload: download retried');
		expect(emu.getUpload(String(result.output[0].json.publishId))!.putCount).toBe(2);
	});

	test('a 503 on a PUT: the chunk is fetched again (without ranges: read again from the start) and sent again', async () => {
		const second = planChunks(70 * MB, DEFAULT_CHUNK_SIZE_MB * MB).chunks[1];
		for (const ranges of [true, false]) {
			const path = serve({ size: 70 * MB, ranges });
			emu.faults.add({ target: 'upload', chunkIndex: 1, status: 503 });
			const result = await publishFrom(path, binaryMode);
			await expectUploaded(result, path);
			const gets = media.requestsFor(path, 'GET');
			if (ranges)
				expect(
					gets.filter((request) => request.range === `bytes=${second.start}-${second.end}`),
				).toHaveLength(2);
			else expect(gets).toHaveLength(3);
			expect(emu.getUpload(String(result.output[0].json.publishId))!.putCount).toBe(3);
		}
	});

	test('redirects are followed; a redirect loop is refused before any TikTok request', async () => {
		const target = serve({ size: 3 * MB });
		const redirecting = serve({ redirect: { to: target } });
		const result = await publishFrom(redirecting, binaryMode);
		expect(result.errorText).toBe('');
		expect(emu.getUpload(String(result.output[0].json.publishId))!.sha256).toBe(
			await media.sha256(target),
		);
		const loop = `/videos/loop-${++fileCount}.mp4`;
		media.set(loop, { redirect: { to: loop } });
		expectRefusedBeforeInit(await publishFrom(loop, binaryMode), /redirect loop/);
	});

	test('content that changes between requests stops the upload: never a corrupted video', async () => {
		const path = serve({ size: 70 * MB, change: { afterRequests: 2, seed: 7 } });
		const result = await publishFrom(path, binaryMode);
		expect(result.inits).toBe(1);
		expect(result.error?.message).toMatch(
			/^The upload stopped: the video at 127\.0\.0\.1:\d+ changed while it was uploaded \(its ETag went from/,
		);
		expect(result.error?.message).toContain('publish ID');
		const context = (
			result.error?.error as { context?: { tikTok?: { code?: string; publishId?: string } } }
		).context?.tikTok;
		expect(context?.code).toBe('upload_source_changed');
		expect(emu.getUpload(String(context?.publishId))!.complete).toBe(false);
	});

	test('a server that does not tell the size is refused before any TikTok request', async () => {
		const path = serve({ size: 3 * MB, contentLength: false });
		const result = await publishFrom(path, binaryMode);
		expectRefusedBeforeInit(result, /does not tell the size[\s\S]*HTTP Request node/);
	});

	test('a PNG behind an .mp4 URL, an HTML page and a 404 are refused before any TikTok request', async () => {
		expectRefusedBeforeInit(
			await publishFrom(
				serve({ kind: 'png', size: 200_000, contentType: 'video/mp4' }),
				binaryMode,
			),
			/looks like a PNG image/,
		);
		expectRefusedBeforeInit(
			await publishFrom(serve({ kind: 'html', size: 5_000, contentType: 'video/mp4' }), binaryMode),
			/looks like an HTML page/,
		);
		expectRefusedBeforeInit(
			await publishFrom(serve({ status: 404 }), binaryMode),
			/answered HTTP 404/,
		);
	});
});

describe('Publish Video from a URL that n8n uploads: 300 MB', () => {
	test('300 MB in 64 MB chunks, byte-exact, one init', async () => {
		const path = serve({ size: 300 * MB });
		await expectUploaded(await publishFrom(path, 'filesystem'), path);
	}, 300_000);
});

describe('the other URL source', () => {
	test('url_ownership_unverified suggests "URL (Uploaded by This Node)"', async () => {
		const result = await runPublish(emu, {
			parameters: {
				source: 'url',
				videoUrl: 'https://videos.example.net/clip.mp4',
				privacyLevel: 'SELF_ONLY',
			},
		});
		expect(result.error?.description).toMatch(/switch Source to "URL \(Uploaded by This Node\)"/);
	});
});
