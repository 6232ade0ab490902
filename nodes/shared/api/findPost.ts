import type { IDataObject } from 'n8n-workflow';

import { isNodeError } from '../errors/nodeErrors';
import type { TikTokContext } from '../transport/context';
import { tikTokPostUrl } from '../transport/hosts';
import { cancelSignalOf, pauseUnlessCancelled } from '../utils/pause';
import { queryCreatorInfo } from './creatorInfo';
import { userInfoField } from './userInfo';
import { fetchPostStatus, MIN_POLL_INTERVAL_SECONDS, waitForFinalStatus } from './status';
import type { PostStatus, WaitOptions, WaitResult } from './status';
import { listVideosSince } from './videos';
import type { VideoItem } from './videos';

/** What identifies a post in the video list: its text, and when it was sent. */
export interface FindPostRequest {
	/** The caption (videos) or title (photos, else their description) the post was published with */
	caption: string;
	/** When the publish request was sent, in ms, if known; else the publish ID's time is used */
	sentAtMs?: number;
}

/** The fields the output gains with Find Post in Video List. */
export interface FoundPost extends IDataObject {
	postIds: string[];
	/** Where postIds came from: TikTok's status, the video list, or nowhere (null) */
	postIdSource: 'status' | 'videoList' | null;
	shareUrl: string | null;
	/** Why no post ID could be given (null when one was) */
	findPostReason: string | null;
}

/** TikTok cuts `title` and `video_description` in the Display API to 150 characters. */
const LISTED_TEXT_MAX = 150;
/** Pages of the newest videos looked at (100 videos): a post just published is among the first. */
const MAX_PAGES = 5;

