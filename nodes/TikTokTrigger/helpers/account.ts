import type { IDataObject, INode } from 'n8n-workflow';

import { queryCreatorInfo } from '../../shared/api/creatorInfo';
import { userInfoField } from '../../shared/api/userInfo';
import { credentialIdOf, credentialTypeOf } from '../../shared/transport/context';
import type { TikTokContext } from '../../shared/transport/context';

/** The TikTok account behind the node's credential, as far as it could be found out. */
export interface ConnectedAccount extends IDataObject {
	/** The n8n credential it was looked up with: another credential means another account */
	credentialId: string | null;
	openId: string | null;
	username: string | null;
}

export interface AccountLookup {
	account: ConnectedAccount;
	/** Why a field stayed unknown, for the log */
	problems: string[];
}

const ACCOUNT_KEY = 'connectedAccount';

/** The account cached in the node's static data, if it was looked up with the node's current credential. */
export function cachedAccount(staticData: IDataObject, node: INode): ConnectedAccount | undefined {
	const account = staticData[ACCOUNT_KEY] as ConnectedAccount | undefined;
	if (!account || typeof account !== 'object') return undefined;
	return account.credentialId === credentialIdOf(node) ? account : undefined;
}

export function cacheAccount(staticData: IDataObject, account: ConnectedAccount): void {
	staticData[ACCOUNT_KEY] = { ...account };
}

export function forgetAccount(staticData: IDataObject): void {
	delete staticData[ACCOUNT_KEY];
}

/**
 * The open_id stored in the credential, without a request: the OAuth2 credential keeps TikTok's token
 * response (`oauthTokenData.open_id`), the refresh-token credential fills a hidden `openId` after a token exchange.
 */
export async function openIdFromCredential(this: TikTokContext): Promise<string | null> {
	const credentials = await this.getCredentials(credentialTypeOf(this.getNode()));
	const tokenData = credentials.oauthTokenData as IDataObject | undefined;
	const openId = tokenData?.open_id ?? credentials.openId;
	return typeof openId === 'string' && openId !== '' ? openId : null;
}

/**
 * Finds the account's open_id (credential, else user info with `user.info.basic`) and username (creator
 * info with `video.publish`, else user info with `user.info.profile`). Never throws: a field that cannot be
 * found stays null and the reason goes to `problems`.
 */
export async function lookUpConnectedAccount(this: TikTokContext): Promise<AccountLookup> {
	const problems: string[] = [];
	const account: ConnectedAccount = {
		credentialId: credentialIdOf(this.getNode()),
		openId: null,
		username: null,
	};

	// A credential without open_id is normal (not exchanged yet): only the request's failure is a problem
	account.openId = await attempt(
		[],
		'open_id from the credential',
		async () => await openIdFromCredential.call(this),
	);
	account.openId ??= await attempt(
		problems,
		'open_id from user info',
		async () => await userInfoField.call(this, 'open_id'),
	);
	account.username = await attempt(
		problems,
		'username from creator info (scope video.publish)',
		async () => {
			const { info } = await queryCreatorInfo.call(this);
			return info.username || null;
		},
	);
	account.username ??= await attempt(
		problems,
		'username from user info (scope user.info.profile)',
		async () => await userInfoField.call(this, 'username'),
	);
	return { account, problems };
}

async function attempt(
	problems: string[],
	what: string,
	lookup: () => Promise<string | null>,
): Promise<string | null> {
	try {
		const value = await lookup();
		if (value === null) problems.push(`${what}: not available`);
		return value;
	} catch (error) {
		problems.push(`${what}: ${(error as Error).message}`);
		return null;
	}
}
