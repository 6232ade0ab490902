import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { SCOPE_ERROR_CODES } from '../errors/messages';
import { asNodeError, tikTokErrorContext } from '../errors/nodeErrors';
import type { TikTokContext } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';
import { countField, textField } from '../utils/fields';

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
		scope: field === 'username' ? 'user.info.profile' : 'user.info.basic',
	});
	const value = (data.user as IDataObject | undefined)?.[field];
	return typeof value === 'string' && value !== '' ? value : null;
}

/** The user info fields of each Display API scope (TikTok moved them between scopes in 2024). */
export const PROFILE_FIELDS_BY_SCOPE = {
	'user.info.basic': ['open_id', 'union_id', 'avatar_url', 'display_name'],
	'user.info.profile': ['username', 'bio_description', 'profile_deep_link', 'is_verified'],
	'user.info.stats': ['follower_count', 'following_count', 'likes_count', 'video_count'],
} as const;

export type ProfileScope = keyof typeof PROFILE_FIELDS_BY_SCOPE;

/** The account's profile as the TikTok node outputs it: camelCase, ids as strings, absent fields null. */
export interface Profile extends IDataObject {
	openId: string | null;
	unionId: string | null;
	displayName: string | null;
	username: string | null;
	avatarUrl: string | null;
	bioDescription: string | null;
	profileDeepLink: string | null;
	isVerified: boolean | null;
	followerCount: number | null;
	followingCount: number | null;
	likesCount: number | null;
	videoCount: number | null;
}

export interface ProfileResult {
	profile: Profile;
	/** The optional scopes whose fields TikTok refused: their fields are null */
	missingScopes: ProfileScope[];
}

/**
 * The fields to try, in order, when TikTok refuses some: all of them, then without the stats, then
 * without the profile fields, then the basic ones. TikTok's scope errors do not say which scope is missing.
 */
const ATTEMPTS: Array<ProfileScope[]> = [
	['user.info.basic', 'user.info.profile', 'user.info.stats'],
	['user.info.basic', 'user.info.profile'],
	['user.info.basic', 'user.info.stats'],
	['user.info.basic'],
];

/**
 * The connected account's profile and stats (GET /v2/user/info/) with the fields its scopes allow. A field
 * whose scope was not granted is null and its scope is listed in `missingScopes`; without user.info.basic
 * the request fails with an error naming that scope.
 */
export async function getProfile(this: TikTokContext, itemIndex?: number): Promise<ProfileResult> {
	let refused = new Set<ProfileScope>();
	for (const scopes of ATTEMPTS) {
		// A scope already known to be missing is not asked for again
		if (scopes.some((scope) => refused.has(scope))) continue;
		try {
			const { data } = await tikTokApiRequest.call(this, {
				method: 'GET',
				path: '/v2/user/info/',
				qs: { fields: scopes.flatMap((scope) => PROFILE_FIELDS_BY_SCOPE[scope]).join(',') },
				retryable: true,
				scope: 'user.info.basic',
				itemIndex,
			});
			const user = (data.user as IDataObject | undefined) ?? {};
			const missingScopes = ATTEMPTS[0].filter(
				(scope) =>
					!scopes.includes(scope) ||
					// TikTok may also leave out the fields it may not show rather than refuse them
					PROFILE_FIELDS_BY_SCOPE[scope].every((field) => user[field] === undefined),
			);
			return { profile: toProfile(user), missingScopes };
		} catch (error) {
			const code = tikTokErrorContext(error)?.code ?? '';
			if (!SCOPE_ERROR_CODES.includes(code) || scopes.length === 1)
				throw asNodeError(this.getNode(), error, itemIndex);
			refused = refusedAfter(scopes, refused);
		}
	}
	// Not reached: the last attempt returns or throws
	throw new NodeOperationError(this.getNode(), 'TikTok refused every set of profile fields');
}

/** What a refused attempt tells: all three refused means stats missing (tried next without them), and so on. */
function refusedAfter(scopes: ProfileScope[], refused: Set<ProfileScope>): Set<ProfileScope> {
	const next = new Set(refused);
	// The attempt with both optional scopes failed: try without stats first, nothing is known yet
	if (scopes.length === 3) return next;
	// basic + profile failed: profile is missing; basic + stats failed: stats is missing too
	next.add(scopes.includes('user.info.profile') ? 'user.info.profile' : 'user.info.stats');
	return next;
}

function toProfile(user: IDataObject): Profile {
	return {
		openId: textField(user.open_id),
		unionId: textField(user.union_id),
		displayName: textField(user.display_name),
		username: textField(user.username),
		avatarUrl: textField(user.avatar_url),
		bioDescription: textField(user.bio_description),
		profileDeepLink: textField(user.profile_deep_link),
		isVerified: typeof user.is_verified === 'boolean' ? user.is_verified : null,
		followerCount: countField(user.follower_count),
		followingCount: countField(user.following_count),
		likesCount: countField(user.likes_count),
		videoCount: countField(user.video_count),
	};
}
