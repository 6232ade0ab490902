import type { IDataObject } from 'n8n-workflow';

import { explainFailReason } from '../errors/messages';
import { asNodeError, tikTokErrorContext } from '../errors/nodeErrors';
import { isTransient } from '../retry';
import type { TikTokContext } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';
import { cancelSignalOf, pauseUnlessCancelled } from '../utils/pause';

/**
 * Statuses after which waiting is pointless. SEND_TO_USER_INBOX is final for a workflow: the draft waits for
 * the creator, who may never act. Unknown statuses are never final.
 */
export const FINAL_STATUSES = ['PUBLISH_COMPLETE', 'FAILED', 'SEND_TO_USER_INBOX'];

/** TikTok allows 30 status requests per minute per token: never poll faster than every 2 seconds. */
export const MIN_POLL_INTERVAL_SECONDS = 2;

/** Bounds and defaults of the wait parameters (waitProperties shows the same values in the editor). */
export const WAIT_LIMITS = {
	defaultTimeoutSeconds: 300,
	maxTimeoutSeconds: 3600,
	defaultPollIntervalSeconds: 5,
	maxPollIntervalSeconds: 300,
};

export interface PostStatus extends IDataObject {
	publishId: string;
	status: string;
	failReason: string | null;
	failReasonDescription: string | null;
	/** TikTok's 19-digit post ids as exact strings; filled once a post is public and passed moderation */
	postIds: string[];
	uploadedBytes: number | null;
	downloadedBytes: number | null;
	isFinal: boolean;
}

export async function fetchPostStatus(
	this: TikTokContext,
	publishId: string,
	options: { itemIndex?: number; retryable?: boolean } = {},
): Promise<PostStatus> {
	const { data } = await tikTokApiRequest.call(this, {
		method: 'POST',
		path: '/v2/post/publish/status/fetch/',
		body: { publish_id: publishId },
		retryable: options.retryable ?? true,
		itemIndex: options.itemIndex,
	});
	return toPostStatus(publishId, data);
}

export function toPostStatus(publishId: string, data: IDataObject): PostStatus {
	const status = String(data.status ?? 'UNKNOWN');
	const failReason =
		typeof data.fail_reason === 'string' && data.fail_reason !== '' ? data.fail_reason : null;
	// "publicaly" is TikTok's spelling; the ids were parsed losslessly, small ones may still be numbers
	const ids = Array.isArray(data.publicaly_available_post_id)
		? data.publicaly_available_post_id
		: [];
	return {
		publishId,
		status,
		failReason,
		failReasonDescription: failReason ? explainFailReason(failReason) : null,
		postIds: ids.map((id) => String(id)),
		uploadedBytes: toCount(data.uploaded_bytes),
		downloadedBytes: toCount(data.downloaded_bytes),
		isFinal: FINAL_STATUSES.includes(status),
	};
}

function toCount(value: unknown): number | null {
	const count = Number(value);
	return value === undefined || value === null || !Number.isFinite(count) ? null : count;
}

export interface WaitOptions {
	timeoutSeconds: number;
	pollIntervalSeconds: number;
	itemIndex?: number;
}

export interface WaitResult {
	status: PostStatus;
	timedOut: boolean;
	polls: number;
}

/**
 * Polls until a final status or the timeout. A transient failure (rate limit, 5xx, network) costs one poll,
 * not the wait; a timeout returns the last status so the workflow can loop with a Wait node.
 */
export async function waitForFinalStatus(
	this: TikTokContext,
	publishId: string,
	options: WaitOptions,
): Promise<WaitResult> {
	const intervalMs = Math.max(options.pollIntervalSeconds, MIN_POLL_INTERVAL_SECONDS) * 1000;
	const deadline = Date.now() + Math.max(options.timeoutSeconds, 0) * 1000;
	const cancelSignal = cancelSignalOf(this);
	let last: PostStatus | undefined;
	let polls = 0;
	for (;;) {
		polls++;
		try {
			last = await fetchPostStatus.call(this, publishId, {
				itemIndex: options.itemIndex,
				retryable: false,
			});
			if (last.isFinal) return { status: last, timedOut: false, polls };
		} catch (error) {
			if (!isTransient(tikTokErrorContext(error) ?? {}))
				throw asNodeError(this.getNode(), error, options.itemIndex);
		}
		if (Date.now() + intervalMs > deadline) break;
		// A stopped execution ends the wait too, instead of polling on for up to an hour
		if (await pauseUnlessCancelled(intervalMs, cancelSignal)) break;
	}
	// One status the caller can report, even if every poll hit a transient failure (retried, unless stopped)
	last ??= await fetchPostStatus.call(this, publishId, {
		itemIndex: options.itemIndex,
		retryable: !cancelSignal?.aborted,
	});
	return { status: last, timedOut: !last.isFinal, polls };
}
