/** Builders for TikTok's two response shapes: the v2 {data, error} envelope and the flat OAuth error. */
import { toJson } from './json';
import type { Reply } from './http';
import type { OAuthSettings } from './types';

export function envelope(
	logId: string,
	httpStatus: number,
	code: string,
	message: string,
	data?: Record<string, unknown>,
): Reply {
	const body: Record<string, unknown> = {};
	// The cancel endpoint's success has no data at all; everything else carries one (possibly {}).
	if (data !== undefined) body.data = data;
	body.error = { code, message, log_id: logId };
	return {
		status: httpStatus,
		body: toJson(body),
		headers: { 'x-tt-logid': logId },
		errorCode: code === 'ok' ? undefined : code,
	};
}

export function ok(logId: string, data?: Record<string, unknown>): Reply {
	return envelope(logId, 200, 'ok', '', data);
}

/** HTTP status of an OAuth error: TikTok documents none; 400 (401 for invalid_client) by default, or 200 as observed. */
export function oauthErrorStatus(error: string, oauth: OAuthSettings): number {
	if (oauth.errorHttpStatus === '200') return 200;
	if (error === 'invalid_client') return 401;
	if (error === 'server_error') return 500;
	if (error === 'temporarily_unavailable') return 503;
	return 400;
}

export function oauthError(
	logId: string,
	error: string,
	description: string,
	oauth: OAuthSettings,
): Reply {
	return {
		status: oauthErrorStatus(error, oauth),
		body: JSON.stringify({ error, error_description: description, log_id: logId }),
		headers: { 'x-tt-logid': logId, 'Cache-Control': 'no-store' },
		errorCode: error,
	};
}

export function oauthSuccess(logId: string, payload: Record<string, unknown>): Reply {
	return {
		status: 200,
		body: JSON.stringify(payload),
		headers: { 'x-tt-logid': logId, 'Cache-Control': 'no-store' },
	};
}

/** Default envelope code for an injected status fault. */
export function codeForStatus(status: number): string {
	if (status === 429) return 'rate_limit_exceeded';
	if (status === 401) return 'access_token_invalid';
	if (status === 400) return 'invalid_params';
	if (status === 403) return 'forbidden';
	if (status >= 500) return 'internal_error';
	return 'ok';
}

/** The reply for an injected status fault, in the target's own shape, unless the rule supplies a body. */
export function faultReply(
	logId: string,
	action: { status: number; body?: unknown; headers?: Record<string, string> },
	flavor: 'api' | 'oauth' | 'upload',
): Reply {
	const code = codeForStatus(action.status);
	let body: string;
	if (action.body !== undefined)
		body = typeof action.body === 'string' ? action.body : toJson(action.body);
	else if (flavor === 'oauth')
		body = JSON.stringify({
			error: action.status >= 500 ? 'server_error' : 'invalid_request',
			error_description: 'Injected fault',
			log_id: logId,
		});
	else if (flavor === 'upload')
		body = toJson({ error: { code, message: 'Injected fault', log_id: logId } });
	else body = toJson({ data: {}, error: { code, message: 'Injected fault', log_id: logId } });
	return {
		status: action.status,
		body,
		headers: { 'x-tt-logid': logId, ...action.headers },
		errorCode: code,
	};
}
