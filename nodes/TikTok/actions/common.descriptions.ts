import type { INodeProperties } from 'n8n-workflow';

import { MIN_POLL_INTERVAL_SECONDS, WAIT_LIMITS } from '../../shared/api/status';

/** Waiting options shared by Publish Video, Publish Photos (inside their Options) and Get Status. */
export const waitProperties: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to poll TikTok until the post reaches a final status (published, failed, or delivered to the inbox) or the timeout',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: WAIT_LIMITS.maxTimeoutSeconds },
		default: 300, // WAIT_LIMITS.defaultTimeoutSeconds (the linter wants a literal)
		description:
			'How long to wait for a final status. On timeout the node returns the last status with timedOut set to true, so a workflow can loop with a Wait node.',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: {
			minValue: MIN_POLL_INTERVAL_SECONDS,
			maxValue: WAIT_LIMITS.maxPollIntervalSeconds,
		},
		default: 5, // WAIT_LIMITS.defaultPollIntervalSeconds
		description: 'Seconds between status checks. TikTok allows 30 checks per minute per account.',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
];

/**
 * Privacy of a direct post. TikTok's guidelines: choices come from the account's privacy_level_options,
 * with no default. An expression may set it (checked against the account before posting).
 */
export function privacyLevelProperty(resource: 'video' | 'photo'): INodeProperties {
	return {
		displayName: 'Privacy Level Name or ID',
		name: 'privacyLevel',
		type: 'options',
		typeOptions: {
			loadOptionsMethod: 'getPrivacyLevels',
			loadOptionsDependsOn: ['authentication'],
		},
		required: true,
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Who can see the post; the list comes from the connected account. IDs: PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY.',
		displayOptions: {
			show: { resource: [resource], operation: ['publish'], postMode: ['directPost'] },
		},
	};
}

const FIND_POST_DESCRIPTION =
	"Whether to look for the post among the account's newest public videos when TikTok reports PUBLISH_COMPLETE without a post ID: the one video created since the publish request with the same caption (photos: title). Adds postIdSource and shareUrl. Needs the video.list scope; public posts only.";

/** Find Post in Video List, in the Options of the publish operations: only when they wait. */
export const findPostWhenWaitingProperty: INodeProperties = {
	displayName: 'Find Post in Video List',
	name: 'findPostInVideoList',
	type: 'boolean',
	default: false,
	description: FIND_POST_DESCRIPTION,
	displayOptions: { show: { waitForCompletion: [true] } },
};

/** Find Post in Video List and the caption to look for, in the Options of Get Status. */
export const findPostProperties: INodeProperties[] = [
	{
		displayName: 'Find Post in Video List',
		name: 'findPostInVideoList',
		type: 'boolean',
		default: false,
		description: FIND_POST_DESCRIPTION,
	},
	{
		displayName: 'Caption or Title',
		name: 'title',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description:
			'The caption (videos) or title (photos) the post was published with, to find it in the video list',
		displayOptions: { show: { findPostInVideoList: [true] } },
	},
];
