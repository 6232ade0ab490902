import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { redactSecrets } from '../../../credentials/shared/redact';
import { tikTokApiBaseUrl } from '../../../credentials/shared/tikTokHosts';
import { explainTikTokError, tikTokApiError, tikTokErrorContext } from './errors';
import type { TikTokErrorContext } from './errors';
import { parseJsonLossless } from './json';
import { cancelSignalOf, pauseUnlessCancelled } from './pause';

export type TikTokCredentialType = 'tikTokOAuth2Api' | 'tikTokRefreshTokenApi';

export type TikTokContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IPollFunctions
	| IHookFunctions
	| IWebhookFunctions;

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
	itemIndex?: number;
}

export interface TikTokResponse<T> {
	data: T;
	logId?: string;
}

/** Retry policy for reads, as data. Delays are in milliseconds; jitter spreads concurrent retries. */
export const READ_RETRY_POLICY = {
	maxAttempts: 4,
	retryableStatuses: [429, 500, 502, 503, 504],
	serverErrorBaseDelayMs: 1_000,
	// TikTok's windows are one minute long; a slot frees up when the oldest request of the window ages out
	rateLimitBaseDelayMs: 10_000,
	maxDelayMs: 60_000,
};

/** The credential type the node's `authentication` parameter selects (n8n omits parameters left at default). */
export function credentialTypeOf(node: INode): TikTokCredentialType {
	return node.parameters.authentication === 'refreshToken' ? 'tikTokRefreshTokenApi' : 'tikTokOAuth2Api';
}

/** The id of the node's credential, or null when none is set. */
export function credentialIdOf(node: INode): string | null {
	return node.credentials?.[credentialTypeOf(node)]?.id ?? null;
}

/**
 * Calls TikTok's v2 API with the node's credential, the only place the package talks to TikTok's API.
 * Bodies are read as text and parsed without losing 19-digit ids; any `error.code` other than `ok` is an
 * error, whatever the HTTP status says.
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
		this.logger.debug('TikTok API request', {
			method: request.method,
			path: request.path,
			status: 'status' in outcome ? outcome.status : undefined,
			code: 'failure' in result ? result.failure.code : 'ok',
			logId: result.logId,
			attempt,
		});
		if ('data' in result) return { data: result.data as T, logId: result.logId };

		const { failure } = result;
		if (request.retryable && failure.retryable && attempt < READ_RETRY_POLICY.maxAttempts) {
			if (!(await pauseUnlessCancelled(retryDelayMs(failure, attempt), cancelSignalOf(this)))) continue;
		}
		throw tikTokApiError(
			node,
			{ code: failure.code, logId: result.logId, httpStatus: 'status' in outcome ? outcome.status : undefined },
			{
				message: redactSecrets(failure.explanation.message, secrets),
				fix: redactSecrets(failure.explanation.fix, secrets),
			},
			request.itemIndex,
		);
	}
}

/** What one authenticated call produced. */
type HttpOutcome =
	| { kind: 'response'; status: number; text: string; headers: IDataObject; afterRefresh: boolean }
	/** n8n's token refresh failed (OAuth2 refresh, or the refresh-token credential's token request) */
	| { kind: 'refreshFailed'; message: string; code?: string; logId?: string }
	| { kind: 'notConnected' }
	| { kind: 'network'; message: string };

type FullResponse = { body: unknown; statusCode: number; headers: IDataObject };

/**
 * Sends with n8n's authentication helper. Error statuses come back as responses, because n8n wraps thrown
 * errors in a NodeApiError that (in n8n 1.x) drops the response body with TikTok's error code. Only when
 * TikTok refuses the access token is the request repeated without that option, so that n8n's own refresh
 * runs (OAuth2 refresh, or the refresh-token credential's preAuthentication) and retries. Repeating is safe:
 * TikTok processes nothing it answers with 401.
 */
async function sendWithAuthentication(
	context: TikTokContext,
	credentialType: TikTokCredentialType,
	options: IHttpRequestOptions,
): Promise<HttpOutcome> {
	const call = async (ignoreHttpStatusErrors: boolean) =>
		(await context.helpers.httpRequestWithAuthentication.call(context, credentialType, {
			...options,
			headers: { ...options.headers },
			ignoreHttpStatusErrors,
		})) as FullResponse;

	let first: FullResponse;
	try {
		first = await call(true);
	} catch (error) {
		return outcomeOfThrown(error, false);
	}
	// A 401 for a missing scope is not about the token: renewing it cannot help
	if (first.statusCode !== 401 || envelopeCode(first.body) === 'scope_not_authorized') return responseOutcome(first, false);

	try {
		return responseOutcome(await call(false), true);
	} catch (error) {
		const status = Number((error as { httpCode?: string }).httpCode);
		// Still refused after a refresh: the first answer holds TikTok's error code
		if (status === 401) return responseOutcome(first, true);
		return outcomeOfThrown(error, true);
	}
}

