import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PRIVACY_LEVEL_NAMES, queryCreatorInfo } from '../../shared/api/creatorInfo';

/**
 * The privacy levels the connected account offers, straight from TikTok's creator info, as TikTok's
 * guidelines require (no default, no level the account does not offer).
 */
export async function getPrivacyLevels(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const { info, cannotPost } = await queryCreatorInfo.call(this);
	if (cannotPost) {
		throw new NodeOperationError(this.getNode(), `${cannotPost.message}. ${cannotPost.fix}`);
	}
	const account = info.nickname ? ` on ${info.nickname}'s account` : '';
	return info.privacyLevelOptions.map((level) => ({
		name: PRIVACY_LEVEL_NAMES[level] ?? level,
		value: level,
		description: `${level}${account}`,
	}));
}
