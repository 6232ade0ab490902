import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { tikTokErrorContext } from '../errors/nodeErrors';
import type { TikTokContext, TikTokCredentialType } from './context';
import { parseJsonLossless } from './json';

/** What one authenticated call produced. */
export type HttpOutcome =
	| { kind: 'response'; status: number; text: string; headers: IDataObject; afterRefresh: boolean }
	/** n8n's token refresh failed (OAuth2 refresh, or the refresh-token credential's token request) */
	| { kind: 'refreshFailed'; message: string; code?: string; logId?: string }
	| { kind: 'notConnected' }
	| { kind: 'network'; message: string };

export type FullResponse = { body: unknown; statusCode: number; headers: IDataObject };

/**
 * Sends with n8n's authentication helper. Error statuses come back as responses, because n8n wraps thrown
 * errors in a NodeApiError that (in n8n 1.x) drops the response body with TikTok's error code. Only when
 * TikTok refuses the access token is the request repeated without that option, so that n8n's own refresh
 * runs (OAuth2 refresh, or the refresh-token credential's preAuthentication) and retries. Repeating is safe:
 * TikTok processes nothing it answers with 401.
 */
export async function sendWithAuthentication(
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
	if (first.statusCode !== 401 || envelopeCode(first.body) === 'scope_not_authorized')
		return responseOutcome(first, false);

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
	return (
		typeof code === 'string' &&
		/^(E[A-Z_]+|ERR_[A-Z_]+)$/.test(code) &&
		code !== 'EAUTH' &&
		code !== 'ESTATUS'
	);
}

/** What n8n threw: a token failure it wrapped, a status after a refresh, or a network error. */
function outcomeOfThrown(thrown: unknown, duringRefresh: boolean): HttpOutcome {
	const error = thrown as Error & { httpCode?: string | null; context?: IDataObject };
	const tokenError = tikTokErrorContext(error);
	if (tokenError)
		return {
			kind: 'refreshFailed',
			message: error.message,
			code: tokenError.code,
			logId: tokenError.logId,
		};
	// n8n-core's own check rarely fires (n8n fills missing token data with its default {}), so a credential
	// never connected shows as its OAuth2 client refusing to sign the request, before anything is sent
	if (error?.message === 'OAuth credentials not connected') return { kind: 'notConnected' };
	if (!duringRefresh && error?.message === 'Unable to sign without access token')
		return { kind: 'notConnected' };
	const status = Number(error?.httpCode);
	if (Number.isInteger(status) && status > 0) {
		const data = error.context?.data;
		return {
			kind: 'response',
			status,
			text: data ? JSON.stringify(data) : '',
			// n8n's error keeps no headers (so no Retry-After) here
			headers: {},
			afterRefresh: duringRefresh,
		};
	}
	// No HTTP answer after the token was renewed may be the lost answer to the re-sent request: for an init,
	// TikTok may then have created the post, so it is reported as the network error it is, never as a
	// refresh problem to fix by reconnecting (which would invite running the item again).
	if (duringRefresh && !isNetworkErrorCode(error?.httpCode)) {
		return { kind: 'refreshFailed', message: error?.message ?? String(thrown) };
	}
	return { kind: 'network', message: error?.message ?? String(thrown) };
}

/** A body as JSON with 19-digit ids kept exact, or undefined when it is not a JSON object. */
export function parseBody(text: string): IDataObject | undefined {
	try {
		const parsed = parseJsonLossless(text);
		return parsed && typeof parsed === 'object' ? (parsed as IDataObject) : undefined;
	} catch {
		return undefined;
	}
}
