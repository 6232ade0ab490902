import { CredentialStore, n8nLine, runNode, startTestServer, type TestServer } from './index';
import { ECHO_TYPE, fixtureTypes } from './fixtures';

const SECRET = 'preauth-secret-5e6f7a8b';
let server: TestServer;
let issued = 0;

beforeAll(async () => {
	server = await startTestServer((req) => {
		if (req.path === '/v2/oauth/token/' && req.method === 'POST') {
			const { grant_type, refresh_token, client_key, client_secret } = req.form ?? {};
			if (
				grant_type !== 'refresh_token' ||
				client_key !== 'ck_pre' ||
				client_secret !== SECRET ||
				!refresh_token?.startsWith('RT-')
			) {
				return { status: 400, body: { error: 'invalid_request' } };
			}
			issued++;
			const next = Number(refresh_token.slice(3)) + 1;
			return {
				body: {
					access_token: `AT-${issued}-issued`,
					refresh_token: `RT-${next}`,
					expires_in: 7200,
					token_type: 'Bearer',
				},
			};
		}
		if (req.path === '/api/me') {
			// the first access token ever issued is already expired: the API rejects it
			return req.headers.authorization?.startsWith('Bearer AT-') &&
				req.headers.authorization !== 'Bearer AT-1-issued'
				? { body: { ok: true } }
				: { status: 401, body: { error: { code: 'access_token_invalid' } } };
		}
		return { status: 404 };
	});
});

beforeEach(() => {
	server.requests.length = 0;
	issued = 0;
});

const callApi = (store: CredentialStore) =>
	runNode({
		...fixtureTypes(),
		credentials: store,
		node: {
			type: ECHO_TYPE,
			parameters: {
				operation: 'callApi',
				credentialType: 'harnessRefreshTokenApi',
				url: `${server.url}/api/me`,
			},
			credentials: { harnessRefreshTokenApi: { id: 'cred-pre', name: 'Refresh token' } },
		},
	});

const stored = (data: Record<string, string>) =>
	new CredentialStore({
		'cred-pre': {
			type: 'harnessRefreshTokenApi',
			data: {
				baseUrl: server.url,
				clientKey: 'ck_pre',
				clientSecret: SECRET,
				refreshToken: 'RT-1',
				...data,
			},
		},
	});

describe('preAuthentication credentials (expirable hidden field)', () => {
	it('fills the empty expirable field on first use, refreshes again after a 401, and persists what it returns', async () => {
		const store = stored({});
		const result = await callApi(store);

		expect(result.error).toBeUndefined();
		expect(result.output[0].json.response).toEqual({ ok: true });

		expect(
			result.credentials.preAuthenticationCalls.map((c) => [c.credentialsExpired, c.persisted]),
		).toEqual([
			[false, true], // accessToken was '' → fetched before the first request
			[true, true], // the API said 401 → fetched again, then the request was retried
		]);
		const tokenCalls = server.requestsTo('/v2/oauth/token/', 'POST');
		expect(tokenCalls.map((r) => r.form)).toEqual([
			{
				client_key: 'ck_pre',
				client_secret: SECRET,
				grant_type: 'refresh_token',
				refresh_token: 'RT-1',
			},
			{
				client_key: 'ck_pre',
				client_secret: SECRET,
				grant_type: 'refresh_token',
				refresh_token: 'RT-2',
			},
		]);
		expect(server.requestsTo('/api/me').map((r) => r.headers.authorization)).toEqual([
			'Bearer AT-1-issued',
			'Bearer AT-2-issued',
		]);

		const data = store.data('cred-pre');
		expect(data).toMatchObject({
			accessToken: 'AT-2-issued',
			refreshToken: 'RT-3',
			clientKey: 'ck_pre',
			clientSecret: SECRET,
		});
		expect(store.updates.map((u) => u.method)).toEqual(['updateCredentials', 'updateCredentials']);
		if (n8nLine === 1) {
			// 1.x persists the whole decrypted credential, defaults included
			expect(data.allowedHttpRequestDomains).toBe('all');
		} else {
			// 2.x persists only the returned keys over the stored row
			expect(Object.keys(data).sort()).toEqual([
				'accessToken',
				'baseUrl',
				'clientKey',
				'clientSecret',
				'refreshToken',
			]);
		}
		for (const secret of [SECRET, 'AT-1-issued', 'AT-2-issued', 'RT-2', 'RT-3'])
			expect(result.logText).not.toContain(secret);
	});

	it('does not call preAuthentication while the stored access token works', async () => {
		const store = stored({ accessToken: 'AT-7-issued' });
		const result = await callApi(store);
		expect(result.error).toBeUndefined();
		expect(result.credentials.preAuthenticationCalls).toHaveLength(0);
		expect(server.requestsTo('/v2/oauth/token/')).toHaveLength(0);
		expect(store.updates).toHaveLength(0);
	});

	it('follows each line when a returned field is stored as an expression', async () => {
		// 2.41 keeps a stored expression instead of overwriting it; 1.x overwrites it with the value
		const store = stored({ refreshToken: '={{ "RT-" + (0 + 1) }}' });
		const result = await callApi(store);
		expect(result.error).toBeUndefined();
		expect(server.requestsTo('/v2/oauth/token/').map((r) => r.form?.refresh_token)).toEqual([
			'RT-1',
			'RT-2',
		]);
		// on 2.x the rotated refresh token (RT-3) is therefore not stored: the next run would send RT-1 again
		expect(store.data('cred-pre').refreshToken).toBe(
			n8nLine === 1 ? 'RT-3' : '={{ "RT-" + (0 + 1) }}',
		);
		expect(store.data('cred-pre').accessToken).toBe('AT-2-issued');
	});
});
