/** Request-body schema checks for the posting endpoints; every failure is 400 invalid_params with a message naming the field. */
import { checkChunkPlan, type ChunkPlan } from './chunk-rules';
import { ApiError, mediaType } from './http';
import type { RequestContext } from './context';
import type { ChunkRuleMode, EmulatorApp } from './types';

export type JsonObject = Record<string, unknown>;

export const VIDEO_TITLE_MAX = 2200;
export const PHOTO_TITLE_MAX = 90;
export const PHOTO_DESCRIPTION_MAX = 4000;
export const PHOTO_MAX_COUNT = 35;

export function invalid(message: string): ApiError {
	return new ApiError(400, 'invalid_params', message);
}

/** Parses a JSON object body. An empty body counts as {} (creator_info is documented without a body). */
export function parseJsonBody(ctx: RequestContext): JsonObject {
	if (ctx.body.length === 0) return {};
	const type = mediaType(ctx.req.headers['content-type']);
	if (type !== 'application/json')
		throw invalid(
			`The request body must be JSON (Content-Type: application/json), got "${type || 'none'}"`,
		);
	let parsed: unknown;
	try {
		parsed = JSON.parse(ctx.body.toString('utf8'));
	} catch {
		throw invalid('The request body is not valid JSON');
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
		throw invalid('The request body must be a JSON object');
	return parsed as JsonObject;
}

export function requireObject(value: unknown, name: string): JsonObject {
	if (value === undefined || value === null) throw invalid(`${name} is required`);
	if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${name} must be an object`);
	return value as JsonObject;
}

export function optionalBoolean(
	object: JsonObject,
	key: string,
	path: string,
): boolean | undefined {
	const value = object[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean') throw invalid(`${path}.${key} must be a boolean`);
	return value;
}

export function optionalString(object: JsonObject, key: string, path: string): string | undefined {
	const value = object[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw invalid(`${path}.${key} must be a string`);
	return value;
}

function requireInteger(object: JsonObject, key: string, path: string, minimum: number): number {
	const value = object[key];
	if (value === undefined || value === null) throw invalid(`${path}.${key} is required`);
	if (typeof value !== 'number' || !Number.isSafeInteger(value))
		throw invalid(`${path}.${key} must be an integer`);
	if (value < minimum) throw invalid(`${path}.${key} must be at least ${minimum}`);
	return value;
}

/** String lengths in UTF-16 code units, as TikTok counts them (JS string length). */
export function checkLength(value: string | undefined, max: number, field: string): void {
	if (value !== undefined && value.length > max)
		throw invalid(`${field} exceeds ${max} UTF-16 code units (got ${value.length})`);
}

/** privacy_level: type-checked here; membership in the creator's options is a separate 403 check. */
export function optionalPrivacy(object: JsonObject, path: string): string | undefined {
	return optionalString(object, 'privacy_level', path);
}

export interface VideoPostInfo {
	privacyLevel?: string;
	title?: string;
	disableDuet?: boolean;
	disableStitch?: boolean;
	disableComment?: boolean;
	brandContent?: boolean;
	brandOrganic?: boolean;
	isAigc?: boolean;
}

export function validateVideoPostInfo(postInfo: JsonObject): VideoPostInfo {
	const path = 'post_info';
	const info: VideoPostInfo = {
		privacyLevel: optionalPrivacy(postInfo, path),
		title: optionalString(postInfo, 'title', path),
		disableDuet: optionalBoolean(postInfo, 'disable_duet', path),
		disableStitch: optionalBoolean(postInfo, 'disable_stitch', path),
		disableComment: optionalBoolean(postInfo, 'disable_comment', path),
		brandContent: optionalBoolean(postInfo, 'brand_content_toggle', path),
		brandOrganic: optionalBoolean(postInfo, 'brand_organic_toggle', path),
		isAigc: optionalBoolean(postInfo, 'is_aigc', path),
	};
	checkLength(info.title, VIDEO_TITLE_MAX, 'post_info.title');
	checkCoverTimestamp(postInfo, path);
	checkBrandedPrivacy(info.brandContent, info.privacyLevel);
	return info;
}

/** video_cover_timestamp_ms: must be an integer when sent; out-of-range values fall back to the first frame (doc). */
export function checkCoverTimestamp(object: JsonObject, path: string): void {
	const value = object.video_cover_timestamp_ms;
	if (value === undefined || value === null) return;
	if (typeof value !== 'number' || !Number.isInteger(value))
		throw invalid(`${path}.video_cover_timestamp_ms must be an integer`);
}

/**
 * TikTok's guidelines say branded content cannot be private, but the API's answer to
 * brand_content_toggle=true with SELF_ONLY is undocumented. The emulator takes the strict reading
 * and rejects it, so a client that lets it through is caught.
 */
export function checkBrandedPrivacy(
	brandContent: boolean | undefined,
	privacyLevel: string | undefined,
): void {
	if (brandContent === true && privacyLevel === 'SELF_ONLY') {
		throw invalid(
			'Branded content cannot be private: brand_content_toggle=true needs a privacy_level other than SELF_ONLY',
		);
	}
}

export type VideoSource =
	{ source: 'FILE_UPLOAD'; plan: ChunkPlan } | { source: 'PULL_FROM_URL'; videoUrl: string };

export function validateVideoSourceInfo(
	sourceInfo: JsonObject,
	chunkRules: ChunkRuleMode,
): VideoSource {
	const path = 'source_info';
	const source = sourceInfo.source;
	if (source === undefined || source === null) throw invalid('source_info.source is required');
	// Accepted where some clients put it (Postiz); TikTok's placement is post_info.
	checkCoverTimestamp(sourceInfo, path);
	if (source === 'FILE_UPLOAD') {
		const plan: ChunkPlan = {
			videoSize: requireInteger(sourceInfo, 'video_size', path, 1),
			chunkSize: requireInteger(sourceInfo, 'chunk_size', path, 1),
			totalChunkCount: requireInteger(sourceInfo, 'total_chunk_count', path, 1),
		};
		const problem = checkChunkPlan(plan, chunkRules);
		if (problem) throw invalid(problem);
		return { source, plan };
	}
	if (source === 'PULL_FROM_URL') {
		const videoUrl = optionalString(sourceInfo, 'video_url', path);
		if (!videoUrl) throw invalid('source_info.video_url is required for PULL_FROM_URL');
		requireHttpsUrl(videoUrl, 'source_info.video_url');
		return { source, videoUrl };
	}
	throw invalid('source_info.source must be FILE_UPLOAD or PULL_FROM_URL');
}

/** Pulled media must be https (TikTok refuses other schemes); syntax problems are invalid_params. */
export function requireHttpsUrl(value: string, field: string): URL {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalid(`${field} is not a valid URL`);
	}
	if (url.protocol !== 'https:') throw invalid(`${field} must be an https URL`);
	return url;
}

/**
 * URL properties (spec §7.3): a verified domain covers itself and every subdomain, on any path;
 * a verified URL prefix covers only URLs that start with exactly that prefix.
 */
export function isUrlVerified(app: EmulatorApp, value: string): boolean {
	const url = new URL(value);
	const host = url.hostname.toLowerCase();
	const domainOk = app.verifiedDomains.some((domain) => {
		const d = domain.toLowerCase();
		return host === d || host.endsWith(`.${d}`);
	});
	return domainOk || app.verifiedUrlPrefixes.some((prefix) => value.startsWith(prefix));
}

export interface PhotoBody {
	postMode: 'DIRECT_POST' | 'MEDIA_UPLOAD';
	title?: string;
	description?: string;
	privacyLevel?: string;
	disableComment?: boolean;
	autoAddMusic?: boolean;
	brandContent?: boolean;
	brandOrganic?: boolean;
	isAigc?: boolean;
	photoImages: string[];
	photoCoverIndex: number;
	postInfo: JsonObject;
	sourceInfo: JsonObject;
}

export function validatePhotoBody(body: JsonObject): PhotoBody {
	if (body.media_type !== 'PHOTO') throw invalid('media_type must be PHOTO');
	const postMode = body.post_mode;
	if (postMode !== 'DIRECT_POST' && postMode !== 'MEDIA_UPLOAD')
		throw invalid('post_mode must be DIRECT_POST or MEDIA_UPLOAD');
	const postInfo = requireObject(body.post_info, 'post_info');
	const sourceInfo = requireObject(body.source_info, 'source_info');
	const path = 'post_info';
	const topAigc = optionalBoolean(body, 'is_aigc', 'body');
	// is_aigc: top level per the 2026 page; also accepted inside post_info (spec §14 item 5 is open).
	const nestedAigc = optionalBoolean(postInfo, 'is_aigc', path);
	const photo: PhotoBody = {
		postMode,
		title: optionalString(postInfo, 'title', path),
		description: optionalString(postInfo, 'description', path),
		privacyLevel: optionalPrivacy(postInfo, path),
		disableComment: optionalBoolean(postInfo, 'disable_comment', path),
		autoAddMusic: optionalBoolean(postInfo, 'auto_add_music', path),
		brandContent: optionalBoolean(postInfo, 'brand_content_toggle', path),
		brandOrganic: optionalBoolean(postInfo, 'brand_organic_toggle', path),
		isAigc: topAigc ?? nestedAigc,
		photoImages: [],
		photoCoverIndex: 0,
		postInfo,
		sourceInfo,
	};
	checkLength(photo.title, PHOTO_TITLE_MAX, 'post_info.title');
	checkLength(photo.description, PHOTO_DESCRIPTION_MAX, 'post_info.description');
	if (postMode === 'DIRECT_POST') checkBrandedPrivacy(photo.brandContent, photo.privacyLevel);

	if (sourceInfo.source !== 'PULL_FROM_URL')
		throw invalid('source_info.source must be PULL_FROM_URL for photos');
	const images = sourceInfo.photo_images;
	if (!Array.isArray(images))
		throw invalid('source_info.photo_images is required and must be an array');
	if (images.length < 1 || images.length > PHOTO_MAX_COUNT)
		throw invalid(
			`source_info.photo_images must hold 1 to ${PHOTO_MAX_COUNT} URLs (got ${images.length})`,
		);
	images.forEach((image, index) => {
		if (typeof image !== 'string')
			throw invalid(`source_info.photo_images[${index}] must be a string`);
		requireHttpsUrl(image, `source_info.photo_images[${index}]`);
	});
	photo.photoImages = images as string[];
	const cover = sourceInfo.photo_cover_index;
	if (cover === undefined || cover === null)
		throw invalid('source_info.photo_cover_index is required');
	if (typeof cover !== 'number' || !Number.isInteger(cover))
		throw invalid('source_info.photo_cover_index must be an integer');
	if (cover < 0 || cover >= images.length)
		throw invalid(`source_info.photo_cover_index must be between 0 and ${images.length - 1}`);
	photo.photoCoverIndex = cover;
	return photo;
}
