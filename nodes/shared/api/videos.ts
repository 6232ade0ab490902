import type { IDataObject } from 'n8n-workflow';

import type { TikTokContext } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';
import { isoTime } from '../utils/time';

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

/** One page of the account's public videos, newest first (Display API, scope video.list). */
export async function listVideos(
	this: TikTokContext,
	maxCount: number,
	cursor?: number,
): Promise<VideoPage> {
	const body: IDataObject = { max_count: maxCount };
	if (cursor !== undefined) body.cursor = cursor;
	const { data } = await tikTokApiRequest.call(this, {
		method: 'POST',
		path: '/v2/video/list/',
		qs: { fields: VIDEO_FIELDS },
		body,
		retryable: true,
	});
	const videos = Array.isArray(data.videos) ? (data.videos as IDataObject[]) : [];
	const nextCursor = Number(data.cursor);
	return {
		videos: videos.map(toVideoItem).filter((video): video is VideoItem => video !== undefined),
		cursor: Number.isFinite(nextCursor) ? nextCursor : undefined,
		hasMore: data.has_more === true,
	};
}

/**
 * Newest-first videos down to `oldestRelevant` (unix seconds), following TikTok's cursor for at most
 * MAX_PAGES_PER_POLL pages.
 */
export async function listVideosSince(
	this: TikTokContext,
	oldestRelevant: number,
): Promise<VideoItem[]> {
	const collected: VideoItem[] = [];
	let cursor: number | undefined;
	for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
		const result = await listVideos.call(this, PAGE_SIZE, cursor);
		collected.push(...result.videos);
		const oldestOnPage = Math.min(...result.videos.map((video) => video.createTime));
		if (
			!result.hasMore ||
			result.cursor === undefined ||
			result.videos.length === 0 ||
			oldestOnPage < oldestRelevant
		)
			break;
		cursor = result.cursor;
	}
	return collected;
}

export function toVideoItem(video: IDataObject): VideoItem | undefined {
	// ids are strings in the Display API; lossless parsing keeps a numeric one exact as a string too
	const postId =
		typeof video.id === 'string' ? video.id : typeof video.id === 'number' ? String(video.id) : '';
	const createTime = Number(video.create_time);
	if (postId === '' || !Number.isFinite(createTime)) return undefined;
	return {
		postId,
		shareUrl: text(video.share_url),
		title: text(video.title),
		description: text(video.video_description),
		createTime,
		createdAt: isoTime(createTime),
		durationSeconds: count(video.duration),
		width: count(video.width),
		height: count(video.height),
		coverImageUrl: text(video.cover_image_url),
		embedLink: text(video.embed_link),
		likeCount: count(video.like_count),
		commentCount: count(video.comment_count),
		shareCount: count(video.share_count),
		viewCount: count(video.view_count),
	};
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: unknown): number | null {
	// view_count is int64: a huge value arrives as a string from lossless parsing
	const number = Number(value);
	return value === undefined || value === null || value === '' || !Number.isFinite(number)
		? null
		: number;
}
