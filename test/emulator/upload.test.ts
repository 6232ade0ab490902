import * as http from 'node:http';
import { startEmulator, type TikTokEmulator, type TokenResponse } from './index';
import {
	apiCall,
	fileInitBody,
	makeBytes,
	MIB,
	putChunk,
	rawExchange,
	request,
	sha256,
	uploadInChunks,
} from './test-helpers';

const VIDEO_INIT = '/v2/post/publish/video/init/';

let emu: TikTokEmulator;
let tokens: TokenResponse;

beforeEach(async () => {
	emu = await startEmulator({ settings: { rateLimits: { videoInit: 1000, status: 1000 } } });
	tokens = emu.issueTokens();
});

afterEach(async () => {
	await emu.close();
});

async function init(
	videoSize: number,
	chunkSize: number,
	count: number,
): Promise<{ publishId: string; uploadUrl: string }> {
	const result = await apiCall(emu, VIDEO_INIT, {
		token: tokens.access_token,
		body: fileInitBody(videoSize, chunkSize, count),
	});
	expect(result.json.error.code).toBe('ok');
	return { publishId: result.json.data.publish_id, uploadUrl: result.json.data.upload_url };
}

async function uploadedBytes(publishId: string): Promise<number> {
	const result = await apiCall(emu, '/v2/post/publish/status/fetch/', {
		token: tokens.access_token,
		body: { publish_id: publishId },
	});
	return result.json.data.uploaded_bytes;
}

const C = 5 * MIB;
const V = 3 * C + 1234;

