import { createHash } from 'node:crypto';
import { startEmulator, type TikTokEmulator } from './index';
import { apiCall, formPost, request } from './test-helpers';

const REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';
const VERIFIER = 'verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG';

let emu: TikTokEmulator;

beforeEach(async () => {
	emu = await startEmulator();
});

afterEach(async () => {
	await emu.close();
});

function authorizeUrl(params: Record<string, string | undefined>): string {
	const query = new URLSearchParams();
	const merged: Record<string, string | undefined> = {
		client_key: emu.app.clientKey,
		response_type: 'code',
		scope: 'user.info.basic,video.publish,video.upload',
		redirect_uri: REDIRECT,
		state: 'st-123',
		...params,
	};
	for (const [key, value] of Object.entries(merged)) if (value !== undefined) query.set(key, value);
	return `${emu.baseUrl}/v2/auth/authorize/?${query.toString()}`;
}

/** Runs the authorize step and returns the parsed callback URL. */
async function authorize(params: Record<string, string | undefined> = {}): Promise<URL> {
	const result = await request(authorizeUrl(params));
	expect(result.status).toBe(302);
	return new URL(result.headers.location as string);
}

function tokenUrl(query = ''): string {
	return `${emu.baseUrl}/v2/oauth/token/${query}`;
}

async function exchange(code: string, extra: Record<string, string> = {}) {
	return formPost(tokenUrl(), {
		client_key: emu.app.clientKey,
		client_secret: emu.app.clientSecret,
		code,
		grant_type: 'authorization_code',
		redirect_uri: REDIRECT,
		...extra,
	});
}

async function refresh(refreshToken: string, extra: Record<string, string> = {}, query = '') {
	return formPost(tokenUrl(query), {
		client_key: emu.app.clientKey,
		client_secret: emu.app.clientSecret,
		grant_type: 'refresh_token',
		refresh_token: refreshToken,
		...extra,
	});
}

describe('authorize page', () => {
	test('consents automatically and redirects with code, scopes (plural) and state', async () => {
		const callback = await authorize();
		expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
		expect(callback.searchParams.get('state')).toBe('st-123');
		expect(callback.searchParams.get('scopes')).toBe('user.info.basic,video.publish,video.upload');
		const code = callback.searchParams.get('code') as string;
		// The code carries characters that must be URL-decoded before the exchange.
		expect(code).toMatch(/[*!]/);
		expect(callback.toString()).toContain('%21');
	});

	test('is served without the trailing slash too', async () => {
		const result = await request(authorizeUrl({}).replace('/authorize/?', '/authorize?'));
		expect(result.status).toBe(302);
	});

	test('errors that cannot trust redirect_uri are answered on the page (flat error body, no redirect)', async () => {
		const missingKey = await request(authorizeUrl({ client_key: undefined }));
		expect(missingKey.status).toBe(400);
		expect(missingKey.json).toMatchObject({ error: 'invalid_request' });
		expect(missingKey.json.log_id).toMatch(/^\d{14}[0-9A-F]{20}$/);

		const unknownKey = await request(authorizeUrl({ client_key: 'nope' }));
		expect(unknownKey.status).toBe(401);
		expect(unknownKey.json.error).toBe('invalid_client');

		const unregistered = await request(authorizeUrl({ redirect_uri: `${REDIRECT}/` }));
		expect(unregistered.status).toBe(400);
		expect(unregistered.headers.location).toBeUndefined();
		expect(unregistered.json.error).toBe('invalid_request');
	});

	test('other errors go back to redirect_uri with error, error_description and state', async () => {
		const wrongType = await authorize({ response_type: 'token' });
		expect(wrongType.searchParams.get('error')).toBe('unsupported_response_type');
		expect(wrongType.searchParams.get('state')).toBe('st-123');
		expect(wrongType.searchParams.get('code')).toBeNull();

		const unapproved = await authorize({ scope: 'user.info.basic,research.data.basic' });
		expect(unapproved.searchParams.get('error')).toBe('invalid_scope');
		expect(unapproved.searchParams.get('error_description')).toContain('research.data.basic');

		// Space-separated scopes are one unknown scope: TikTok's separator is the comma.
		const spaced = await authorize({ scope: 'user.info.basic video.publish' });
		expect(spaced.searchParams.get('error')).toBe('invalid_scope');

		emu.app.approvedScopes = ['user.info.basic'];
		const notApproved = await authorize({ scope: 'user.info.basic,video.publish' });
		expect(notApproved.searchParams.get('error')).toBe('invalid_scope');
	});

	test('a declining user yields access_denied; un-ticked scopes are left out of the grant', async () => {
		emu.consentAccount = null;
		expect((await authorize()).searchParams.get('error')).toBe('access_denied');

		emu.consentAccount = emu.defaultAccount;
		emu.settings.oauth.deniedScopes = ['video.upload', 'user.info.basic'];
		const callback = await authorize();
		// user.info.basic cannot be denied.
		expect(callback.searchParams.get('scopes')).toBe('user.info.basic,video.publish');
		const tokens = await exchange(callback.searchParams.get('code') as string);
		expect(tokens.json.scope).toBe('user.info.basic,video.publish');
	});

	test('consent is given by the settable consentAccount', async () => {
		const other = emu.addAccount({ username: 'second.creator' });
		emu.consentAccount = other;
		const callback = await authorize();
		const tokens = await exchange(callback.searchParams.get('code') as string);
		expect(tokens.json.open_id).toBe(other.openId);
	});
});

