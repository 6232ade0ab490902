import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { redactSecrets } from '../utils/redact';
import type { ErrorExplanation } from './messages';

/** What a failed item carries besides the message, for continueOnFail outputs and for callers. */
export interface TikTokErrorContext {
	/** TikTok's `error.code` (or OAuth `error`), or one of ours such as `upload_failed` */
	code: string;
	logId?: string;
	httpStatus?: number;
	/** Set once TikTok accepted a post: the user checks its status instead of posting again */
	publishId?: string;
	/** How long TikTok asked to wait before the next request (Retry-After), when it said */
	retryAfterMs?: number;
	/** `publish_already_attempted`: whether TikTok got the whole video the first time */
	firstAttemptUploaded?: boolean;
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
export function attachPublishId<E extends NodeApiError | NodeOperationError>(
	error: E,
	publishId: string,
): E {
	const existing = tikTokErrorContext(error);
	if (existing?.publishId) return error;
	Object.assign(error.context, {
		tikTok: { code: existing?.code ?? 'failed_after_init', ...existing, publishId },
	});
	error.message = withPublishId(error.message, publishId);
	error.description = [error.description, publishIdAdvice(publishId)].filter(Boolean).join(' ');
	return error;
}

/** Whether an error is one of n8n's node errors (by shape: the host's n8n-workflow may be another copy). */
export function isNodeError(error: unknown): error is NodeApiError | NodeOperationError {
	const candidate = error as { context?: unknown; message?: unknown } | undefined;
	return (
		typeof candidate === 'object' &&
		candidate !== null &&
		typeof candidate.context === 'object' &&
		candidate.context !== null &&
		typeof candidate.message === 'string'
	);
}

/**
 * A caught error as a node error: a node error stays as it is (with its TikTok context), anything else
 * becomes a NodeOperationError whose message keeps no secret.
 */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
	prefix = '',
): NodeApiError | NodeOperationError {
	if (isNodeError(error)) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, redactSecrets(`${prefix}${message}`), { itemIndex });
}

/**
 * Any error raised after TikTok accepted a post (upload, wait, cancel), as a node error that carries the
 * publish ID, so the thrown error and a continue-on-fail item both have it.
 */
export function failedAfterInit(
	node: INode,
	error: unknown,
	publishId: string,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const nodeError = isNodeError(error)
		? error
		: tikTokOperationError(
				node,
				`Publishing stopped after TikTok accepted the post: ${redactSecrets((error as Error | undefined)?.message ?? String(error))}`,
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
	return [
		fix,
		context.publishId && publishIdAdvice(context.publishId),
		context.logId && `TikTok log ID: ${context.logId}`,
	]
		.filter(Boolean)
		.join(' ');
}
