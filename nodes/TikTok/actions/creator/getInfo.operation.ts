import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { queryCreatorInfo } from '../../../shared/api/creatorInfo';

export const description: INodeProperties[] = [];

/**
 * The account behind the credential, as TikTok's creator info describes it. A creator who cannot post now
 * is data, not an error (canPost false with TikTok's reason), so a workflow can branch on it.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { info, cannotPost } = await queryCreatorInfo.call(this, itemIndex);
	return {
		canPost: cannotPost === undefined,
		...(cannotPost && {
			cannotPostReason: cannotPost.code,
			cannotPostMessage: `${cannotPost.message}. ${cannotPost.fix}`,
		}),
		...info,
	};
}