describe('token endpoint: authorization_code', () => {
	test('returns a flat token object (no envelope) with TikTok formats and Nov 2026 lifetimes', async () => {
		const code = (await authorize()).searchParams.get('code') as string;
		const result = await exchange(code);
		expect(result.status).toBe(200);
		expect(Object.keys(result.json).sort()).toEqual([
			'access_token',
			'expires_in',
			'open_id',
			'refresh_expires_in',
			'refresh_token',
			'scope',
			'token_type',
		]);
		expect(result.json.access_token).toMatch(/^act\./);
		expect(result.json.refresh_token).toMatch(/^rft\./);
		expect(result.json.expires_in).toBe(7200);
		expect(result.json.refresh_expires_in).toBe(15_552_000);
		expect(result.json.token_type).toBe('Bearer');
		expect(result.json.open_id).toBe(emu.defaultAccount.openId);
		expect(result.json.scope).toBe('user.info.basic,video.publish,video.upload');
		// The token works on the API.
		const info = await apiCall(emu, '/v2/user/info/?fields=open_id', {
			method: 'GET',
			token: result.json.access_token,
		});
		expect(info.json.data.user.open_id).toBe(emu.defaultAccount.openId);
		expect(emu.tokenRequests[0]).toMatchObject({
			grantType: 'authorization_code',
			clientKeyFrom: 'body',
			result: 'ok',
			httpStatus: 200,
		});
	});

	test('a code is single-use', async () => {
		const code = (await authorize()).searchParams.get('code') as string;
		expect((await exchange(code)).status).toBe(200);
		const again = await exchange(code);
		expect(again.status).toBe(400);
		expect(again.json.error).toBe('invalid_grant');
		expect(again.json.access_token).toBeUndefined();
	});

	test('a code expires after 10 minutes of virtual time', async () => {
		const code = (await authorize()).searchParams.get('code') as string;
		emu.clock.advance(600_000);
		const result = await exchange(code);
		expect(result.json.error).toBe('invalid_grant');
	});

	test('redirect_uri must equal the one used on the authorize page', async () => {
		const code = (await authorize()).searchParams.get('code') as string;
		const result = await exchange(code, {
			redirect_uri: 'https://n8n.example.com/rest/oauth2-credential/callback',
		});
		expect(result.status).toBe(400);
		expect(result.json).toMatchObject({
			error: 'invalid_request',
			error_description: 'Redirect_uri is not matched with the uri when requesting code.',
		});
	});

	test('a code issued to another client is invalid_grant; an undecoded code does not work', async () => {
		const other = emu.addApp({ redirectUris: [REDIRECT] });
		const callback = await authorize();
		const code = callback.searchParams.get('code') as string;
		const wrongClient = await formPost(tokenUrl(), {
			client_key: other.clientKey,
			client_secret: other.clientSecret,
			code,
			grant_type: 'authorization_code',
			redirect_uri: REDIRECT,
		});
		expect(wrongClient.json.error).toBe('invalid_grant');
		// A client that copies the raw (still percent-encoded) query value sends a different code.
		const raw = /[?&]code=([^&]+)/.exec(callback.toString())?.[1] as string;
		expect(raw).not.toBe(code);
		const undecoded = await exchange(raw);
		expect(undecoded.json.error).toBe('invalid_grant');
		expect((await exchange(code)).status).toBe(200);
	});

	test('extra client_id (as n8n sends) is harmless and recorded', async () => {
		const code = (await authorize()).searchParams.get('code') as string;
		const result = await exchange(code, { client_id: emu.app.clientKey });
		expect(result.status).toBe(200);
		expect(emu.tokenRequests[0].clientIdSent).toBe(true);
	});
});

