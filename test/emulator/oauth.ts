/** Login Kit OAuth v2: authorize page, token endpoint, revoke (spec §1). Errors are flat {error, error_description, log_id}. */
import { createHash } from 'node:crypto';
import { mediaType, OAuthError, type Reply } from './http';
import * as ids from './ids';
import { oauthError, oauthSuccess } from './replies';
import type { RequestContext } from './context';
import type { EmulatorApp, TokenRequestRecord } from './types';

const UNRESERVED_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const HEX_CHALLENGE = /^[0-9a-f]{64}$/;
const BASE64URL_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const UNDENIABLE_SCOPE = 'user.info.basic';

function redirectWith(redirectUri: string, params: Record<string, string | undefined>): Reply {
	const target = new URL(redirectUri);
	for (const [key, value] of Object.entries(params))
		if (value !== undefined) target.searchParams.set(key, value);
	return {
		status: 302,
		body: '',
		headers: { Location: target.toString(), 'Cache-Control': 'no-store' },
	};
}

/** GET /v2/auth/authorize/: consent is automatic for emu.consentAccount; errors after redirect_uri is trusted go back to it. */
export function authorizePage(ctx: RequestContext): Reply {
	const { emu } = ctx;
	const oauth = emu.settings.oauth;
	const query = ctx.url.searchParams;
	const clientKey = query.get('client_key');
	if (!clientKey)
		return oauthError(
			ctx.logId,
			'invalid_request',
			'client_key is missing from the authorize request.',
			oauth,
		);
	const app = emu.appByKey(clientKey);
	if (!app) return oauthError(ctx.logId, 'invalid_client', 'Client key is invalid.', oauth);
	const redirectUri = query.get('redirect_uri');
	if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
		// Never redirect to an unregistered URI: answer on the page itself.
		return oauthError(
			ctx.logId,
			'invalid_request',
			'redirect_uri is not registered for this app (exact match required).',
			oauth,
		);
	}
	const state = query.get('state') ?? undefined;
	const fail = (error: string, description: string) => {
		ctx.entry.errorCode = error;
		return redirectWith(redirectUri, { error, error_description: description, state });
	};

	if (query.get('response_type') !== 'code')
		return fail('unsupported_response_type', 'response_type must be code.');
	const requested = (query.get('scope') ?? '').split(',').map((scope) => scope.trim());
	if (requested.length === 0 || requested.some((scope) => scope === '')) {
		return fail('invalid_scope', 'scope must be a comma-separated list of scopes.');
	}
	const unapproved = requested.filter((scope) => !app.approvedScopes.includes(scope));
	if (unapproved.length > 0)
		return fail('invalid_scope', `Scopes not approved for this app: ${unapproved.join(',')}`);

	const challenge = query.get('code_challenge') ?? undefined;
	if (app.platform === 'desktop' && !challenge)
		return fail('invalid_request', 'code_challenge is required for desktop apps.');
	if (challenge !== undefined) {
		if (query.get('code_challenge_method') !== 'S256')
			return fail('invalid_request', 'code_challenge_method must be S256.');
		const wellFormed =
			HEX_CHALLENGE.test(challenge) ||
			(app.platform === 'web' && BASE64URL_CHALLENGE.test(challenge));
		if (!wellFormed) return fail('invalid_request', 'Code verifier or code challenge is invalid.');
	}

	const account = emu.consentAccount;
	if (!account) return fail('access_denied', 'The user denied the authorization request.');
	const denied = oauth.deniedScopes.filter((scope) => scope !== UNDENIABLE_SCOPE);
	const granted = [...new Set(requested)].filter((scope) => !denied.includes(scope));
	const code = ids.authorizationCode();
	emu.tokens.saveCode({
		code,
		clientKey: app.clientKey,
		openId: account.openId,
		redirectUri,
		scopes: granted,
		expiresAt: emu.clock.now() + oauth.codeTtlSec * 1000,
		used: false,
		codeChallenge: challenge,
	});
	ctx.entry.openId = account.openId;
	return redirectWith(redirectUri, { code, scopes: granted.join(','), state });
}

/** PKCE check: TikTok's desktop form is lower-case hex SHA-256; web clients may also use RFC 7636 base64url. */
function verifierMatches(verifier: string, challenge: string, app: EmulatorApp): boolean {
	if (!UNRESERVED_VERIFIER.test(verifier)) return false;
	const digest = createHash('sha256').update(verifier).digest();
	if (digest.toString('hex') === challenge) return true;
	return app.platform === 'web' && digest.toString('base64url') === challenge;
}

interface ClientAuth {
	app: EmulatorApp;
	form: URLSearchParams;
}

