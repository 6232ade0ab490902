import { startMediaServer, type MediaServer } from './index';
import { get } from './test-helpers';

let server: MediaServer;

beforeAll(async () => {
	server = await startMediaServer();
});

afterAll(async () => {
	await server.close();
});

describe('redirects', () => {
	test('one redirect (302 by default) to another path; fetch follows it to the bytes', async () => {
		server.set('/real.mp4', { size: 1000 });
		server.set('/short.mp4', { redirect: { to: '/real.mp4' } });
		const raw = await get(server.url('/short.mp4'));
		expect([raw.status, raw.headers.location]).toEqual([302, '/real.mp4']);
		const followed = await fetch(server.url('/short.mp4'));
		expect(followed.status).toBe(200);
		expect(Buffer.from(await followed.arrayBuffer()).equals(await server.read('/real.mp4'))).toBe(
			true,
		);
		expect(followed.redirected).toBe(true);
	});

	test('status, absolute targets and times', async () => {
		server.set('/moved.mp4', { redirect: { to: 'https://cdn.example.com/v.mp4', status: 301 } });
		const moved = await get(server.url('/moved.mp4'));
		expect([moved.status, moved.headers.location]).toEqual([301, 'https://cdn.example.com/v.mp4']);
		server.set('/once.mp4', { size: 10, redirect: { to: '/once.mp4', status: 307, times: 1 } });
		expect((await get(server.url('/once.mp4'))).status).toBe(307);
		expect((await get(server.url('/once.mp4'))).status).toBe(200);
	});

	test('a loop: a path redirecting to itself, or two paths to each other; fetch gives up', async () => {
		server.set('/loop.mp4', { redirect: { to: '/loop.mp4' } });
		await expect(fetch(server.url('/loop.mp4'))).rejects.toThrow();
		server.set('/a.mp4', { redirect: { to: '/b.mp4' } });
		server.set('/b.mp4', { redirect: { to: '/a.mp4' } });
		await expect(fetch(server.url('/a.mp4'))).rejects.toThrow();
		expect(server.requestsFor('/a.mp4').length).toBeGreaterThan(5);
	});
});

describe('error statuses', () => {
	test('an unknown path is 404', async () => {
		const result = await get(server.url('/nothing-here.mp4'));
		expect(result.status).toBe(404);
		expect(server.requests.at(-1)).toMatchObject({ path: '/nothing-here.mp4', status: 404 });
	});

	test('status: 404 or 503 on a known path, for all requests or the first N, with extra headers', async () => {
		server.set('/gone.mp4', { size: 100, status: 404 });
		expect((await get(server.url('/gone.mp4'))).status).toBe(404);
		expect((await get(server.url('/gone.mp4'), { method: 'HEAD' })).status).toBe(404);
		server.set('/busy.mp4', {
			size: 100,
			status: 503,
			statusTimes: 2,
			headers: { 'Retry-After': '1' },
		});
		const busy = await get(server.url('/busy.mp4'));
		expect([busy.status, busy.headers['retry-after']]).toEqual([503, '1']);
		expect((await get(server.url('/busy.mp4'))).status).toBe(503);
		const ok = await get(server.url('/busy.mp4'));
		expect([ok.status, ok.body.length]).toEqual([200, 100]);
	});
});

describe('not a video behind a .mp4 path', () => {
	test('an HTML page (text/html by default, or claiming video/mp4)', async () => {
		server.set('/login.mp4', { kind: 'html' });
		const page = await get(server.url('/login.mp4'));
		expect(page.status).toBe(200);
		expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
		expect(page.body.toString('utf8')).toMatch(/^<!DOCTYPE html>/);
		server.set('/login.mp4', { kind: 'html', contentType: 'video/mp4' });
		expect((await get(server.url('/login.mp4'))).headers['content-type']).toBe('video/mp4');
	});

	test('a PNG (image/png by default, or claiming video/mp4), ranges and all', async () => {
		server.set('/image.mp4', { kind: 'png', size: 200_000, contentType: 'video/mp4' });
		const first = await get(server.url('/image.mp4'), { headers: { Range: 'bytes=0-1023' } });
		expect(first.status).toBe(206);
		expect(first.headers['content-type']).toBe('video/mp4');
		expect(first.body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
		server.set('/image.mp4', { kind: 'png', size: 1000 });
		expect((await get(server.url('/image.mp4'))).headers['content-type']).toBe('image/png');
	});
});
