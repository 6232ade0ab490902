import {
	backoffDelayMs,
	CHUNK_IDLE_TIMEOUT_MS,
	isNetworkError,
	parseCommittedRange,
	UPLOAD_RETRY_POLICY,
} from '../../../../../nodes/TikTok/transport/upload';

describe('upload retry policy', () => {
	test('is data: 5xx and network errors retried, 400/403/404/416 not by status', () => {
		expect(UPLOAD_RETRY_POLICY).toEqual({
			maxAttempts: 6,
			baseDelayMs: 500,
			maxDelayMs: 8_000,
			retryStatuses: [500, 502, 503, 504],
			retryNetworkErrors: true,
		});
		for (const status of [400, 403, 404, 416]) expect(UPLOAD_RETRY_POLICY.retryStatuses).not.toContain(status);
	});

	test('backoff doubles, is capped, and jitters between half and all of the step', () => {
		const low = [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelayMs(UPLOAD_RETRY_POLICY, attempt, () => 0));
		const high = [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelayMs(UPLOAD_RETRY_POLICY, attempt, () => 1));
		expect(low).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
		expect(high).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
		const total = high.slice(0, UPLOAD_RETRY_POLICY.maxAttempts - 1).reduce((a, b) => a + b, 0);
		expect(total).toBe(15_500);
	});

	test.each([
		['bytes 0-5242879/10485760', { committedBytes: 5_242_880, total: 10_485_760 }],
		['bytes 0-0/1', { committedBytes: 1, total: 1 }],
		['bytes */10485760', { committedBytes: 0, total: 10_485_760 }],
		['  BYTES 0-9/10 ', { committedBytes: 10, total: 10 }],
		[['bytes 0-9/10'], { committedBytes: 10, total: 10 }],
		['bytes 5-9/10', undefined],
		['bytes 0-9', undefined],
		['0-9/10', undefined],
		['', undefined],
		[undefined, undefined],
	])('parses Content-Range %p', (header, expected) => {
		expect(parseCommittedRange(header)).toEqual(expected);
	});

	test('network errors: without a response, not cancellations', () => {
		expect(isNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
		expect(isNetworkError(Object.assign(new Error('timeout'), { isAxiosError: true, code: 'ECONNABORTED' }))).toBe(true);
		expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET', response: { status: 500 } }))).toBe(false);
		expect(isNetworkError(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED', isAxiosError: true }))).toBe(false);
		expect(isNetworkError(new TypeError('bug'))).toBe(false);
		expect(isNetworkError(undefined)).toBe(false);
	});

	test('a stalled chunk is given up early enough that every attempt fits TikTok\'s one-hour upload window', () => {
		const worstCaseBackoffMs = UPLOAD_RETRY_POLICY.maxDelayMs * (UPLOAD_RETRY_POLICY.maxAttempts - 1);
		expect(CHUNK_IDLE_TIMEOUT_MS * UPLOAD_RETRY_POLICY.maxAttempts + worstCaseBackoffMs).toBeLessThan(3_600_000);
		expect(CHUNK_IDLE_TIMEOUT_MS).toBeGreaterThanOrEqual(60_000);
	});
});
