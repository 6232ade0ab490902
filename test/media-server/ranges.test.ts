import { parseRange, startMediaServer, type MediaServer } from './index';
import { get } from './test-helpers';

let server: MediaServer;
const SIZE = 1_000_000;

beforeAll(async () => {
	server = await startMediaServer();
});

afterAll(async () => {
	await server.close();
});

beforeEach(() => {
	server.set('/v.mp4', { size: SIZE, seed: 5 });
	server.clearRequests();
});

const range = (value: string, extra: Record<string, string> = {}) =>
	get(server.url('/v.mp4'), { headers: { Range: value, ...extra } });

describe('ranges on (default)', () => {
	test('Accept-Ranges: bytes; 206 with Content-Range and Content-Length; exactly those bytes', async () => {
		const whole = await get(server.url('/v.mp4'));
		expect(whole.headers['accept-ranges']).toBe('bytes');
		const result = await range('bytes=1000-1999');
		expect(result.status).toBe(206);
		expect(result.headers['content-range']).toBe(`bytes 1000-1999/${SIZE}`);
		expect(result.headers['content-length']).toBe('1000');
		expect(result.body.equals(whole.body.subarray(1000, 2000))).toBe(true);
		expect(server.requests.at(-1)).toMatchObject({
			range: 'bytes=1000-1999',
			start: 1000,
			end: 1999,
			status: 206,
			bytesSent: 1000,
		});
	});

	test('open-ended, suffix, and an end past the size (clamped)', async () => {
		expect((await range(`bytes=${SIZE - 10}-`)).headers['content-range']).toBe(
			`bytes ${SIZE - 10}-${SIZE - 1}/${SIZE}`,
		);
		const suffix = await range('bytes=-100');
		expect([suffix.status, suffix.headers['content-range'], suffix.body.length]).toEqual([
			206,
			`bytes ${SIZE - 100}-${SIZE - 1}/${SIZE}`,
			100,
		]);
		const past = await range(`bytes=0-${SIZE * 2}`);
		expect([past.status, past.headers['content-range'], past.body.length]).toEqual([
			206,
			`bytes 0-${SIZE - 1}/${SIZE}`,
			SIZE,
		]);
		// A first-bytes probe as a client learning the size sends it.
		const probe = await range('bytes=0-0');
		expect([probe.status, probe.headers['content-range'], probe.body.length]).toEqual([
			206,
			`bytes 0-0/${SIZE}`,
			1,
		]);
	});

	test('416 with Content-Range: bytes */size for bad ranges: past the end, reversed, several, malformed, other units', async () => {
		for (const bad of [
			`bytes=${SIZE}-`,
			`bytes=${SIZE + 5}-${SIZE + 9}`,
			'bytes=20-10',
			'bytes=0-1,5-6',
			'bytes=abc',
			'bytes=-0',
			'items=0-1',
			'bytes=-',
		]) {
			const result = await range(bad);
			expect({ bad, status: result.status, contentRange: result.headers['content-range'] }).toEqual(
				{ bad, status: 416, contentRange: `bytes */${SIZE}` },
			);
		}
	});

	test('If-Range: a matching ETag or Last-Modified keeps the range; a stale one gets the whole current file (200)', async () => {
		const { etag, lastModified } = server.describe('/v.mp4');
		expect((await range('bytes=0-9', { 'If-Range': etag as string })).status).toBe(206);
		expect((await range('bytes=0-9', { 'If-Range': lastModified as string })).status).toBe(206);
		const stale = await range('bytes=0-9', { 'If-Range': '"old"' });
		expect([stale.status, stale.body.length]).toEqual([200, SIZE]);
	});

	test('If-Match with another ETag: 412', async () => {
		expect((await range('bytes=0-9', { 'If-Match': '"old"' })).status).toBe(412);
		expect(
			(await range('bytes=0-9', { 'If-Match': server.describe('/v.mp4').etag as string })).status,
		).toBe(206);
	});
});

describe('ranges off', () => {
	test('Range is ignored: 200 with the whole body, no Accept-Ranges, no Content-Range', async () => {
		server.update('/v.mp4', { ranges: false });
		const result = await range('bytes=1000-1999');
		expect(result.status).toBe(200);
		expect(result.body.length).toBe(SIZE);
		expect(result.headers['accept-ranges']).toBeUndefined();
		expect(result.headers['content-range']).toBeUndefined();
		expect((await range('bytes=abc')).status).toBe(200);
		expect(
			(await get(server.url('/v.mp4'), { method: 'HEAD' })).headers['accept-ranges'],
		).toBeUndefined();
	});

	test('acceptRanges overrides the header: a server that advertises bytes but ignores Range, or says none', async () => {
		server.update('/v.mp4', { ranges: false, acceptRanges: 'bytes' });
		const liar = await range('bytes=0-9');
		expect([liar.status, liar.headers['accept-ranges'], liar.body.length]).toEqual([
			200,
			'bytes',
			SIZE,
		]);
		server.update('/v.mp4', { acceptRanges: 'none' });
		expect((await range('bytes=0-9')).headers['accept-ranges']).toBe('none');
		server.update('/v.mp4', { ranges: true, acceptRanges: false });
		const silent = await range('bytes=0-9');
		expect([silent.status, silent.headers['accept-ranges']]).toEqual([206, undefined]);
	});
});

test('parseRange', () => {
	expect(parseRange('bytes=0-99', 50)).toEqual({ kind: 'range', start: 0, end: 49 });
	expect(parseRange('bytes=-10', 50)).toEqual({ kind: 'range', start: 40, end: 49 });
	expect(parseRange('bytes=-100', 50)).toEqual({ kind: 'range', start: 0, end: 49 });
	expect(parseRange('bytes=0-0', 0)).toEqual({ kind: 'unsatisfiable' });
});
