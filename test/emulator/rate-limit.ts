/** Per-endpoint, per-access-token sliding 60 s windows on the virtual clock (spec §9). */
import type { RateLimitBucket } from './types';

const WINDOW_MS = 60_000;

export class SlidingWindowLimiter {
	private readonly hits = new Map<string, number[]>();

	/** Records a hit and returns true when under the limit; rejected requests are not counted. */
	tryHit(bucket: RateLimitBucket, key: string, limit: number, nowMs: number): boolean {
		if (!Number.isFinite(limit)) return true;
		const id = `${bucket}\u0000${key}`;
		const recent = (this.hits.get(id) ?? []).filter((at) => at > nowMs - WINDOW_MS);
		if (recent.length >= limit) {
			this.hits.set(id, recent);
			return false;
		}
		recent.push(nowMs);
		this.hits.set(id, recent);
		return true;
	}

	/** Virtual ms at which the oldest hit in the window leaves it (a slot frees up); undefined when nothing is recorded. */
	freesAt(bucket: RateLimitBucket, key: string, nowMs: number): number | undefined {
		const recent = (this.hits.get(`${bucket}\u0000${key}`) ?? []).filter(
			(at) => at > nowMs - WINDOW_MS,
		);
		return recent.length > 0 ? Math.min(...recent) + WINDOW_MS : undefined;
	}

	reset(): void {
		this.hits.clear();
	}
}
