import type { FindPostRequest } from '../../shared/api/findPost';
import { MIN_POLL_INTERVAL_SECONDS, WAIT_LIMITS } from '../../shared/api/status';
import type { WaitOptions } from '../../shared/api/status';
import type { InputChecker } from './checker';

/** The wait parameters as the node holds them: top level for Get Status, in the Options of the publish operations. */
export interface WaitParameters {
	waitForCompletion?: boolean;
	waitTimeoutSeconds?: number;
	pollIntervalSeconds?: number;
	/** Publish operations: look for the post in the video list once it is published */
	findPostInVideoList?: boolean;
}

/**
 * The wait the user asked for, or undefined when not waiting. Parameters left out take the editor's
 * defaults; expressions can go past the editor's ranges, so the ranges are checked here, before any request.
 */
export function waitOptionsFrom(
	check: InputChecker,
	parameters: WaitParameters,
): WaitOptions | undefined {
	if (parameters.waitForCompletion !== true) return undefined;
	const timeoutSeconds = Number(parameters.waitTimeoutSeconds ?? WAIT_LIMITS.defaultTimeoutSeconds);
	const pollIntervalSeconds = Number(
		parameters.pollIntervalSeconds ?? WAIT_LIMITS.defaultPollIntervalSeconds,
	);
	check.numberInRange(
		'Wait Timeout (Seconds)',
		timeoutSeconds,
		0,
		WAIT_LIMITS.maxTimeoutSeconds,
		`Enter 0 to ${WAIT_LIMITS.maxTimeoutSeconds} seconds; to follow a post longer, loop this node with a Wait node.`,
	);
	check.numberInRange(
		'Poll Interval (Seconds)',
		pollIntervalSeconds,
		0,
		WAIT_LIMITS.maxPollIntervalSeconds,
		`Enter up to ${WAIT_LIMITS.maxPollIntervalSeconds} seconds; anything under ${MIN_POLL_INTERVAL_SECONDS} is raised to ${MIN_POLL_INTERVAL_SECONDS} (TikTok allows 30 status checks a minute).`,
	);
	return { timeoutSeconds, pollIntervalSeconds, itemIndex: check.itemIndex };
}

/**
 * What Find Post in Video List looks for, when the option is on: the caption (photos: the title, else the
 * description) and when the publish request was sent.
 */
export function findPostRequestFrom(
	options: { findPostInVideoList?: boolean },
	caption: string,
	sentAtMs: number,
): FindPostRequest | undefined {
	return options.findPostInVideoList === true ? { caption, sentAtMs } : undefined;
}