describe('token endpoint: client authentication', () => {
	test('missing client_key, wrong key, missing or wrong secret are invalid_client (401)', async () => {
		const base = { grant_type: 'refresh_token', refresh_token: emu.issueTokens().refresh_token };
		const cases: Array<[Record<string, string>, string]> = [
			[{ client_secret: emu.app.clientSecret }, 'Client key is missed in request.'],
			[{ client_key: 'nope', client_secret: emu.app.clientSecret }, 'Client key is invalid.'],
			[{ client_key: emu.app.clientKey }, 'Client secret is missed in request.'],
			[{ client_key: emu.app.clientKey, client_secret: 'wrong' }, 'Client secret is invalid.'],
		];
		for (const [fields, description] of cases) {
			const result = await formPost(tokenUrl(), { ...base, ...fields });
			expect(result.status).toBe(401);
			expect(result.json).toMatchObject({
				error: 'invalid_client',
				error_description: description,
			});
		}
	});

	test("client_id alone is not client_key (n8n's standard OAuth2 body)", async () => {
		const result = await formPost(tokenUrl(), {
			client_id: emu.app.clientKey,
			client_secret: emu.app.clientSecret,
			grant_type: 'refresh_token',
			refresh_token: emu.issueTokens().refresh_token,
		});
		expect(result.json.error).toBe('invalid_client');
		expect(emu.tokenRequests[0]).toMatchObject({
			clientKeyFrom: 'none',
			clientIdSent: true,
			result: 'invalid_client',
		});
	});

	test("client_key in the query string is refused by default ('body') and accepted with 'bodyOrQuery'", async () => {
		// Exactly what n8n-core's refresh sends: client_key only in the accessTokenUrl query, client_id in the body.
		const n8nRefresh = (refreshToken: string) =>
			formPost(tokenUrl(`?client_key=${encodeURIComponent(emu.app.clientKey)}`), {
				refresh_token: refreshToken,
				grant_type: 'refresh_token',
				client_id: emu.app.clientKey,
				client_secret: emu.app.clientSecret,
			});
		const tokens = emu.issueTokens();
		const refused = await n8nRefresh(tokens.refresh_token);
		expect(refused.status).toBe(401);
		expect(refused.json.error).toBe('invalid_client');
		expect(emu.tokenRequests[0]).toMatchObject({
			clientKeyFrom: 'none',
			clientKeyInQuery: true,
			clientIdSent: true,
		});

		emu.settings.oauth.clientKeyFrom = 'bodyOrQuery';
		const accepted = await n8nRefresh(tokens.refresh_token);
		expect(accepted.status).toBe(200);
		expect(accepted.json.access_token).toMatch(/^act\./);
		expect(emu.tokenRequests[1]).toMatchObject({ clientKeyFrom: 'query', result: 'ok' });
	});

	test('JSON bodies are malformed requests; grant types are checked', async () => {
		const json = await request(tokenUrl(), {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({
				client_key: emu.app.clientKey,
				client_secret: emu.app.clientSecret,
				grant_type: 'client_credentials',
			}),
		});
		expect(json.status).toBe(400);
		expect(json.json.error).toBe('invalid_request');
		const creds = { client_key: emu.app.clientKey, client_secret: emu.app.clientSecret };
		expect((await formPost(tokenUrl(), { ...creds, grant_type: 'password' })).json.error).toBe(
			'unsupported_grant_type',
		);
		expect((await formPost(tokenUrl(), creds)).json.error).toBe('invalid_request');
	});

	test("errorHttpStatus '200' answers OAuth errors with HTTP 200 and the same flat body", async () => {
		emu.settings.oauth.errorHttpStatus = '200';
		const result = await refresh('rft.unknown');
		expect(result.status).toBe(200);
		expect(result.json).toMatchObject({ error: 'invalid_grant' });
		expect(result.json.access_token).toBeUndefined();
		expect(result.json.log_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
	});
});

describe('token endpoint: refresh_token', () => {
	test('strict rotation: new pair, old refresh token dies, old access token lives until expiry', async () => {
		const first = emu.issueTokens();
		const rotated = await refresh(first.refresh_token);
		expect(rotated.status).toBe(200);
		expect(rotated.json.refresh_token).not.toBe(first.refresh_token);
		expect(rotated.json.access_token).not.toBe(first.access_token);
		expect(rotated.json.open_id).toBe(first.open_id);
		expect(rotated.json.scope).toBe(first.scope);

		const reused = await refresh(first.refresh_token);
		expect(reused.status).toBe(400);
		expect(reused.json.error).toBe('invalid_grant');

		expect((await refresh(rotated.json.refresh_token)).status).toBe(200);
		const oldAccess = await apiCall(emu, '/v2/user/info/?fields=open_id', {
			method: 'GET',
			token: first.access_token,
		});
		expect(oldAccess.status).toBe(200);
	});

	test('keepOld rotation leaves the previous refresh token usable', async () => {
		emu.settings.oauth.rotation = 'keepOld';
		const first = emu.issueTokens();
		expect((await refresh(first.refresh_token)).status).toBe(200);
		expect((await refresh(first.refresh_token)).status).toBe(200);
	});

	test('refresh_expires_in counts down from the first issuance; the refresh token expires after 180 days', async () => {
		const first = emu.issueTokens();
		emu.clock.advance(86_400_000);
		const rotated = await refresh(first.refresh_token);
		expect(rotated.json.refresh_expires_in).toBe(15_552_000 - 86_400);
		expect(rotated.json.expires_in).toBe(7200);
		emu.clock.advance(179 * 86_400_000);
		const expired = await refresh(rotated.json.refresh_token);
		expect(expired.json.error).toBe('invalid_grant');
	});

	test("refreshExpiryFrom 'rotation' restarts the refresh lifetime", async () => {
		emu.settings.oauth.refreshExpiryFrom = 'rotation';
		const first = emu.issueTokens();
		emu.clock.advance(86_400_000);
		expect((await refresh(first.refresh_token)).json.refresh_expires_in).toBe(15_552_000);
	});

	test('sandbox mode: every refresh is invalid_grant', async () => {
		emu.settings.oauth.sandboxRefreshFails = true;
		const result = await refresh(emu.issueTokens().refresh_token);
		expect(result.json.error).toBe('invalid_grant');
	});

	test('a refresh token of another client is invalid_grant', async () => {
		const other = emu.addApp();
		const tokens = emu.issueTokens(undefined, { clientKey: other.clientKey });
		expect((await refresh(tokens.refresh_token)).json.error).toBe('invalid_grant');
	});
});

describe('PKCE', () => {
	const hexChallenge = createHash('sha256').update(VERIFIER).digest('hex');
	const b64Challenge = createHash('sha256').update(VERIFIER).digest('base64url');

	test('web: a hex S256 challenge requires the matching code_verifier', async () => {
		const code = async () =>
			(
				await authorize({ code_challenge: hexChallenge, code_challenge_method: 'S256' })
			).searchParams.get('code') as string;
		expect((await exchange(await code())).json.error).toBe('invalid_grant');
		const wrong = await exchange(await code(), { code_verifier: `${VERIFIER}x` });
		expect(wrong.json).toMatchObject({
			error: 'invalid_grant',
			error_description: 'Code verifier or code challenge is invalid.',
		});
		expect((await exchange(await code(), { code_verifier: VERIFIER })).status).toBe(200);
	});

	test('web: a base64url challenge is accepted too', async () => {
		const code = (
			await authorize({ code_challenge: b64Challenge, code_challenge_method: 'S256' })
		).searchParams.get('code') as string;
		expect((await exchange(code, { code_verifier: VERIFIER })).status).toBe(200);
	});

	test('desktop: a challenge is mandatory and must be hex', async () => {
		emu.app.platform = 'desktop';
		expect((await authorize()).searchParams.get('error')).toBe('invalid_request');
		expect(
			(
				await authorize({ code_challenge: b64Challenge, code_challenge_method: 'S256' })
			).searchParams.get('error'),
		).toBe('invalid_request');
		const code = (
			await authorize({ code_challenge: hexChallenge, code_challenge_method: 'S256' })
		).searchParams.get('code') as string;
		expect((await exchange(code, { code_verifier: VERIFIER })).status).toBe(200);
	});

	test('only S256 is supported', async () => {
		const callback = await authorize({ code_challenge: VERIFIER, code_challenge_method: 'plain' });
		expect(callback.searchParams.get('error')).toBe('invalid_request');
	});
});

describe('access tokens on the API', () => {
	test('expire after expires_in seconds of virtual time (401 access_token_invalid)', async () => {
		const tokens = emu.issueTokens();
		const call = () =>
			apiCall(emu, '/v2/user/info/?fields=open_id', { method: 'GET', token: tokens.access_token });
		emu.clock.advance(7_199_000);
		expect((await call()).status).toBe(200);
		emu.clock.advance(1000);
		const expired = await call();
		expect(expired.status).toBe(401);
		expect(expired.json.error.code).toBe('access_token_invalid');
	});

	test('expireAccessToken() and issueTokens({ accessTtlSec }) control expiry', async () => {
		const tokens = emu.issueTokens(undefined, { accessTtlSec: 60 });
		expect(tokens.expires_in).toBe(60);
		emu.expireAccessToken(tokens.access_token);
		const result = await apiCall(emu, '/v2/user/info/?fields=open_id', {
			method: 'GET',
			token: tokens.access_token,
		});
		expect(result.json.error.code).toBe('access_token_invalid');
	});

	test('client_credentials gives a clt. token that cannot act for a user', async () => {
		const result = await formPost(tokenUrl(), {
			client_key: emu.app.clientKey,
			client_secret: emu.app.clientSecret,
			grant_type: 'client_credentials',
		});
		expect(result.json).toMatchObject({ expires_in: 7200, token_type: 'Bearer' });
		expect(result.json.access_token).toMatch(/^clt\./);
		const call = await apiCall(emu, '/v2/user/info/?fields=open_id', {
			method: 'GET',
			token: result.json.access_token,
		});
		expect(call.status).toBe(401);
		expect(call.json.error.code).toBe('scope_not_authorized');
	});
});

describe('revoke', () => {
	test('kills the whole grant; unknown tokens are a no-op', async () => {
		const tokens = emu.issueTokens();
		const revokeUrl = `${emu.baseUrl}/v2/oauth/revoke/`;
		const result = await formPost(revokeUrl, {
			client_key: emu.app.clientKey,
			client_secret: emu.app.clientSecret,
			token: tokens.access_token,
		});
		expect(result.status).toBe(200);
		expect(result.json).toEqual({});
		const call = await apiCall(emu, '/v2/user/info/?fields=open_id', {
			method: 'GET',
			token: tokens.access_token,
		});
		expect(call.json.error.code).toBe('access_token_invalid');
		expect((await refresh(tokens.refresh_token)).json.error).toBe('invalid_grant');
		const unknown = await formPost(revokeUrl, {
			client_key: emu.app.clientKey,
			client_secret: emu.app.clientSecret,
			token: 'act.unknown',
		});
		expect(unknown.status).toBe(200);
		const badSecret = await formPost(revokeUrl, {
			client_key: emu.app.clientKey,
			client_secret: 'x',
			token: tokens.access_token,
		});
		expect(badSecret.json.error).toBe('invalid_client');
	});

	test('emu.revoke(token) does the same from a test', async () => {
		const tokens = emu.issueTokens();
		emu.revoke(tokens.refresh_token);
		const call = await apiCall(emu, '/v2/user/info/?fields=open_id', {
			method: 'GET',
			token: tokens.access_token,
		});
		expect(call.json.error.code).toBe('access_token_invalid');
	});
});
