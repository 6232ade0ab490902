import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { explainMissingScope, SCOPE_ERROR_CODES } from '../errors/messages';
import { tikTokApiError } from '../errors/nodeErrors';
import type { TikTokErrorContext } from '../errors/nodeErrors';
import {
	isRateLimited,
	isTransient,
	MAX_RETRY_AFTER_MS,
	RETRY_POLICIES,
	retryDelayMs,
} from '../retry';
import { cancelSignalOf, pauseUnlessCancelled } from '../utils/pause';
import { redactSecrets } from '../utils/redact';
import { sendWithAuthentication } from './authenticatedCall';
import { credentialTypeOf } from './context';
import type { TikTokContext } from './context';
import { interpretOutcome } from './envelope';
import type { Failure } from './envelope';
import { tikTokApiBaseUrl } from './hosts';

export interface TikTokRequest {
	method: 'GET' | 'POST';
	/** TikTok path with its trailing slash, e.g. `/v2/post/publish/status/fetch/` */
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * True for reads that may be retried on 429, 5xx and network errors. Requests that may create a post are
	 * never repeated automatically: a duplicate post is worse than a failed item.
	 */
	retryable: boolean;
	/** The scope the endpoint needs, named in the error when the account has not granted it */
	scope?: string;
	itemIndex?: number;
}

export interface TikTokResponse<T> {
	data: T;
	logId?: string;
}

/**
 * Calls TikTok's v2 API with the node's credential: the only code in the package that talks to TikTok's
 * API. Bodies are read as text and parsed without losing 19-digit ids; any `error.code` other than `ok` is
 * an error, whatever the HTTP status says. Reads are retried per RETRY_POLICIES.
 */
export async function tikTokApiRequest<T extends IDataObject = IDataObject>(
	this: TikTokContext,
	request: TikTokRequest,
): Promise<TikTokResponse<T>> {
	const node = this.getNode();
	const credentialType = credentialTypeOf(node);
	const credentials = await this.getCredentials(credentialType);
	const secrets = Object.values(credentials);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${tikTokApiBaseUrl(credentials)}${request.path}`,
		qs: request.qs,
		headers: { 'Content-Type': 'application/json; charset=UTF-8' },
		body: request.body === undefined ? undefined : JSON.stringify(request.body),
		encoding: 'text',
		json: true,
		returnFullResponse: true,
	};

	for (let attempt = 1; ; attempt++) {
		const outcome = await sendWithAuthentication(this, credentialType, options);
		const result = interpretOutcome(outcome, credentialType);
		const httpStatus = outcome.kind === 'response' ? outcome.status : undefined;
		this.logger.debug('TikTok API request', {
			method: request.method,
			path: request.path,
			status: httpStatus,
			code: 'failure' in result ? result.failure.code : 'ok',
			logId: result.logId,
			attempt,
		});
		if ('data' in result) return { data: result.data as T, logId: result.logId };

		const { failure } = result;
		const kind = { code: failure.code, httpStatus };
		const delayMs =
			request.retryable && isTransient(kind) ? readRetryDelayMs(failure, attempt) : undefined;
		if (delayMs !== undefined && !(await pauseUnlessCancelled(delayMs, cancelSignalOf(this))))
			continue;
		const context: TikTokErrorContext = {
			code: failure.code,
			logId: result.logId,
			httpStatus,
			...(failure.retryAfterMs !== undefined && { retryAfterMs: failure.retryAfterMs }),
		};
		const explanation =
			request.scope !== undefined && SCOPE_ERROR_CODES.includes(failure.code)
				? explainMissingScope(request.scope, credentialType)
				: failure.explanation;
		throw tikTokApiError(
			node,
			context,
			{
				message: redactSecrets(explanation.message, secrets),
				fix: redactSecrets(explanation.fix, secrets),
			},
			request.itemIndex,
		);
	}
}

/** The policy's delay, a rate limit's longer one, or TikTok's Retry-After when it sends one. */
function readRetryDelayMs(failure: Failure, attempt: number): number | undefined {
	const policy = isRateLimited({ code: failure.code })
		? RETRY_POLICIES.readRateLimited
		: RETRY_POLICIES.read;
	const delayMs = retryDelayMs(policy, attempt);
	if (delayMs === undefined || failure.retryAfterMs === undefined) return delayMs;
	return Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_MS);
}

export type { TikTokErrorContext };
