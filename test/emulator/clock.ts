/**
 * Virtual clock: real time plus an offset. Everything time-dependent in the emulator (token expiry,
 * rate-limit windows, upload URL expiry, the publish lifecycle, webhook timestamps) reads it, so a
 * test can jump hours ahead with advance() while short real-time delays still elapse naturally.
 */
export interface EmulatorClock {
	/** Virtual now, in ms since the epoch. */
	now(): number;
	/** Jump forward; transitions that became due run immediately. */
	advance(ms: number): void;
	/** Current offset from real time, in ms. */
	readonly offsetMs: number;
}

export class OffsetClock implements EmulatorClock {
	private offset: number;
	private readonly listeners: Array<() => void> = [];

	constructor(offsetMs = 0) {
		this.offset = offsetMs;
	}

	get offsetMs(): number {
		return this.offset;
	}

	now(): number {
		return Date.now() + this.offset;
	}

	advance(ms: number): void {
		if (!Number.isFinite(ms) || ms < 0)
			throw new RangeError(`clock.advance(ms) needs a finite ms >= 0, got ${ms}`);
		this.offset += ms;
		for (const listener of this.listeners) listener();
	}

	/** Used by the emulator to run due lifecycle transitions right after a jump. */
	onAdvance(listener: () => void): void {
		this.listeners.push(listener);
	}
}
