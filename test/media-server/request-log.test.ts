import { startMediaServer, type MediaServer } from './index';
import { get } from './test-helpers';

let server: MediaServer;

beforeAll(async () => {
	server = await startMediaServer({
		files: { '/v.mp4': { size: 10_000 }, '/w.mp4': { size: 10 } },
	});
});

afterAll(async () => {
	await server.close();
});

test('every request: method, path, query, range, headers (secrets redacted), status, response headers, bytes sent, numbers', async () => {
	server.clearRequests();
	await get(server.url('/v.mp4'), { method: 'HEAD', headers: { 'User-Agent': 'probe' } });
	await get(server.url('/v.mp4?token=abc'), {
		headers: { Range: 'bytes=100-199', Authorization: 'Bearer x' },
	});
	await get(server.url('/w.mp4'));
	const [headReq, rangeReq, other] = server.requests;
	expect(headReq).toMatchObject({
		method: 'HEAD',
		path: '/v.mp4',
		status: 200,
		bytesSent: 0,
		requestNumber: 1,
		headers: expect.objectContaining({ 'user-agent': 'probe' }),
	});
	expect(rangeReq).toMatchObject({
		method: 'GET',
		path: '/v.mp4',
		query: 'token=abc',
		range: 'bytes=100-199',
		status: 206,
		start: 100,
		end: 199,
		bytesSent: 100,
		dropped: false,
		aborted: false,
		requestNumber: 2,
		version: 0,
		responseHeaders: expect.objectContaining({
			'content-range': 'bytes 100-199/10000',
			'content-length': '100',
		}),
	});
	expect(rangeReq.headers.authorization).toBe('[redacted]');
	expect(rangeReq.durationMs).toBeGreaterThanOrEqual(0);
	expect(rangeReq.id).toBeGreaterThan(headReq.id);
	expect(other).toMatchObject({ path: '/w.mp4', requestNumber: 1, bytesSent: 10 });
	expect(server.requestsFor('/v.mp4').length).toBe(2);
	expect(server.requestsFor('/v.mp4', 'GET').length).toBe(1);
	server.clearRequests();
	expect(server.requests).toEqual([]);
});

test('connections are counted (a client that reuses one shows 1)', async () => {
	const before = server.connectionCount;
	await get(server.url('/w.mp4'));
	await get(server.url('/w.mp4'));
	expect(server.connectionCount - before).toBe(2);
});
