/** Display API: user info, video list, video query (spec §10). */
import { createHash } from 'node:crypto';
import { authorize } from './api-auth';
import { ApiError, type Reply } from './http';
import { RawJsonNumber } from './json';
import { ok } from './replies';
import { invalid, parseJsonBody } from './validation';
import type { RequestContext } from './context';
import type { Account, DisplaySettings, EmulatorApp, EmulatorVideo } from './types';

type UserField = { scope: string; value: (account: Account) => unknown };

const BASIC = 'user.info.basic';
const PROFILE = 'user.info.profile';
const STATS = 'user.info.stats';
const COVER_TTL_SEC = 6 * 3600;
const MAX_QUERY_IDS = 20;
const MAX_LIST_COUNT = 20;
const DEFAULT_LIST_COUNT = 10;

const USER_FIELDS: Record<string, UserField> = {
	open_id: { scope: BASIC, value: (a) => a.openId },
	union_id: { scope: BASIC, value: (a) => a.unionId },
	avatar_url: { scope: BASIC, value: (a) => a.avatarUrl },
	avatar_url_100: { scope: BASIC, value: (a) => a.avatarUrl.replace(/(\.\w+)?$/, '~100x100$1') },
	avatar_large_url: {
		scope: BASIC,
		value: (a) => a.avatarUrl.replace(/(\.\w+)?$/, '~1080x1080$1'),
	},
	display_name: { scope: BASIC, value: (a) => a.nickname },
	bio_description: { scope: PROFILE, value: (a) => a.bioDescription },
	profile_deep_link: {
		scope: PROFILE,
		value: (a) =>
			`https://vm.tiktok.com/ZM${createHash('sha256').update(a.openId).digest('hex').slice(0, 7)}/`,
	},
	profile_web_link: { scope: PROFILE, value: (a) => `https://www.tiktok.com/@${a.username}` },
	is_verified: { scope: PROFILE, value: (a) => a.isVerified },
	username: { scope: PROFILE, value: (a) => a.username },
	follower_count: { scope: STATS, value: (a) => a.followerCount },
	following_count: { scope: STATS, value: (a) => a.followingCount },
	likes_count: { scope: STATS, value: (a) => a.likesCount },
	video_count: { scope: STATS, value: (a) => a.videos.filter((v) => v.isPublic).length },
};

const VIDEO_FIELDS = [
	'id',
	'create_time',
	'cover_image_url',
	'share_url',
	'video_description',
	'duration',
	'height',
	'width',
	'title',
	'embed_html',
	'embed_link',
	'like_count',
	'comment_count',
	'share_count',
	'view_count',
];

/**
 * `fields` is required (doc). Unknown names are rejected with invalid_params by default: TikTok's
 * behaviour is undocumented (spec §14 item 15), and failing loudly catches typos in clients.
 * settings.display.unknownFields 'ignore' drops them instead.
 */
function requestedFields(ctx: RequestContext, known: string[]): string[] {
	const raw = ctx.url.searchParams.get('fields');
	const fields = (raw ?? '')
		.split(',')
		.map((field) => field.trim())
		.filter(Boolean);
	if (fields.length === 0)
		throw invalid('fields is required (comma-separated list in the query string)');
	const unknown = fields.filter((field) => !known.includes(field));
	if (unknown.length > 0 && ctx.emu.settings.display.unknownFields === 'error')
		throw invalid(`Unknown fields: ${unknown.join(',')}`);
	return [...new Set(fields.filter((field) => known.includes(field)))];
}

export function userInfo(ctx: RequestContext): Reply {
	const auth = authorize(ctx, [BASIC], 'userInfo');
	let fields = requestedFields(ctx, Object.keys(USER_FIELDS));
	const missing = [...new Set(fields.map((field) => USER_FIELDS[field].scope))].filter(
		(scope) => !auth.grant.scopes.includes(scope),
	);
	if (missing.length > 0) {
		const mode = ctx.emu.settings.display.fieldScopeError;
		const message = `The requested fields need scopes the user has not granted: ${missing.join(',')}`;
		if (mode === 'scope_permission_missed')
			throw new ApiError(400, 'scope_permission_missed', message);
		if (mode === 'scope_not_authorized') throw new ApiError(401, 'scope_not_authorized', message);
		fields = fields.filter((field) => !missing.includes(USER_FIELDS[field].scope));
	}
	const user: Record<string, unknown> = {};
	for (const field of fields) user[field] = USER_FIELDS[field].value(auth.account);
	return ok(ctx.logId, { user });
}

