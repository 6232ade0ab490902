import type { IDataObject } from 'n8n-workflow';

import { explainTikTokError, RECONNECT_FIX } from '../errors/messages';
import type { ErrorExplanation } from '../errors/messages';
import { retryAfterMs } from '../retry';
import type { HttpOutcome } from './authenticatedCall';
import { parseBody } from './authenticatedCall';
import type { TikTokCredentialType } from './context';

export interface Failure {
	code: string;
	explanation: ErrorExplanation;
	retryAfterMs?: number;
}

export type Interpretation = ({ data: IDataObject } | { failure: Failure }) & { logId?: string };

/** What TikTok answered: the envelope's data, or a failure with its code and the fix to show. */
export function interpretOutcome(
	outcome: HttpOutcome,
	credentialType: TikTokCredentialType,
): Interpretation {
	if (outcome.kind !== 'response') return failureWithoutResponse(outcome, credentialType);

	const body = parseBody(outcome.text);
	const envelopeError = body?.error;
	if (envelopeError && typeof envelopeError === 'object') {
		const { code, message } = envelopeError as IDataObject;
		const logId =
			String((envelopeError as IDataObject).log_id ?? (envelopeError as IDataObject).logid ?? '') ||
			undefined;
		if (code === 'ok' && outcome.status < 400)
			return { data: (body?.data as IDataObject) ?? {}, logId };
		const failureCode = typeof code === 'string' && code !== 'ok' ? code : `http_${outcome.status}`;
		return {
			logId,
			failure: failureFor(
				failureCode,
				typeof message === 'string' ? message : undefined,
				outcome,
				credentialType,
			),
		};
	}
	if (typeof envelopeError === 'string') {
		// OAuth endpoints answer with a flat {error, error_description, log_id}
		return {
			logId: typeof body?.log_id === 'string' ? body.log_id : undefined,
			failure: failureFor(
				envelopeError,
				String(body?.error_description ?? ''),
				outcome,
				credentialType,
			),
		};
	}
	if (outcome.status < 400 && body) return { data: (body.data as IDataObject) ?? {} };
	return { failure: failureFor(`http_${outcome.status}`, undefined, outcome, credentialType) };
}

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
			fix: "The renewed token is stored now: run the item again to see TikTok's reason.",
		};
	} else if (code.startsWith('http_')) {
		explanation = {
			message: `TikTok answered HTTP ${outcome.status} without an error code`,
			fix:
				outcome.status >= 500
					? 'TikTok had a temporary problem: try again in a few minutes.'
					: "Check the credential's custom API host, if one is set.",
		};
	}
	return {
		code,
		explanation,
		retryAfterMs: retryAfterMs(outcome.headers),
	};
}

/** Network errors and failures of n8n's token refresh: no TikTok API response to read. */
function failureWithoutResponse(
	outcome: Exclude<HttpOutcome, { kind: 'response' }>,
	credentialType: TikTokCredentialType,
): Interpretation {
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
				},
			};
		case 'network':
			return {
				failure: {
					code: 'network_error',
					explanation: {
						message: `Could not reach TikTok: ${outcome.message}`,
						fix: "Check the n8n host's internet access and proxy settings, and the credential's custom API host if one is set.",
					},
				},
			};
	}
}
