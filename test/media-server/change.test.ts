import { startMediaServer, type MediaServer } from './index';
import { get } from './test-helpers';

let server: MediaServer;

beforeAll(async () => {
	server = await startMediaServer();
});

afterAll(async () => {
	await server.close();
});

const head = () => get(server.url('/v.mp4'), { method: 'HEAD' });

test('size change after N requests: Content-Length, Content-Range totals and the default ETag follow', async () => {
	server.set('/v.mp4', { size: 1_000_000, change: { afterRequests: 2, size: 1_200_000 } });
	const first = await head();
	const second = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=0-99' } });
	const third = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=0-99' } });
	expect(first.headers['content-length']).toBe('1000000');
	expect(second.headers['content-range']).toBe('bytes 0-99/1000000');
	expect(third.headers['content-range']).toBe('bytes 0-99/1200000');
	expect(third.headers.etag).not.toBe(first.headers.etag);
	expect(third.headers['last-modified']).toBe(first.headers['last-modified']);
	expect(server.requestsFor('/v.mp4').map((r) => r.version)).toEqual([0, 0, 1]);
	expect(server.sizeOf('/v.mp4')).toBe(1_200_000);
});

test('size change only (no ETag, no Last-Modified sent at all)', async () => {
	server.set('/v.mp4', {
		size: 1000,
		etag: false,
		lastModified: false,
		change: { afterRequests: 1, size: 999 },
	});
	const first = await head();
	const second = await head();
	expect([first.headers.etag, first.headers['last-modified']]).toEqual([undefined, undefined]);
	expect([first.headers['content-length'], second.headers['content-length']]).toEqual([
		'1000',
		'999',
	]);
});

test('ETag change only: same bytes and size, new tag', async () => {
	server.set('/v.mp4', { size: 1000, etag: '"v1"', change: { afterRequests: 1, etag: '"v2"' } });
	const first = await get(server.url('/v.mp4'));
	const second = await get(server.url('/v.mp4'));
	expect([first.headers.etag, second.headers.etag]).toEqual(['"v1"', '"v2"']);
	expect(second.body.equals(first.body)).toBe(true);
});

test('Last-Modified change only', async () => {
	server.set('/v.mp4', {
		size: 1000,
		etag: false,
		change: { afterRequests: 1, lastModified: 'Wed, 02 Dec 2026 10:00:00 GMT' },
	});
	const first = await head();
	const second = await head();
	expect([first.headers['last-modified'], second.headers['last-modified']]).toEqual([
		'Tue, 01 Dec 2026 00:00:00 GMT',
		'Wed, 02 Dec 2026 10:00:00 GMT',
	]);
	expect(second.headers['content-length']).toBe('1000');
});

test('bytes change, same size (new seed): different bytes, new default ETag', async () => {
	server.set('/v.mp4', { size: 10_000, kind: 'random', change: { afterRequests: 1, seed: 99 } });
	const first = await get(server.url('/v.mp4'));
	const second = await get(server.url('/v.mp4'));
	expect(second.body.length).toBe(first.body.length);
	expect(second.body.equals(first.body)).toBe(false);
	expect(second.headers.etag).not.toBe(first.headers.etag);
});

test('a ranged re-fetch with If-Range after the change gets the whole new file (200)', async () => {
	server.set('/v.mp4', { size: 5000, change: { afterRequests: 1, size: 6000 } });
	const first = await get(server.url('/v.mp4'), { headers: { Range: 'bytes=0-99' } });
	const again = await get(server.url('/v.mp4'), {
		headers: { Range: 'bytes=100-199', 'If-Range': first.headers.etag as string },
	});
	expect([again.status, again.body.length]).toEqual([200, 6000]);
});

test('update() changes content at any moment (version +1) without resetting counters', async () => {
	server.set('/v.mp4', { size: 100, drop: { afterBytes: 10, requests: [2] } });
	await get(server.url('/v.mp4'));
	server.update('/v.mp4', { size: 200 });
	expect(server.describe('/v.mp4')).toMatchObject({ size: 200, version: 1, requests: 1 });
	const second = await get(server.url('/v.mp4'));
	expect(second.body.length).toBe(10);
	expect((await get(server.url('/v.mp4'))).body.length).toBe(200);
});
