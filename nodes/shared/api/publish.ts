import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { asNodeError, tikTokErrorContext, tikTokOperationError } from '../errors/nodeErrors';
import type { TikTokErrorContext } from '../errors/nodeErrors';
import { isRateLimited } from '../retry';
import { credentialIdOf } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';
import { cancelSignalOf, pauseUnlessCancelled } from '../utils/pause';
import { StoppedBeforeInitError, waitForInitSlot } from './initPacing';
import { claimPublish } from './publishGuard';
import type { MediaTransfer, PublishClaim } from './publishGuard';

/** TikTok's three endpoints that create a post. */
export const PUBLISH_PATHS = {
	videoDirectPost: '/v2/post/publish/video/init/',
	videoDraft: '/v2/post/publish/inbox/video/init/',
	content: '/v2/post/publish/content/init/',
} as const;

export interface InitResult {
	publishId: string;
	/** FILE_UPLOAD only */
	uploadUrl?: string;
	/** The item's claim on its one request: tell it when the upload is complete */
	claim: PublishClaim;
}

/**
 * A 429 on a publish request created nothing, so it is sent again once TikTok's window allows: at most 3
 * tries within 3 minutes (TikTok's `Retry-After`/`x-ratelimit-reset` when it sends one, else its one-minute
 * window), so a batch spread over several n8n workers publishes every item instead of failing from the 7th.
 */
export const INIT_RATE_LIMIT_RETRY = { maxTries: 3, withinMs: 180_000, windowMs: 61_000 };

/**
 * What a failed publish request means for the post, decided here only: `notCreated` when TikTok answered
 * with a refusal (a 4xx that explains itself, a 429), `mayHaveCreated` when its answer was lost or was a
 * server error (TikTok may have created the post before failing).
 */
export type PublishFailureMeaning = 'notCreated' | 'mayHaveCreated';

export function publishFailureMeaning(
	context: TikTokErrorContext | undefined,
): PublishFailureMeaning {
	if (!context) return 'mayHaveCreated';
	if (isRateLimited(context)) return 'notCreated';
	if (context.code === 'network_error' || context.code === 'internal_error')
		return 'mayHaveCreated';
	// No status: n8n's token refresh or the credential stopped the request before TikTok processed it
	return context.httpStatus !== undefined && context.httpStatus >= 500
		? 'mayHaveCreated'
		: 'notCreated';
}

/**
 * The one request that creates a post (any of TikTok's init endpoints). It is sent once per item and
 * execution (the publish guard), and repeated only after a 429, which created nothing: a lost answer may
 * mean TikTok created the post, and a duplicate post is worse than a failed item. Inits are paced to
 * TikTok's 6 per minute within an execution (one budget for the three init endpoints: whether TikTok counts
 * them apart is undocumented, and sharing is the safe reading). A failure says whether a post may exist.
 */
export async function sendPublishInit(
	this: IExecuteFunctions,
	itemIndex: number,
	path: string,
	body: IDataObject,
	transfer: MediaTransfer,
): Promise<InitResult> {
	const node = this.getNode();
	const signal = cancelSignalOf(this);
	const started = Date.now();
	let claim: PublishClaim | undefined;
	for (let attempt = 1; ; attempt++) {
		// A stop while waiting for the next try sends nothing more: the previous try created nothing
		await waitForSlot.call(this, itemIndex).catch(async (error: unknown) => {
			await claim?.release();
			throw error;
		});
		claim ??= await claimPublish.call(this, itemIndex, transfer);
		const answer = await tikTokApiRequest
			.call(this, { method: 'POST', path, body, retryable: false, itemIndex })
			.catch((caught: unknown) => asNodeError(node, caught, itemIndex));
		if (!(answer instanceof Error))
			return accepted.call(this, itemIndex, answer.data, answer.logId, claim);

		const context = tikTokErrorContext(answer);
		const waitMs = rateLimitWaitMs(context, attempt, Date.now() - started);
		if (waitMs !== undefined) {
			this.logger.debug('TikTok: publish request rate-limited, sending it again', {
				waitMs,
				attempt,
				itemIndex,
			});
			if (!(await pauseUnlessCancelled(waitMs, signal))) continue;
		}
		if (publishFailureMeaning(context) === 'notCreated') await claim.release();
		throw explainInitFailure(answer, body);
	}
}

