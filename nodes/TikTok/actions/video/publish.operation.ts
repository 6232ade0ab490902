import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PUBLISH_PATHS, sendPublishInit } from '../../../shared/api/publish';
import { waitForPost } from '../../../shared/api/findPost';
import { failedAfterInit, tikTokOperationError } from '../../../shared/errors/nodeErrors';
import { findPostRequestFrom } from '../../input/wait';
import { DEFAULT_CHUNK_SIZE_MB, uploadChunks } from '../../upload';
import type { UploadResult } from '../../upload';
import {
	findPostWhenWaitingProperty,
	privacyLevelProperty,
	waitProperties,
} from '../common.descriptions';
import { publishOutput } from '../publishOutput';
import { MAX_CAPTION_UNITS, readVideoPublishInput } from './publish.input';
import { readMedia, videoInitBody } from './publish.request';
import type { Media } from './publish.request';

const INIT_PATHS = { directPost: PUBLISH_PATHS.videoDirectPost, draft: PUBLISH_PATHS.videoDraft };

const directPostOnly = { '/postMode': ['directPost'] };

const properties: INodeProperties[] = [
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
					"Send the video to the creator's TikTok inbox; they add the caption and post it in the TikTok app (scope video.upload)",
			},
		],
		default: 'directPost',
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
				description:
					'A video from an earlier node (for example Read/Write Files from Disk or HTTP Request), uploaded in chunks',
			},
			{
				name: 'URL',
				value: 'url',
				description:
					'An https URL on a domain or URL prefix verified for your TikTok app; TikTok downloads it',
			},
			{
				name: 'URL (Uploaded by This Node)',
				value: 'urlUpload',
				description:
					'Any http(s) URL (a CDN, a presigned S3 link, a render service), no verification needed; n8n downloads it and uploads it to TikTok in chunks, streamed',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the video (MP4, MOV or WebM, up to 4 GB)',
		displayOptions: { show: { source: ['binary'] } },
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
		displayOptions: { show: { source: ['url'] } },
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://bucket.s3.amazonaws.com/clip.mp4?X-Amz-Signature=...',
		description:
			'Http(s) URL of the video file (MP4, MOV or WebM, up to 4 GB); the server must state its size. n8n downloads it in ranged pieces while uploading, so it needs no domain verification and never touches the disk.',
		displayOptions: { show: { source: ['urlUpload'] } },
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: `Caption of the post, up to ${MAX_CAPTION_UNITS} characters; #hashtags and @mentions are recognised`,
		displayOptions: { show: { postMode: ['directPost'] } },
	},
	privacyLevelProperty('video'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
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
					"Largest upload request, in MB of 1,000,000 bytes (5 to 64); the video is cut into equal chunks up to this size. Larger chunks mean fewer requests; memory does not grow with them, as the bytes stream from n8n's binary data. 5 is sent as 5,242,880 bytes, the smallest size TikTok accepts under both readings of MB.",
				displayOptions: { show: { '/source': ['binary', 'urlUpload'] } },
			},
			{
				displayName: 'Cover Timestamp (Ms)',
				name: 'videoCoverTimestampMs',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					'Time of the frame used as the cover, in milliseconds from the start; by default the first frame',
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
			findPostWhenWaitingProperty,
			...waitProperties,
			{
				displayName: 'Your Brand (Promotional Content)',
				name: 'brandOrganicToggle',
				type: 'boolean',
				default: false,
				description:
					'Whether the video promotes your own business; TikTok labels it "Promotional content"',
				displayOptions: { show: directPostOnly },
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['publish'] } },
	properties,
);

/**
 * Publish Video: validate everything that needs no request, check the account (direct posts), send ONE
 * init, upload the bytes (binary source), optionally wait for the final status. Anything failing after
 * the init carries the publish ID, so nobody posts the same video twice.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const input = readVideoPublishInput.call(this, itemIndex);
	const media = await readMedia.call(this, input);
	const body = await videoInitBody.call(this, input, media);
	const transfer = media.kind === 'url' ? 'pull' : 'upload';
	const sentAtMs = Date.now();
	const init = await sendPublishInit.call(
		this,
		itemIndex,
		INIT_PATHS[input.postMode],
		body,
		transfer,
	);
	const { publishId } = init;
	try {
		let upload: UploadResult | undefined;
		if (media.kind !== 'url') {
			upload = await uploadVideo.call(this, itemIndex, media, init.uploadUrl);
			await init.claim.uploaded();
		}
		const waited = input.wait
			? await waitForPost.call(
					this,
					publishId,
					input.wait,
					findPostRequestFrom(input.options, input.title, sentAtMs),
				)
			: undefined;
		const uploadedBytes = upload?.bytes ?? null;
		const accepted = { publishId, postMode: input.postMode, source: input.source, uploadedBytes };
		return { ...publishOutput(accepted, waited), ...(upload && { upload: { ...upload } }) };
	} catch (error) {
		throw failedAfterInit(this.getNode(), error, publishId, itemIndex);
	}
}

async function uploadVideo(
	this: IExecuteFunctions,
	itemIndex: number,
	media: Extract<Media, { kind: 'binary' | 'urlUpload' }>,
	uploadUrl: string | undefined,
): Promise<UploadResult> {
	if (!uploadUrl) {
		throw tikTokOperationError(
			this.getNode(),
			'TikTok accepted the upload but returned no upload URL',
			'Publish again; report it if it persists.',
			{ code: 'missing_upload_url' },
			itemIndex,
		);
	}
	return await uploadChunks.call(this, {
		uploadUrl,
		plan: media.plan,
		contentType: media.video.contentType,
		source: media.video.openSource(),
		itemIndex,
	});
}
