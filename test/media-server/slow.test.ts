import { startMediaServer, type MediaServer } from './index';
import { get } from './test-helpers';

let server: MediaServer;

beforeAll(async () => {
	server = await startMediaServer();
});

afterAll(async () => {
	await server.close();
});

test('bytesPerSecond throttles the body: 300 kB at 600 kB/s takes about half a second, bytes intact', async () => {
	server.set('/slow.mp4', { size: 300_000, bytesPerSecond: 600_000 });
	const started = Date.now();
	const result = await get(server.url('/slow.mp4'));
	const elapsed = Date.now() - started;
	expect(result.body.equals(await server.read('/slow.mp4'))).toBe(true);
	expect(elapsed).toBeGreaterThanOrEqual(450);
	expect(elapsed).toBeLessThan(3000);
	server.set('/fast.mp4', { size: 300_000 });
	const fastStart = Date.now();
	await get(server.url('/fast.mp4'));
	expect(Date.now() - fastStart).toBeLessThan(elapsed);
});

test('a slow body with a range, and a client that gives up mid-way is logged as aborted', async () => {
	server.set('/slow.mp4', { size: 1_000_000, bytesPerSecond: 100_000 });
	server.clearRequests();
	const ranged = await get(server.url('/slow.mp4'), { headers: { Range: 'bytes=0-9999' } });
	expect([ranged.status, ranged.body.length]).toEqual([206, 10_000]);
	const controller = new AbortController();
	const response = await fetch(server.url('/slow.mp4'), { signal: controller.signal });
	setTimeout(() => controller.abort(), 150);
	await expect(response.arrayBuffer()).rejects.toThrow();
	await new Promise((resolve) => setTimeout(resolve, 200));
	const last = server.requests.at(-1);
	expect(last?.aborted).toBe(true);
	expect(last?.bytesSent).toBeLessThan(1_000_000);
});

test('delayMs holds the response headers back', async () => {
	server.set('/late.mp4', { size: 100, delayMs: 300 });
	const started = Date.now();
	expect((await get(server.url('/late.mp4'))).status).toBe(200);
	expect(Date.now() - started).toBeGreaterThanOrEqual(280);
});
