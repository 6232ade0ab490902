/**
 * Every message the package shows for a TikTok code, in one place: the API's `error.code` values, the
 * status endpoint's `fail_reason` values, the OAuth token endpoint's errors, and the HTTP client's network
 * codes. Each entry says what happened and how to fix it. The facts behind them are summarised in
 * docs/tiktok-api-notes.md.
 */

export interface ErrorExplanation {
	message: string;
	fix: string;
}

export type TikTokCredentialType = 'tikTokOAuth2Api' | 'tikTokRefreshTokenApi';

const SCOPES_FIX =
	"Add the scope to your app at developers.tiktok.com (TikTok must approve it), select it in the credential's Posting Scopes or Additional Scopes, and reconnect the credential so the account grants it.";

/** TikTok's Content Posting, Display and common v2 error codes (`error.code` of the response envelope). */
const API_ERRORS: Record<string, ErrorExplanation> = {
	access_token_invalid: {
		message: 'TikTok rejected the access token',
		fix: 'Reconnect the TikTok credential (with the TikTok Refresh Token API credential: paste a new authorization code, see the README). n8n renews tokens by itself only when TikTok answers HTTP 401, and this answer came with another status.',
	},
	scope_not_authorized: {
		message: 'The TikTok account has not granted the scope this operation needs',
		fix: SCOPES_FIX,
	},
	scope_permission_missed: {
		message: 'The request needs a scope the TikTok account has not granted',
		fix: SCOPES_FIX,
	},
	invalid_params: {
		message: 'TikTok rejected a field of the request',
		fix: "Correct the field TikTok names above. If it is about the chunk size, report it: the node plans chunks within TikTok's documented limits.",
	},
	invalid_file_upload: {
		message: "The uploaded file does not meet TikTok's video specifications",
		fix: 'Use an MP4 (recommended), MOV or WebM file up to 4 GB with H.264, H.265, VP8 or VP9 video, 23 to 60 FPS, and 360 to 4096 pixels on each side.',
	},
	rate_limit_exceeded: {
		message: "TikTok's rate limit was reached",
		fix: 'TikTok allows per account and per minute: 6 post requests of each kind, 20 creator-info queries and 30 status checks. Wait a minute, or space the items out with a Loop Over Items and a Wait node.',
	},
	internal_error: {
		message: 'TikTok had an internal error',
		fix: 'Try again in a few minutes. If it persists, quote the log ID to TikTok support.',
	},
	app_version_check_failed: {
		message: "The creator's TikTok app is too old to receive this draft",
		fix: 'Ask the creator to update the TikTok app to version 31.8 or later, then try again.',
	},
	invalid_publish_id: {
		message: 'TikTok does not know this publish ID',
		fix: 'Check that the Publish ID is copied exactly as the publish operation returned it (for example v_pub_file~v2-1.7602997070760331285), and that it was created by this TikTok app.',
	},
	token_not_authorized_for_specified_publish_id: {
		message: 'This publish ID belongs to another TikTok account or app',
		fix: 'Use the credential of the TikTok account that published it.',
	},
	publish_not_cancellable: {
		message: 'This post can no longer be cancelled: TikTok is past downloading it',
		fix: 'Only posts that TikTok is still downloading from a URL can be cancelled. Check it with Get Status, and delete the post in the TikTok app if it should not be online.',
	},
	spam_risk_too_many_posts: {
		message: 'This TikTok account reached its daily limit of posts through the API',
		fix: 'TikTok allows about 15 posts a day per account, shared by all apps. Try again tomorrow, or post from the TikTok app.',
	},
	spam_risk_user_banned_from_posting: {
		message: 'TikTok has banned this account from posting',
		fix: "Retrying will not help. Check the account's status in the TikTok app.",
	},
	spam_risk_too_many_pending_share: {
		message: 'This account has too many drafts waiting in its TikTok inbox',
		fix: 'TikTok allows 5 pending drafts per account within 24 hours. Open the TikTok app and post or discard the waiting drafts, then try again.',
	},
	reached_active_user_cap: {
		message: 'Your TikTok app reached its daily limit of accounts that may post',
		fix: "Unaudited apps may post for 5 accounts a day; audited apps get the quota granted at the audit. Try again tomorrow, or apply for TikTok's Content Posting audit or a higher quota.",
	},
	unaudited_client_can_only_post_to_private_accounts: {
		message:
			"Your TikTok app has not passed TikTok's Content Posting audit, so it can only post to private accounts",
		fix: "Switch the TikTok account itself to private (TikTok app > Settings and privacy > Privacy > Private account) and post with privacy level SELF_ONLY, or apply for the audit at https://developers.tiktok.com/application/content-posting-api. The post's privacy level alone is not enough.",
	},
	url_ownership_unverified: {
		message: 'TikTok only pulls media from domains or URL prefixes verified for your app',
		fix: 'In your app at developers.tiktok.com, open URL properties and verify the domain (DNS record) or the URL prefix (signature file) the media is served from; a domain covers its subdomains. Photos can only be pulled from a verified URL; a video can also be uploaded by n8n instead, with Source "URL (Uploaded by This Node)" or as binary data.',
	},
	privacy_level_option_mismatch: {
		message: 'The privacy level is not one this TikTok account offers',
		fix: 'Pick the Privacy Level from the list loaded from the account. Public accounts offer PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS and SELF_ONLY; private accounts offer FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS and SELF_ONLY.',
	},
	spam_risk_text: {
		message: 'TikTok judged the caption or description risky',
		fix: 'Change the title or description; TikTok does not accept this text.',
	},
	spam_risk: {
		message: 'TikTok judged this request risky',
		fix: 'Retrying will not help; post from the TikTok app.',
	},
};
// TikTok's pages spell the code both ways
API_ERRORS.invalid_param = API_ERRORS.invalid_params;

