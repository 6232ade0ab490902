import type { IDataObject } from 'n8n-workflow';

import type { TikTokContext } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';
import { isoTime } from '../utils/time';
import { countField, textField } from '../utils/fields';

/** TikTok's maximum page size for the video list. */
export const PAGE_SIZE = 20;

/** Bounds one poll to 100 videos (5 requests of TikTok's 600 per minute). */
export const MAX_PAGES_PER_POLL = 5;

const VIDEO_FIELDS = [
	'id',
	'create_time',
	'title',
	'video_description',
	'duration',
	'width',
	'height',
	'cover_image_url',
	'share_url',
	'embed_link',
	'like_count',
	'comment_count',
	'share_count',
	'view_count',
].join(',');

/** One public video as the TikTok nodes output it. */
export interface VideoItem extends IDataObject {
	/** TikTok's 19-digit video (post) id, as a string */
	postId: string;
	shareUrl: string | null;
	title: string | null;
	description: string | null;
	createTime: number;
	createdAt: string | null;
	durationSeconds: number | null;
	width: number | null;
	height: number | null;
	/** Signed CDN link that expires after about 6 hours */
	coverImageUrl: string | null;
	embedLink: string | null;
	likeCount: number | null;
	commentCount: number | null;
	shareCount: number | null;
	viewCount: number | null;
}

export interface VideoPage {
	videos: VideoItem[];
	cursor?: number;
	hasMore: boolean;
}

/** TikTok's largest batch of ids for one video query. */
export const QUERY_BATCH_SIZE = 20;

/** The scope of the video list and the video query. */
export const VIDEO_LIST_SCOPE = 'video.list';

/** One page of the account's public videos, newest first (Display API, scope video.list). */
export async function listVideos(
	this: TikTokContext,
	maxCount: number,
	cursor?: number,
	itemIndex?: number,
): Promise<VideoPage> {
	const body: IDataObject = { max_count: maxCount };
	if (cursor !== undefined) body.cursor = cursor;
	const { data } = await tikTokApiRequest.call(this, {
		method: 'POST',
		path: '/v2/video/list/',
		qs: { fields: VIDEO_FIELDS },
		body,
		retryable: true,
		scope: VIDEO_LIST_SCOPE,
		itemIndex,
	});
	const nextCursor = Number(data.cursor);
	return {
		videos: videoItemsOf(data),
		cursor: Number.isFinite(nextCursor) ? nextCursor : undefined,
		hasMore: data.has_more === true,
	};
}

export interface CollectOptions {
	/** Stop once this many videos are collected (each request asks for no more than are still missing) */
	limit?: number;
	/** Stop after this many requests */
	maxPages?: number;
	/** Stop after a page for which this returns true */
	stopAfter?: (page: VideoPage) => boolean;
	itemIndex?: number;
}

/**
 * The account's public videos, newest first, following TikTok's cursor (`has_more`, at most 20 per request)
 * until the limit, the page bound, `stopAfter`, or the end of the list. Each video comes once, even if
 * pages overlap.
 */
export async function collectVideos(
	this: TikTokContext,
	options: CollectOptions = {},
): Promise<VideoItem[]> {
	const { limit, maxPages = Number.POSITIVE_INFINITY } = options;
	const collected: VideoItem[] = [];
	const seen = new Set<string>();
	const cursorsSent = new Set<number>();
	let cursor: number | undefined;
	for (let page = 0; page < maxPages; page++) {
		const missing = limit === undefined ? PAGE_SIZE : limit - collected.length;
		if (missing <= 0) break;
		const result = await listVideos.call(
			this,
			Math.min(PAGE_SIZE, missing),
			cursor,
			options.itemIndex,
		);
		for (const video of result.videos) {
			if (seen.has(video.postId) || (limit !== undefined && collected.length >= limit)) continue;
			seen.add(video.postId);
			collected.push(video);
		}
		if (options.stopAfter?.(result)) break;
		// A cursor that does not move would repeat the same page for ever
		if (!result.hasMore || result.cursor === undefined || cursorsSent.has(result.cursor)) break;
		if (result.videos.length === 0) break;
		cursor = result.cursor;
		cursorsSent.add(cursor);
	}
	return collected;
}

/**
 * Newest-first videos down to `oldestRelevant` (unix seconds), following TikTok's cursor for at most
 * `maxPages` pages (MAX_PAGES_PER_POLL by default).
 */
export async function listVideosSince(
	this: TikTokContext,
	oldestRelevant: number,
	options: { maxPages?: number; itemIndex?: number } = {},
): Promise<VideoItem[]> {
	return await collectVideos.call(this, {
		maxPages: options.maxPages ?? MAX_PAGES_PER_POLL,
		itemIndex: options.itemIndex,
		stopAfter: (page) =>
			page.videos.length === 0 ||
			Math.min(...page.videos.map((video) => video.createTime)) < oldestRelevant,
	});
}

/**
 * The videos with these ids (at most QUERY_BATCH_SIZE per request, sent one after the other), in the order
 * asked for. TikTok leaves out ids that are deleted, not public or another account's.
 */
export async function queryVideos(
	this: TikTokContext,
	postIds: string[],
	itemIndex?: number,
): Promise<{ videos: VideoItem[]; requests: number }> {
	const found = new Map<string, VideoItem>();
	let requests = 0;
	for (let start = 0; start < postIds.length; start += QUERY_BATCH_SIZE) {
		const batch = postIds.slice(start, start + QUERY_BATCH_SIZE);
		const { data } = await tikTokApiRequest.call(this, {
			method: 'POST',
			path: '/v2/video/query/',
			qs: { fields: VIDEO_FIELDS },
			body: { filters: { video_ids: batch } },
			retryable: true,
			scope: VIDEO_LIST_SCOPE,
			itemIndex,
		});
		requests++;
		for (const video of videoItemsOf(data)) found.set(video.postId, video);
	}
	const videos = postIds
		.map((postId) => found.get(postId))
		.filter((video): video is VideoItem => video !== undefined);
	return { videos, requests };
}

function videoItemsOf(data: IDataObject): VideoItem[] {
	const videos = Array.isArray(data.videos) ? (data.videos as IDataObject[]) : [];
	return videos.map(toVideoItem).filter((video): video is VideoItem => video !== undefined);
}

export function toVideoItem(video: IDataObject): VideoItem | undefined {
	// ids are strings in the Display API; lossless parsing keeps a numeric one exact as a string too
	const postId =
		typeof video.id === 'string' ? video.id : typeof video.id === 'number' ? String(video.id) : '';
	const createTime = Number(video.create_time);
	if (postId === '' || !Number.isFinite(createTime)) return undefined;
	return {
		postId,
		title: textField(video.title),
		description: textField(video.video_description),
		createTime,
		createdAt: isoTime(createTime),
		durationSeconds: countField(video.duration),
		width: countField(video.width),
		height: countField(video.height),
		coverImageUrl: textField(video.cover_image_url),
		shareUrl: textField(video.share_url),
		embedLink: textField(video.embed_link),
		likeCount: countField(video.like_count),
		commentCount: countField(video.comment_count),
		shareCount: countField(video.share_count),
		viewCount: countField(video.view_count),
	};
}
