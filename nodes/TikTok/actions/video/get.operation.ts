import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { queryVideos } from '../../../shared/api/videos';
import { tikTokOperationError } from '../../../shared/errors/nodeErrors';
import { readGetInput } from './get.input';

const properties: INodeProperties[] = [
	{
		displayName: 'Post IDs',
		name: 'postIds',
		type: 'string',
		required: true,
		default: '',
		placeholder: '7602997517160123666, 7602997517160123667',
		description:
			'19-digit TikTok post IDs separated by commas, spaces or new lines, or an expression returning a list of them (such as the postIds of Get Status)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['get'] } },
	properties,
);

/**
 * Get Videos by ID: the account's public videos with these IDs and their stats, one item per video in the
 * order asked for, at most 20 IDs per request. IDs TikTok did not return are listed in each item's
 * notFound; when it returned none of them, the item fails with the IDs and the likely reasons.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { postIds } = readGetInput.call(this, itemIndex);
	const { videos } = await queryVideos.call(this, postIds, itemIndex);
	const returned = new Set(videos.map((video) => video.postId));
	const notFound = postIds.filter((postId) => !returned.has(postId));
	if (videos.length === 0) {
		throw tikTokOperationError(
			this.getNode(),
			`TikTok returned none of the ${postIds.length} video${postIds.length === 1 ? '' : 's'} asked for: ${notFound.join(', ')}`,
			"TikTok only returns the connected account's own public videos: a video that is deleted, not public to everyone, still in moderation, or another account's is left out. Check the IDs and the credential's account.",
			{ code: 'videos_not_found' },
			itemIndex,
		);
	}
	return videos.map((video) => ({ ...video, notFound }));
}
