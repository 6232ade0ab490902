import { startMediaServer, type MediaServer } from './index';
import { get } from './test-helpers';

let server: MediaServer;
const SIZE = 2_000_000;

beforeAll(async () => {
	server = await startMediaServer();
});

afterAll(async () => {
	await server.close();
});

const fetchAll = () => get(server.url('/v.mp4'));

test('once (default): the first GET is cut after afterBytes, the next one is whole; the log says so', async () => {
	server.set('/v.mp4', { size: SIZE, drop: { afterBytes: 300_000 } });
	server.clearRequests();
	const cut = await fetchAll();
	expect(cut.status).toBe(200);
	expect(cut.error).toBeDefined();
	expect(cut.body.length).toBe(300_000);
	expect(cut.body.equals(await server.read('/v.mp4', 0, 299_999))).toBe(true);
	const whole = await fetchAll();
	expect(whole.error).toBeUndefined();
	expect(whole.body.length).toBe(SIZE);
	expect(server.requests.map((r) => [r.dropped, r.bytesSent])).toEqual([
		[true, 300_000],
		[false, SIZE],
	]);
});

test('HEAD requests do not count and are never cut', async () => {
	server.set('/v.mp4', { size: SIZE, drop: { afterBytes: 10 } });
	expect((await get(server.url('/v.mp4'), { method: 'HEAD' })).error).toBeUndefined();
	expect((await fetchAll()).body.length).toBe(10);
});

test('times: the first N GETs; every: all of them', async () => {
	server.set('/v.mp4', { size: SIZE, drop: { afterBytes: 1000, times: 2 } });
	expect([
		(await fetchAll()).body.length,
		(await fetchAll()).body.length,
		(await fetchAll()).body.length,
	]).toEqual([1000, 1000, SIZE]);
	server.set('/v.mp4', { size: SIZE, drop: { afterBytes: 1000, every: true } });
	for (let i = 0; i < 4; i++) expect((await fetchAll()).error).toBeDefined();
});

test('requests: exactly the GETs with those numbers', async () => {
	server.set('/v.mp4', { size: SIZE, drop: { afterBytes: 5, requests: [2, 4] } });
	const lengths: number[] = [];
	for (let i = 0; i < 5; i++) lengths.push((await fetchAll()).body.length);
	expect(lengths).toEqual([SIZE, 5, SIZE, 5, SIZE]);
});

test('atOffset: cut where the body reaches that file offset; ranges that do not cover it pass and do not count', async () => {
	server.set('/v.mp4', { size: SIZE, drop: { atOffset: 1_500_000 } });
	const before = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=0-999999' } });
	expect([before.status, before.body.length, before.error]).toEqual([206, 1_000_000, undefined]);
	const chunk = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=1000000-1999999' } });
	expect(chunk.status).toBe(206);
	expect(chunk.body.length).toBe(500_000);
	expect(chunk.error).toBeDefined();
	expect(chunk.body.equals(await server.read('/v.mp4', 1_000_000, 1_499_999))).toBe(true);
	const retry = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=1000000-1999999' } });
	expect([retry.body.length, retry.error]).toEqual([1_000_000, undefined]);
});

test('without afterBytes or atOffset: half the response; with chunked bodies too', async () => {
	server.set('/v.mp4', { size: SIZE, contentLength: false, drop: {} });
	const cut = await fetchAll();
	expect(cut.error).toBeDefined();
	expect(cut.body.length).toBe(SIZE / 2);
});

test('through fetch the cut shows as a failed body read', async () => {
	server.set('/v.mp4', { size: SIZE, drop: { afterBytes: 100_000 } });
	const response = await fetch(server.url('/v.mp4'));
	expect(response.status).toBe(200);
	await expect(response.arrayBuffer()).rejects.toThrow();
});
