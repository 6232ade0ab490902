import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { queryCreatorInfo } from '../../../shared/api/creatorInfo';
import { PUBLISH_PATHS, sendPublishInit } from '../../../shared/api/publish';
import { waitForPost } from '../../../shared/api/findPost';
import { failedAfterInit } from '../../../shared/errors/nodeErrors';
import { checkAgainstCreator } from '../../input/directPost';
import { findPostRequestFrom } from '../../input/wait';
import {
	findPostWhenWaitingProperty,
	privacyLevelProperty,
	waitProperties,
} from '../common.descriptions';
import { publishOutput } from '../publishOutput';
import { DESCRIPTION_MAX_UNITS, MAX_PHOTOS, readPhotoPost, TITLE_MAX_UNITS } from './publish.input';
import type { PhotoPost } from './publish.input';

/** Options that only a direct post sends (TikTok's photo API: DIRECT_POST only). */
const directPostOnly = { displayOptions: { show: { '/postMode': ['directPost'] } } };

const properties: INodeProperties[] = [
	{
		displayName: 'Post Mode',
		name: 'postMode',
		type: 'options',
		options: [
			{
				name: 'Direct Post',
				value: 'directPost',
				description: "Publish the photos on the creator's profile",
			},
			{
				name: 'Draft (Creator Inbox)',
				value: 'draft',
				description:
					"Send the photos to the creator's TikTok inbox; the creator finishes and posts them in the TikTok app (version 31.8 or later)",
			},
		],
		default: 'directPost',
	},
	{
		displayName: 'Photo URLs',
		name: 'photoUrls',
		type: 'string',
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Photo URL', sortable: true },
		required: true,
		default: [],
		placeholder: 'https://media.example.com/photos/1.jpg',
		description: `1 to ${MAX_PHOTOS} https URLs of JPEG or WEBP photos, in carousel order. TikTok downloads them itself, only from a domain or URL prefix verified for your TikTok app (developers.tiktok.com > your app > URL properties). An entry may also be an expression returning a list of URLs, or text with one URL per line.`,
	},
	{
		displayName: 'Photo Cover Index',
		name: 'photoCoverIndex',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: MAX_PHOTOS - 1, numberPrecision: 0 },
		default: 0,
		description: 'Which photo is the cover, counted from 0 (the first photo in the list)',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		description: `Title of the post, up to ${TITLE_MAX_UNITS} characters (most emoji count as 2). For a draft, it is pre-filled in TikTok's editor.`,
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: `Text under the photos, up to ${DESCRIPTION_MAX_UNITS} characters; #hashtags and @mentions work. For a draft, it is pre-filled in TikTok's editor.`,
	},
	privacyLevelProperty('photo'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'AI-Generated Content',
				name: 'isAigc',
				type: 'boolean',
				default: false,
				description:
					'Whether to label the post as AI-generated ("Creator labeled as AI-generated")',
			},
			{
				displayName: 'Auto Add Music',
				name: 'autoAddMusic',
				type: 'boolean',
				default: false,
				description:
					'Whether TikTok adds recommended music to the photos; the creator can change it later',
				...directPostOnly,
			},
			{
				displayName: 'Branded Content',
				name: 'brandContentToggle',
				type: 'boolean',
				default: false,
				description:
					'Whether the post promotes a third party in a paid partnership; TikTok labels it "Paid partnership". It cannot be private (SELF_ONLY). By posting, you agree to TikTok\'s Branded Content Policy.',
				...directPostOnly,
			},
			{
				displayName: 'Disable Comment',
				name: 'disableComment',
				type: 'boolean',
				default: false,
				description:
					'Whether to turn comments off for this post. An account that has comments off in its TikTok settings always posts with comments off.',
				...directPostOnly,
			},
			findPostWhenWaitingProperty,
			...waitProperties,
			{
				displayName: 'Your Brand',
				name: 'brandOrganicToggle',
				type: 'boolean',
				default: false,
				description:
					'Whether the post promotes the creator\'s own business; TikTok labels it "Promotional content"',
				...directPostOnly,
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['photo'], operation: ['publish'] } },
	properties,
);

/**
 * Publish Photos: validates everything it can, asks for creator info before a direct post (TikTok's
 * guidelines), then makes exactly one init request. TikTok pulls the photos itself, so nothing is uploaded.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const post = readPhotoPost.call(this, itemIndex);
	const body =
		post.postMode === 'directPost' ? await directPostBody.call(this, post) : draftBody(post);
	const sentAtMs = Date.now();
	const { publishId } = await sendPublishInit.call(
		this,
		itemIndex,
		PUBLISH_PATHS.content,
		body,
		'pull',
	);
	const accepted = {
		publishId,
		postMode: post.postMode,
		source: 'url' as const,
		uploadedBytes: null,
	};
	try {
		const waited = post.wait
			? await waitForPost.call(
					this,
					publishId,
					post.wait,
					findPostRequestFrom(post.options, post.title.trim() || post.description, sentAtMs),
				)
			: undefined;
		return publishOutput(accepted, waited);
	} catch (error) {
		throw failedAfterInit(this.getNode(), error, publishId, itemIndex);
	}
}

/** A direct post: creator info first, as TikTok's guidelines require; photos only have comments to allow. */
async function directPostBody(this: IExecuteFunctions, post: PhotoPost): Promise<IDataObject> {
	const creator = await queryCreatorInfo.call(this, post.check.itemIndex);
	const interactions = checkAgainstCreator(post.check, creator, post.privacyLevel, post.options, [
		'comment',
	]);
	return photoInitBody(post, 'DIRECT_POST', {
		privacy_level: post.privacyLevel,
		...interactions,
		auto_add_music: post.options.autoAddMusic === true,
		brand_content_toggle: post.options.brandContentToggle === true,
		brand_organic_toggle: post.options.brandOrganicToggle === true,
	});
}

/**
 * A draft (MEDIA_UPLOAD) sends only what TikTok documents for it: title and description, which pre-fill the
 * creator's editor, and the top-level AI label. Privacy, interactions and music are the creator's choice
 * in the app, and creator info is not asked for (a drafts-only app may lack the video.publish scope).
 */
function draftBody(post: PhotoPost): IDataObject {
	return photoInitBody(post, 'MEDIA_UPLOAD', {});
}

function photoInitBody(
	post: PhotoPost,
	mode: 'DIRECT_POST' | 'MEDIA_UPLOAD',
	postInfo: IDataObject,
): IDataObject {
	return {
		media_type: 'PHOTO',
		post_mode: mode,
		post_info: {
			...(post.title.trim() !== '' && { title: post.title }),
			...(post.description.trim() !== '' && { description: post.description }),
			...postInfo,
		},
		source_info: {
			source: 'PULL_FROM_URL',
			photo_images: post.urls,
			photo_cover_index: post.coverIndex,
		},
		// TikTok's 2026 page lists is_aigc at the top level of the photo body (not in post_info, unlike videos).
		// Sent only when set, so accounts on an API that predates it see the body they always did.
		...(post.options.isAigc === true && { is_aigc: true }),
	};
}
