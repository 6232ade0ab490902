import {
	INIT_RATE_LIMIT,
	StoppedBeforeInitError,
	waitForInitSlot,
} from '../../../../nodes/shared/api/initPacing';

/** A clock that only moves when the pacer sleeps. */
function fakeClock(start = 1_000_000) {
	let now = start;
	const sleeps: number[] = [];
	return {
		sleeps,
		advance: (ms: number) => (now += ms),
		now: () => now,
		sleep: async (ms: number) => {
			sleeps.push(ms);
			now += ms;
		},
	};
}

describe('waitForInitSlot', () => {
	test('six inits a minute go at once; the seventh waits until the first leaves the window', async () => {
		const clock = fakeClock();
		for (let i = 0; i < 6; i++) {
			expect(await waitForInitSlot('exec-1|c1|/video/init/', { clock })).toBe(0);
			clock.advance(1_000);
		}
		const waited = await waitForInitSlot('exec-1|c1|/video/init/', { clock });
		// The first went at t0; now is t0 + 6 s; the window frees at t0 + 60 s (+ 1 s margin)
		expect(waited).toBe(INIT_RATE_LIMIT.windowMs + INIT_RATE_LIMIT.marginMs - 6_000);
		expect(clock.sleeps).toEqual([waited]);
	});

	test('endpoints, credentials and executions have windows of their own', async () => {
		const clock = fakeClock(5_000_000);
		for (let i = 0; i < 6; i++) await waitForInitSlot('exec-2|c1|/video/init/', { clock });
		expect(await waitForInitSlot('exec-2|c1|/inbox/video/init/', { clock })).toBe(0);
		expect(await waitForInitSlot('exec-2|c2|/video/init/', { clock })).toBe(0);
		expect(await waitForInitSlot('exec-3|c1|/video/init/', { clock })).toBe(0);
		expect(clock.sleeps).toEqual([]);
	});

	test('a stopped execution stops waiting and sends no init', async () => {
		const stop = new AbortController();
		const clock = {
			...fakeClock(13_000_000),
			sleep: async (ms: number, signal?: AbortSignal) => {
				expect(signal).toBe(stop.signal);
				stop.abort();
				void ms;
			},
		};
		for (let i = 0; i < 6; i++) await waitForInitSlot('exec-5|c1', { clock });
		await expect(waitForInitSlot('exec-5|c1', { clock, signal: stop.signal })).rejects.toThrow(
			StoppedBeforeInitError,
		);
	});

	test('an init refused because the execution stopped takes no slot', async () => {
		const clock = fakeClock(17_000_000);
		const limit = { ...INIT_RATE_LIMIT, requests: 2 };
		await waitForInitSlot('exec-6|c1', { clock, limit });
		const stopped = AbortSignal.abort();
		await expect(waitForInitSlot('exec-6|c1', { clock, limit, signal: stopped })).rejects.toThrow(
			StoppedBeforeInitError,
		);
		// Had the refused one counted, the window (2) would be full and this one would wait
		expect(await waitForInitSlot('exec-6|c1', { clock, limit })).toBe(0);
		expect(clock.sleeps).toEqual([]);
	});

	test('a window that passed is forgotten', async () => {
		const clock = fakeClock(9_000_000);
		for (let i = 0; i < 6; i++) await waitForInitSlot('exec-4|c1|/video/init/', { clock });
		clock.advance(61_000);
		expect(await waitForInitSlot('exec-4|c1|/video/init/', { clock })).toBe(0);
	});
});