/** A caption as compared: line breaks unified, Unicode normalised (NFC), trimmed. */
export function normalizeCaption(text: string | null | undefined): string {
	return (text ?? '').replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

/**
 * Whether a text of the video list is this caption: equal once normalised, or the caption cut at 150
 * characters (UTF-16 units or code points; whitespace at the cut may be trimmed, and an emoji split by the
 * cut dropped).
 */
export function captionMatches(listed: string, caption: string): boolean {
	if (listed === caption) return true;
	if (listed === '' || listed.length >= caption.length || !caption.startsWith(listed)) return false;
	const rest = caption.slice(listed.length);
	const kept = caption.slice(0, listed.length + rest.length - rest.trimStart().length);
	if (kept.length >= LISTED_TEXT_MAX || [...kept].length >= LISTED_TEXT_MAX) return true;
	const next = caption.charCodeAt(kept.length);
	return kept.length === LISTED_TEXT_MAX - 1 && next >= 0xd800 && next <= 0xdbff;
}

/** Whether a listed video carries this caption: in its title or its description, or neither when empty. */
export function videoHasCaption(video: VideoItem, caption: string): boolean {
	const want = normalizeCaption(caption);
	const texts = [video.title, video.description].map(normalizeCaption).filter((t) => t !== '');
	return texts.length === 0 ? want === '' : texts.some((text) => captionMatches(text, want));
}

/** The videos that may be the post: created at or after the second it was sent, with its caption. */
export function candidatesFor(
	videos: VideoItem[],
	caption: string,
	sentAtSec: number,
): VideoItem[] {
	return videos.filter((video) => video.createTime >= sentAtSec && videoHasCaption(video, caption));
}

/**
 * When TikTok created a publish ID, from its number: TikTok's ids are (unix seconds << 32 | random), as in
 * v_pub_file~v2-1.7602997070760331285 (2026-02-04). Undocumented, so only a plausible time is used.
 */
export function publishIdTimeMs(publishId: string, nowMs = Date.now()): number | undefined {
	const digits = /(\d{19})$/.exec(publishId)?.[1];
	if (!digits) return undefined;
	const ms = Number(BigInt(digits) >> BigInt(32)) * 1000;
	const earliest = Date.UTC(2016, 0, 1);
	return ms >= earliest && ms <= nowMs + 86_400_000 ? ms : undefined;
}

export interface FindOptions {
	/** Keep looking until then (ms), re-reading the status and the list: moderation may take a while */
	deadlineMs?: number;
	pollIntervalSeconds?: number;
	itemIndex?: number;
}

/**
 * The post's ID: from TikTok's status when it has one, else the one public video in the account's newest
 * videos that was created since the publish request with the same caption. Never a guess: no candidate or
 * several give postIdSource null and the reason. Never throws: the post exists whatever this finds.
 */
export async function findPost(
	this: TikTokContext,
	status: PostStatus,
	request: FindPostRequest,
	options: FindOptions = {},
): Promise<FoundPost> {
	const sentAtMs = publishIdTimeMs(status.publishId) ?? request.sentAtMs;
	const intervalMs = Math.max(options.pollIntervalSeconds ?? 0, MIN_POLL_INTERVAL_SECONDS) * 1000;
	let current = status;
	for (;;) {
		if (current.postIds.length > 0) {
			const username = await usernameOf.call(this);
			const shareUrl = username ? tikTokPostUrl(username, current.postIds[0]) : null;
			return { postIds: current.postIds, postIdSource: 'status', shareUrl, findPostReason: null };
		}
		if (current.status !== 'PUBLISH_COMPLETE') return notFound(notPublishedReason(current));
		if (sentAtMs === undefined)
			return notFound(
				'The publish ID does not tell when the post was sent, so it cannot be told apart from older videos with the same caption.',
			);
		const sentAtSec = Math.floor(sentAtMs / 1000);
		let candidates: VideoItem[];
		try {
			const videos = await listVideosSince.call(this, sentAtSec, {
				maxPages: MAX_PAGES,
				itemIndex: options.itemIndex,
			});
			candidates = candidatesFor(videos, request.caption, sentAtSec);
		} catch (error) {
			return notFound(`Could not read the video list: ${describeError(error)}`);
		}
		if (candidates.length === 1) {
			const [video] = candidates;
			const username = await usernameOf.call(this);
			const shareUrl = username ? tikTokPostUrl(username, video.postId) : video.shareUrl;
			return { postIds: [video.postId], postIdSource: 'videoList', shareUrl, findPostReason: null };
		}
		const since = new Date(sentAtSec * 1000).toISOString();
		if (candidates.length > 1)
			return notFound(
				`${candidates.length} public videos with this caption were created since ${since} (${candidates.map((v) => v.postId).join(', ')}), so the node does not guess which one is this post.`,
			);
		const cancelSignal = cancelSignalOf(this);
		const keepLooking =
			options.deadlineMs !== undefined && Date.now() + intervalMs <= options.deadlineMs;
		if (!keepLooking || (await pauseUnlessCancelled(intervalMs, cancelSignal)))
			return notFound(
				`No public video with this caption created since ${since} is in the account's video list yet. TikTok lists a post once it is public and has passed moderation (usually within a minute, sometimes hours); posts that are not public to everyone never appear. Run Get Status with Find Post in Video List again later.`,
			);
		try {
			current = await fetchPostStatus.call(this, status.publishId, {
				itemIndex: options.itemIndex,
			});
		} catch {
			// The status is known to be complete: look in the list again
		}
	}
}

/**
 * waitForFinalStatus, then (with a request) findPost for the rest of the wait's timeout, so a post that
 * is still in moderation when TikTok reports PUBLISH_COMPLETE can still be found.
 */
export async function waitForPost(
	this: TikTokContext,
	publishId: string,
	wait: WaitOptions,
	request: FindPostRequest | undefined,
): Promise<WaitResult & { found?: FoundPost }> {
	const startedMs = Date.now();
	const waited = await waitForFinalStatus.call(this, publishId, wait);
	if (!request) return waited;
	const found = await findPost.call(this, waited.status, request, {
		deadlineMs: startedMs + Math.max(wait.timeoutSeconds, 0) * 1000,
		pollIntervalSeconds: wait.pollIntervalSeconds,
		itemIndex: wait.itemIndex,
	});
	return { ...waited, found };
}

function notFound(reason: string): FoundPost {
	return { postIds: [], postIdSource: null, shareUrl: null, findPostReason: reason };
}

function notPublishedReason(status: PostStatus): string {
	if (status.status === 'FAILED')
		return `The post failed${status.failReason ? ` (${status.failReason})` : ''}, so there is no post to find.`;
	if (status.status === 'SEND_TO_USER_INBOX')
		return "The post is a draft in the creator's TikTok inbox: it has no post ID until the creator posts it.";
	return `TikTok has not published the post yet (status ${status.status}).`;
}

/** The account's username for post links: user info (user.info.profile), else creator info (video.publish). */
async function usernameOf(this: TikTokContext): Promise<string | null> {
	try {
		const username = await userInfoField.call(this, 'username');
		if (username) return username;
	} catch {
		// Not granted: try creator info
	}
	try {
		const { info, cannotPost } = await queryCreatorInfo.call(this);
		return cannotPost === undefined && info.username ? info.username : null;
	} catch {
		return null;
	}
}

function describeError(error: unknown): string {
	if (!isNodeError(error)) return String((error as Error | undefined)?.message ?? error);
	return [error.message, error.description].filter(Boolean).join('. ');
}
