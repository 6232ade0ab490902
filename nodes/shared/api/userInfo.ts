import type { IDataObject } from 'n8n-workflow';

import type { TikTokContext } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';

/** One field of the connected account's user info (Display API), or null when TikTok gives none. */
export async function userInfoField(
	this: TikTokContext,
	field: 'open_id' | 'username',
): Promise<string | null> {
	const { data } = await tikTokApiRequest.call(this, {
		method: 'GET',
		path: '/v2/user/info/',
		qs: { fields: field },
		retryable: true,
	});
	const value = (data.user as IDataObject | undefined)?.[field];
	return typeof value === 'string' && value !== '' ? value : null;
}
