import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fetchPostStatus, waitForFinalStatus, waitOptionsFrom } from '../../helpers/status';
import type { PostStatus, WaitParameters } from '../../helpers/status';
import { invalidField } from '../../helpers/validation';
import { tikTokErrorContext, tikTokOperationError } from '../../transport/errors';
import { waitProperties } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Publish ID',
		name: 'publishId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'p_pub_url~v2.7602997070760331285',
		description: 'The publishId that Publish Video or Publish Photos returned; map it from their output with an expression',
	},
	...waitProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Error on Failure',
				name: 'errorOnFailure',
				type: 'boolean',
				default: false,
				description:
					'Whether to stop with an error when TikTok reports the post FAILED. Off, a failed post is output data (status FAILED with failReason), so the workflow can branch on it.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['post'], operation: ['getStatus'] } }, properties);

/**
 * Get Status: TikTok's status of a publish ID, once or polled until it is final. A timeout returns the last
 * status with timedOut true, and FAILED is data unless the user asks for an error.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const node = this.getNode();
	const publishId = publishIdFrom(node, itemIndex, this.getNodeParameter('publishId', itemIndex, ''));
	const wait = waitOptionsFrom(node, itemIndex, waitParameters.call(this, itemIndex));
	const { errorOnFailure } = this.getNodeParameter('options', itemIndex, {}) as { errorOnFailure?: boolean };

	let result: IDataObject & PostStatus;
	if (wait) {
		const { status, timedOut } = await waitForFinalStatus.call(this, publishId, wait);
		result = { ...status, timedOut };
	} else {
		result = await fetchPostStatus.call(this, publishId, { itemIndex });
	}
	if (errorOnFailure === true && result.status === 'FAILED') throw publishFailedError(node, itemIndex, result);
	return { ...result, ...describePublishId(publishId) };
}

/** The top-level wait parameters; n8n hides (and drops) the timeout and interval unless waiting. */
function waitParameters(this: IExecuteFunctions, itemIndex: number): WaitParameters {
	const waitForCompletion = this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
	if (waitForCompletion !== true) return { waitForCompletion };
	return {
		waitForCompletion,
		waitTimeoutSeconds: this.getNodeParameter('waitTimeoutSeconds', itemIndex) as number,
		pollIntervalSeconds: this.getNodeParameter('pollIntervalSeconds', itemIndex) as number,
	};
}

/**
 * Post mode and source, read from the publish ID's kind, as TikTok names them: `v_` video or `p_` photo,
 * `pub` direct or `inbox` draft, `file` upload or `url` pull (seen: v_pub_file, v_pub_url, v_inbox_file,
 * v_inbox_url, p_pub_url, p_inbox_url). TikTok documents the ids only by example, so an unknown kind gives
 * null rather than a guess.
 */
export function describePublishId(publishId: string): { postMode: 'directPost' | 'draft' | null; source: 'binary' | 'url' | null } {
	const [media, mode, source] = publishId.split('~')[0].toLowerCase().split('_');
	const known = (media === 'v' || media === 'p') && (mode === 'pub' || mode === 'inbox') && (source === 'file' || source === 'url');
	if (!known) return { postMode: null, source: null };
	return { postMode: mode === 'pub' ? 'directPost' : 'draft', source: source === 'file' ? 'binary' : 'url' };
}

/** TikTok's publish IDs: a kind, "~", a version and a number, e.g. p_pub_url~v2.7602997070760331285 (at most 64). */
const PUBLISH_ID_SHAPE = /^[a-z0-9_]+~[a-z0-9._-]+$/i;
const PUBLISH_ID_MAX_LENGTH = 64;
const PUBLISH_ID_FIX =
	'Map the publishId field that Publish Video or Publish Photos returned, for example {{ $json.publishId }}. Publish IDs look like v_pub_file~v2-1.7602997070760331285 or p_pub_url~v2.7602997070760331285.';

/** The trimmed publish ID, checked before the request so a wrong mapping gets a clear message. */
export function publishIdFrom(node: INode, itemIndex: number, value: unknown): string {
	if (value !== null && typeof value === 'object') {
		throw invalidField(node, itemIndex, 'Publish ID', 'it is an object or a list, not a publish ID', PUBLISH_ID_FIX);
	}
	const publishId = String(value ?? '').trim();
	if (publishId === '') throw invalidField(node, itemIndex, 'Publish ID', 'it is empty', PUBLISH_ID_FIX);
	if (/^\d+$/.test(publishId)) {
		throw invalidField(
			node,
			itemIndex,
			'Publish ID',
			`${publishId} is a post ID (the number of a published TikTok post), not a publish ID`,
			PUBLISH_ID_FIX,
		);
	}
	if (publishId.length > PUBLISH_ID_MAX_LENGTH || !PUBLISH_ID_SHAPE.test(publishId)) {
		const shown = publishId.length > 80 ? `${publishId.slice(0, 77)}...` : publishId;
		throw invalidField(node, itemIndex, 'Publish ID', `"${shown}" does not look like a TikTok publish ID`, PUBLISH_ID_FIX);
	}
	return publishId;
}

/** The error the user asked for with "Error on Failure", with TikTok's reason explained. */
function publishFailedError(node: INode, itemIndex: number, status: PostStatus) {
	const reason = status.failReason ?? 'no reason given';
	const error = tikTokOperationError(
		node,
		`TikTok could not publish ${status.publishId}: ${reason}`,
		status.failReasonDescription ?? 'TikTok gave no reason; publishing again may work.',
		{ code: 'publish_failed' },
		itemIndex,
	);
	// For continue-on-fail items; set here rather than in the context above, whose advice ("check the
	// status before publishing again") does not fit a post that has failed.
	Object.assign(tikTokErrorContext(error) ?? {}, { publishId: status.publishId });
	return error;
}
