import type { IExecuteFunctions } from 'n8n-workflow';

import type { WaitOptions } from '../../../shared/api/status';
import { inputChecker, POST_MODES } from '../../input/checker';
import type { InputChecker, PostMode } from '../../input/checker';
import { checkDirectPostInput } from '../../input/directPost';
import type { DirectPostOptions } from '../../input/directPost';
import { waitOptionsFrom } from '../../input/wait';
import type { WaitParameters } from '../../input/wait';

/** TikTok takes 1 to 35 photos per post (docs/tiktok-api-notes.md; the minimum is undocumented, 1 works). */
export const MAX_PHOTOS = 35;

const FIELD = 'Photo URLs';

/** TikTok's photo formats are JPEG and WEBP; anything else fails minutes later with file_format_check_failed. */
const PHOTO_EXTENSIONS = ['jpg', 'jpeg', 'webp'];
const OTHER_IMAGE_FORMATS: Record<string, string> = {
	png: 'PNG',
	gif: 'GIF',
	heic: 'HEIC',
	heif: 'HEIF',
	avif: 'AVIF',
	bmp: 'BMP',
	tif: 'TIFF',
	tiff: 'TIFF',
	svg: 'SVG',
};
const VIDEO_EXTENSIONS = ['mp4', 'mov', 'webm', 'm4v', 'avi', 'mkv'];

/**
 * A newline, or a comma or spaces right before another http(s) URL. Commas alone do not separate: they are
 * legal inside URLs, and image CDNs use them (e.g. /w_1080,h_1350/).
 */
const URL_SEPARATOR = /[\r\n]+|[\s,]+(?=https?:\/\/)/i;

/**
 * The URLs of the Photo URLs parameter, however they arrive: the editor's list, an expression returning a
 * list (for the whole parameter or inside one entry), or text with one URL per line, comma-separated URLs or
 * a JSON array. Empty entries are dropped.
 */
export function listPhotoUrls(check: InputChecker, value: unknown): string[] {
	const entries = flatten(value);
	const notText = entries.find((entry) => typeof entry !== 'string');
	if (notText !== undefined) {
		throw check.invalid(
			FIELD,
			`it holds ${describeValue(notText)} where a URL should be`,
			'Give the URLs as text: for a list of objects, map them to their URL, for example {{ $json.photos.map(photo => photo.url) }}.',
		);
	}
	return (entries as string[]).flatMap(splitText).filter((url) => url !== '');
}

function flatten(value: unknown): unknown[] {
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function splitText(text: string): string[] {
	const trimmed = text.trim();
	const fromJson = trimmed.startsWith('[') ? parseStringArray(trimmed) : undefined;
	if (fromJson) return fromJson.map((url) => url.trim());
	return trimmed.split(URL_SEPARATOR).map((piece) => piece.trim().replace(/^,+|,+$/g, ''));
}

function parseStringArray(text: string): string[] | undefined {
	try {
		const parsed: unknown = JSON.parse(text);
		return Array.isArray(parsed) && parsed.every((entry) => typeof entry === 'string')
			? parsed
			: undefined;
	} catch {
		return undefined;
	}
}

function describeValue(value: unknown): string {
	if (typeof value === 'object') return 'an object';
	return `the ${typeof value} ${String(value)}`;
}

/** The count TikTok accepts, and every URL an https URL of a JPEG or WEBP file as far as its path tells. */
export function checkPhotoUrls(check: InputChecker, urls: string[]): void {
	if (urls.length === 0 || urls.length > MAX_PHOTOS) {
		throw check.invalid(
			FIELD,
			urls.length === 0
				? 'there is no URL'
				: `there are ${urls.length} URLs and TikTok takes at most ${MAX_PHOTOS} photos per post`,
			urls.length === 0
				? 'Add the https URL of at least one JPEG or WEBP photo.'
				: `Split the photos into posts of ${MAX_PHOTOS} or fewer.`,
		);
	}
	urls.forEach((url, index) => checkPhotoUrl(check, url, index));
}

function checkPhotoUrl(check: InputChecker, value: string, index: number): void {
	const field = `Photo URL ${index + 1}`;
	const url = check.pullUrl(field, value, 'photo');
	const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1].toLowerCase();
	if (!extension || PHOTO_EXTENSIONS.includes(extension)) return;
	if (OTHER_IMAGE_FORMATS[extension]) {
		throw check.invalid(
			field,
			`${value} is a ${OTHER_IMAGE_FORMATS[extension]} image, and TikTok accepts only JPEG and WEBP photos`,
			"Convert the photo to JPEG or WEBP (for example with n8n's Edit Image node) and serve that file from your verified domain.",
		);
	}
	if (VIDEO_EXTENSIONS.includes(extension)) {
		throw check.invalid(
			field,
			`${value} is a video, and photo posts take JPEG or WEBP images`,
			'Publish videos with the Video resource.',
		);
	}
}

/** The cover must be one of the photos, counted from 0. */
export function checkCoverIndex(check: InputChecker, coverIndex: number, photoCount: number): void {
	const last = photoCount - 1;
	const fix = `Enter a whole number from 0 (the first photo) to ${last} (the last of the ${photoCount}).`;
	check.wholeNumberInRange('Photo Cover Index', coverIndex, 0, last, fix);
}

export const TITLE_MAX_UNITS = 90;
export const DESCRIPTION_MAX_UNITS = 4000;

export interface PhotoOptions extends DirectPostOptions, WaitParameters {
	autoAddMusic?: boolean;
	isAigc?: boolean;
}

export interface PhotoPost {
	check: InputChecker;
	postMode: PostMode;
	urls: string[];
	coverIndex: number;
	title: string;
	description: string;
	/** Direct posts only */
	privacyLevel: string;
	options: PhotoOptions;
	wait?: WaitOptions;
}

/** The item's parameters, checked before any request. */
export function readPhotoPost(this: IExecuteFunctions, itemIndex: number): PhotoPost {
	const check = inputChecker(this, itemIndex);
	const parameter = (name: string, fallback: unknown) =>
		this.getNodeParameter(name, itemIndex, fallback);
	const postMode = check.oneOf('Post Mode', parameter('postMode', 'directPost'), POST_MODES);
	const urls = listPhotoUrls(check, parameter('photoUrls', []));
	checkPhotoUrls(check, urls);
	const coverIndex = Number(parameter('photoCoverIndex', 0));
	checkCoverIndex(check, coverIndex, urls.length);
	const title = String(parameter('title', '') ?? '');
	check.textLength('Title', title, TITLE_MAX_UNITS);
	const description = String(parameter('description', '') ?? '');
	check.textLength('Description', description, DESCRIPTION_MAX_UNITS);
	const options = parameter('options', {}) as PhotoOptions;
	const isDirect = postMode === 'directPost';
	const privacyLevel = isDirect ? String(parameter('privacyLevel', '') ?? '').trim() : '';
	if (isDirect) checkDirectPostInput(check, privacyLevel, options);
	const wait = waitOptionsFrom(check, options);
	return { check, postMode, urls, coverIndex, title, description, privacyLevel, options, wait };
}
