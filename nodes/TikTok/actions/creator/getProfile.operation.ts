import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getProfile } from '../../../shared/api/userInfo';

export const description: INodeProperties[] = [];

/**
 * Get Profile and Stats: the account's Display API user info with the fields its scopes allow. Fields of a
 * scope the account did not grant are null, and missingScopes names those scopes.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { profile, missingScopes } = await getProfile.call(this, itemIndex);
	return { ...profile, missingScopes };
}
