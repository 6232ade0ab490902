import type { IExecuteFunctions } from 'n8n-workflow';

import type { FindPostRequest } from '../../../shared/api/findPost';
import type { WaitOptions } from '../../../shared/api/status';
import { inputChecker } from '../../input/checker';
import type { InputChecker } from '../../input/checker';
import { waitOptionsFrom } from '../../input/wait';
import type { WaitParameters } from '../../input/wait';

export interface StatusInput {
	check: InputChecker;
	publishId: string;
	wait?: WaitOptions;
	errorOnFailure: boolean;
	/** Set with Find Post in Video List: the caption to look for */
	find?: FindPostRequest;
}

interface StatusOptions {
	errorOnFailure?: boolean;
	findPostInVideoList?: boolean;
	title?: unknown;
}

/** The item's Get Status parameters, checked before the request. */
export function readStatusInput(this: IExecuteFunctions, itemIndex: number): StatusInput {
	const check = inputChecker(this, itemIndex);
	const publishId = publishIdFrom(check, this.getNodeParameter('publishId', itemIndex, ''));
	const wait = waitOptionsFrom(check, waitParameters.call(this, itemIndex));
	const options = this.getNodeParameter('options', itemIndex, {}) as StatusOptions;
	const find =
		options.findPostInVideoList === true ? { caption: String(options.title ?? '') } : undefined;
	return { check, publishId, wait, errorOnFailure: options.errorOnFailure === true, find };
}

/** The top-level wait parameters; n8n hides (and drops) the timeout and interval unless waiting. */
function waitParameters(this: IExecuteFunctions, itemIndex: number): WaitParameters {
	const waitForCompletion = this.getNodeParameter('waitForCompletion', itemIndex, false) as boolean;
	if (waitForCompletion !== true) return { waitForCompletion };
	return {
		waitForCompletion,
		waitTimeoutSeconds: this.getNodeParameter('waitTimeoutSeconds', itemIndex) as number,
		pollIntervalSeconds: this.getNodeParameter('pollIntervalSeconds', itemIndex) as number,
	};
}

/**
 * Post mode and source, read from the publish ID's kind, as TikTok names them: `v_` video or `p_` photo,
 * `pub` direct or `inbox` draft, `file` upload or `url` pull (seen: v_pub_file, v_pub_url, v_inbox_file,
 * v_inbox_url, p_pub_url, p_inbox_url). TikTok documents the ids only by example, so an unknown kind gives
 * null rather than a guess.
 */
export function describePublishId(publishId: string): {
	postMode: 'directPost' | 'draft' | null;
	source: 'binary' | 'url' | null;
} {
	const [media, mode, source] = publishId.split('~')[0].toLowerCase().split('_');
	const known =
		(media === 'v' || media === 'p') &&
		(mode === 'pub' || mode === 'inbox') &&
		(source === 'file' || source === 'url');
	if (!known) return { postMode: null, source: null };
	return {
		postMode: mode === 'pub' ? 'directPost' : 'draft',
		source: source === 'file' ? 'binary' : 'url',
	};
}

/** TikTok's publish IDs: a kind, "~", a version and a number, e.g. p_pub_url~v2.7602997070760331285 (at most 64). */
const PUBLISH_ID_SHAPE = /^[a-z0-9_]+~[a-z0-9._-]+$/i;
const PUBLISH_ID_MAX_LENGTH = 64;
const PUBLISH_ID_FIX =
	'Map the publishId field that Publish Video or Publish Photos returned, for example {{ $json.publishId }}. Publish IDs look like v_pub_file~v2-1.7602997070760331285 or p_pub_url~v2.7602997070760331285.';

/** The trimmed publish ID, checked before the request so a wrong mapping gets a clear message. */
export function publishIdFrom(check: InputChecker, value: unknown): string {
	if (value !== null && typeof value === 'object') {
		throw check.invalid(
			'Publish ID',
			'it is an object or a list, not a publish ID',
			PUBLISH_ID_FIX,
		);
	}
	const publishId = String(value ?? '').trim();
	if (publishId === '') throw check.invalid('Publish ID', 'it is empty', PUBLISH_ID_FIX);
	if (/^\d+$/.test(publishId)) {
		throw check.invalid(
			'Publish ID',
			`${publishId} is a post ID (the number of a published TikTok post), not a publish ID`,
			PUBLISH_ID_FIX,
		);
	}
	if (publishId.length > PUBLISH_ID_MAX_LENGTH || !PUBLISH_ID_SHAPE.test(publishId)) {
		const shown = publishId.length > 80 ? `${publishId.slice(0, 77)}...` : publishId;
		throw check.invalid(
			'Publish ID',
			`"${shown}" does not look like a TikTok publish ID`,
			PUBLISH_ID_FIX,
		);
	}
	return publishId;
}
