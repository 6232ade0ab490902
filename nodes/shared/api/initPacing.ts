/**
 * TikTok allows 6 init requests per minute per access token on each init endpoint (whether the three
 * endpoints share one budget is undocumented; callers pace them as one, the safe reading). A batch of 10 videos would
 * otherwise fail from item 7 on with a 429 that can never be retried (an init is never repeated, in case
 * it created a post). So within one execution, an init waits for a free slot instead: paced, never
 * repeated.
 */
import { pauseUnlessCancelled } from '../utils/pause';

export const INIT_RATE_LIMIT = { requests: 6, windowMs: 60_000, marginMs: 1_000 };

const sentAt = new Map<string, number[]>();

export interface PacingClock {
	now(): number;
	/** Waits `ms`, or less when `signal` aborts (a stopped execution) */
	sleep(ms: number, signal?: AbortSignal): Promise<unknown>;
}

const realClock: PacingClock = { now: () => Date.now(), sleep: pauseUnlessCancelled };

export interface PacingOptions {
	/** The execution's cancel signal: a stopped execution sends no init, however long it was waiting */
	signal?: AbortSignal;
	clock?: PacingClock;
	limit?: typeof INIT_RATE_LIMIT;
}

/** The execution was stopped before its init could be sent: nothing was posted. */
export class StoppedBeforeInitError extends Error {
	constructor() {
		super('The execution was stopped before the publish request was sent');
		this.name = 'StoppedBeforeInitError';
	}
}

/**
 * Waits until an init under `key` (execution and credential) fits TikTok's window, then records it.
 * Returns how long it waited; throws StoppedBeforeInitError (recording nothing) if the execution stopped.
 */
export async function waitForInitSlot(
	key: string,
	{ signal, clock = realClock, limit = INIT_RATE_LIMIT }: PacingOptions = {},
): Promise<number> {
	forgetExpired(clock.now(), limit.windowMs);
	const recent = sentAt.get(key) ?? [];
	let waitedMs = 0;
	if (recent.length >= limit.requests) {
		// The slot frees when the oldest request of the last `requests` leaves the window
		waitedMs = Math.max(
			0,
			recent[recent.length - limit.requests] + limit.windowMs + limit.marginMs - clock.now(),
		);
		if (waitedMs > 0) await clock.sleep(waitedMs, signal);
	}
	if (signal?.aborted) throw new StoppedBeforeInitError();
	sentAt.set(key, [...recent.slice(Math.max(0, recent.length - limit.requests + 1)), clock.now()]);
	return waitedMs;
}

function forgetExpired(now: number, windowMs: number): void {
	for (const [key, times] of sentAt) {
		if (times[times.length - 1] <= now - windowMs) sentAt.delete(key);
	}
}