/** client_key from the body (or from the query string when settings allow), then client_secret from the body. */
function authenticateClient(ctx: RequestContext, record?: TokenRequestRecord): ClientAuth {
	const { emu } = ctx;
	if (mediaType(ctx.req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
		throw new OAuthError(
			'invalid_request',
			'The request parameters are malformed. Use Content-Type: application/x-www-form-urlencoded.',
		);
	}
	const form = new URLSearchParams(ctx.body.toString('utf8'));
	const bodyKey = form.get('client_key');
	const queryKey = ctx.url.searchParams.get('client_key');
	let clientKey: string | undefined;
	let from: TokenRequestRecord['clientKeyFrom'] = 'none';
	if (bodyKey) {
		clientKey = bodyKey;
		from = 'body';
	} else if (queryKey && emu.settings.oauth.clientKeyFrom === 'bodyOrQuery') {
		clientKey = queryKey;
		from = 'query';
	}
	if (record) {
		record.clientKeyFrom = from;
		record.clientKeyInQuery = queryKey !== null;
		record.clientIdSent = form.has('client_id') || ctx.url.searchParams.has('client_id');
		record.clientKey = clientKey;
		record.grantType = form.get('grant_type') ?? '';
		record.codeVerifierSent = form.has('code_verifier');
	}
	if (!clientKey) throw new OAuthError('invalid_client', 'Client key is missed in request.');
	const app = emu.appByKey(clientKey);
	if (!app) throw new OAuthError('invalid_client', 'Client key is invalid.');
	const secret = form.get('client_secret');
	if (!secret) throw new OAuthError('invalid_client', 'Client secret is missed in request.');
	if (secret !== app.clientSecret)
		throw new OAuthError('invalid_client', 'Client secret is invalid.');
	return { app, form };
}

function exchangeCode(ctx: RequestContext, { app, form }: ClientAuth): Record<string, unknown> {
	const { emu } = ctx;
	const code = form.get('code');
	if (!code) throw new OAuthError('invalid_request', 'Code is missed in request.');
	const record = emu.tokens.findCode(code);
	if (!record || record.clientKey !== app.clientKey)
		throw new OAuthError('invalid_grant', 'Authorization code is invalid.');
	if (record.used)
		throw new OAuthError('invalid_grant', 'Authorization code has already been used.');
	if (emu.clock.now() >= record.expiresAt)
		throw new OAuthError('invalid_grant', 'Authorization code is expired.');
	if (form.get('redirect_uri') !== record.redirectUri) {
		throw new OAuthError(
			'invalid_request',
			'Redirect_uri is not matched with the uri when requesting code.',
		);
	}
	if (record.codeChallenge !== undefined) {
		const verifier = form.get('code_verifier');
		if (!verifier || !verifierMatches(verifier, record.codeChallenge, app))
			throw new OAuthError('invalid_grant', 'Code verifier or code challenge is invalid.');
	}
	record.used = true;
	const grant = emu.tokens.createGrant(app.clientKey, record.openId, record.scopes);
	return { ...emu.tokens.issuePair(grant) };
}

function refresh(ctx: RequestContext, { app, form }: ClientAuth): Record<string, unknown> {
	const { emu } = ctx;
	const token = form.get('refresh_token');
	if (!token) throw new OAuthError('invalid_request', 'Refresh token is missed in request.');
	if (emu.settings.oauth.sandboxRefreshFails)
		throw new OAuthError('invalid_grant', 'Refresh token is invalid or expired.');
	const check = emu.tokens.checkRefreshToken(token, app.clientKey);
	if (!check.ok) throw new OAuthError('invalid_grant', check.why);
	return { ...emu.tokens.rotate(check.record, check.grant) };
}

/** POST /v2/oauth/token/ */
export function tokenEndpoint(ctx: RequestContext): Reply {
	const { emu } = ctx;
	const oauth = emu.settings.oauth;
	const record: TokenRequestRecord = {
		at: emu.clock.now(),
		grantType: '',
		clientKeyFrom: 'none',
		clientKeyInQuery: false,
		clientIdSent: false,
		result: 'ok',
		httpStatus: 200,
		codeVerifierSent: false,
	};
	emu.tokenRequests.push(record);
	let reply: Reply;
	try {
		const client = authenticateClient(ctx, record);
		const grantType = client.form.get('grant_type');
		let payload: Record<string, unknown>;
		if (grantType === 'authorization_code') payload = exchangeCode(ctx, client);
		else if (grantType === 'refresh_token') payload = refresh(ctx, client);
		else if (grantType === 'client_credentials')
			payload = emu.tokens.issueClientToken(client.app.clientKey);
		else if (!grantType)
			throw new OAuthError('invalid_request', 'grant_type is missed in request.');
		else
			throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported.`);
		if (typeof payload.open_id === 'string') {
			record.openId = payload.open_id;
			ctx.entry.openId = payload.open_id;
		}
		reply = oauthSuccess(ctx.logId, payload);
	} catch (error) {
		if (!(error instanceof OAuthError)) throw error;
		reply = oauthError(ctx.logId, error.error, error.description, oauth);
		record.result = error.error;
	}
	record.httpStatus = reply.status;
	return reply;
}

/** POST /v2/oauth/revoke/: kills the whole grant (access and refresh tokens). Unknown tokens are a no-op (RFC 7009). */
export function revokeEndpoint(ctx: RequestContext): Reply {
	// OAuthErrors thrown here become TikTok's flat OAuth error reply in the API server's runHandler
	const { emu } = ctx;
	const { app, form } = authenticateClient(ctx);
	const token = form.get('token');
	if (!token) throw new OAuthError('invalid_request', 'Token is missed in request.');
	const access = emu.tokens.findAccessToken(token);
	const refreshRecord = emu.tokens.findRefreshToken(token);
	const grant = emu.tokens.grant(access?.grantId ?? refreshRecord?.grantId);
	const owner = access?.clientKey ?? grant?.clientKey;
	if (owner !== undefined && owner !== app.clientKey)
		throw new OAuthError('invalid_grant', 'The token was issued to another client.');
	if (access && access.kind === 'client') access.revoked = true;
	// Reason 5 = "Developer revoked authorization" (webhook authorization.removed).
	if (grant && !grant.revoked) emu.revokeGrant(grant, 5);
	return oauthSuccess(ctx.logId, {});
}
