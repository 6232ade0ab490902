/** How a chunk PUT is retried, as data, and the small pure pieces the upload loop decides with. */

export interface RetryPolicy {
	/** Attempts per chunk, the first one included */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** HTTP statuses after which the same chunk is sent again (TikTok: "5xx: retry the same chunk") */
	retryStatuses: number[];
	/** Whether a connection reset, refused or timed out is retried */
	retryNetworkErrors: boolean;
}

/**
 * Six attempts with delays of about 0.5, 1, 2, 4 and 8 seconds: rides out a gateway hiccup or a
 * restarting upload server in about 15 s per chunk, well inside the hour TikTok gives for the whole
 * upload. 400 (bad request), 403 (URL expired) and 404 (no upload task) are never retried: sending the
 * same bytes again cannot change the answer.
 */
export const UPLOAD_RETRY_POLICY: Readonly<RetryPolicy> = {
	maxAttempts: 6,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	retryStatuses: [500, 502, 503, 504],
	retryNetworkErrors: true,
};

/**
 * Delay before attempt `failedAttempt + 1`: exponential, capped, with "equal jitter" (between half and
 * all of the step) so that several n8n workers retrying at once do not hit TikTok in step.
 */
export function backoffDelayMs(policy: Readonly<RetryPolicy>, failedAttempt: number, random: () => number = Math.random): number {
	const step = Math.min(policy.baseDelayMs * 2 ** (failedAttempt - 1), policy.maxDelayMs);
	return Math.round(step / 2 + random() * (step / 2));
}

/**
 * What TikTok has committed, from the `Content-Range: bytes 0-LAST/TOTAL` it sends back, or
 * `bytes *\/TOTAL` when it has nothing yet. TikTok does not say whether LAST is the index of the last byte
 * or a byte count (unsure); it is read as an index, and a wrong reading fails safely: the upload stops as
 * "out of step" with the publish ID instead of skipping or resending the wrong bytes.
 */
export function parseCommittedRange(header: unknown): { committedBytes: number; total: number } | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string') return undefined;
	const match = /^bytes\s+(?:0-(\d+)|\*)\/(\d+)\s*$/i.exec(value.trim());
	if (!match) return undefined;
	return { committedBytes: match[1] === undefined ? 0 : Number(match[1]) + 1, total: Number(match[2]) };
}

/** Errors from the HTTP client without an HTTP response: resets, refusals, timeouts. */
export function isNetworkError(error: unknown): boolean {
	const candidate = error as { isAxiosError?: boolean; code?: unknown; response?: unknown; name?: string } | undefined;
	if (!candidate || typeof candidate !== 'object' || candidate.response) return false;
	if (candidate.code === 'ERR_CANCELED' || candidate.name === 'AbortError' || candidate.name === 'CanceledError') return false;
	return candidate.isAxiosError === true || typeof candidate.code === 'string';
}
