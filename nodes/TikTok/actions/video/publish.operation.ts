import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import { readBinaryVideo } from '../../helpers/binaryVideo';
import type { BinaryVideo } from '../../helpers/binaryVideo';
import { queryCreatorInfo } from '../../helpers/creatorInfo';
import { checkAgainstCreator } from '../../helpers/directPost';
import { sendPublishInit } from '../../helpers/publishInit';
import { publishOutput, waitForFinalStatus } from '../../helpers/status';
import { invalidField } from '../../helpers/validation';
import { failedAfterInit, tikTokOperationError } from '../../transport/errors';
import { DEFAULT_CHUNK_SIZE_MB, planChunks, uploadChunks } from '../../transport/upload';
import type { ChunkPlan, UploadResult } from '../../transport/upload';
import { privacyLevelProperty, waitProperties } from '../common.descriptions';
import { MAX_CAPTION_UNITS, readVideoPublishInput } from './publishInput';
import type { VideoPublishInput } from './publishInput';

const INIT_PATHS = {
	directPost: '/v2/post/publish/video/init/',
	draft: '/v2/post/publish/inbox/video/init/',
};

/** TikTok's API takes videos of at most 10 minutes through the inbox (the creator may trim in the app). */
const MAX_DRAFT_DURATION_SEC = 600;

const show = { resource: ['video'], operation: ['publish'] };
const directPostOnly = { '/postMode': ['directPost'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Post Mode',
		name: 'postMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Direct Post',
				value: 'directPost',
				description: 'Publish on the account right away (scope video.publish)',
			},
			{
				name: 'Draft (Creator Inbox)',
				value: 'draft',
				description:
					'Send the video to the creator\'s TikTok inbox; they add the caption and post it in the TikTok app (scope video.upload)',
			},
		],
		default: 'directPost',
		displayOptions: { show },
	},
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Binary Data',
				value: 'binary',
				description: 'A video from an earlier node (for example Read/Write Files from Disk or HTTP Request), uploaded in chunks',
			},
			{
				name: 'URL',
				value: 'url',
				description: 'An https URL on a domain or URL prefix verified for your TikTok app; TikTok downloads it',
			},
		],
		default: 'binary',
		displayOptions: { show },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the video (MP4, MOV or WebM, up to 4 GB)',
		displayOptions: { show: { ...show, source: ['binary'] } },
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://media.example.com/videos/clip.mp4',
		description:
			'Public https URL of the video, without redirects, on a domain or URL prefix verified for your app at developers.tiktok.com (URL properties)',
		displayOptions: { show: { ...show, source: ['url'] } },
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: `Caption of the post, up to ${MAX_CAPTION_UNITS} characters; #hashtags and @mentions are recognised`,
		displayOptions: { show: { ...show, postMode: ['directPost'] } },
	},
	privacyLevelProperty('video'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'AI-Generated Content',
				name: 'isAigc',
				type: 'boolean',
				default: false,
				description: 'Whether to label the video "Creator labeled as AI-generated"',
				displayOptions: { show: directPostOnly },
			},
			{
				displayName: 'Branded Content (Paid Partnership)',
				name: 'brandContentToggle',
				type: 'boolean',
				default: false,
				description:
					'Whether the video promotes a third party in a paid partnership; TikTok labels it "Paid partnership". It cannot be private (Only Me).',
				displayOptions: { show: directPostOnly },
			},
			{
				displayName: 'Chunk Size (MB)',
				name: 'chunkSizeMb',
				type: 'number',
				typeOptions: { minValue: 5, maxValue: 64 },
				default: DEFAULT_CHUNK_SIZE_MB,
				description:
					'Largest upload request, in MB of 1,000,000 bytes (5 to 64); the video is cut into equal chunks up to this size. Larger chunks mean fewer requests; memory does not grow with them, as the bytes stream from n8n\'s binary data. 5 is sent as 5,242,880 bytes, the smallest size TikTok accepts under both readings of MB.',
				displayOptions: { show: { '/source': ['binary'] } },
			},
			{
				displayName: 'Cover Timestamp (Ms)',
				name: 'videoCoverTimestampMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Time of the frame used as the cover, in milliseconds from the start; by default the first frame',
				displayOptions: { show: directPostOnly },
			},
			{
				displayName: 'Disable Comment',
				name: 'disableComment',
				type: 'boolean',
				default: false,
				description: 'Whether to turn comments off for this post',
				displayOptions: { show: directPostOnly },
			},
			{
				displayName: 'Disable Duet',
				name: 'disableDuet',
				type: 'boolean',
				default: false,
				description: 'Whether to turn Duets off for this post',
				displayOptions: { show: directPostOnly },
			},
			{
				displayName: 'Disable Stitch',
				name: 'disableStitch',
				type: 'boolean',
				default: false,
				description: 'Whether to turn Stitches off for this post',
				displayOptions: { show: directPostOnly },
			},
			...waitProperties,
			{
				displayName: 'Your Brand (Promotional Content)',
				name: 'brandOrganicToggle',
				type: 'boolean',
				default: false,
				description: 'Whether the video promotes your own business; TikTok labels it "Promotional content"',
				displayOptions: { show: directPostOnly },
			},
		],
	},
];

type Media = { kind: 'binary'; video: BinaryVideo; plan: ChunkPlan } | { kind: 'url'; url: string };

