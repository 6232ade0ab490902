import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { redactSecrets } from '../../../credentials/shared/redact';

/** What a failed item carries besides the message, for continueOnFail outputs and for callers. */
export interface TikTokErrorContext {
	/** TikTok's `error.code` (or OAuth `error`), or one of ours such as `upload_failed` */
	code: string;
	logId?: string;
	httpStatus?: number;
	/** Set once TikTok accepted a post: the user checks its status instead of posting again */
	publishId?: string;
}

interface ErrorExplanation {
	message: string;
	fix: string;
}

const SCOPES_FIX =
	'Add the scope to your app at developers.tiktok.com (TikTok must approve it), select it in the credential\'s Posting Scopes or Additional Scopes, and reconnect the credential so the account grants it.';

/**
 * Every error code in TikTok's Content Posting, Display and common v2 error tables, with the message the
 * user sees and what to do about it.
 */
const EXPLANATIONS: Record<string, ErrorExplanation> = {
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
		fix: 'Correct the field TikTok names above. If it is about the chunk size, report it: the node plans chunks within TikTok\'s documented limits.',
	},
	invalid_file_upload: {
		message: 'The uploaded file does not meet TikTok\'s video specifications',
		fix: 'Use an MP4 (recommended), MOV or WebM file up to 4 GB with H.264, H.265, VP8 or VP9 video, 23 to 60 FPS, and 360 to 4096 pixels on each side.',
	},
	rate_limit_exceeded: {
		message: 'TikTok\'s rate limit was reached',
		fix: 'TikTok allows per account and per minute: 6 post requests of each kind, 20 creator-info queries and 30 status checks. Wait a minute, or space the items out with a Loop Over Items and a Wait node.',
	},
	internal_error: {
		message: 'TikTok had an internal error',
		fix: 'Try again in a few minutes. If it persists, quote the log ID to TikTok support.',
	},
	app_version_check_failed: {
		message: 'The creator\'s TikTok app is too old to receive this draft',
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
		message: 'This post can no longer be cancelled',
		fix: 'Only posts that TikTok is still downloading from a URL can be cancelled. Delete the post in the TikTok app instead.',
	},
	spam_risk_too_many_posts: {
		message: 'This TikTok account reached its daily limit of posts through the API',
		fix: 'TikTok allows about 15 posts a day per account, shared by all apps. Try again tomorrow, or post from the TikTok app.',
	},
	spam_risk_user_banned_from_posting: {
		message: 'TikTok has banned this account from posting',
		fix: 'Retrying will not help. Check the account\'s status in the TikTok app.',
	},
	spam_risk_too_many_pending_share: {
		message: 'This account has too many drafts waiting in its TikTok inbox',
		fix: 'TikTok allows 5 pending drafts per account within 24 hours. Open the TikTok app and post or discard the waiting drafts, then try again.',
	},
	reached_active_user_cap: {
		message: 'Your TikTok app reached its daily limit of accounts that may post',
		fix: 'Unaudited apps may post for 5 accounts a day; audited apps get the quota granted at the audit. Try again tomorrow, or apply for TikTok\'s Content Posting audit or a higher quota.',
	},
	unaudited_client_can_only_post_to_private_accounts: {
		message: 'Your TikTok app has not passed TikTok\'s Content Posting audit, so it can only post to private accounts',
		fix: 'Switch the TikTok account itself to private (TikTok app > Settings and privacy > Privacy > Private account) and post with privacy level SELF_ONLY, or apply for the audit at https://developers.tiktok.com/application/content-posting-api. The post\'s privacy level alone is not enough.',
	},
	url_ownership_unverified: {
		message: 'TikTok only pulls media from domains or URL prefixes verified for your app',
		fix: 'In your app at developers.tiktok.com, open URL properties and verify the domain (DNS record) or the URL prefix (signature file) the media is served from; a domain covers its subdomains. Photos can only be pulled from a verified URL; a video can also be sent as binary data instead.',
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
EXPLANATIONS.invalid_param = EXPLANATIONS.invalid_params;

/** The user-facing explanation of a TikTok error code, with TikTok's own message when it adds detail. */
export function explainTikTokError(code: string, tikTokMessage?: string): ErrorExplanation {
	const known = EXPLANATIONS[code];
	const detail = tikTokMessage?.trim();
	if (!known) {
		return {
			message: `TikTok answered "${code}"${detail ? `: ${detail}` : ''}`,
			fix: 'Check the request\'s fields; quote the log ID to TikTok support if it persists.',
		};
	}
	return { message: detail ? `${known.message}: ${detail}` : known.message, fix: known.fix };
}

/** A NodeApiError for a TikTok error response, carrying code, log ID and publish ID in its context. */
export function tikTokApiError(
	node: INode,
	context: TikTokErrorContext,
	explanation: ErrorExplanation,
	itemIndex?: number,
): NodeApiError {
	const error = new NodeApiError(node, { code: context.code } as JsonObject, {
		message: withPublishId(explanation.message, context.publishId),
		description: describe(explanation.fix, context),
		httpCode: context.httpStatus === undefined ? undefined : String(context.httpStatus),
		itemIndex,
	});
	Object.assign(error.context, { tikTok: context });
	return error;
}

/** A NodeOperationError for problems found before or around a request (bad input, upload failures). */
export function tikTokOperationError(
	node: INode,
	message: string,
	fix: string,
	context: Partial<TikTokErrorContext> & { code: string },
	itemIndex?: number,
): NodeOperationError {
	const error = new NodeOperationError(node, withPublishId(message, context.publishId), {
		description: describe(fix, context),
		itemIndex,
	});
	Object.assign(error.context, { tikTok: context });
	return error;
}

/** The TikTok context attached by tikTokApiError/tikTokOperationError, if any. */
export function tikTokErrorContext(error: unknown): TikTokErrorContext | undefined {
	const context = (error as { context?: { tikTok?: TikTokErrorContext } } | undefined)?.context;
	return context?.tikTok;
}

/** Adds the publish ID to an error that happens after TikTok accepted a post. */
export function attachPublishId<E extends NodeApiError | NodeOperationError>(error: E, publishId: string): E {
	const existing = tikTokErrorContext(error);
	if (existing?.publishId) return error;
	Object.assign(error.context, {
		tikTok: { code: existing?.code ?? 'failed_after_init', ...existing, publishId },
	});
	error.message = withPublishId(error.message, publishId);
	error.description = [error.description, publishIdAdvice(publishId)].filter(Boolean).join(' ');
	return error;
}

/**
 * Any error raised after TikTok accepted a post (upload, wait, cancel), as a node error that carries the
 * publish ID, so the thrown error and a continue-on-fail item both have it. Nothing secret is kept from
 * errors that were not ours.
 */
export function failedAfterInit(node: INode, error: unknown, publishId: string, itemIndex: number): NodeApiError | NodeOperationError {
	const candidate = error as { context?: unknown; message?: string } | undefined;
	const nodeError =
		candidate && typeof candidate.context === 'object' && candidate.context !== null
			? (error as NodeApiError | NodeOperationError)
			: tikTokOperationError(
					node,
					`Publishing stopped after TikTok accepted the post: ${redactSecrets(candidate?.message ?? String(error))}`,
					'',
					{ code: 'failed_after_init' },
					itemIndex,
				);
	return attachPublishId(nodeError, publishId);
}

function withPublishId(message: string, publishId?: string): string {
	return publishId ? `${message} (publish ID ${publishId})` : message;
}

function publishIdAdvice(publishId: string): string {
	return `TikTok already accepted this post as ${publishId}: check it with the Get Status operation before publishing again, so nothing is posted twice.`;
}

function describe(fix: string, context: Partial<TikTokErrorContext>): string {
	return [fix, context.publishId && publishIdAdvice(context.publishId), context.logId && `TikTok log ID: ${context.logId}`]
		.filter(Boolean)
		.join(' ');
}