function responseOutcome(response: FullResponse, afterRefresh: boolean): HttpOutcome {
	return {
		kind: 'response',
		status: response.statusCode,
		text: typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? ''),
		headers: response.headers ?? {},
		afterRefresh,
	};
}

function envelopeCode(body: unknown): string | undefined {
	const parsed = typeof body === 'string' ? parseBody(body) : (body as IDataObject | undefined);
	const error = parsed?.error as IDataObject | string | undefined;
	return typeof error === 'object' && error !== null ? String(error.code) : error;
}

/**
 * n8n's NodeApiError keeps no reference to the HTTP client's error, only its code in `httpCode`: a status,
 * or for a request that got no answer the client's error code (ECONNRESET, ETIMEDOUT, ERR_...). EAUTH and
 * ESTATUS are n8n's OAuth2 client saying that the token endpoint refused a refresh.
 */
function isNetworkErrorCode(code: unknown): boolean {
	return typeof code === 'string' && /^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(code) && code !== 'EAUTH' && code !== 'ESTATUS';
}

/** What n8n threw: a token failure it wrapped, a status after a refresh, or a network error. */
function outcomeOfThrown(thrown: unknown, duringRefresh: boolean): HttpOutcome {
	const error = thrown as Error & { httpCode?: string | null; context?: IDataObject };
	const tokenError = tikTokErrorContext(error);
	if (tokenError) return { kind: 'refreshFailed', message: error.message, code: tokenError.code, logId: tokenError.logId };
	// n8n-core's own check rarely fires (n8n fills missing token data with its default {}), so a credential
	// never connected shows as its OAuth2 client refusing to sign the request, before anything is sent
	if (error?.message === 'OAuth credentials not connected') return { kind: 'notConnected' };
	if (!duringRefresh && error?.message === 'Unable to sign without access token') return { kind: 'notConnected' };
	const status = Number(error?.httpCode);
	if (Number.isInteger(status) && status > 0) {
		const data = error.context?.data;
		return { kind: 'response', status, text: data ? JSON.stringify(data) : '', headers: {}, afterRefresh: duringRefresh };
	}
	// No HTTP answer after the token was renewed may be the lost answer to the re-sent request: for an init,
	// TikTok may then have created the post, so it is reported as the network error it is, never as a
	// refresh problem to fix by reconnecting (which would invite running the item again).
	if (duringRefresh && !isNetworkErrorCode(error?.httpCode)) {
		return { kind: 'refreshFailed', message: error?.message ?? String(thrown) };
	}
	return { kind: 'network', message: error?.message ?? String(thrown) };
}

interface Failure {
	code: string;
	explanation: { message: string; fix: string };
	retryable: boolean;
	retryAfterMs?: number;
}

type Interpretation = ({ data: IDataObject } | { failure: Failure }) & { logId?: string };

function interpretOutcome(outcome: HttpOutcome, credentialType: TikTokCredentialType): Interpretation {
	if (outcome.kind !== 'response') return failureWithoutResponse(outcome, credentialType);

	const body = parseBody(outcome.text);
	const envelopeError = body?.error;
	if (envelopeError && typeof envelopeError === 'object') {
		const { code, message } = envelopeError as IDataObject;
		const logId = String((envelopeError as IDataObject).log_id ?? (envelopeError as IDataObject).logid ?? '') || undefined;
		if (code === 'ok' && outcome.status < 400) return { data: (body?.data as IDataObject) ?? {}, logId };
		const failureCode = typeof code === 'string' && code !== 'ok' ? code : `http_${outcome.status}`;
		return {
			logId,
			failure: failureFor(failureCode, typeof message === 'string' ? message : undefined, outcome, credentialType),
		};
	}
	if (typeof envelopeError === 'string') {
		// OAuth endpoints answer with a flat {error, error_description, log_id}
		return {
			logId: typeof body?.log_id === 'string' ? body.log_id : undefined,
			failure: failureFor(envelopeError, String(body?.error_description ?? ''), outcome, credentialType),
		};
	}
	if (outcome.status < 400 && body) return { data: (body.data as IDataObject) ?? {} };
	return { failure: failureFor(`http_${outcome.status}`, undefined, outcome, credentialType) };
}

