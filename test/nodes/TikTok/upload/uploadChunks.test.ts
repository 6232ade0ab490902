import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { engineContext, openUpload } from './engineContext';
import { startEmulator } from '../../../emulator';
import type { TikTokEmulator } from '../../../emulator';
import { sha256, writeSampleMp4 } from '../../../fixtures/sampleVideo';
import { planChunks, streamSource, uploadChunks } from '../../../../nodes/TikTok/upload';
import { RETRY_POLICIES } from '../../../../nodes/shared/retry';
import type { ChunkPlan, UploadRequest } from '../../../../nodes/TikTok/upload';
import { tikTokErrorContext } from '../../../../nodes/shared/errors/nodeErrors';

const MIB = 1024 * 1024;
const FAST_RETRIES = { ...RETRY_POLICIES.uploadChunk, delaysMs: [1, 2, 4, 4, 4] };

let emu: TikTokEmulator;
let dir: string;
let file: { path: string; size: number; sha256: string };
let plan: ChunkPlan;

beforeAll(async () => {
	emu = await startEmulator({
		settings: { pendingShareCap: 1000, rateLimits: { inboxInit: Number.POSITIVE_INFINITY } },
	});
	dir = await mkdtemp(join(tmpdir(), 'tiktok-engine-'));
	// Three chunks of 5 MiB, the final one 2 bytes longer
	const size = 3 * 5 * MIB + 2;
	file = {
		path: join(dir, 'clip.mp4'),
		size,
		sha256: await writeSampleMp4(join(dir, 'clip.mp4'), size),
	};
	plan = planChunks(size, 5 * MIB);
});

afterAll(async () => {
	await emu.close();
	await rm(dir, { recursive: true, force: true });
});

beforeEach(() => emu.faults.clear());

/** Uploads the sample file as a 64 KiB-piece stream (what n8n's filesystem store hands out). */
async function upload(overrides: Partial<UploadRequest> = {}, context = engineContext()) {
	const { publishId, uploadUrl } = await openUpload(emu, plan);
	const request: UploadRequest = {
		uploadUrl,
		plan,
		contentType: 'video/mp4',
		source: streamSource(
			() => createReadStream(file.path, { highWaterMark: 64 * 1024 }),
			file.size,
		),
		retryPolicy: FAST_RETRIES,
		...overrides,
	};
	const outcome = await uploadChunks.call(context, request).then(
		(result) => ({ result, error: undefined }),
		(error: Error & { description?: string }) => ({ result: undefined, error }),
	);
	return { ...outcome, publishId, uploadUrl, context, inspection: () => emu.getUpload(publishId)! };
}

