/**
 * Video catalogues for Display API tests: many videos on one account, with distinct create_time
 * (whole seconds apart, so both the ms cursor and the seconds create_time order them), titles, stats and
 * 19-digit ids shaped like TikTok's (create_time seconds << 32 | random), so multi-page tests are possible.
 */
import { createVideo } from './accounts';
import type { Account, EmulatorVideo, SeedVideosOptions } from './types';

const TWO_POW_32 = BigInt(4294967296);
const MIN_19_DIGITS = BigInt('1000000000000000000');
const DEFAULT_SPACING_MS = 3_600_000;

/** mulberry32: a tiny seeded PRNG (32-bit outputs), so a seeded catalogue is the same on every run. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return (t ^ (t >>> 14)) >>> 0;
	};
}

function idFor(createTimeMs: number, random: () => number, taken: Set<string>): string {
	for (;;) {
		let id = BigInt(Math.floor(createTimeMs / 1000)) * TWO_POW_32 + BigInt(random());
		if (id < MIN_19_DIGITS) id += MIN_19_DIGITS;
		const text = id.toString();
		if (!taken.has(text)) {
			taken.add(text);
			return text;
		}
	}
}

/** Builds (does not attach) `count` videos, newest first. `taken` holds every id already in use. */
export function buildCatalogue(
	options: SeedVideosOptions,
	nowMs: number,
	taken: Set<string>,
): EmulatorVideo[] {
	const { count } = options;
	if (!Number.isInteger(count) || count < 0)
		throw new TypeError('count must be a non-negative integer');
	const spacing = options.spacingMs ?? DEFAULT_SPACING_MS;
	if (!Number.isInteger(spacing) || spacing < 1000)
		throw new TypeError(
			'spacingMs must be an integer of at least 1000 (create_time is in seconds)',
		);
	// Whole seconds by default, so cursor (ms) = create_time (s) * 1000 for every seeded video.
	const newest = options.newestAtMs ?? Math.floor((nowMs - spacing) / 1000) * 1000;
	const prefix = options.titlePrefix ?? 'Catalogue video';
	const hidden = new Set(options.privateIndexes ?? []);
	const random =
		options.seed === undefined
			? () => Math.floor(Math.random() * 2 ** 32) >>> 0
			: prng(options.seed);
	const videos: EmulatorVideo[] = [];
	for (let i = 0; i < count; i++) {
		const n = count - i;
		const createTimeMs = newest - i * spacing;
		const title = `${prefix} ${n}`;
		videos.push(
			createVideo(
				{
					id: idFor(createTimeMs, random, taken),
					createTimeMs,
					title,
					videoDescription: title,
					durationSec: 5 + (n % 55),
					viewCount: 1000 * n + (random() % 1000),
					likeCount: 10 * n + (random() % 10),
					commentCount: n,
					shareCount: n % 7,
					isPublic: !hidden.has(i),
				},
				createTimeMs,
			),
		);
	}
	return videos;
}

/** Every video id in use on any account of the emulator. */
export function takenIds(accounts: Account[]): Set<string> {
	return new Set(accounts.flatMap((account) => account.videos.map((video) => video.id)));
}

/** An account's videos as the video list orders them: newest first (private ones included). */
export function newestFirst(videos: EmulatorVideo[]): EmulatorVideo[] {
	return [...videos].sort((a, b) => b.createTimeMs - a.createTimeMs);
}
