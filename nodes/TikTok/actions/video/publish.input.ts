import type { IExecuteFunctions } from 'n8n-workflow';

import type { WaitOptions } from '../../../shared/api/status';
import { inputChecker, POST_MODES } from '../../input/checker';
import type { InputChecker, PostMode } from '../../input/checker';
import { checkDirectPostInput } from '../../input/directPost';
import type { DirectPostOptions } from '../../input/directPost';
import { waitOptionsFrom } from '../../input/wait';
import { DEFAULT_CHUNK_SIZE_MB } from '../../upload';

export const MAX_CAPTION_UNITS = 2200;
/** video_cover_timestamp_ms is an int32 */
const MAX_COVER_TIMESTAMP_MS = 2 ** 31 - 1;

export type { PostMode };
export const VIDEO_SOURCES = ['binary', 'url', 'urlUpload'] as const;
export type VideoSource = (typeof VIDEO_SOURCES)[number];

export interface VideoPublishOptions extends DirectPostOptions {
	videoCoverTimestampMs?: number;
	isAigc?: boolean;
	chunkSizeMb?: number;
	waitForCompletion?: boolean;
	waitTimeoutSeconds?: number;
	pollIntervalSeconds?: number;
	findPostInVideoList?: boolean;
}

export interface VideoPublishInput {
	/** The item's checker, for checks that need the file or the account */
	check: InputChecker;
	postMode: PostMode;
	source: VideoSource;
	binaryPropertyName: string;
	videoUrl: string;
	/** Direct posts only: TikTok's inbox endpoint takes no caption, privacy or toggles */
	title: string;
	privacyLevel: string;
	options: VideoPublishOptions;
	/** Bytes; "MB" in Chunk Size (MB) is 1,000,000 bytes, as in TikTok's own example */
	preferredChunkSize: number;
	wait?: WaitOptions;
}

/** Reads the item's parameters and checks everything that needs no request and no file. */
export function readVideoPublishInput(
	this: IExecuteFunctions,
	itemIndex: number,
): VideoPublishInput {
	const check = inputChecker(this, itemIndex);
	const postMode = check.oneOf(
		'Post Mode',
		this.getNodeParameter('postMode', itemIndex, 'directPost'),
		POST_MODES,
	);
	const source = check.oneOf(
		'Source',
		this.getNodeParameter('source', itemIndex, 'binary'),
		VIDEO_SOURCES,
	);
	const options = this.getNodeParameter('options', itemIndex, {}) as VideoPublishOptions;
	const input: VideoPublishInput = {
		check,
		postMode,
		source,
		binaryPropertyName:
			source === 'binary'
				? String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim()
				: '',
		videoUrl:
			source === 'binary' ? '' : String(this.getNodeParameter('videoUrl', itemIndex, '')).trim(),
		title: postMode === 'directPost' ? String(this.getNodeParameter('title', itemIndex, '')) : '',
		privacyLevel:
			postMode === 'directPost'
				? String(this.getNodeParameter('privacyLevel', itemIndex, '')).trim()
				: '',
		options,
		preferredChunkSize: Math.round((options.chunkSizeMb ?? DEFAULT_CHUNK_SIZE_MB) * 1_000_000),
	};
	if (source === 'url') checkVideoUrl(check, input.videoUrl);
	if (source === 'urlUpload') checkUploadUrl(check, input.videoUrl);
	if (postMode === 'directPost') checkPostInfo(check, input);
	if (source !== 'url' && options.chunkSizeMb !== undefined) {
		check.numberInRange(
			'Chunk Size (MB)',
			options.chunkSizeMb,
			5,
			64,
			`TikTok takes chunks of 5 to 64 MB; remove the option to use the default of ${DEFAULT_CHUNK_SIZE_MB} MB.`,
		);
	}
	input.wait = waitOptionsFrom(check, options);
	return input;
}

function checkPostInfo(check: InputChecker, input: VideoPublishInput): void {
	check.textLength('Title', input.title, MAX_CAPTION_UNITS);
	checkDirectPostInput(check, input.privacyLevel, input.options);
	const cover = input.options.videoCoverTimestampMs;
	if (cover !== undefined) {
		const fix =
			'Enter the time of the cover frame in whole milliseconds from the start of the video (0 is the first frame).';
		check.wholeNumberInRange('Cover Timestamp (Ms)', cover, 0, MAX_COVER_TIMESTAMP_MS, fix);
	}
}

/** Extensions that are surely not a video TikTok takes; a URL without one (or with another) is left to TikTok. */
const NOT_VIDEO_EXTENSIONS = [
	'jpg',
	'jpeg',
	'png',
	'gif',
	'webp',
	'heic',
	'mp3',
	'm4a',
	'wav',
	'aac',
	'pdf',
	'html',
	'htm',
	'txt',
	'json',
	'zip',
	'mkv',
	'avi',
	'flv',
	'wmv',
	'ts',
	'm3u8',
];

function checkVideoUrl(check: InputChecker, videoUrl: string): void {
	if (!videoUrl) {
		throw check.invalid(
			'Video URL',
			'it is empty',
			'Enter the https URL TikTok should download the video from, on a domain or URL prefix verified for your TikTok app.',
		);
	}
	const url = check.pullUrl('Video URL', videoUrl, 'video');
	const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase();
	if (extension && NOT_VIDEO_EXTENSIONS.includes(extension)) {
		throw check.invalid(
			'Video URL',
			`it points to a .${extension} file, and TikTok takes MP4, MOV or WebM videos`,
			'Link to the MP4 (recommended), MOV or WebM file itself, not to an image, a page or another format.',
		);
	}
}

/** Any http(s) URL n8n can download (TikTok never sees it), without a user name or password in it. */
function checkUploadUrl(check: InputChecker, videoUrl: string): void {
	let url: URL | undefined;
	try {
		url = new URL(videoUrl);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw check.invalid(
			'Video URL',
			videoUrl ? 'it is not an http or https URL' : 'it is empty',
			'Enter the full http:// or https:// URL of the video file; n8n downloads it and uploads it to TikTok.',
		);
	}
	if (url.username || url.password) {
		throw check.invalid(
			'Video URL',
			'the URL contains a user name or password',
			'Use a presigned or public link, or download the video with the HTTP Request node (with a credential) and publish it with Source "Binary Data".',
		);
	}
}
