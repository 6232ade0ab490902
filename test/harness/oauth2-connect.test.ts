import type { INodeProperties } from 'n8n-workflow';

import {
	completeOAuth2Callback,
	n8nLine,
	OAuth2CallbackError,
	runNode,
	simulateOAuth2Connect,
	startTestServer,
	type TestServer,
} from './index';
import { ECHO_TYPE, fixtureTypes, HarnessOAuth2Api } from './fixtures';

/** The same credential with client authentication in a Basic header instead of the body. */
class HarnessHeaderOAuth2Api extends HarnessOAuth2Api {
	override name = 'harnessHeaderOAuth2Api';
	override properties: INodeProperties[] = new HarnessOAuth2Api().properties.map((p) =>
		p.name === 'authentication' ? { ...p, default: 'header' } : p,
	);
}

const INSTANCE = 'https://n8n.example.com';
const REDIRECT = `${INSTANCE}/rest/oauth2-credential/callback`;
let server: TestServer;
let denyNext = false;

beforeAll(async () => {
	// a provider: the authorize page redirects straight back with a code (TikTok adds `scopes`)
	server = await startTestServer((req) => {
		if (req.path === '/v2/auth/authorize/') {
			const target = new URL(req.query.redirect_uri);
			if (denyNext) {
				denyNext = false;
				target.searchParams.set('error', 'access_denied');
			} else {
				target.searchParams.set('code', 'CODE-123');
				target.searchParams.set('scopes', req.query.scope);
			}
			target.searchParams.set('state', req.query.state);
			return { status: 302, headers: { location: target.toString() } };
		}
		if (req.path === '/v2/oauth/token/' && req.form?.grant_type === 'authorization_code') {
			return {
				body: {
					access_token: 'act.connected',
					refresh_token: 'rft.connected',
					open_id: 'open-9',
					scope: 'user.info.basic',
					expires_in: 86400,
					refresh_expires_in: 31536000,
					token_type: 'Bearer',
				},
			};
		}
		if (req.path === '/api/me') {
			return req.headers.authorization === 'Bearer act.connected'
				? { body: { ok: true } }
				: { status: 401 };
		}
		return { status: 404 };
	});
});
beforeEach(() => {
	server.requests.length = 0;
});

const connect = (credentialType = 'harnessOAuth2Api') =>
	simulateOAuth2Connect({
		...fixtureTypes(),
		credentialTypes: [...fixtureTypes().credentialTypes, new HarnessHeaderOAuth2Api()],
		credentialType,
		data: { baseUrl: server.url, clientId: 'ck_test', clientSecret: 'cs_connect' },
		instanceBaseUrl: INSTANCE,
	});

describe('OAuth2 Connect simulation (n8n OAuth2 credential controller)', () => {
	it("builds the authorize URL with authQueryParameters, scope and n8n's redirect URI", async () => {
		const session = await connect();
		const url = new URL(session.authorizeUrl);
		expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/v2/auth/authorize/`);
		expect(Object.fromEntries(url.searchParams)).toEqual({
			client_key: 'ck_test', // from authQueryParameters ($self expression)
			client_id: 'ck_test',
			redirect_uri: REDIRECT,
			response_type: 'code',
			state: session.state,
			scope: 'user.info.basic,video.publish,video.upload',
		});
		expect([...url.searchParams.keys()][0]).toBe('client_key');
		if (n8nLine === 1)
			expect(session.store.data(session.credentialId).csrfSecret).toEqual(expect.any(String));
		else expect(session.store.data(session.credentialId).csrfSecret).toBeUndefined();
	});

	it('follows the provider redirect and exchanges the code with additionalBodyProperties in the body', async () => {
		const session = await connect();
		const result = await completeOAuth2Callback(session);

		expect(result.callbackUrl.startsWith(`${REDIRECT}?`)).toBe(true);
		const [exchange, ...more] = server.requestsTo('/v2/oauth/token/', 'POST');
		expect(more).toHaveLength(0);
		expect(exchange.rawQuery).toBe('client_key=ck_test'); // from the accessTokenUrl template
		expect(exchange.headers.authorization).toBeUndefined(); // body authentication
		expect(exchange.form).toEqual({
			code: 'CODE-123',
			grant_type: 'authorization_code',
			redirect_uri: REDIRECT,
			client_key: 'ck_test', // additionalBodyProperties
			client_id: 'ck_test',
			client_secret: 'cs_connect',
		});

		const stored = session.store.data(session.credentialId);
		expect(stored.oauthTokenData).toMatchObject({
			access_token: 'act.connected',
			refresh_token: 'rft.connected',
			open_id: 'open-9',
			callbackQueryString: { scopes: 'user.info.basic,video.publish,video.upload' },
		});
		expect(stored.csrfSecret).toBeUndefined();
		if (n8nLine === 2) expect(stored.oauthTokenData).toHaveProperty('n8n_expires_at');
		expect(stored).toMatchObject({
			baseUrl: server.url,
			clientId: 'ck_test',
			clientSecret: 'cs_connect',
		});

		// the connected credential works in a workflow
		const run = await runNode({
			...fixtureTypes(),
			credentials: session.store,
			node: {
				type: ECHO_TYPE,
				parameters: {
					operation: 'callApi',
					credentialType: 'harnessOAuth2Api',
					url: `${server.url}/api/me`,
				},
				credentials: { harnessOAuth2Api: { id: session.credentialId, name: 'connected' } },
			},
		});
		expect(run.error).toBeUndefined();
		expect(run.output[0].json.response).toEqual({ ok: true });
	});

	it('with header authentication, sends a Basic header and keeps additionalBodyProperties in the body', async () => {
		const session = await connect('harnessHeaderOAuth2Api');
		await completeOAuth2Callback(session);
		const [exchange] = server.requestsTo('/v2/oauth/token/', 'POST');
		expect(exchange.headers.authorization).toBe(
			`Basic ${Buffer.from('ck_test:cs_connect').toString('base64')}`,
		);
		expect(exchange.form).toEqual({
			code: 'CODE-123',
			grant_type: 'authorization_code',
			redirect_uri: REDIRECT,
			client_key: 'ck_test',
		});
	});

	it('fails like the callback page when the provider sends no code', async () => {
		const session = await connect();
		denyNext = true;
		await expect(completeOAuth2Callback(session)).rejects.toThrow(OAuth2CallbackError);
		expect(server.requestsTo('/v2/oauth/token/')).toHaveLength(0);
		expect(session.store.data(session.credentialId).oauthTokenData).toBeUndefined();
	});

	it('rejects a callback whose state was not issued for this flow', async () => {
		const session = await connect();
		const forged = Buffer.from(
			JSON.stringify({ token: 'abc-def', cid: session.credentialId, createdAt: Date.now() }),
		).toString('base64');
		await expect(
			completeOAuth2Callback(session, {
				callbackUrl: `${REDIRECT}?code=X&state=${encodeURIComponent(forged)}`,
			}),
		).rejects.toThrow('The OAuth callback state is invalid!');
	});
});
