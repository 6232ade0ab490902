import { startEmulator, type TikTokEmulator, type TokenResponse } from './index';
import { apiCall, fileInitBody, formPost, makeBytes, putChunk, request } from './test-helpers';

const VIDEO_INIT = '/v2/post/publish/video/init/';
const STATUS = '/v2/post/publish/status/fetch/';

let emu: TikTokEmulator;
let tokens: TokenResponse;

beforeEach(async () => {
	emu = await startEmulator({ settings: { rateLimits: { videoInit: 100, status: 100 } } });
	tokens = emu.issueTokens();
});

afterEach(async () => {
	await emu.close();
});

const init = () =>
	apiCall(emu, VIDEO_INIT, { token: tokens.access_token, body: fileInitBody(1000, 1000, 1) });

describe('API faults', () => {
	test("'before' status faults replace the answer and the request has no effect; times defaults to 1", async () => {
		emu.faults.add({ target: 'videoInit', status: 503 });
		const failed = await init();
		expect(failed.status).toBe(503);
		expect(failed.json).toMatchObject({
			data: {},
			error: { code: 'internal_error', log_id: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/) },
		});
		expect(emu.tasks).toHaveLength(0);
		expect(emu.initCalls('videoInit')).toBe(1);
		expect((await init()).status).toBe(200);
	});

	test("'before' drop: the connection dies and nothing is created", async () => {
		emu.faults.add({ target: 'videoInit', action: { drop: true } });
		await expect(init()).rejects.toThrow();
		expect(emu.tasks).toHaveLength(0);
		expect(emu.requests[0]).toMatchObject({ path: VIDEO_INIT, status: 0, faultId: 1 });
	});

	test("'after' drop / 5xx: the post IS created but the client never learns its publish_id", async () => {
		emu.faults.add({ target: 'videoInit', phase: 'after', drop: true });
		await expect(init()).rejects.toThrow();
		expect(emu.tasks).toHaveLength(1);
		emu.faults.add({ target: 'videoInit', phase: 'after', status: 500 });
		const lost = await init();
		expect(lost.status).toBe(500);
		expect(lost.json.data).toEqual({});
		expect(emu.tasks).toHaveLength(2);
		expect(emu.initCalls('videoInit')).toBe(2);
	});

	test('nth, times, publishId filter, custom body and headers, delayMs', async () => {
		const publishId: string = (await init()).json.data.publish_id;
		const status = () =>
			apiCall(emu, STATUS, { token: tokens.access_token, body: { publish_id: publishId } });
		emu.faults.add({ target: 'status', publishId: 'someone-else', status: 500 });
		emu.faults.add({
			target: 'status',
			publishId,
			nth: 2,
			times: 2,
			status: 429,
			body: { error: { code: 'rate_limit_exceeded', message: 'slow down', log_id: 'x' } },
			headers: { 'Retry-After': '1' },
		});
		expect((await status()).status).toBe(200);
		const limited = await status();
		expect(limited.status).toBe(429);
		expect(limited.json.error.message).toBe('slow down');
		expect(limited.headers['retry-after']).toBe('1');
		expect((await status()).status).toBe(429);
		expect((await status()).status).toBe(200);
		expect(emu.faults.list().map((f) => f.fired)).toEqual([0, 2]);

		emu.faults.add({ target: 'status', delayMs: 250 });
		const started = Date.now();
		expect((await status()).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(240);
	});

	test('token faults answer in the flat OAuth shape', async () => {
		emu.faults.add({ target: 'token', status: 500 });
		const result = await formPost(`${emu.baseUrl}/v2/oauth/token/`, {
			client_key: emu.app.clientKey,
			client_secret: emu.app.clientSecret,
			grant_type: 'refresh_token',
			refresh_token: tokens.refresh_token,
		});
		expect(result.status).toBe(500);
		expect(result.json).toMatchObject({ error: 'server_error', log_id: expect.any(String) });
		expect(result.json.data).toBeUndefined();
	});

	test('a rule needs exactly one action; expireUploadUrl is upload-only', () => {
		expect(() => emu.faults.add({ target: 'status' } as never)).toThrow(/exactly one/);
		expect(() => emu.faults.add({ target: 'status', status: 500, drop: true } as never)).toThrow(
			/exactly one/,
		);
		expect(() => emu.faults.add({ target: 'status', expireUploadUrl: true })).toThrow(
			/upload target/,
		);
	});

	test("'after' drop on the last upload chunk: committed, the client sees a dead socket, then 416 tells it all is there", async () => {
		const created = await init();
		emu.faults.add({ target: 'upload', phase: 'after', drop: true });
		const uploadUrl: string = created.json.data.upload_url;
		await expect(putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000')).rejects.toThrow();
		expect(emu.getUpload(created.json.data.publish_id)?.complete).toBe(true);
		const retry = await putChunk(uploadUrl, makeBytes(1000), 'bytes 0-999/1000');
		expect(retry.status).toBe(416);
		expect(retry.headers['content-range']).toBe('bytes 0-999/1000');
	});

	test('a chunked (no Content-Length) upload body is refused: TikTok requires Content-Length', async () => {
		const created = await init();
		const result = await request(created.json.data.upload_url, {
			method: 'PUT',
			headers: {
				'Content-Type': 'video/mp4',
				'Content-Range': 'bytes 0-999/1000',
				'Transfer-Encoding': 'chunked',
			},
			body: makeBytes(1000),
		});
		expect(result.status).toBe(400);
		expect(result.json.error.message).toMatch(/Content-Length is required/);
	});
});

describe('request log', () => {
	test('records method, path, redacted query/headers/body, status, error code, virtual time, token id', async () => {
		emu.clock.advance(1_000_000);
		await formPost(`${emu.baseUrl}/v2/oauth/token/?client_key=${emu.app.clientKey}&foo=bar`, {
			client_key: emu.app.clientKey,
			client_secret: emu.app.clientSecret,
			grant_type: 'refresh_token',
			refresh_token: tokens.refresh_token,
		});
		const [entry] = emu.requests;
		expect(entry).toMatchObject({
			server: 'api',
			method: 'POST',
			path: '/v2/oauth/token/',
			query: { client_key: emu.app.clientKey, foo: 'bar' },
			body: {
				client_key: emu.app.clientKey,
				client_secret: '[redacted]',
				grant_type: 'refresh_token',
				refresh_token: '[redacted]',
			},
			status: 200,
		});
		expect(Math.abs(entry.time - emu.clock.now())).toBeLessThan(1000);
		expect(JSON.stringify(emu.requests)).not.toContain(tokens.refresh_token);
		expect(JSON.stringify(emu.requests)).not.toContain(emu.app.clientSecret);

		await apiCall(emu, '/v2/user/info/?fields=nope', { method: 'GET', token: tokens.access_token });
		const second = emu.requests[1];
		expect(second).toMatchObject({
			method: 'GET',
			path: '/v2/user/info/',
			status: 400,
			errorCode: 'invalid_params',
			openId: emu.defaultAccount.openId,
			tokenId: expect.stringMatching(/^at\d+$/),
		});
		expect(second.headers.authorization).toBe('Bearer [redacted]');
		expect(JSON.stringify(emu.requests)).not.toContain(tokens.access_token);
	});
});
