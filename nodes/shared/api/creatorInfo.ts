import type { IDataObject } from 'n8n-workflow';

import { explainTikTokError } from '../errors/messages';
import { asNodeError, tikTokErrorContext } from '../errors/nodeErrors';
import type { TikTokContext } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';

export const PRIVACY_LEVELS = [
	'PUBLIC_TO_EVERYONE',
	'MUTUAL_FOLLOW_FRIENDS',
	'FOLLOWER_OF_CREATOR',
	'SELF_ONLY',
] as const;

export const PRIVACY_LEVEL_NAMES: Record<string, string> = {
	PUBLIC_TO_EVERYONE: 'Everyone',
	MUTUAL_FOLLOW_FRIENDS: 'Friends (Mutual Followers)',
	FOLLOWER_OF_CREATOR: 'Followers',
	SELF_ONLY: 'Only Me',
};

/** The creator codes TikTok answers with HTTP 200 to say "this creator cannot post right now". */
const CANNOT_POST_CODES = [
	'spam_risk_too_many_posts',
	'spam_risk_user_banned_from_posting',
	'reached_active_user_cap',
];

export interface CreatorInfo {
	nickname: string;
	username: string;
	avatarUrl: string;
	privacyLevelOptions: string[];
	commentDisabled: boolean;
	duetDisabled: boolean;
	stitchDisabled: boolean;
	maxVideoPostDurationSec: number | null;
}

export interface CreatorInfoResult {
	info: CreatorInfo;
	/** Set when TikTok says the creator cannot post now; `info` may then be incomplete */
	cannotPost?: { code: string; message: string; fix: string; logId?: string };
}

/**
 * TikTok's creator info. Its guidelines require fetching it right before every direct post: it names the
 * account that receives the post, the privacy levels it offers, the interactions it disabled and the
 * longest video it may post.
 */
export async function queryCreatorInfo(
	this: TikTokContext,
	itemIndex?: number,
): Promise<CreatorInfoResult> {
	try {
		const { data } = await tikTokApiRequest.call(this, {
			method: 'POST',
			path: '/v2/post/publish/creator_info/query/',
			retryable: true,
			itemIndex,
		});
		return { info: toCreatorInfo(data) };
	} catch (error) {
		const context = tikTokErrorContext(error);
		if (!context || !CANNOT_POST_CODES.includes(context.code))
			throw asNodeError(this.getNode(), error, itemIndex);
		const explanation = explainTikTokError(context.code);
		return {
			info: toCreatorInfo({}),
			cannotPost: { code: context.code, ...explanation, logId: context.logId },
		};
	}
}

function toCreatorInfo(data: IDataObject): CreatorInfo {
	const duration = Number(data.max_video_post_duration_sec);
	return {
		nickname: String(data.creator_nickname ?? ''),
		username: String(data.creator_username ?? ''),
		avatarUrl: String(data.creator_avatar_url ?? ''),
		privacyLevelOptions: Array.isArray(data.privacy_level_options)
			? data.privacy_level_options.map(String)
			: [],
		commentDisabled: data.comment_disabled === true,
		duetDisabled: data.duet_disabled === true,
		stitchDisabled: data.stitch_disabled === true,
		maxVideoPostDurationSec: Number.isFinite(duration) && duration > 0 ? duration : null,
	};
}