/** How long to wait before sending a rate-limited init again, or undefined to give up. */
function rateLimitWaitMs(
	context: TikTokErrorContext | undefined,
	attempt: number,
	elapsedMs: number,
): number | undefined {
	if (!context || !isRateLimited(context) || attempt >= INIT_RATE_LIMIT_RETRY.maxTries)
		return undefined;
	const waitMs = context.retryAfterMs ?? INIT_RATE_LIMIT_RETRY.windowMs;
	return elapsedMs + waitMs <= INIT_RATE_LIMIT_RETRY.withinMs ? waitMs : undefined;
}

/** Waits for a free init slot of the execution's budget; a stopped execution sends nothing. */
async function waitForSlot(this: IExecuteFunctions, itemIndex: number): Promise<void> {
	const node = this.getNode();
	let waitedMs: number;
	try {
		const key = `${this.getExecutionId()}|${credentialIdOf(node) ?? node.name}`;
		waitedMs = await waitForInitSlot(key, { signal: cancelSignalOf(this) });
	} catch (error) {
		if (!(error instanceof StoppedBeforeInitError)) throw asNodeError(node, error, itemIndex);
		throw tikTokOperationError(
			node,
			error.message,
			'Nothing was posted for this item.',
			{ code: 'stopped_before_init' },
			itemIndex,
		);
	}
	if (waitedMs > 0) {
		this.logger.debug('TikTok: waited for a free publish request slot (6 per minute)', {
			waitedMs,
			itemIndex,
		});
	}
}

function accepted(
	this: IExecuteFunctions,
	itemIndex: number,
	data: IDataObject,
	logId: string | undefined,
	claim: PublishClaim,
): InitResult {
	const publishId = typeof data.publish_id === 'string' ? data.publish_id : '';
	const uploadUrl = typeof data.upload_url === 'string' ? data.upload_url : undefined;
	if (!publishId) {
		throw tikTokOperationError(
			this.getNode(),
			'TikTok accepted the publish request but returned no publish ID',
			'TikTok may have created the post: check the account in the TikTok app before publishing again.',
			{ code: 'missing_publish_id', logId },
			itemIndex,
		);
	}
	claim.accepted(publishId);
	return { publishId, uploadUrl, claim };
}

type NodeError = ReturnType<typeof asNodeError>;

/** Says, in the words of the situation, whether a post may exist after a failed init. */
function explainInitFailure(error: NodeError, body: IDataObject): NodeError {
	const context = tikTokErrorContext(error);
	if (!context) return error;
	if (isRateLimited(context)) {
		prepend(
			error,
			`No post was created for this item: TikTok refused the request before creating anything, also when the node sent it again (${INIT_RATE_LIMIT_RETRY.maxTries} tries within ${INIT_RATE_LIMIT_RETRY.withinMs / 60_000} minutes at most).`,
		);
	} else if (publishFailureMeaning(context) === 'mayHaveCreated') {
		error.message = `${error.message}, so it is unknown whether TikTok created the post`;
		prepend(
			error,
			"TikTok may have created the post even though its answer was lost. The node never repeats a publish request, so nothing was posted twice: check the account's posts (or its inbox, for drafts) in the TikTok app before running this item again.",
		);
	} else if (context.code === 'url_ownership_unverified') {
		// A video's host is named, unless TikTok's own message already does
		const host = hostOf((body.source_info as IDataObject | undefined)?.video_url);
		if (host && !error.message.includes(host)) {
			error.message = `${error.message}, and ${host} is not among them`;
		}
		if (host) {
			prepend(
				error,
				'To publish this video without verifying anything, switch Source to "URL (Uploaded by This Node)": n8n downloads it from this URL and uploads it to TikTok in chunks.',
			);
		}
	}
	return error;
}

function prepend(error: NodeError, text: string): void {
	error.description = [text, error.description].filter(Boolean).join(' ');
}

function hostOf(url: unknown): string | undefined {
	try {
		return typeof url === 'string' ? new URL(url).host : undefined;
	} catch {
		return undefined;
	}
}