describe('chunked PUT: the happy path', () => {
	test('206, 206, 201 with Content-Range progress; hash of committed bytes equals the file', async () => {
		const file = makeBytes(V, 7);
		const { publishId, uploadUrl } = await init(V, C, 3);
		const first = await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${V}`);
		expect(first.status).toBe(206);
		expect(first.headers['content-range']).toBe(`bytes 0-${C - 1}/${V}`);
		expect(await uploadedBytes(publishId)).toBe(C);
		expect(emu.getUpload(publishId)?.sha256).toBe(sha256(file.subarray(0, C)));

		const second = await putChunk(
			uploadUrl,
			file.subarray(C, 2 * C),
			`bytes ${C}-${2 * C - 1}/${V}`,
		);
		expect(second.status).toBe(206);
		expect(second.headers['content-range']).toBe(`bytes 0-${2 * C - 1}/${V}`);
		// The final chunk absorbs the remainder (C + 1234 bytes).
		const last = await putChunk(uploadUrl, file.subarray(2 * C), `bytes ${2 * C}-${V - 1}/${V}`);
		expect(last.status).toBe(201);
		expect(last.headers['content-range']).toBe(`bytes 0-${V - 1}/${V}`);

		const upload = emu.getUpload(publishId);
		expect(upload).toMatchObject({
			videoSize: V,
			chunkSize: C,
			totalChunkCount: 3,
			bytesReceived: V,
			complete: true,
			putCount: 3,
			sawAuthorizationHeader: false,
		});
		expect(upload?.sha256).toBe(sha256(file));
		expect(upload?.contentTypes).toEqual(['video/mp4', 'video/mp4', 'video/mp4']);
		expect(
			upload?.chunks.map((chunk) => [chunk.start, chunk.end, chunk.length, chunk.status]),
		).toEqual([
			[0, C - 1, C, 'committed'],
			[C, 2 * C - 1, C, 'committed'],
			[2 * C, V - 1, C + 1234, 'committed'],
		]);
		expect(await uploadedBytes(publishId)).toBe(V);
	});

	test('a small file goes whole in one PUT (201)', async () => {
		const file = makeBytes(1000, 3);
		const { publishId, uploadUrl } = await init(1000, 1000, 1);
		expect(
			(await putChunk(uploadUrl, file, 'bytes 0-999/1000', { contentType: 'video/quicktime' }))
				.status,
		).toBe(201);
		expect(emu.getUpload(publishId)?.sha256).toBe(sha256(file));
	});

	test('a 70 MB file (over 64 MB, so chunked) with a 40 MB final chunk', async () => {
		const size = 70_000_000;
		const file = makeBytes(size, 11);
		const { publishId, uploadUrl } = await init(size, 30_000_000, 2);
		expect(await uploadInChunks(uploadUrl, file, 30_000_000, 'video/webm')).toEqual([206, 201]);
		const upload = emu.getUpload(publishId);
		expect(upload?.chunks[1].length).toBe(40_000_000);
		expect(upload?.sha256).toBe(sha256(file));
	});

	test('no Authorization is needed; one that is sent is recorded (and harmless)', async () => {
		const { publishId, uploadUrl } = await init(1000, 1000, 1);
		const result = await putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000', {
			headers: { Authorization: `Bearer ${tokens.access_token}` },
		});
		expect(result.status).toBe(201);
		expect(emu.getUpload(publishId)?.sawAuthorizationHeader).toBe(true);
	});

	test('the upload host is a separate server; connections are counted per server', async () => {
		const { uploadUrl } = await init(2 * C, C, 2);
		const file = makeBytes(2 * C);
		const before = { ...emu.connectionCount };
		await uploadInChunks(uploadUrl, file, C);
		expect(emu.connectionCount.upload - before.upload).toBe(2);
		expect(emu.connectionCount.api).toBe(before.api);
		expect(emu.requests.filter((entry) => entry.server === 'upload')).toHaveLength(2);
		// The upload token is redacted from the log.
		expect(emu.requests.find((entry) => entry.server === 'upload')?.query.upload_token).toBe(
			'[redacted]',
		);
	});
});

describe('chunked PUT: header rules', () => {
	test.each<[string, { contentType?: string | null }, number]>([
		['missing Content-Type', { contentType: null }, 400],
		['application/octet-stream', { contentType: 'application/octet-stream' }, 400],
		['video/mp4 with parameters', { contentType: 'video/mp4; codecs="avc1"' }, 201],
		['video/webm', { contentType: 'video/webm' }, 201],
	])('Content-Type: %s', async (_name, options, status) => {
		const { uploadUrl } = await init(1000, 1000, 1);
		const result = await putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000', options);
		expect(result.status).toBe(status);
		if (status === 400) expect(result.json.error.message).toMatch(/Content-Type/);
	});

	test.each<[string, string | undefined, RegExp]>([
		['missing', undefined, /Content-Range must be/],
		['bytes= form', 'bytes=0-999/1000', /Content-Range must be/],
		['no total', 'bytes 0-999/*', /Content-Range must be/],
		['last before first', 'bytes 10-5/1000', /malformed/],
		['last beyond total', 'bytes 0-1000/1000', /malformed/],
		['total is not video_size', 'bytes 0-999/1001', /does not match video_size/],
	])('Content-Range %s -> 400', async (_name, range, message) => {
		const { uploadUrl } = await init(1000, 1000, 1);
		const result = await putChunk(uploadUrl, makeBytes(1000), range);
		expect(result.status).toBe(400);
		expect(result.json.error.message).toMatch(message);
	});

	test('Content-Length must match the range', async () => {
		const { uploadUrl, publishId } = await init(1000, 1000, 1);
		const result = await putChunk(uploadUrl, makeBytes(999), 'bytes 0-999/1000');
		expect(result.status).toBe(400);
		expect(result.json.error.message).toMatch(/Content-Length 999 does not match/);
		expect(emu.getUpload(publishId)?.bytesReceived).toBe(0);
	});

	test('a non-final chunk must be exactly chunk_size; the final chunk exactly the remainder', async () => {
		const file = makeBytes(V);
		const { uploadUrl, publishId } = await init(V, C, 3);
		const tooLong = await putChunk(uploadUrl, file.subarray(0, C + 1), `bytes 0-${C}/${V}`);
		expect(tooLong.status).toBe(400);
		expect(tooLong.json.error.message).toMatch(/The chunk size is invalid/);
		const tooShort = await putChunk(uploadUrl, file.subarray(0, C - 1), `bytes 0-${C - 2}/${V}`);
		expect(tooShort.status).toBe(400);
		expect(emu.getUpload(publishId)?.bytesReceived).toBe(0);
		expect((await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${V}`)).status).toBe(
			206,
		);
		expect(
			(await putChunk(uploadUrl, file.subarray(C, 2 * C), `bytes ${C}-${2 * C - 1}/${V}`)).status,
		).toBe(206);
		// The last chunk may not stop at chunk_size, leaving the remainder for a 4th PUT.
		const shortFinal = await putChunk(
			uploadUrl,
			file.subarray(2 * C, 3 * C),
			`bytes ${2 * C}-${3 * C - 1}/${V}`,
		);
		expect(shortFinal.status).toBe(400);
		expect(shortFinal.json.error.message).toMatch(
			new RegExp(`chunk 2 must span bytes ${2 * C}-${V - 1}`),
		);
	});
});

