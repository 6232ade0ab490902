/** Fixtures: the default app, accounts and their seeded public videos. */
import * as ids from './ids';
import type { Account, AccountInput, EmulatorApp, EmulatorVideo, PrivacyLevel } from './types';

export const ALL_SCOPES = [
	'user.info.basic',
	'user.info.profile',
	'user.info.stats',
	'video.list',
	'video.publish',
	'video.upload',
];

export function createApp(partial: Partial<EmulatorApp> = {}): EmulatorApp {
	return {
		clientKey: 'emu-client-key',
		clientSecret: 'emu-client-secret',
		redirectUris: [
			'http://localhost:5678/rest/oauth2-credential/callback',
			'https://n8n.example.com/rest/oauth2-credential/callback',
		],
		approvedScopes: [...ALL_SCOPES],
		verifiedDomains: ['media.example.com'],
		verifiedUrlPrefixes: ['https://cdn.example.org/verified/'],
		audited: true,
		platform: 'web',
		...partial,
	};
}

const DAY_MS = 86_400_000;

export function createVideo(partial: Partial<EmulatorVideo>, nowMs: number): EmulatorVideo {
	return {
		id: partial.id ?? ids.snowflakeId(partial.createTimeMs ?? nowMs),
		createTimeMs: nowMs,
		title: 'Emulator video',
		videoDescription: 'Emulator video',
		durationSec: 15,
		width: 1080,
		height: 1920,
		likeCount: 0,
		commentCount: 0,
		shareCount: 0,
		viewCount: 0,
		isPublic: true,
		...partial,
	};
}

/** Builds the emulator's `n`th account (1-based); without `videos`, seeds three public videos one day apart. */
export function createAccount(input: AccountInput, nowMs: number, n: number): Account {
	const username = input.username ?? (n === 1 ? 'emu.creator' : `emu.creator${n}`);
	const seededVideos =
		input.videos ??
		[1, 2, 3].map((age) => ({
			createTimeMs: nowMs - age * DAY_MS,
			title: `Seeded video ${4 - age} #emulator`,
			videoDescription: `Seeded video ${4 - age} #emulator`,
			likeCount: 10 * age,
			viewCount: 100 * age,
		}));
	const { videos: _ignored, ...fields } = input;
	return {
		openId: ids.openId(),
		unionId: ids.unionId(),
		username,
		nickname: n === 1 ? 'Emulator Creator' : `Emulator Creator ${n}`,
		avatarUrl: `https://p16-sign.tiktokcdn.example/avatar/${username}.jpeg`,
		bioDescription: 'Posting from the TikTok API emulator',
		isVerified: false,
		followerCount: 1234,
		followingCount: 56,
		likesCount: 7890,
		isPrivate: false,
		commentDisabled: false,
		duetDisabled: false,
		stitchDisabled: false,
		maxVideoPostDurationSec: 600,
		bannedFromPosting: false,
		postsToday: 0,
		dailyPostCap: 15,
		tiktokAppVersion: '35.2.0',
		...fields,
		videos: seededVideos.map((video) => createVideo(video, video.createTimeMs ?? nowMs)),
	};
}

/** creator_info privacy_level_options: depends only on whether the account is private (spec §3). */
export function privacyOptions(account: Account): PrivacyLevel[] {
	return account.isPrivate
		? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
		: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
}

/** Compares dotted version strings numerically (31.10 > 31.8). */
export function versionAtLeast(version: string, minimum: string): boolean {
	const a = version.split('.').map((part) => Number(part) || 0);
	const b = minimum.split('.').map((part) => Number(part) || 0);
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		const diff = (a[i] ?? 0) - (b[i] ?? 0);
		if (diff !== 0) return diff > 0;
	}
	return true;
}
