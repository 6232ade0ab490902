import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { findPost, waitForPost } from '../../../shared/api/findPost';
import type { FoundPost } from '../../../shared/api/findPost';
import { fetchPostStatus } from '../../../shared/api/status';
import type { PostStatus } from '../../../shared/api/status';
import { tikTokErrorContext, tikTokOperationError } from '../../../shared/errors/nodeErrors';
import type { InputChecker } from '../../input/checker';
import { findPostProperties, waitProperties } from '../common.descriptions';
import { describePublishId, readStatusInput } from './getStatus.input';

const properties: INodeProperties[] = [
	{
		displayName: 'Publish ID',
		name: 'publishId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'p_pub_url~v2.7602997070760331285',
		description:
			'The publishId that Publish Video or Publish Photos returned; map it from their output with an expression',
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
			...findPostProperties,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['getStatus'] } },
	properties,
);

/**
 * Get Status: TikTok's status of a publish ID, once or polled until it is final. A timeout returns the last
 * status with timedOut true, and FAILED is data unless the user asks for an error.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { check, publishId, wait, errorOnFailure, find } = readStatusInput.call(this, itemIndex);

	let result: IDataObject & PostStatus;
	let found: FoundPost | undefined;
	if (wait) {
		const waited = await waitForPost.call(this, publishId, wait, find);
		result = { ...waited.status, timedOut: waited.timedOut };
		found = waited.found;
	} else {
		result = await fetchPostStatus.call(this, publishId, { itemIndex });
		found = find && (await findPost.call(this, result, find, { itemIndex }));
	}
	if (errorOnFailure && result.status === 'FAILED') throw publishFailedError(check, result);
	return { ...result, ...describePublishId(publishId), ...found };
}

/** The error the user asked for with "Error on Failure", with TikTok's reason explained. */
function publishFailedError(check: InputChecker, status: PostStatus) {
	const reason = status.failReason ?? 'no reason given';
	const error = tikTokOperationError(
		check.node,
		`TikTok could not publish ${status.publishId}: ${reason}`,
		status.failReasonDescription ?? 'TikTok gave no reason; publishing again may work.',
		{ code: 'publish_failed' },
		check.itemIndex,
	);
	// For continue-on-fail items; set here rather than in the context above, whose advice ("check the
	// status before publishing again") does not fit a post that has failed.
	Object.assign(tikTokErrorContext(error) ?? {}, { publishId: status.publishId });
	return error;
}