/** The user-facing explanation of a TikTok error code, with TikTok's own message when it adds detail. */
export function explainTikTokError(code: string, tikTokMessage?: string): ErrorExplanation {
	const known = API_ERRORS[code];
	const detail = tikTokMessage?.trim();
	if (!known) {
		return {
			message: `TikTok answered "${code}"${detail ? `: ${detail}` : ''}`,
			fix: "Check the request's fields; quote the log ID to TikTok support if it persists.",
		};
	}
	return { message: detail ? `${known.message}: ${detail}` : known.message, fix: known.fix };
}

/** The codes TikTok answers when the account has not granted a scope the request needs. */
export const SCOPE_ERROR_CODES = ['scope_not_authorized', 'scope_permission_missed'];

/** What each scope the package asks for is needed for, named in missing-scope errors. */
const SCOPE_USES: Record<string, string> = {
	'user.info.basic': 'Get Profile and Stats',
	'user.info.profile': 'profile fields (username, bio, verified) and post links',
	'user.info.stats': 'the follower, following, likes and video counts of Get Profile and Stats',
	'video.list':
		'Get Many Videos, Get Videos by ID, Find Post in Video List and the TikTok Polling Trigger',
	'video.publish': 'direct posts and creator info',
	'video.upload': 'drafts',
};

/** How to add a scope, per credential: a checkbox for the OAuth2 credential, the authorize URL for the other. */
export function missingScopeFix(scope: string, credentialType: TikTokCredentialType): string {
	const approve = `Your app at developers.tiktok.com must be approved for ${scope} first (TikTok refuses the whole authorization otherwise).`;
	return credentialType === 'tikTokRefreshTokenApi'
		? `Add ${scope} to the scope list of TikTok's authorize URL (see the README), approve the app again, and paste the new authorization code into the TikTok Refresh Token API credential. ${approve}`
		: `Open the TikTok OAuth2 API credential, select ${scope} in Additional Scopes (or Posting Scopes), save and click Reconnect. ${approve}`;
}

/** The error for a request refused for a missing scope, naming the scope, what needs it and how to add it. */
export function explainMissingScope(
	scope: string,
	credentialType: TikTokCredentialType,
): ErrorExplanation {
	const use = SCOPE_USES[scope];
	return {
		message: `The TikTok account has not granted the scope this needs: ${scope}${use ? ` (${use})` : ''}`,
		fix: missingScopeFix(scope, credentialType),
	};
}

/**
 * What happened to a post TikTok would not cancel (publish_not_cancellable), from its status: TikTok's
 * code alone does not say whether the post is online, a draft, failed or still being processed.
 */
export function explainNotCancellable(
	status: string | undefined,
	failReason: string | null,
	uploadedFromFile: boolean,
): ErrorExplanation {
	const message = 'TikTok can no longer cancel this post';
	if (status === 'PUBLISH_COMPLETE')
		return {
			message: `${message}: it is already published`,
			fix: 'Delete the post in the TikTok app if it should not be online.',
		};
	if (status === 'SEND_TO_USER_INBOX')
		return {
			message: `${message}: it is already a draft in the creator's TikTok inbox`,
			fix: 'Nothing is posted until the creator posts the draft; they can delete it in the TikTok app.',
		};
	if (status === 'FAILED')
		return {
			message: `${message}: it already failed${failReason ? ` (${failReason})` : ''}`,
			fix: 'Nothing was posted, so there is nothing to cancel.',
		};
	if (uploadedFromFile)
		return {
			message: `${message}: TikTok only cancels posts it downloads from a URL, and this one was uploaded (FILE_UPLOAD)`,
			fix: 'An unfinished upload is discarded when its upload URL expires (within an hour); a finished one is published: delete it in the TikTok app if needed.',
		};
	return {
		message: `${message}: TikTok has finished downloading it, or nearly${status ? ` (status ${status})` : ''}`,
		fix: 'It will be published unless it fails: check it with Get Status, and delete it in the TikTok app if it should not be online.',
	};
}