describe('chunked PUT: progress (416)', () => {
	test('out of order: 416 with "bytes */total" while nothing is committed', async () => {
		const file = makeBytes(V);
		const { uploadUrl } = await init(V, C, 3);
		const skipped = await putChunk(
			uploadUrl,
			file.subarray(C, 2 * C),
			`bytes ${C}-${2 * C - 1}/${V}`,
		);
		expect(skipped.status).toBe(416);
		expect(skipped.headers['content-range']).toBe(`bytes */${V}`);
	});

	test('repeat and overlap: 416 with the committed range', async () => {
		const file = makeBytes(V);
		const { uploadUrl, publishId } = await init(V, C, 3);
		expect((await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${V}`)).status).toBe(
			206,
		);
		const repeat = await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${V}`);
		expect(repeat.status).toBe(416);
		expect(repeat.headers['content-range']).toBe(`bytes 0-${C - 1}/${V}`);
		const overlap = await putChunk(
			uploadUrl,
			file.subarray(C - 10, 2 * C - 10),
			`bytes ${C - 10}-${2 * C - 11}/${V}`,
		);
		expect(overlap.status).toBe(416);
		expect(emu.getUpload(publishId)?.sha256).toBe(sha256(file.subarray(0, C)));
	});

	test('a PUT after the last chunk: 416 with the full range', async () => {
		const file = makeBytes(1000);
		const { uploadUrl } = await init(1000, 1000, 1);
		expect((await putChunk(uploadUrl, file, 'bytes 0-999/1000')).status).toBe(201);
		const again = await putChunk(uploadUrl, file, 'bytes 0-999/1000');
		expect(again.status).toBe(416);
		expect(again.headers['content-range']).toBe('bytes 0-999/1000');
	});

	test('chunks are sequential: a second PUT while one is in flight is 416', async () => {
		const file = makeBytes(2 * C);
		const { uploadUrl, publishId } = await init(2 * C, C, 2);
		const slow = await new Promise<{ finish: () => Promise<number> }>((resolve) => {
			const req = http.request(uploadUrl, {
				method: 'PUT',
				agent: false,
				headers: {
					'Content-Type': 'video/mp4',
					'Content-Range': `bytes 0-${C - 1}/${2 * C}`,
					'Content-Length': String(C),
				},
			});
			const done = new Promise<number>((res) =>
				req.on('response', (response) => {
					response.resume();
					res(response.statusCode ?? 0);
				}),
			);
			req.write(file.subarray(0, 1000), () =>
				resolve({
					finish: () => {
						req.end(file.subarray(1000, C));
						return done;
					},
				}),
			);
		});
		await new Promise((resolve) => setTimeout(resolve, 50));
		const concurrent = await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${2 * C}`);
		expect(concurrent.status).toBe(416);
		expect(await slow.finish()).toBe(206);
		expect(emu.getUpload(publishId)?.bytesReceived).toBe(C);
	});
});

describe('chunked PUT: URL validity (403, 404)', () => {
	test('the upload_url expires one hour (virtual) after init: 403', async () => {
		const file = makeBytes(2 * C);
		const { uploadUrl, publishId } = await init(2 * C, C, 2);
		expect(
			(await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${2 * C}`)).status,
		).toBe(206);
		emu.clock.advance(3_600_000);
		const late = await putChunk(uploadUrl, file.subarray(C), `bytes ${C}-${2 * C - 1}/${2 * C}`);
		expect(late.status).toBe(403);
		expect(emu.getUpload(publishId)).toMatchObject({
			expired: true,
			bytesReceived: C,
			complete: false,
		});
	});

	test('unknown upload_id, wrong upload_token, unknown path: 404; other methods: 405', async () => {
		const { uploadUrl } = await init(1000, 1000, 1);
		const url = new URL(uploadUrl);
		const wrongToken = new URL(uploadUrl);
		wrongToken.searchParams.set('upload_token', 'nope');
		const wrongId = new URL(uploadUrl);
		wrongId.searchParams.set('upload_id', '1');
		for (const target of [
			wrongToken,
			wrongId,
			new URL(`${url.origin}/upload/other/${url.search}`),
		]) {
			expect((await putChunk(target.toString(), makeBytes(1000), 'bytes 0-999/1000')).status).toBe(
				404,
			);
		}
		expect((await request(uploadUrl, { method: 'POST', body: 'x' })).status).toBe(405);
		// The upload URL works without the trailing slash too.
		expect(
			(
				await putChunk(
					uploadUrl.replace('/video/?', '/video?'),
					makeBytes(1000),
					'bytes 0-999/1000',
				)
			).status,
		).toBe(201);
	});

	test('emu.expireUploadUrl() forces a 403', async () => {
		const { uploadUrl, publishId } = await init(1000, 1000, 1);
		emu.expireUploadUrl(publishId);
		expect((await putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000')).status).toBe(403);
	});
});

