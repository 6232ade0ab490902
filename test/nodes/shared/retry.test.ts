import {
	isNetworkError,
	isRateLimited,
	isTransient,
	RETRY_POLICIES,
	retryAfterMs,
	retryDelayMs,
} from '../../../nodes/shared/retry';

describe('retry policies', () => {
	test('are data: a list of delays and a jitter per kind of request', () => {
		expect(RETRY_POLICIES).toEqual({
			read: { delaysMs: [1_000, 2_000, 4_000], jitter: 0.5 },
			readRateLimited: { delaysMs: [10_000, 20_000, 40_000], jitter: 0.5 },
			uploadChunk: { delaysMs: [500, 1_000, 2_000, 4_000, 8_000], jitter: 0.5 },
		});
	});

	test('one rule for what is transient: 429, 5xx, lost answers; 400/403/404/416 not', () => {
		for (const status of [429, 500, 502, 503, 504])
			expect(isTransient({ httpStatus: status })).toBe(true);
		for (const status of [400, 401, 403, 404, 416])
			expect(isTransient({ httpStatus: status })).toBe(false);
		for (const code of ['rate_limit_exceeded', 'internal_error', 'network_error'])
			expect(isTransient({ code })).toBe(true);
		expect(isTransient({ code: 'invalid_params', httpStatus: 400 })).toBe(false);
		expect(isTransient({ code: 'token_refresh_failed' })).toBe(false);
		expect(isRateLimited({ httpStatus: 429 })).toBe(true);
		expect(isRateLimited({ code: 'rate_limit_exceeded' })).toBe(true);
		expect(isRateLimited({ httpStatus: 503 })).toBe(false);
	});

	test('delays jitter between half and all of the step, and run out with the list', () => {
		const policy = RETRY_POLICIES.uploadChunk;
		const low = [1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(policy, retry, () => 0));
		const high = [1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(policy, retry, () => 1));
		expect(low).toEqual([250, 500, 1000, 2000, 4000, undefined]);
		expect(high).toEqual([500, 1000, 2000, 4000, 8000, undefined]);
		expect(policy.delaysMs.reduce((a, b) => a + b, 0)).toBe(15_500);
		expect(retryDelayMs({ delaysMs: [], jitter: 0.5 }, 1)).toBeUndefined();
	});

	test("TikTok's wait: Retry-After in seconds, else x-ratelimit-reset as a unix time or seconds left", () => {
		expect(retryAfterMs({ 'retry-after': '3' })).toBe(3_000);
		expect(retryAfterMs({ 'retry-after': ['0'] })).toBe(0);
		expect(retryAfterMs({ 'x-ratelimit-reset': '20' })).toBe(20_000);
		expect(retryAfterMs({ 'x-ratelimit-reset': '1800000030' }, 1_800_000_000_000)).toBe(30_000);
		expect(retryAfterMs({ 'x-ratelimit-reset': '1700000000' }, 1_800_000_000_000)).toBe(0);
		expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
		expect(retryAfterMs({})).toBeUndefined();
		expect(retryAfterMs(undefined)).toBeUndefined();
	});

	test('network errors: without a response, not cancellations', () => {
		expect(isNetworkError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
			true,
		);
		expect(
			isNetworkError(
				Object.assign(new Error('timeout'), { isAxiosError: true, code: 'ECONNABORTED' }),
			),
		).toBe(true);
		expect(
			isNetworkError(
				Object.assign(new Error('x'), { code: 'ECONNRESET', response: { status: 500 } }),
			),
		).toBe(false);
		expect(
			isNetworkError(
				Object.assign(new Error('canceled'), { code: 'ERR_CANCELED', isAxiosError: true }),
			),
		).toBe(false);
		expect(isNetworkError(new TypeError('bug'))).toBe(false);
		expect(isNetworkError(undefined)).toBe(false);
	});
});