function parseBody(text: string): IDataObject | undefined {
	try {
		const parsed = parseJsonLossless(text);
		return parsed && typeof parsed === 'object' ? (parsed as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}

const RECONNECT_FIX: Record<TikTokCredentialType, string> = {
	tikTokOAuth2Api:
		'Open the TikTok OAuth2 API credential and click "Reconnect". If refreshing keeps failing, TikTok is not accepting n8n\'s refresh request (TikTok asks for client_key in the request body, which n8n\'s OAuth2 refresh cannot send): switch the node\'s Authentication to "Refresh Token" and use the TikTok Refresh Token API credential (see the README).',
	tikTokRefreshTokenApi:
		'Paste a new authorization code into the TikTok Refresh Token API credential (see the README) and save it.',
};

function failureFor(
	code: string,
	tikTokMessage: string | undefined,
	outcome: Extract<HttpOutcome, { kind: 'response' }>,
	credentialType: TikTokCredentialType,
): Failure {
	let explanation = explainTikTokError(code, tikTokMessage);
	if (code === 'access_token_invalid' && outcome.afterRefresh) {
		explanation = {
			message: `${explanation.message}, even after n8n refreshed it`,
			fix: RECONNECT_FIX[credentialType],
		};
	} else if (code.startsWith('http_') && outcome.afterRefresh && outcome.status < 500) {
		// n8n throws the answer to the request it re-sends after a refresh, and its error keeps no text body
		explanation = {
			message: `TikTok refused the request with HTTP ${outcome.status} just after n8n renewed the access token, and n8n does not pass on TikTok's error code in that case`,
			fix: 'The renewed token is stored now: run the item again to see TikTok\'s reason.',
		};
	} else if (code.startsWith('http_')) {
		explanation = {
			message: `TikTok answered HTTP ${outcome.status} without an error code`,
			fix:
				outcome.status >= 500
					? 'TikTok had a temporary problem: try again in a few minutes.'
					: 'Check the credential\'s custom API host, if one is set.',
		};
	}
	return {
		code,
		explanation,
		retryable: READ_RETRY_POLICY.retryableStatuses.includes(outcome.status) || code === 'internal_error',
		retryAfterMs: retryAfterMs(outcome.headers),
	};
}

/** Network errors and failures of n8n's token refresh: no TikTok API response to read. */
function failureWithoutResponse(outcome: Exclude<HttpOutcome, { kind: 'response' }>, credentialType: TikTokCredentialType): Interpretation {
	switch (outcome.kind) {
		case 'refreshFailed':
			return {
				logId: outcome.logId,
				failure: {
					code: outcome.code ?? 'token_refresh_failed',
					// The refresh-token credential phrases its own errors; n8n's OAuth2 refresh errors need the fix
					explanation: outcome.code
						? { message: outcome.message, fix: '' }
						: {
								message: `n8n could not refresh the TikTok access token: ${outcome.message}`,
								fix: RECONNECT_FIX[credentialType],
							},
					retryable: false,
				},
			};
		case 'notConnected':
			return {
				failure: {
					code: 'credential_not_connected',
					explanation: {
						message: 'The TikTok OAuth2 API credential is not connected to a TikTok account yet',
						fix: 'Open the credential and click "Connect my account".',
					},
					retryable: false,
				},
			};
		case 'network':
			return {
				failure: {
					code: 'network_error',
					explanation: {
						message: `Could not reach TikTok: ${outcome.message}`,
						fix: 'Check the n8n host\'s internet access and proxy settings, and the credential\'s custom API host if one is set.',
					},
					retryable: true,
				},
			};
	}
}

function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	const seconds = Number(Array.isArray(value) ? value[0] : value);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Exponential backoff with jitter; TikTok's Retry-After wins when it sends one. */
function retryDelayMs(failure: Failure, attempt: number): number {
	if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, READ_RETRY_POLICY.maxDelayMs);
	const base =
		failure.code === 'rate_limit_exceeded'
			? READ_RETRY_POLICY.rateLimitBaseDelayMs
			: READ_RETRY_POLICY.serverErrorBaseDelayMs;
	const delay = Math.min(base * 2 ** (attempt - 1), READ_RETRY_POLICY.maxDelayMs);
	return delay / 2 + Math.random() * (delay / 2);
}

export type { TikTokErrorContext };