describe('chunked PUT: bodies that do not match Content-Length', () => {
	const rawPut = (uploadUrl: string, declared: number, body: Buffer, range: string) => {
		const url = new URL(uploadUrl);
		const head = `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: video/mp4\r\nContent-Range: ${range}\r\nContent-Length: ${declared}\r\n\r\n`;
		return Buffer.concat([Buffer.from(head), body]);
	};

	test('fewer bytes than Content-Length, then EOF: 400 and nothing committed', async () => {
		const { uploadUrl, publishId } = await init(1000, 1000, 1);
		const response = await rawExchange(
			uploadUrl,
			rawPut(uploadUrl, 1000, makeBytes(500), 'bytes 0-999/1000'),
			{ halfClose: true },
		);
		expect(response).toMatch(/^HTTP\/1\.1 400/);
		const upload = emu.getUpload(publishId);
		expect(upload?.bytesReceived).toBe(0);
		expect(upload?.attempts[0].outcome).toBe('aborted');
	});

	test('fewer bytes than Content-Length, then a stall: 400 after uploadBodyTimeoutMs', async () => {
		emu.settings.uploadBodyTimeoutMs = 200;
		const { uploadUrl, publishId } = await init(1000, 1000, 1);
		const response = await rawExchange(
			uploadUrl,
			rawPut(uploadUrl, 1000, makeBytes(400), 'bytes 0-999/1000'),
			{ waitMs: 2000 },
		);
		expect(response).toMatch(/^HTTP\/1\.1 400/);
		expect(response).toContain('does not match the 400 bytes received');
		expect(emu.getUpload(publishId)?.bytesReceived).toBe(0);
		// The URL is still usable for a correct retry.
		expect((await putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000')).status).toBe(201);
	});
});

describe('upload faults', () => {
	test('a 503 on chunk 1 is not committed; retrying the same chunk completes the upload', async () => {
		const file = makeBytes(V, 5);
		const { uploadUrl, publishId } = await init(V, C, 3);
		emu.faults.add({ target: 'upload', chunkIndex: 1, status: 503, times: 2 });
		const put = (i: number) => {
			const start = i * C;
			const end = i === 2 ? V - 1 : start + C - 1;
			return putChunk(uploadUrl, file.subarray(start, end + 1), `bytes ${start}-${end}/${V}`);
		};
		expect((await put(0)).status).toBe(206);
		const failed = await put(1);
		expect(failed.status).toBe(503);
		expect(failed.json.error.code).toBe('internal_error');
		expect(emu.getUpload(publishId)?.sha256).toBe(sha256(file.subarray(0, C)));
		expect((await put(1)).status).toBe(503);
		expect((await put(1)).status).toBe(206);
		expect((await put(2)).status).toBe(201);
		const upload = emu.getUpload(publishId);
		expect(upload?.sha256).toBe(sha256(file));
		expect(upload?.putCount).toBe(5);
		expect(upload?.chunks[1].attempts).toBe(3);
		expect(upload?.attempts.map((a) => a.outcome)).toEqual([
			'committed',
			'faulted',
			'faulted',
			'committed',
			'committed',
		]);
	});

	test('a dropped connection mid-body is not committed; the retry succeeds', async () => {
		const file = makeBytes(2 * C, 9);
		const { uploadUrl, publishId } = await init(2 * C, C, 2);
		emu.faults.add({ target: 'upload', chunkIndex: 0, action: { drop: true, afterBytes: 65_536 } });
		await expect(
			putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${2 * C}`),
		).rejects.toThrow();
		const upload = emu.getUpload(publishId);
		expect(upload?.bytesReceived).toBe(0);
		expect(upload?.attempts[0].outcome).toBe('dropped');
		expect(upload?.attempts[0].receivedBytes).toBeGreaterThanOrEqual(65_536);
		expect(await uploadInChunks(uploadUrl, file, C)).toEqual([206, 201]);
		expect(emu.getUpload(publishId)?.sha256).toBe(sha256(file));
		expect(emu.requests.some((entry) => entry.server === 'upload' && entry.status === 0)).toBe(
			true,
		);
	});

	test("phase 'after': the chunk is committed but the answer is a 500; the client re-syncs from the 416", async () => {
		const file = makeBytes(2 * C, 13);
		const { uploadUrl, publishId } = await init(2 * C, C, 2);
		emu.faults.add({ target: 'upload', chunkIndex: 0, phase: 'after', status: 500 });
		expect(
			(await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${2 * C}`)).status,
		).toBe(500);
		expect(emu.getUpload(publishId)?.bytesReceived).toBe(C);
		const retry = await putChunk(uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${2 * C}`);
		expect(retry.status).toBe(416);
		expect(retry.headers['content-range']).toBe(`bytes 0-${C - 1}/${2 * C}`);
		expect(
			(await putChunk(uploadUrl, file.subarray(C), `bytes ${C}-${2 * C - 1}/${2 * C}`)).status,
		).toBe(201);
		expect(emu.getUpload(publishId)?.sha256).toBe(sha256(file));
	});

	test('expireUploadUrl fault, delayMs fault, nth and custom bodies', async () => {
		const { uploadUrl } = await init(1000, 1000, 1);
		emu.faults.add({ target: 'upload', expireUploadUrl: true });
		expect((await putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000')).status).toBe(403);

		const second = await init(1000, 1000, 1);
		emu.faults.add({ target: 'upload', delayMs: 300 });
		const started = Date.now();
		expect((await putChunk(second.uploadUrl, makeBytes(1000), 'bytes 0-999/1000')).status).toBe(
			201,
		);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);

		const third = await init(2 * C, C, 2);
		emu.faults.add({
			target: 'upload',
			publishId: third.publishId,
			nth: 2,
			status: 502,
			body: '<html>bad gateway</html>',
			headers: { 'Content-Type': 'text/html' },
		});
		const file = makeBytes(2 * C);
		expect(
			(await putChunk(third.uploadUrl, file.subarray(0, C), `bytes 0-${C - 1}/${2 * C}`)).status,
		).toBe(206);
		const gateway = await putChunk(
			third.uploadUrl,
			file.subarray(C),
			`bytes ${C}-${2 * C - 1}/${2 * C}`,
		);
		expect(gateway.status).toBe(502);
		expect(gateway.text).toBe('<html>bad gateway</html>');
		expect(gateway.headers['content-type']).toBe('text/html');
	});
});

describe('upload server modes', () => {
	test("uploadServer 'same' issues upload URLs on the API host", async () => {
		const same = await startEmulator({ uploadServer: 'same' });
		try {
			const token = same.issueTokens().access_token;
			const init1 = await apiCall(same, VIDEO_INIT, { token, body: fileInitBody(1000, 1000, 1) });
			const uploadUrl: string = init1.json.data.upload_url;
			expect(new URL(uploadUrl).origin).toBe(same.baseUrl);
			expect(same.uploadBaseUrl).toBe(same.baseUrl);
			expect((await putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000')).status).toBe(201);
		} finally {
			await same.close();
		}
	});

	test('uploadHostname changes the host written into upload_url', async () => {
		const named = await startEmulator({ uploadHostname: 'upload.localhost' });
		try {
			expect(named.uploadBaseUrl).toMatch(/^http:\/\/upload\.localhost:\d+$/);
			const init1 = await apiCall(named, VIDEO_INIT, {
				token: named.issueTokens().access_token,
				body: fileInitBody(1000, 1000, 1),
			});
			expect(new URL(init1.json.data.upload_url).hostname).toBe('upload.localhost');
		} finally {
			await named.close();
		}
	});
});
