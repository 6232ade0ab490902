import type { IDataObject, INode } from 'n8n-workflow';

import { tikTokApiRequest } from '../transport';
import type { TikTokContext } from '../transport';
import { tikTokErrorContext } from '../transport/errors';
import { cancelSignalOf, pauseUnlessCancelled } from '../transport/pause';
import { checkNumberInRange } from './validation';

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

/** TikTok's fail_reason values (status fetch and the post.publish.failed webhook), explained. */
const FAIL_REASONS: Array<[prefix: string, explanation: string]> = [
	['file_format_check_failed', 'TikTok does not accept the file\'s format: use MP4, MOV or WebM (H.264 recommended) for videos, JPEG or WEBP for photos.'],
	['duration_check_failed', 'The video is too long or too short for this creator (see maxVideoPostDurationSec in Get Creator Info).'],
	['frame_rate_check_failed', 'The video\'s frame rate is outside 23 to 60 FPS.'],
	['picture_size_check_failed', 'The picture size is outside TikTok\'s limits: 360 to 4096 pixels per side for videos, at most 1080p for photos.'],
	['internal', 'TikTok had an internal problem: publishing again may work.'],
	['video_pull_failed', 'TikTok could not download the video from its URL within an hour: check the URL is public, does not redirect, and stays reachable, then publish again.'],
	['photo_pull_failed', 'TikTok could not download a photo from its URL: check each URL is public, does not redirect, and serves JPEG or WEBP, then publish again.'],
	['publish_cancelled', 'The post was cancelled before TikTok finished downloading it.'],
	['auth_removed', 'The creator removed this app\'s access during processing. Do not retry: reconnect the account first.'],
	['spam_risk_too_many_posts', 'The creator posted too many times through the API in 24 hours. Post from the TikTok app or try tomorrow.'],
	['spam_risk_user_banned_from_posting', 'The creator is banned from posting. Do not retry.'],
	['spam_risk_text', 'TikTok judged the title or description risky. Do not retry with the same text.'],
	['spam_risk', 'TikTok judged the post risky. Do not retry.'],
	// Short forms seen in client code; matched after the full names
	['picture_size', 'The picture size is outside TikTok\'s limits.'],
	['duration', 'The video\'s duration is outside this creator\'s limits.'],
	['file_format', 'TikTok does not accept the file\'s format.'],
	['frame_rate', 'The video\'s frame rate is outside 23 to 60 FPS.'],
];

export function explainFailReason(failReason: string): string {
	const match = FAIL_REASONS.find(([prefix]) => failReason.startsWith(prefix));
	return match ? match[1] : `TikTok reported "${failReason}".`;
}

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
	const failReason = typeof data.fail_reason === 'string' && data.fail_reason !== '' ? data.fail_reason : null;
	// "publicaly" is TikTok's spelling; the ids were parsed losslessly, small ones may still be numbers
	const ids = Array.isArray(data.publicaly_available_post_id) ? data.publicaly_available_post_id : [];
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

/** The wait parameters as the node holds them: top level for Get Status, in the Options of the publish operations. */
export interface WaitParameters {
	waitForCompletion?: boolean;
	waitTimeoutSeconds?: number;
	pollIntervalSeconds?: number;
}

/**
 * The wait the user asked for, or undefined when not waiting. Parameters left out take the editor's
 * defaults; expressions can go past the editor's ranges, so the ranges are checked here, before any request.
 */
export function waitOptionsFrom(node: INode, itemIndex: number, parameters: WaitParameters): WaitOptions | undefined {
	if (parameters.waitForCompletion !== true) return undefined;
	const timeoutSeconds = Number(parameters.waitTimeoutSeconds ?? WAIT_LIMITS.defaultTimeoutSeconds);
	const pollIntervalSeconds = Number(parameters.pollIntervalSeconds ?? WAIT_LIMITS.defaultPollIntervalSeconds);
	checkNumberInRange(node, itemIndex, 'Wait Timeout (Seconds)', timeoutSeconds, 0, WAIT_LIMITS.maxTimeoutSeconds,
		`Enter 0 to ${WAIT_LIMITS.maxTimeoutSeconds} seconds; to follow a post longer, loop this node with a Wait node.`);
	checkNumberInRange(node, itemIndex, 'Poll Interval (Seconds)', pollIntervalSeconds, 0, WAIT_LIMITS.maxPollIntervalSeconds,
		`Enter up to ${WAIT_LIMITS.maxPollIntervalSeconds} seconds; anything under ${MIN_POLL_INTERVAL_SECONDS} is raised to ${MIN_POLL_INTERVAL_SECONDS} (TikTok allows 30 status checks a minute).`);
	return { timeoutSeconds, pollIntervalSeconds, itemIndex };
}

export interface WaitResult {
	status: PostStatus;
	timedOut: boolean;
	polls: number;
}

/** What the publish operations know once TikTok accepted a post. */
export interface AcceptedPost {
	publishId: string;
	postMode: string;
	source: 'binary' | 'url';
	/** Bytes the node uploaded; null when TikTok pulls the media from a URL */
	uploadedBytes: number | null;
}

/**
 * The publish operations' output (design.md section 4): the accepted post, PENDING until waited for, then
 * with its final (or last) status and whether the wait timed out.
 */
export function publishOutput(accepted: AcceptedPost, waited: WaitResult | undefined): IDataObject {
	const status = waited?.status;
	return {
		publishId: accepted.publishId,
		status: status?.status ?? 'PENDING',
		postMode: accepted.postMode,
		source: accepted.source,
		failReason: status?.failReason ?? null,
		postIds: status?.postIds ?? [],
		uploadedBytes: status?.uploadedBytes ?? accepted.uploadedBytes,
		...(waited && {
			failReasonDescription: waited.status.failReasonDescription,
			downloadedBytes: waited.status.downloadedBytes,
			isFinal: waited.status.isFinal,
			timedOut: waited.timedOut,
		}),
	};
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
			last = await fetchPostStatus.call(this, publishId, { itemIndex: options.itemIndex, retryable: false });
			if (last.isFinal) return { status: last, timedOut: false, polls };
		} catch (error) {
			if (!isTransient(error)) throw error;
		}
		if (Date.now() + intervalMs > deadline) break;
		// A stopped execution ends the wait too, instead of polling on for up to an hour
		if (await pauseUnlessCancelled(intervalMs, cancelSignal)) break;
	}
	// One status the caller can report, even if every poll hit a transient failure (retried, unless stopped)
	last ??= await fetchPostStatus.call(this, publishId, { itemIndex: options.itemIndex, retryable: !cancelSignal?.aborted });
	return { status: last, timedOut: !last.isFinal, polls };
}

function isTransient(error: unknown): boolean {
	const context = tikTokErrorContext(error);
	if (!context) return false;
	return (
		context.code === 'rate_limit_exceeded' ||
		context.code === 'internal_error' ||
		context.code === 'network_error' ||
		(context.httpStatus !== undefined && context.httpStatus >= 500)
	);
}
