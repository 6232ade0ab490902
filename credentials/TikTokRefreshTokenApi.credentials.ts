import { createHash } from 'node:crypto';

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { appCredentialProperties } from '../nodes/shared/descriptions';
import { tokenErrorFix } from '../nodes/shared/errors/messages';
import { TikTokTokenError } from '../nodes/shared/errors/tokenError';
import {
	customHostProperties,
	hostExpression,
	TIKTOK_API_HOST,
	tikTokApiBaseUrl,
} from '../nodes/shared/transport/hosts';
import { redactSecrets } from '../nodes/shared/utils/redact';

interface TokenResponse {
	access_token?: string;
	refresh_token?: string;
	open_id?: string;
	error?: string;
	error_description?: string;
	log_id?: string;
}

/** Codes copied from the browser's address bar are URL-encoded; TikTok wants them decoded. */
function urlDecoded(code: string): string {
	try {
		return decodeURIComponent(code);
	} catch {
		return code;
	}
}

/**
 * The live grant, kept in `oauthTokenData`: the one data key n8n itself carries over on every save from the
 * editor (the form never holds it, the server restores it), so a stale form cannot overwrite it. `used` holds
 * fingerprints of every code and refresh token already spent, so a stale form's copy of one is ignored.
 */
interface GrantState {
	refresh_token?: string;
	open_id?: string;
	used?: string[];
}

const fingerprint = (secret: string): string =>
	createHash('sha256').update(secret).digest('hex').slice(0, 32);

function grantState(credentials: ICredentialDataDecryptedObject): GrantState {
	const data = credentials.oauthTokenData;
	return typeof data === 'object' && data !== null && !Array.isArray(data)
		? (data as GrantState)
		: {};
}

/** A pasted authorization code that has not been exchanged yet. */
function pendingCode(credentials: ICredentialDataDecryptedObject): string {
	const code = String(credentials.authorizationCode ?? '').trim();
	return code && !(grantState(credentials).used ?? []).includes(fingerprint(code)) ? code : '';
}

/**
 * TikTok credential that refreshes tokens itself, sending `client_key` in the form body as TikTok's current
 * docs require. It works whatever TikTok's token endpoint accepts, at the cost of a Connect button: the
 * user pastes a refresh token, or a one-time authorization code that is exchanged on first use.
 *
 * n8n calls preAuthentication when the hidden `accessToken` is empty or a request answered 401, and stores
 * what it returns, so the rotated refresh token is always saved.
 */
export class TikTokRefreshTokenApi implements ICredentialType {
	name = 'tikTokRefreshTokenApi';

	displayName = 'TikTok Refresh Token API';

	icon: Icon = { light: 'file:../icons/tiktok.svg', dark: 'file:../icons/tiktok.dark.svg' };

	documentationUrl = 'https://developers.tiktok.com/doc/oauth-user-access-token-management';

	properties: INodeProperties[] = [
		{
			displayName:
				"Paste either a Refresh Token or a one-time Authorization Code (with its Redirect URI). The package README shows how to get a code from TikTok's authorize page in a browser. The scopes are the ones in that page's URL: add video.list, user.info.profile or user.info.stats there for the read operations.",
			name: 'notice',
			type: 'notice',
			default: '',
		},
		...appCredentialProperties('clientKey'),
		{
			displayName: 'Authorization Code',
			name: 'authorizationCode',
			type: 'string',
			// Not masked: a code is single-use, expires within minutes and is cleared once exchanged
			default: '',
			description:
				"One-time code from the address bar after approving the app on TikTok's authorize page. Exchanged for tokens on first use, then cleared.",
		},
		{
			displayName: 'Redirect URI',
			name: 'redirectUri',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/tiktok/callback/',
			description:
				'The redirect URI used on the authorize page; it must be registered in your TikTok app',
		},
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Filled in by n8n after the code exchange and replaced at every refresh, as TikTok rotates it. You may paste one obtained elsewhere instead of a code.',
		},
		...customHostProperties,
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{ displayName: 'Open ID', name: 'openId', type: 'hidden', default: '' },
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const state = grantState(credentials);
		const used = state.used ?? [];
		const code = pendingCode(credentials);
		const typed = String(credentials.refreshToken ?? '').trim();
		const stored = String(state.refresh_token ?? '').trim();
		// A refresh token pasted into the form wins over the stored one, unless n8n already spent it (a stale form)
		const refreshToken =
			typed && typed !== stored && !used.includes(fingerprint(typed)) ? typed : stored || typed;
		const secrets = [credentials.clientSecret, code, refreshToken];
		// A freshly pasted code wins over a stored refresh token: the user pasted it because the old grant died
		const grant = code ? 'authorization_code' : refreshToken ? 'refresh_token' : undefined;
		if (grant === undefined) {
			throw new TikTokTokenError(
				'The TikTok Refresh Token credential has neither a Refresh Token nor an Authorization Code. Paste one of them into the credential (the package README shows how to get a code) and save it.',
				'missing_grant',
			);
		}

		const form = new URLSearchParams({
			client_key: String(credentials.clientKey ?? '').trim(),
			client_secret: String(credentials.clientSecret ?? '').trim(),
			grant_type: grant,
		});
		if (grant === 'authorization_code') {
			form.set('code', urlDecoded(code));
			form.set('redirect_uri', String(credentials.redirectUri ?? '').trim());
		} else {
			form.set('refresh_token', refreshToken);
		}

		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${tikTokApiBaseUrl(credentials)}/v2/oauth/token/`,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-cache' },
			body: form.toString(),
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			json: true,
		})) as { body: unknown; statusCode: number };

		const body = (
			typeof response.body === 'object' && response.body !== null ? response.body : {}
		) as TokenResponse;
		// TikTok has been seen answering errors with HTTP 200, so the body decides, not the status
		if (body.error || typeof body.access_token !== 'string' || body.access_token === '') {
			const error = body.error ?? `http_${response.statusCode}`;
			const action =
				grant === 'refresh_token' ? 'refresh the access token' : 'exchange the authorization code';
			const said = body.error_description ? `: ${body.error_description}` : '';
			throw new TikTokTokenError(
				redactSecrets(
					`TikTok refused to ${action} (${error}${said}). ${tokenErrorFix(error, grant)}`,
					secrets,
				),
				error,
				body.log_id,
			);
		}

		const nextRefreshToken = body.refresh_token || refreshToken;
		const openId = body.open_id ?? state.open_id ?? credentials.openId ?? '';
		const spent = fingerprint(grant === 'authorization_code' ? code : refreshToken);
		return {
			accessToken: body.access_token,
			refreshToken: nextRefreshToken,
			authorizationCode: '',
			openId,
			// The last 20 spent codes and tokens are enough to recognise any form still open in an editor
			oauthTokenData: {
				refresh_token: nextRefreshToken,
				open_id: openId,
				used: [...used.filter((f) => f !== spent), spent].slice(-20),
			},
		};
	}

	/**
	 * Bearer access token. n8n calls preAuthentication only when the access token is empty or TikTok answers
	 * 401; while a freshly pasted code waits, send a token TikTok refuses, so n8n exchanges the code at once
	 * (on Save, when it tests the credential) instead of hours later, when the code has expired.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const token = pendingCode(credentials)
			? 'pending-authorization-code'
			: String(credentials.accessToken ?? '');
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${hostExpression(TIKTOK_API_HOST, '$credentials')} }}`,
			url: '/v2/user/info/',
			qs: { fields: 'open_id,display_name' },
		},
	};
}
