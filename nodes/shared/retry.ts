/**
 * When a request to TikTok is sent again, as data: one list of delays per kind of request, a jitter, and
 * one rule for which failures a repeat may cure. Requests that may create a post are not in here: they
 * are never repeated after a failure that may have created one (see api/publish.ts).
 */

export interface RetryPolicy {
	/** Delay before the 1st, 2nd, ... retry; its length is the number of retries */
	delaysMs: readonly number[];
	/**
	 * Share of each delay that is random (0.5: between half and all of it, "equal jitter"), so that several
	 * n8n workers retrying at once do not hit TikTok in step
	 */
	jitter: number;
}

export const RETRY_POLICIES = {
	/** Reads (creator info, status, user info, videos): a server error or lost answer, about 7 s in all */
	read: { delaysMs: [1_000, 2_000, 4_000], jitter: 0.5 },
	/**
	 * Reads refused with 429: TikTok's windows are one minute long, and a slot frees when the oldest request
	 * of the window ages out
	 */
	readRateLimited: { delaysMs: [10_000, 20_000, 40_000], jitter: 0.5 },
	/**
	 * One chunk PUT: rides out a gateway hiccup or a restarting upload server in about 15 s per chunk, well
	 * inside the hour TikTok gives for the whole upload
	 */
	uploadChunk: { delaysMs: [500, 1_000, 2_000, 4_000, 8_000], jitter: 0.5 },
} satisfies Record<string, RetryPolicy>;

/** The longest wait a TikTok `Retry-After` may impose on a read before it is retried. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** The delay before retry number `retry` (1-based), or undefined when the policy has no retry left. */
export function retryDelayMs(
	policy: Readonly<RetryPolicy>,
	retry: number,
	random: () => number = Math.random,
): number | undefined {
	const delay = policy.delaysMs[retry - 1];
	if (delay === undefined) return undefined;
	return Math.round(delay * (1 - policy.jitter) + random() * delay * policy.jitter);
}

/** What a failure is known by: TikTok's (or our) code and the HTTP status, when there was one. */
export interface FailureKind {
	code?: string;
	httpStatus?: number;
}

/**
 * Whether sending the same request again may succeed: a rate limit, a server error, or no answer at all.
 * Everything else (a 4xx TikTok explains, a refused token) gets the same answer a second time.
 */
export function isTransient({ code, httpStatus }: FailureKind): boolean {
	if (code === 'rate_limit_exceeded' || code === 'internal_error' || code === 'network_error')
		return true;
	return httpStatus !== undefined && (httpStatus === 429 || httpStatus >= 500);
}

/** A rate-limit refusal, by code or status. */
export function isRateLimited({ code, httpStatus }: FailureKind): boolean {
	return code === 'rate_limit_exceeded' || httpStatus === 429;
}

/** Errors from the HTTP client without an HTTP response: resets, refusals, timeouts. */
export function isNetworkError(error: unknown): boolean {
	const candidate = error as
		{ isAxiosError?: boolean; code?: unknown; response?: unknown; name?: string } | undefined;
	if (!candidate || typeof candidate !== 'object' || candidate.response) return false;
	if (
		candidate.code === 'ERR_CANCELED' ||
		candidate.name === 'AbortError' ||
		candidate.name === 'CanceledError'
	) {
		return false;
	}
	return candidate.isAxiosError === true || typeof candidate.code === 'string';
}

/**
 * How long TikTok asks to wait, when it says: `Retry-After` in seconds, else `x-ratelimit-reset` (not
 * documented by TikTok, seen in other clients; read as a unix time when it is one, else as seconds left).
 */
export function retryAfterMs(
	headers: Record<string, unknown> | undefined,
	now: number = Date.now(),
): number | undefined {
	const retryAfter = secondsIn(headers?.['retry-after']);
	if (retryAfter !== undefined) return retryAfter * 1000;
	const reset = secondsIn(headers?.['x-ratelimit-reset']);
	if (reset === undefined) return undefined;
	return reset > 1_000_000_000 ? Math.max(0, reset * 1000 - now) : reset * 1000;
}

function secondsIn(header: unknown): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
