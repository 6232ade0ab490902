import {
	initialMemory,
	LATE_WINDOW_SECONDS,
	oldestRelevantTime,
	readMemory,
	rememberVideos,
	selectNewVideos,
	writeMemory,
} from '../../../nodes/TikTokPollingTrigger/helpers/memory';
import type { ListedVideo, PollMemory } from '../../../nodes/TikTokPollingTrigger/helpers/memory';

const T = 1_770_000_000;
const video = (postId: string, createTime: number): ListedVideo => ({ postId, createTime });

describe('initialMemory', () => {
	test('everything listed at the first poll is history: the floor is the newest create_time', () => {
		const memory = initialMemory([video('c', T), video('b', T - 10), video('a', T - 20)]);
		expect(memory).toEqual({ floor: T, seen: [['c', T]] });
		expect(selectNewVideos(memory, [video('c', T), video('b', T - 10)])).toEqual([]);
	});

	test('an account without public videos: every future video is new', () => {
		expect(initialMemory([])).toEqual({ floor: 0, seen: [] });
	});
});

describe('selectNewVideos', () => {
	const memory: PollMemory = { floor: T, seen: [['c', T]] };

	test('returns unseen videos at or after the floor, oldest first, once each', () => {
		const listed = [
			video('e', T + 20),
			video('d', T + 10),
			video('c', T),
			video('e', T + 20),
			video('x', T - 1),
		];
		expect(selectNewVideos(memory, listed).map((v) => v.postId)).toEqual(['d', 'e']);
	});

	test('a video posted in the same second as the floor but listed later is still new', () => {
		expect(selectNewVideos(memory, [video('c2', T), video('c', T)]).map((v) => v.postId)).toEqual([
			'c2',
		]);
	});
});

describe('rememberVideos', () => {
	test('adds emitted videos newest first and keeps ids for the late window', () => {
		const next = rememberVideos({ floor: T, seen: [['c', T]] }, [
			video('d', T + 10),
			video('e', T + 20),
		]);
		expect(next).toEqual({
			floor: T,
			seen: [
				['e', T + 20],
				['d', T + 10],
				['c', T],
			],
		});
	});

	test('forgets ids older than the late window before the newest one, and treats them as history', () => {
		const newest = T + LATE_WINDOW_SECONDS + 100;
		const next = rememberVideos({ floor: T, seen: [['c', T]] }, [video('n', newest)]);
		expect(next).toEqual({ floor: newest - LATE_WINDOW_SECONDS, seen: [['n', newest]] });
		expect(oldestRelevantTime(next)).toBe(newest - LATE_WINDOW_SECONDS);
		// c is still on the first page of the list, but it is not news
		expect(selectNewVideos(next, [video('n', newest), video('c', T)])).toEqual([]);
		// a video that turned public late, within the window, is
		expect(selectNewVideos(next, [video('late', newest - 3600)]).map((v) => v.postId)).toEqual([
			'late',
		]);
	});

	test('past the size bound the floor rises above what was forgotten, so nothing is emitted twice', () => {
		const emitted = Array.from({ length: 5 }, (_, i) => video(`v${i}`, T + i));
		const next = rememberVideos({ floor: T, seen: [] }, emitted, 3);
		expect(next.seen.map(([id]) => id)).toEqual(['v4', 'v3', 'v2']);
		expect(next.floor).toBe(T + 2);
		expect(selectNewVideos(next, emitted)).toEqual([]);
	});
});

describe('oldestRelevantTime', () => {
	test('is the floor, or the late window before the newest seen video if that is later', () => {
		expect(oldestRelevantTime({ floor: T, seen: [['a', T + 10]] })).toBe(T);
		const late = T + LATE_WINDOW_SECONDS * 2;
		expect(oldestRelevantTime({ floor: T, seen: [['a', late]] })).toBe(late - LATE_WINDOW_SECONDS);
	});
});

describe('readMemory and writeMemory', () => {
	test('round-trip through static data, and anything else reads as no memory', () => {
		const staticData = {};
		writeMemory(staticData, { floor: T, seen: [['a', T]] });
		expect(readMemory(staticData)).toEqual({ floor: T, seen: [['a', T]] });
		expect(readMemory({})).toBeUndefined();
		expect(readMemory({ videoMemory: { floor: 'x' } })).toBeUndefined();
	});
});
