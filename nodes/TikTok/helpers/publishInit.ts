import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { credentialIdOf, tikTokApiRequest } from '../transport';
import { tikTokErrorContext, tikTokOperationError } from '../transport/errors';
import { cancelSignalOf } from '../transport/pause';
import { StoppedBeforeInitError, waitForInitSlot } from './initPacing';

export interface InitResult {
	publishId: string;
	/** FILE_UPLOAD only */
	uploadUrl?: string;
}

/**
 * The one request that creates a post (any of TikTok's init endpoints). It is sent once: never retried,
 * since a lost answer may mean TikTok created the post, and a duplicate post is worse than a failed item.
 * Inits are paced to TikTok's 6 per minute within an execution instead (one budget for the three init
 * endpoints: whether TikTok counts them apart is undocumented, and sharing is the safe reading). A
 * failure says whether a post may exist.
 */
export async function sendPublishInit(
	this: IExecuteFunctions,
	itemIndex: number,
	path: string,
	body: IDataObject,
): Promise<InitResult> {
	const node = this.getNode();
	let waitedMs: number;
	try {
		waitedMs = await waitForInitSlot(`${this.getExecutionId()}|${credentialIdOf(node) ?? node.name}`, { signal: cancelSignalOf(this) });
	} catch (error) {
		if (!(error instanceof StoppedBeforeInitError)) throw error;
		throw tikTokOperationError(node, error.message, 'Nothing was posted for this item.', { code: 'stopped_before_init' }, itemIndex);
	}
	if (waitedMs > 0) this.logger.debug('TikTok: waited for a free publish request slot (6 per minute)', { waitedMs, itemIndex });

	let data: IDataObject;
	let logId: string | undefined;
	try {
		({ data, logId } = await tikTokApiRequest.call(this, { method: 'POST', path, body, retryable: false, itemIndex }));
	} catch (error) {
		throw explainInitFailure(error, body);
	}
	const publishId = typeof data.publish_id === 'string' ? data.publish_id : '';
	const uploadUrl = typeof data.upload_url === 'string' ? data.upload_url : undefined;
	if (!publishId) {
		throw tikTokOperationError(
			node,
			'TikTok accepted the publish request but returned no publish ID',
			'TikTok may have created the post: check the account in the TikTok app before publishing again.',
			{ code: 'missing_publish_id', logId },
			itemIndex,
		);
	}
	return { publishId, uploadUrl };
}

/** Says, in the words of the situation, whether a post may exist after a failed init. */
function explainInitFailure(error: Error & { description?: string | null }, body: IDataObject): Error {
	const context = tikTokErrorContext(error);
	if (!context) return error;
	if (context.code === 'rate_limit_exceeded' || context.httpStatus === 429) {
		prepend(error, 'No post was created for this item: TikTok refused the request before creating anything, and the node does not repeat it on its own.');
	} else if (context.code === 'network_error' || context.code === 'internal_error' || (context.httpStatus ?? 0) >= 500) {
		error.message = `${error.message}, so it is unknown whether TikTok created the post`;
		prepend(error, 'TikTok may have created the post even though its answer was lost. The node never repeats a publish request, so nothing was posted twice: check the account\'s posts (or its inbox, for drafts) in the TikTok app before running this item again.');
	} else if (context.code === 'url_ownership_unverified') {
		// A video's host is named, unless TikTok's own message already does
		const host = hostOf((body.source_info as IDataObject | undefined)?.video_url);
		if (host && !error.message.includes(host)) error.message = `${error.message}, and ${host} is not among them`;
	}
	return error;
}

function prepend(error: Error & { description?: string | null }, text: string): void {
	error.description = [text, error.description].filter(Boolean).join(' ');
}

function hostOf(url: unknown): string | undefined {
	try {
		return typeof url === 'string' ? new URL(url).host : undefined;
	} catch {
		return undefined;
	}
}