/**
 * Publish Video: validate everything that needs no request, check the account (direct posts), send ONE
 * init, upload the bytes (binary source), optionally wait for the final status. Anything failing after
 * the init carries the publish ID, so nobody posts the same video twice.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const input = readVideoPublishInput.call(this, itemIndex);
	const media = await readMedia.call(this, itemIndex, input);
	const body = await buildInitBody.call(this, itemIndex, input, media);
	const { publishId, uploadUrl } = await sendPublishInit.call(this, itemIndex, INIT_PATHS[input.postMode], body);
	try {
		const upload = media.kind === 'binary' ? await uploadVideo.call(this, itemIndex, media, uploadUrl) : undefined;
		const waited = input.wait ? await waitForFinalStatus.call(this, publishId, input.wait) : undefined;
		const accepted = { publishId, postMode: input.postMode, source: input.source, uploadedBytes: upload?.bytes ?? null };
		return { ...publishOutput(accepted, waited), ...(upload && { upload: { ...upload } }) };
	} catch (error) {
		throw failedAfterInit(this.getNode(), error, publishId, itemIndex);
	}
}

async function readMedia(this: IExecuteFunctions, itemIndex: number, input: VideoPublishInput): Promise<Media> {
	if (input.source === 'url') return { kind: 'url', url: input.videoUrl };
	const video = await readBinaryVideo.call(this, itemIndex, input.binaryPropertyName);
	return { kind: 'binary', video, plan: planChunks(video.size, input.preferredChunkSize) };
}

/** Creator checks (direct posts, as TikTok's guidelines require) and the init request's body. */
async function buildInitBody(this: IExecuteFunctions, itemIndex: number, input: VideoPublishInput, media: Media): Promise<IDataObject> {
	const node = this.getNode();
	const durationSec = media.kind === 'binary' ? media.video.durationSec : null;
	const sourceInfo =
		media.kind === 'url'
			? { source: 'PULL_FROM_URL', video_url: media.url }
			: { source: 'FILE_UPLOAD', video_size: media.plan.videoSize, chunk_size: media.plan.chunkSize, total_chunk_count: media.plan.totalChunkCount };
	if (input.postMode === 'draft') {
		// The inbox endpoint takes source_info only, and needs just video.upload (creator info needs video.publish)
		checkDuration(node, itemIndex, durationSec, MAX_DRAFT_DURATION_SEC, 'TikTok\'s API accepts drafts');
		return { source_info: sourceInfo };
	}
	const creator = await queryCreatorInfo.call(this, itemIndex);
	const interactions = checkAgainstCreator(node, itemIndex, creator, input.privacyLevel, input.options, ['comment', 'duet', 'stitch']);
	const account = creator.info.nickname ? `the account "${creator.info.nickname}" may post` : 'the account may post';
	checkDuration(node, itemIndex, durationSec, creator.info.maxVideoPostDurationSec, account);
	checkCover(node, itemIndex, input.options.videoCoverTimestampMs, durationSec);
	const { options } = input;
	return {
		post_info: {
			privacy_level: input.privacyLevel,
			...(input.title.trim() !== '' && { title: input.title }),
			...interactions,
			...(options.videoCoverTimestampMs !== undefined && { video_cover_timestamp_ms: options.videoCoverTimestampMs }),
			brand_content_toggle: options.brandContentToggle === true,
			brand_organic_toggle: options.brandOrganicToggle === true,
			is_aigc: options.isAigc === true,
		},
		source_info: sourceInfo,
	};
}

function checkDuration(node: INode, itemIndex: number, durationSec: number | null, maxSec: number | null, who: string): void {
	if (durationSec === null || maxSec === null || durationSec <= maxSec) return;
	throw invalidField(
		node,
		itemIndex,
		'Input Binary Field',
		`the video lasts ${formatSeconds(durationSec)} and ${who} at most ${formatSeconds(maxSec)}`,
		`Trim the video to ${formatSeconds(maxSec)} or less, for example with FFmpeg, then publish again.`,
	);
}

function checkCover(node: INode, itemIndex: number, coverMs: number | undefined, durationSec: number | null): void {
	if (coverMs === undefined || durationSec === null || coverMs <= durationSec * 1000) return;
	throw invalidField(
		node,
		itemIndex,
		'Cover Timestamp (Ms)',
		`${coverMs} ms is after the end of the video (${Math.floor(durationSec * 1000)} ms)`,
		'Pick a time within the video, or remove the option to use the first frame.',
	);
}

function formatSeconds(seconds: number): string {
	return `${Math.round(seconds * 10) / 10} seconds`;
}

async function uploadVideo(
	this: IExecuteFunctions,
	itemIndex: number,
	media: Extract<Media, { kind: 'binary' }>,
	uploadUrl: string | undefined,
): Promise<UploadResult> {
	if (!uploadUrl) {
		throw tikTokOperationError(this.getNode(), 'TikTok accepted the upload but returned no upload URL', 'Publish again; report it if it persists.', { code: 'missing_upload_url' }, itemIndex);
	}
	return await uploadChunks.call(this, {
		uploadUrl,
		plan: media.plan,
		contentType: media.video.contentType,
		openSource: media.video.open,
		itemIndex,
	});
}