/** TikTok's `fail_reason` values (status fetch and the post.publish.failed webhook), matched by prefix. */
const FAIL_REASONS: Array<[prefix: string, explanation: string]> = [
	[
		'file_format_check_failed',
		"TikTok does not accept the file's format: use MP4, MOV or WebM (H.264 recommended) for videos, JPEG or WEBP for photos.",
	],
	[
		'duration_check_failed',
		'The video is too long or too short for this creator (see maxVideoPostDurationSec in Get Creator Info).',
	],
	['frame_rate_check_failed', "The video's frame rate is outside 23 to 60 FPS."],
	[
		'picture_size_check_failed',
		"The picture size is outside TikTok's limits: 360 to 4096 pixels per side for videos, at most 1080p for photos.",
	],
	['internal', 'TikTok had an internal problem: publishing again may work.'],
	[
		'video_pull_failed',
		'TikTok could not download the video from its URL within an hour: check the URL is public, does not redirect, and stays reachable, then publish again.',
	],
	[
		'photo_pull_failed',
		'TikTok could not download a photo from its URL: check each URL is public, does not redirect, and serves JPEG or WEBP, then publish again.',
	],
	['publish_cancelled', 'The post was cancelled before TikTok finished downloading it.'],
	[
		'auth_removed',
		"The creator removed this app's access during processing. Do not retry: reconnect the account first.",
	],
	[
		'spam_risk_too_many_posts',
		'The creator posted too many times through the API in 24 hours. Post from the TikTok app or try tomorrow.',
	],
	['spam_risk_user_banned_from_posting', 'The creator is banned from posting. Do not retry.'],
	[
		'spam_risk_text',
		'TikTok judged the title or description risky. Do not retry with the same text.',
	],
	['spam_risk', 'TikTok judged the post risky. Do not retry.'],
	// Short forms seen in client code; matched after the full names
	['picture_size', "The picture size is outside TikTok's limits."],
	['duration', "The video's duration is outside this creator's limits."],
	['file_format', "TikTok does not accept the file's format."],
	['frame_rate', "The video's frame rate is outside 23 to 60 FPS."],
];

export function explainFailReason(failReason: string): string {
	const match = FAIL_REASONS.find(([prefix]) => failReason.startsWith(prefix));
	return match ? match[1] : `TikTok reported "${failReason}".`;
}

export type TokenGrant = 'refresh_token' | 'authorization_code';

/** What the user should do for each OAuth error TikTok's token endpoint can answer. */
const TOKEN_ERRORS: Record<string, string | Record<TokenGrant, string>> = {
	invalid_client:
		'Check the Client Key and Client Secret against your app page at developers.tiktok.com.',
	invalid_grant: {
		refresh_token:
			'The refresh token is expired, revoked or already replaced (TikTok rotates it at every refresh). Get a new authorization code from TikTok\'s authorize page, paste it into "Authorization Code" with its Redirect URI, and save the credential.',
		authorization_code:
			"Authorization codes are single-use and expire within minutes: open TikTok's authorize page again, paste the new code and save straight away. The Redirect URI must be the one used on that page. (Saved twice from the same dialog? The first save already exchanged the code and the credential works: close the dialog and reopen it.)",
	},
	invalid_request: {
		authorization_code:
			'Check that "Redirect URI" is exactly the URI registered in your TikTok app and used on the authorize page.',
		refresh_token: 'Check the Client Key, Client Secret and Refresh Token fields for stray spaces.',
	},
	invalid_scope: 'Request only scopes approved for your TikTok app.',
	unauthorized_client:
		'Your TikTok app may not use this grant: check that Login Kit is enabled for it.',
	temporarily_unavailable:
		'TikTok had a temporary problem: run the workflow again in a few minutes.',
	server_error: 'TikTok had a temporary problem: run the workflow again in a few minutes.',
};

export function tokenErrorFix(error: string, grant: TokenGrant): string {
	const fix = TOKEN_ERRORS[error];
	if (fix === undefined) return 'Reconnect the credential with a new authorization code.';
	return typeof fix === 'string' ? fix : fix[grant];
}

/** What to do when n8n cannot renew a token, per credential. */
export const RECONNECT_FIX: Record<TikTokCredentialType, string> = {
	tikTokOAuth2Api:
		'Open the TikTok OAuth2 API credential and click "Reconnect". If refreshing keeps failing, TikTok is not accepting n8n\'s refresh request (TikTok asks for client_key in the request body, which n8n\'s OAuth2 refresh cannot send): switch the node\'s Authentication to "Refresh Token" and use the TikTok Refresh Token API credential (see the README).',
	tikTokRefreshTokenApi:
		'Paste a new authorization code into the TikTok Refresh Token API credential (see the README) and save it.',
};

/**
 * Network failures in words. Not the codes themselves: n8n replaces any error message that mentions
 * ECONNRESET and the like with a generic text, which would lose which request failed.
 */
const NETWORK_ERRORS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection closed while sending',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the host was not found',
	EAI_AGAIN: 'the host could not be resolved',
	EHOSTUNREACH: 'the host is unreachable',
};

export function describeNetworkError(code: unknown): string {
	return (typeof code === 'string' && NETWORK_ERRORS[code]) || 'a network error';
}
