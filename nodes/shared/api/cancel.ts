import { explainNotCancellable } from '../errors/messages';
import { asNodeError, tikTokApiError, tikTokErrorContext } from '../errors/nodeErrors';
import type { TikTokContext } from '../transport/context';
import { tikTokApiRequest } from '../transport/request';
import { fetchPostStatus } from './status';
import type { PostStatus } from './status';

export interface CancelResult {
	publishId: string;
	cancelled: true;
}

/**
 * Cancels a post TikTok is still downloading from a URL (POST /v2/post/publish/cancel/, best effort). A
 * post that was already cancelled counts as cancelled (so running the node again is harmless); for any
 * other post TikTok will not cancel, its status says what happened to it, and the error says that.
 */
export async function cancelPublish(
	this: TikTokContext,
	publishId: string,
	options: { itemIndex?: number; uploadedFromFile?: boolean } = {},
): Promise<CancelResult> {
	try {
		// Safe to repeat: a cancel that went through answers publish_not_cancellable, handled below
		await tikTokApiRequest.call(this, {
			method: 'POST',
			path: '/v2/post/publish/cancel/',
			body: { publish_id: publishId },
			retryable: true,
			itemIndex: options.itemIndex,
		});
		return { publishId, cancelled: true };
	} catch (error) {
		const context = tikTokErrorContext(error);
		if (context?.code !== 'publish_not_cancellable')
			throw asNodeError(this.getNode(), error, options.itemIndex);
		const status = await statusIfKnown.call(this, publishId, options.itemIndex);
		if (status?.status === 'FAILED' && status.failReason === 'publish_cancelled')
			return { publishId, cancelled: true };
		throw tikTokApiError(
			this.getNode(),
			context,
			explainNotCancellable(
				status?.status,
				status?.failReason ?? null,
				options.uploadedFromFile === true,
			),
			options.itemIndex,
		);
	}
}

/** The post's status, or undefined when it cannot be read (the cancel error is still worth showing). */
async function statusIfKnown(
	this: TikTokContext,
	publishId: string,
	itemIndex?: number,
): Promise<PostStatus | undefined> {
	try {
		return await fetchPostStatus.call(this, publishId, { itemIndex });
	} catch {
		return undefined;
	}
}