describe('uploadChunks against the emulator', () => {
	test('a 1-byte file: one PUT, byte-exact', async () => {
		const one = planChunks(1, 5 * MIB);
		const { publishId, uploadUrl } = await openUpload(emu, one);
		const result = await uploadChunks.call(engineContext(), {
			uploadUrl,
			plan: one,
			contentType: 'video/mp4',
			source: streamSource(() => [Buffer.from([0x42])], 1),
		});
		expect(result).toMatchObject({ bytes: 1, chunkSize: 1, chunks: 1 });
		expect(emu.getUpload(publishId)).toMatchObject({
			complete: true,
			putCount: 1,
			sha256: sha256(Buffer.from([0x42])),
		});
	});

	test('streams a file in exact chunks, in order, without Authorization, logging progress without the URL', async () => {
		const { result, error, inspection, uploadUrl, context } = await upload();
		expect(error).toBeUndefined();
		expect(result).toMatchObject({ bytes: file.size, chunkSize: 5 * MIB, chunks: 3 });
		expect(inspection()).toMatchObject({
			complete: true,
			putCount: 3,
			sha256: file.sha256,
			sawAuthorizationHeader: false,
		});
		expect(inspection().contentTypes).toEqual(['video/mp4', 'video/mp4', 'video/mp4']);
		expect(inspection().attempts.map((a) => a.contentRange)).toEqual([
			`bytes 0-5242879/${file.size}`,
			`bytes 5242880-10485759/${file.size}`,
			`bytes 10485760-${file.size - 1}/${file.size}`,
		]);
		expect(
			context.logs.filter((line) => line.startsWith('TikTok upload: chunk sent')),
		).toHaveLength(3);
		expect(context.logs.join('\n')).toContain('"chunk":3,"chunks":3');
		const token = new URL(uploadUrl).searchParams.get('upload_token')!;
		expect(context.logs.join('\n')).not.toContain(token);
	});

	test('an in-memory buffer uploads byte-exact', async () => {
		const { readFile } = await import('node:fs/promises');
		const bytes = await readFile(file.path);
		const { error, inspection } = await upload({ source: streamSource(() => [bytes], file.size) });
		expect(error).toBeUndefined();
		expect(inspection()).toMatchObject({ complete: true, putCount: 3, sha256: file.sha256 });
	});

	test('two 5xx and a dropped connection: each chunk retried, byte-exact', async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 0, status: 503, times: 2 });
		emu.faults.add({ target: 'upload', chunkIndex: 2, action: { drop: true, afterBytes: 65_536 } });
		const { error, inspection, context } = await upload();
		expect(error).toBeUndefined();
		expect(inspection()).toMatchObject({ complete: true, putCount: 6, sha256: file.sha256 });
		expect(
			context.logs.filter((line) => line.startsWith('TikTok upload: retrying chunk')),
		).toHaveLength(3);
	});

	test('a lost answer to a committed chunk: the retry gets 416 and moves on', async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 1, phase: 'after', status: 500 });
		emu.faults.add({ target: 'upload', chunkIndex: 2, phase: 'after', drop: true });
		const { error, inspection } = await upload();
		expect(error).toBeUndefined();
		expect(inspection().attempts.map((a) => a.httpStatus)).toEqual([206, 206, 416, 201, 416]);
		expect(inspection()).toMatchObject({ complete: true, sha256: file.sha256 });
	});

	test('416 saying TikTok lacks the chunk: the chunk is sent again', async () => {
		emu.faults.add({
			target: 'upload',
			chunkIndex: 0,
			status: 416,
			headers: { 'Content-Range': `bytes */${file.size}` },
		});
		const { error, inspection } = await upload();
		expect(error).toBeUndefined();
		expect(inspection()).toMatchObject({ complete: true, putCount: 4, sha256: file.sha256 });
	});

	test('416 out of step with the plan: a clear error, no guessing', async () => {
		emu.faults.add({
			target: 'upload',
			chunkIndex: 1,
			status: 416,
			headers: { 'Content-Range': `bytes 0-99/${file.size}` },
		});
		const { error } = await upload();
		expect(error?.message).toBe(
			`Uploading chunk 2 of 3 (bytes 5242880-10485759) is out of step with TikTok, which reports having 100 bytes`,
		);
		expect(tikTokErrorContext(error)).toMatchObject({
			code: 'upload_out_of_sync',
			httpStatus: 416,
		});
	});

	test('an expired upload URL (403) is not retried', async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 1, expireUploadUrl: true });
		const { error, inspection } = await upload();
		expect(error?.message).toBe(
			"Uploading chunk 2 of 3 (bytes 5242880-10485759) was refused: TikTok's upload URL has expired",
		);
		expect(error?.description).toMatch(/one hour/);
		expect(tikTokErrorContext(error)).toMatchObject({
			code: 'upload_url_expired',
			httpStatus: 403,
		});
		expect(tikTokErrorContext(error)?.logId).toMatch(/^\d{14}[0-9A-F]{20}$/);
		expect(inspection().putCount).toBe(2);
	});

	test('an unknown upload task (404) is not retried', async () => {
		const { publishId, uploadUrl } = await openUpload(emu, plan);
		const wrong = uploadUrl.replace(/upload_token=[^&]+/, 'upload_token=nope');
		const context = engineContext();
		const error = await uploadChunks
			.call(context, {
				uploadUrl: wrong,
				plan,
				contentType: 'video/mp4',
				source: streamSource(() => [Buffer.alloc(file.size)], file.size),
			})
			.catch((e: Error) => e);
		expect(tikTokErrorContext(error)).toMatchObject({ code: 'upload_not_found', httpStatus: 404 });
		expect(emu.getUpload(publishId)?.putCount).toBe(0);
	});

	test("400 carries TikTok's message", async () => {
		const { error, inspection } = await upload({ contentType: 'video/x-matroska' });
		expect(error?.message).toMatch(
			/^Uploading chunk 1 of 3 \(bytes 0-5242879\) was rejected with HTTP 400: invalid_params: Content-Type must be one of/,
		);
		expect(inspection().putCount).toBe(1);
	});

	test("5xx on every attempt: gives up after the policy's attempts", async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 1, status: 502, times: 100 });
		const { error, inspection } = await upload({
			retryPolicy: { ...FAST_RETRIES, delaysMs: [1, 2] },
		});
		expect(error?.message).toBe(
			'Uploading chunk 2 of 3 (bytes 5242880-10485759) failed 3 times (last: HTTP 502)',
		);
		expect(tikTokErrorContext(error)?.code).toBe('upload_retries_exhausted');
		expect(inspection().putCount).toBe(4);
	});

	test('network errors are not retried when the policy has no retry', async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 0, drop: true });
		const { error } = await upload({ retryPolicy: { ...FAST_RETRIES, delaysMs: [] } });
		expect(error?.message).toMatch(
			/^Uploading chunk 1 of 3 \(bytes 0-5242879\) could not be sent \(the connection (was reset|closed while sending)\)$/,
		);
	});

	test.each([
		[
			'short',
			-1,
			'The upload stopped: the binary data ended after 15728641 of the 15728642 bytes it declared',
		],
		[
			'long',
			1,
			'The upload stopped: the binary data holds more than the 15728642 bytes it declared',
		],
	])('a %s source stops before TikTok gets a complete upload', async (_name, delta, message) => {
		const { readFile } = await import('node:fs/promises');
		const bytes = await readFile(file.path);
		const pieces = delta < 0 ? [bytes.subarray(0, file.size - 1)] : [bytes, Buffer.alloc(delta)];
		const { error, inspection } = await upload({ source: streamSource(() => pieces, file.size) });
		expect(error?.message).toBe(message);
		expect(tikTokErrorContext(error)?.code).toBe('upload_size_mismatch');
		expect(inspection()).toMatchObject({ complete: false, putCount: 2 });
	});

	test('cancelling the execution stops the upload, also while waiting to retry', async () => {
		const controller = new AbortController();
		const context = engineContext(controller.signal, (message) => {
			if (message.startsWith('TikTok upload: retrying chunk'))
				setTimeout(() => controller.abort(), 50);
		});
		emu.faults.add({ target: 'upload', chunkIndex: 1, status: 503 });
		const started = Date.now();
		const { error, inspection } = await upload(
			{
				retryPolicy: {
					...RETRY_POLICIES.uploadChunk,
					delaysMs: [10_000, 20_000, 40_000, 80_000, 80_000],
				},
			},
			context,
		);
		expect(error?.name).toBe('AbortError');
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(inspection()).toMatchObject({ complete: false, bytesReceived: 5 * MIB, putCount: 2 });
	});
});