function videoObject(
	video: EmulatorVideo,
	account: Account,
	app: EmulatorApp,
	fields: string[],
	nowMs: number,
	display: DisplaySettings,
): Record<string, unknown> {
	const shareUrl = `https://www.tiktok.com/@${account.username}/video/${video.id}`;
	const all: Record<string, unknown> = {
		// The doc types id as a string; 'number' writes the 19 digits bare, to test lossless parsing.
		id: display.videoIdFormat === 'number' ? new RawJsonNumber(video.id) : video.id,
		create_time: Math.floor(video.createTimeMs / 1000),
		cover_image_url: `https://p16-sign.tiktokcdn.example/obj/cover/${video.id}.jpeg?x-expires=${Math.floor(nowMs / 1000) + COVER_TTL_SEC}`,
		share_url: shareUrl,
		video_description:
			display.captionFields === 'title' ? '' : video.videoDescription.slice(0, 150),
		duration: video.durationSec,
		height: video.height,
		width: video.width,
		title: display.captionFields === 'videoDescription' ? '' : video.title.slice(0, 150),
		embed_html: `<blockquote class="tiktok-embed" cite="${shareUrl}" data-video-id="${video.id}"><section></section></blockquote>`,
		embed_link: `https://www.tiktok.com/static/profile-video?id=${video.id}&hide_author=1&utm_campaign=tt4d_open_api&utm_source=${app.clientKey}`,
		like_count: video.likeCount,
		comment_count: video.commentCount,
		share_count: video.shareCount,
		view_count: video.viewCount,
	};
	const picked: Record<string, unknown> = {};
	for (const field of fields) picked[field] = all[field];
	return picked;
}

function optionalInteger(body: Record<string, unknown>, key: string): number | undefined {
	const value = body[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number' || !Number.isSafeInteger(value))
		throw invalid(`${key} must be an integer`);
	return value;
}

export function videoList(ctx: RequestContext): Reply {
	const auth = authorize(ctx, ['video.list'], 'videoList');
	const fields = requestedFields(ctx, VIDEO_FIELDS);
	const body = parseJsonBody(ctx);
	const now = ctx.emu.clock.now();
	// Without a cursor: the newest videos, whatever their create_time.
	const cursor = optionalInteger(body, 'cursor') ?? Number.POSITIVE_INFINITY;
	if (cursor < 0) throw invalid('cursor must be a UTC Unix timestamp in milliseconds');
	const maxCount = optionalInteger(body, 'max_count') ?? DEFAULT_LIST_COUNT;
	if (maxCount < 1 || maxCount > MAX_LIST_COUNT)
		throw invalid(`max_count must be between 1 and ${MAX_LIST_COUNT}`);
	// Public videos only, newest first; the cursor means "created before this ms timestamp".
	const older = auth.account.videos
		.filter((v) => v.isPublic && v.createTimeMs < cursor)
		.sort((a, b) => b.createTimeMs - a.createTimeMs);
	const page = older.slice(0, maxCount);
	return ok(ctx.logId, {
		videos: page.map((video) =>
			videoObject(video, auth.account, auth.app, fields, now, ctx.emu.settings.display),
		),
		cursor:
			page.length > 0 ? page[page.length - 1].createTimeMs : Number.isFinite(cursor) ? cursor : now,
		has_more: older.length > page.length,
	});
}

export function videoQuery(ctx: RequestContext): Reply {
	const auth = authorize(ctx, ['video.list'], 'videoQuery');
	const fields = requestedFields(ctx, VIDEO_FIELDS);
	const body = parseJsonBody(ctx);
	const filters = body.filters;
	if (typeof filters !== 'object' || filters === null || Array.isArray(filters))
		throw invalid('filters.video_ids is required');
	const videoIds = (filters as Record<string, unknown>).video_ids;
	if (!Array.isArray(videoIds) || videoIds.length === 0)
		throw invalid('filters.video_ids must be a non-empty array');
	if (videoIds.length > MAX_QUERY_IDS)
		throw invalid(`filters.video_ids accepts at most ${MAX_QUERY_IDS} ids`);
	if (videoIds.some((id) => typeof id !== 'string'))
		throw invalid('filters.video_ids must be strings (19-digit ids do not fit a JSON number)');
	const now = ctx.emu.clock.now();
	// Ownership: ids of other users' (or non-public, or deleted) videos are left out rather than reported.
	// A repeated id is answered once.
	const videos = [...new Set(videoIds as string[])]
		.map((id) => auth.account.videos.find((video) => video.id === id && video.isPublic))
		.filter((video): video is EmulatorVideo => video !== undefined)
		.map((video) =>
			videoObject(video, auth.account, auth.app, fields, now, ctx.emu.settings.display),
		);
	return ok(ctx.logId, { videos, cursor: 0, has_more: false });
}
