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
import { sleep } from 'n8n-workflow';

import { redactSecrets } from '../../../credentials/shared/redact';
import { tikTokApiBaseUrl } from '../../../credentials/shared/tikTokHosts';
import { explainTikTokError, tikTokApiError } from './errors';
import type { TikTokErrorContext } from './errors';
import { parseJsonLossless } from './json';

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
		let outcome: HttpOutcome;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
				...options,
				headers: { ...options.headers },
			})) as { body: unknown; statusCode: number; headers: IDataObject };
			outcome = { status: response.statusCode, text: String(response.body ?? ''), headers: response.headers };
		} catch (error) {
			outcome = outcomeOfError(error);
		}

		const result = interpretOutcome(outcome, credentialType);
		this.logger.debug('TikTok API request', {
			method: request.method,
			path: request.path,
			status: outcome.status,
			code: 'failure' in result ? result.failure.code : 'ok',
			logId: result.logId,
			attempt,
		});
		if ('data' in result) return { data: result.data as T, logId: result.logId };

		const { failure } = result;
		if (request.retryable && failure.retryable && attempt < READ_RETRY_POLICY.maxAttempts) {
			await sleep(retryDelayMs(failure, attempt));
			continue;
		}
		throw tikTokApiError(
			node,
			{ code: failure.code, logId: result.logId, httpStatus: outcome.status },
			{
				message: redactSecrets(failure.explanation.message, secrets),
				fix: redactSecrets(failure.explanation.fix, secrets),
			},
			request.itemIndex,
		);
	}
}

interface HttpOutcome {
	status?: number;
	text?: string;
	headers?: IDataObject;
	/** Set when the request failed before an HTTP response (network) or while refreshing the token */
	error?: Error & { code?: string; body?: IDataObject; oauthError?: string; logId?: string };
}

interface Failure {
	code: string;
	explanation: { message: string; fix: string };
	retryable: boolean;
	retryAfterMs?: number;
}

type Interpretation = ({ data: IDataObject } | { failure: Failure }) & { logId?: string };

/** The HTTP response inside whatever n8n threw: axios errors directly, or wrapped in a NodeApiError. */
function outcomeOfError(thrown: unknown): HttpOutcome {
	let error = thrown as HttpOutcome['error'] & { cause?: unknown; response?: { status?: number; data?: unknown; headers?: IDataObject } };
	// httpRequestWithAuthentication wraps errors of non-OAuth2 credentials in a NodeApiError
	while (error && !error.response && error.cause instanceof Error) error = error.cause as typeof error;
	if (error?.response?.status !== undefined) {
		const data = error.response.data;
		return {
			status: error.response.status,
			text: typeof data === 'string' ? data : data === undefined ? '' : JSON.stringify(data),
			headers: error.response.headers,
		};
	}
	return { error: error ?? new Error(String(thrown)) };
}

function interpretOutcome(outcome: HttpOutcome, credentialType: TikTokCredentialType): Interpretation {
	if (outcome.status === undefined) return { failure: failureWithoutResponse(outcome.error, credentialType) };

	const body = parseBody(outcome.text ?? '');
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

function failureFor(
	code: string,
	tikTokMessage: string | undefined,
	outcome: HttpOutcome,
	credentialType: TikTokCredentialType,
): Failure {
	const status = outcome.status ?? 0;
	let explanation = explainTikTokError(code, tikTokMessage);
	if (code === 'access_token_invalid' && credentialType === 'tikTokRefreshTokenApi') {
		explanation = {
			message: explanation.message,
			fix: 'n8n refreshed it with the credential\'s refresh token and TikTok still refused. Paste a new authorization code into the TikTok Refresh Token API credential (see the README) and save it.',
		};
	} else if (code.startsWith('http_')) {
		explanation = {
			message: `TikTok answered HTTP ${status} without an error code`,
			fix: status >= 500 ? 'TikTok had a temporary problem: try again in a few minutes.' : 'Check the credential\'s custom API host, if one is set.',
		};
	}
	return {
		code,
		explanation,
		retryable: READ_RETRY_POLICY.retryableStatuses.includes(status) || code === 'internal_error',
		retryAfterMs: retryAfterMs(outcome.headers),
	};
}

/** Network errors, and errors n8n raises while refreshing the access token (no TikTok API response). */
function failureWithoutResponse(error: HttpOutcome['error'], credentialType: TikTokCredentialType): Failure {
	const reconnect =
		credentialType === 'tikTokOAuth2Api'
			? 'Open the TikTok OAuth2 API credential and click "Reconnect". If refreshing keeps failing, TikTok is not accepting n8n\'s refresh request (it asks for client_key in the request body, which n8n\'s OAuth2 refresh cannot send): switch the node\'s Authentication to "Refresh Token" and use the TikTok Refresh Token API credential (see the README).'
			: 'Paste a new authorization code into the TikTok Refresh Token API credential (see the README) and save it.';
	if (error?.name === 'TikTokTokenError') {
		// Thrown by the refresh-token credential, already phrased for the user
		return { code: error.oauthError ?? 'token_error', explanation: { message: error.message, fix: '' }, retryable: false };
	}
	if (error?.message === 'OAuth credentials not connected') {
		return {
			code: 'credential_not_connected',
			explanation: {
				message: 'The TikTok OAuth2 API credential is not connected to a TikTok account yet',
				fix: 'Open the credential and click "Connect my account".',
			},
			retryable: false,
		};
	}
	if (error?.code === 'EAUTH' || error?.code === 'ESTATUS') {
		// @n8n/client-oauth2 failed to refresh: the token endpoint refused or answered an error
		const said = error.body?.error_description ?? error.body?.error ?? error.message;
		return {
			code: String(error.body?.error ?? 'token_refresh_failed'),
			explanation: { message: `n8n could not refresh the TikTok access token: TikTok said "${said}"`, fix: reconnect },
			retryable: false,
		};
	}
	return {
		code: 'network_error',
		explanation: {
			message: `Could not reach TikTok (${error?.code ?? error?.message ?? 'network error'})`,
			fix: 'Check the n8n host\'s internet access and proxy settings, and the credential\'s custom API host if one is set.',
		},
		retryable: true,
	};
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
