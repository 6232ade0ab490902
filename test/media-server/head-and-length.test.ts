import { startMediaServer, type MediaServer } from './index';
import { get } from './test-helpers';

let server: MediaServer;

beforeAll(async () => {
	server = await startMediaServer({ files: { '/v.mp4': { size: 500_000 } } });
});

afterAll(async () => {
	await server.close();
});

beforeEach(() => {
	server.set('/v.mp4', { size: 500_000 });
});

describe('HEAD', () => {
	test('on (default): the GET headers (length, type, ETag, Last-Modified, Accept-Ranges) and no body', async () => {
		const result = await get(server.url('/v.mp4'), { method: 'HEAD' });
		expect(result.status).toBe(200);
		expect(result.headers).toMatchObject({
			'content-length': '500000',
			'content-type': 'video/mp4',
			'accept-ranges': 'bytes',
			etag: expect.stringMatching(/^".+"$/),
			'last-modified': 'Tue, 01 Dec 2026 00:00:00 GMT',
		});
		expect(result.body.length).toBe(0);
		expect(server.requests.at(-1)).toMatchObject({ method: 'HEAD', bytesSent: 0, status: 200 });
		const ranged = await get(server.url('/v.mp4'), {
			method: 'HEAD',
			headers: { Range: 'bytes=0-99' },
		});
		expect([
			ranged.status,
			ranged.headers['content-range'],
			ranged.headers['content-length'],
		]).toEqual([206, 'bytes 0-99/500000', '100']);
	});

	test('off: 405 with Allow: GET; GET still serves', async () => {
		server.update('/v.mp4', { head: false });
		const result = await get(server.url('/v.mp4'), { method: 'HEAD' });
		expect(result.status).toBe(405);
		expect(result.headers.allow).toBe('GET');
		expect((await get(server.url('/v.mp4'))).status).toBe(200);
	});

	test('other methods: 405', async () => {
		const result = await get(server.url('/v.mp4'), { method: 'POST' });
		expect([result.status, result.headers.allow]).toEqual([405, 'GET, HEAD']);
	});
});

describe('no Content-Length', () => {
	beforeEach(() => server.update('/v.mp4', { contentLength: false }));

	test('GET: chunked, no Content-Length; the bytes are all there', async () => {
		const result = await get(server.url('/v.mp4'));
		expect(result.status).toBe(200);
		expect(result.headers['content-length']).toBeUndefined();
		expect(result.headers['transfer-encoding']).toBe('chunked');
		expect(result.body.equals(await server.read('/v.mp4'))).toBe(true);
	});

	test('HEAD: no Content-Length either', async () => {
		const result = await get(server.url('/v.mp4'), { method: 'HEAD' });
		expect(result.status).toBe(200);
		expect(result.headers['content-length']).toBeUndefined();
	});

	test('ranges still work but Content-Range has no total (bytes a-b/*), so the size stays unknown', async () => {
		const result = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=0-1023' } });
		expect(result.status).toBe(206);
		expect(result.headers['content-range']).toBe('bytes 0-1023/*');
		expect(result.headers['content-length']).toBeUndefined();
		expect(result.body.length).toBe(1024);
		const bad = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=9999999-' } });
		expect([bad.status, bad.headers['content-range']]).toEqual([416, 'bytes */*']);
	});
});

describe("Content-Length 'chunked'", () => {
	beforeEach(() => server.update('/v.mp4', { contentLength: 'chunked' }));

	test('GET bodies chunked, ranged or not; HEAD and Content-Range still tell the size', async () => {
		const size = (await server.read('/v.mp4')).length;
		const whole = await get(server.url('/v.mp4'));
		expect([whole.headers['content-length'], whole.headers['transfer-encoding']]).toEqual([
			undefined,
			'chunked',
		]);
		expect(whole.body.equals(await server.read('/v.mp4'))).toBe(true);
		const ranged = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=0-1023' } });
		expect(ranged.status).toBe(206);
		expect(ranged.headers['content-range']).toBe(`bytes 0-1023/${size}`);
		expect(ranged.headers['content-length']).toBeUndefined();
		expect(ranged.body.length).toBe(1024);
		const head = await get(server.url('/v.mp4'), { method: 'HEAD' });
		expect(head.headers['content-length']).toBe(String(size));
	});
});
