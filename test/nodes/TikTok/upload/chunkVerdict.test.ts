import { parseCommittedRange } from '../../../../nodes/TikTok/upload';
import { RETRY_POLICIES } from '../../../../nodes/shared/retry';
import { CHUNK_IDLE_TIMEOUT_MS } from '../../../../nodes/shared/transport/uploadPut';

describe('chunk verdicts', () => {
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

	test("a stalled chunk is given up early enough that every attempt fits TikTok's one-hour upload window", () => {
		const { delaysMs } = RETRY_POLICIES.uploadChunk;
		const worstCaseBackoffMs = Math.max(...delaysMs) * delaysMs.length;
		expect(CHUNK_IDLE_TIMEOUT_MS * (delaysMs.length + 1) + worstCaseBackoffMs).toBeLessThan(
			3_600_000,
		);
		expect(CHUNK_IDLE_TIMEOUT_MS).toBeGreaterThanOrEqual(60_000);
	});
});
