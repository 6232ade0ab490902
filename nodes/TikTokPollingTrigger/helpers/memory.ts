import type { IDataObject } from 'n8n-workflow';

/**
 * What the polling trigger remembers between polls, as pure functions over its static data.
 *
 * - `floor`: videos created before it are never emitted. The first poll sets it to the newest video's
 *   create_time, so activating the trigger does not replay the account's history; later it follows the
 *   late window.
 * - `seen`: ids already emitted (or present at the first poll) with their create_time, kept for
 *   LATE_WINDOW_SECONDS: a video can turn public (moderation, a private post made public) after newer
 *   ones were emitted, and still counts as new within that window.
 */

/** How long after a newer video a late-appearing older one is still emitted. */
export const LATE_WINDOW_SECONDS = 24 * 3600;

/** Bounds the memory whatever the posting rate; past it, the floor rises so nothing is emitted twice. */
export const MAX_REMEMBERED_VIDEOS = 500;

export interface ListedVideo {
	postId: string;
	/** TikTok's create_time, unix seconds */
	createTime: number;
}

export interface PollMemory {
	floor: number;
	/** [id, createTime], newest first */
	seen: Array<[string, number]>;
}

const MEMORY_KEY = 'videoMemory';

export function readMemory(staticData: IDataObject): PollMemory | undefined {
	const memory = staticData[MEMORY_KEY] as PollMemory | undefined;
	if (!memory || typeof memory.floor !== 'number' || !Array.isArray(memory.seen)) return undefined;
	return {
		floor: memory.floor,
		seen: memory.seen.map(([id, createTime]) => [String(id), Number(createTime)]),
	};
}

export function writeMemory(staticData: IDataObject, memory: PollMemory): void {
	// A new object each time: n8n saves static data when a property is assigned
	staticData[MEMORY_KEY] = {
		floor: memory.floor,
		seen: memory.seen.map(([id, time]) => [id, time]),
	};
}

/** The memory after the first poll: everything listed so far counts as old. */
export function initialMemory(newestFirst: ListedVideo[]): PollMemory {
	if (newestFirst.length === 0) return { floor: 0, seen: [] };
	const floor = Math.max(...newestFirst.map((video) => video.createTime));
	const atFloor = newestFirst.filter((video) => video.createTime >= floor);
	return { floor, seen: atFloor.map((video) => [video.postId, video.createTime]) };
}

/** Videos older than this cannot be new any more, so paging can stop there. */
export function oldestRelevantTime(memory: PollMemory): number {
	const newest = memory.seen.reduce((max, [, time]) => Math.max(max, time), memory.floor);
	return Math.max(memory.floor, newest - LATE_WINDOW_SECONDS);
}

/** The videos to emit, oldest first, each once. */
export function selectNewVideos<V extends ListedVideo>(memory: PollMemory, listed: V[]): V[] {
	const seen = new Set(memory.seen.map(([id]) => id));
	const fresh = new Map<string, V>();
	for (const video of listed) {
		if (video.createTime >= memory.floor && !seen.has(video.postId)) fresh.set(video.postId, video);
	}
	return [...fresh.values()].sort(
		(a, b) => a.createTime - b.createTime || a.postId.localeCompare(b.postId),
	);
}

/** Adds emitted videos, drops what the late window no longer needs, and bounds the size. */
export function rememberVideos(
	memory: PollMemory,
	emitted: ListedVideo[],
	limit = MAX_REMEMBERED_VIDEOS,
): PollMemory {
	const all: Array<[string, number]> = [
		...emitted.map((video): [string, number] => [video.postId, video.createTime]),
		...memory.seen,
	];
	const next: PollMemory = { floor: memory.floor, seen: all.sort((a, b) => b[1] - a[1]) };
	// Older than the late window is history: raise the floor so a forgotten id is never news again
	next.floor = oldestRelevantTime(next);
	next.seen = next.seen.filter(([, time]) => time >= next.floor);
	if (next.seen.length > limit) {
		// Forgetting an id must not make it new again: everything at or below it is now history
		const newestForgotten = next.seen[limit][1];
		next.floor = Math.max(next.floor, newestForgotten + 1);
		next.seen = next.seen.slice(0, limit).filter(([, time]) => time >= next.floor);
	}
	return next;
}
