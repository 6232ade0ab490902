import { CredentialStore, n8nLine, runNode, startTestServer, type TestServer } from './index';
import { ECHO_TYPE, fixtureTypes } from './fixtures';

const SECRET = 'cs_secret_value_9f8e7d';
const A1 = 'act.first-token-1111aaaa';
const A2 = 'act.second-token-2222bbbb';
const R1 = 'rft.first-refresh-1111cccc';
const R2 = 'rft.second-refresh-2222dddd';

let server: TestServer;

beforeAll(async () => {
	server = await startTestServer((req) => {
		if (req.path === '/v2/oauth/token/' && req.method === 'POST') {
			if (req.form?.grant_type === 'refresh_token' && req.form.refresh_token === R1) {
				return {
					body: {
						access_token: A2,
						refresh_token: R2,
						token_type: 'Bearer',
						expires_in: 7200,
						open_id: 'open-1',
						scope: 'user.info.basic',
					},
				};
			}
			return { status: 400, body: { error: 'invalid_grant' } };
		}
		if (req.path === '/api/me') {
			return req.headers.authorization === `Bearer ${A2}`
				? { body: { data: { user: { open_id: 'open-1' } } } }
				: { status: 401, body: { error: { code: 'access_token_invalid' } } };
		}
		return { status: 404 };
	});
});

const credentialData = () => ({
	baseUrl: server.url,
	clientId: 'ck_test',
	clientSecret: SECRET,
	oauthTokenData: { access_token: A1, refresh_token: R1, token_type: 'Bearer', expires_in: 7200 },
});

const callApi = (store: CredentialStore) =>
	runNode({
		...fixtureTypes(),
		credentials: store,
		node: {
			type: ECHO_TYPE,
			parameters: {
				operation: 'callApi',
				credentialType: 'harnessOAuth2Api',
				url: `${server.url}/api/me`,
			},
			credentials: { harnessOAuth2Api: { id: 'cred-oauth', name: 'My OAuth2' } },
		},
	});

describe("n8n-core's OAuth2 refresh (httpRequestWithAuthentication on a credential extending oAuth2Api)", () => {
	it('refreshes after a 401 with the exact token request, retries, and stores the rotated refresh token', async () => {
		server.requests.length = 0;
		const store = new CredentialStore({
			'cred-oauth': { type: 'harnessOAuth2Api', data: credentialData() },
		});
		const result = await callApi(store);

		expect(result.error).toBeUndefined();
		expect(result.output[0].json.response).toEqual({ data: { user: { open_id: 'open-1' } } });

		const api = server.requestsTo('/api/me');
		expect(api.map((r) => r.headers.authorization)).toEqual([`Bearer ${A1}`, `Bearer ${A2}`]);

		const [refresh, ...more] = server.requestsTo('/v2/oauth/token/', 'POST');
		expect(more).toHaveLength(0);
		// accessTokenUrl's query string (resolved from the $self template) is kept
		expect(refresh.rawQuery).toBe('client_key=ck_test');
		expect(refresh.headers['content-type']).toContain('application/x-www-form-urlencoded');
		// authentication 'body': client id/secret in the form body, no Basic header, no client_key in the body
		expect(refresh.headers.authorization).toBeUndefined();
		expect(refresh.text).toBe(
			`refresh_token=${R1}&grant_type=refresh_token&client_id=ck_test&client_secret=${SECRET}`,
		);

		const stored = store.data('cred-oauth');
		expect(stored.oauthTokenData).toMatchObject({
			access_token: A2,
			refresh_token: R2,
			open_id: 'open-1',
		});
		if (n8nLine === 2) expect(stored.oauthTokenData).toHaveProperty('n8n_expires_at');
		expect(store.updates.map((u) => u.method)).toEqual(['updateCredentialsOauthTokenData']);
		// the rest of the credential is untouched
		expect(stored.clientSecret).toBe(SECRET);
		expect(stored.baseUrl).toBe(server.url);

		// n8n logged the refresh, and no secret or token anywhere in its logs
		expect(result.logText).toMatch(
			/OAuth2 token for "harnessOAuth2Api" used by node "Node Under Test" (expired|has been renewed)/,
		);
		for (const secret of [SECRET, A1, A2, R1, R2]) expect(result.logText).not.toContain(secret);
	});

	it('uses the persisted token on the next execution without refreshing', async () => {
		const store = new CredentialStore({
			'cred-oauth': { type: 'harnessOAuth2Api', data: credentialData() },
		});
		await callApi(store);
		server.requests.length = 0;

		const second = await callApi(store);
		expect(second.error).toBeUndefined();
		expect(
			server.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization ?? ''}`),
		).toEqual([`GET /api/me Bearer ${A2}`]);
	});

	it('surfaces a failed refresh as the node error', async () => {
		server.requests.length = 0;
		const data = {
			...credentialData(),
			oauthTokenData: { access_token: A1, refresh_token: 'revoked', token_type: 'Bearer' },
		};
		const store = new CredentialStore({ 'cred-oauth': { type: 'harnessOAuth2Api', data } });
		const result = await callApi(store);
		expect(result.status).toBe('error');
		expect(result.error?.nodeName).toBe('Node Under Test');
		// the token endpoint answered 400 invalid_grant: 1.x shows the OAuth2 error text, 2.x asks to reconnect
		expect(result.error?.message).toBe(
			n8nLine === 1
				? 'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.'
				: 'The credential "My OAuth2" needs to be reconnected.',
		);
		expect(store.updates).toHaveLength(0);
		for (const secret of [SECRET, A1]) expect(result.logText).not.toContain(secret);
	});
});
