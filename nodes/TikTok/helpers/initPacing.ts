/**
 * TikTok allows 6 init requests per minute per access token on each init endpoint (whether the three
 * endpoints share one budget is undocumented; callers pace them as one, the safe reading). A batch of 10 videos would
 * otherwise fail from item 7 on with a 429 that can never be retried (an init is never repeated, in case
 * it created a post). So within one execution, an init waits for a free slot instead: paced, never
 * repeated.
 */
import { sleep } from 'n8n-workflow';

export const INIT_RATE_LIMIT = { requests: 6, windowMs: 60_000, marginMs: 1_000 };

const sentAt = new Map<string, number[]>();

export interface PacingClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

const realClock: PacingClock = { now: () => Date.now(), sleep };

/**
 * Waits until an init under `key` (execution, credential and endpoint) fits TikTok's window, then records
 * it. Returns how long it waited.
 */
export async function waitForInitSlot(key: string, clock: PacingClock = realClock, limit = INIT_RATE_LIMIT): Promise<number> {
	forgetExpired(clock.now(), limit.windowMs);
	const recent = sentAt.get(key) ?? [];
	let waitedMs = 0;
	if (recent.length >= limit.requests) {
		// The slot frees when the oldest request of the last `requests` leaves the window
		waitedMs = Math.max(0, recent[recent.length - limit.requests] + limit.windowMs + limit.marginMs - clock.now());
		if (waitedMs > 0) await clock.sleep(waitedMs);
	}
	sentAt.set(key, [...recent.slice(Math.max(0, recent.length - limit.requests + 1)), clock.now()]);
	return waitedMs;
}

function forgetExpired(now: number, windowMs: number): void {
	for (const [key, times] of sentAt) {
		if (times[times.length - 1] <= now - windowMs) sentAt.delete(key);
	}
}
