import {
	createAdditionalData,
	createRegistries,
	CredentialStore,
	HarnessCredentialsHelper,
	runNode,
	startTestServer,
	type TestServer,
} from './index';
import { ECHO_TYPE, fixtureTypes } from './fixtures';

const CLIENT_KEY = 'ck test/1';
const FIELDS = [
	'authUrl',
	'accessTokenUrl',
	'authQueryParameters',
	'additionalBodyProperties',
	'scope',
	'authentication',
	'grantType',
	'clientId',
	'useDynamicClientRegistration',
	'allowedHttpRequestDomains',
];

let server: TestServer;
beforeAll(async () => {
	server = await startTestServer((req) => ({
		body: { apiKey: req.headers['x-api-key'] ?? null, tenant: req.query.tenant ?? null },
	}));
});

const expected = (base: string) => ({
	authUrl: `${base}/v2/auth/authorize/`,
	accessTokenUrl: `${base}/v2/oauth/token/?client_key=ck%20test%2F1`,
	authQueryParameters: `client_key=${CLIENT_KEY}`,
	additionalBodyProperties: JSON.stringify({ client_key: CLIENT_KEY }),
	scope: 'user.info.basic,video.publish,video.upload',
	authentication: 'body',
	grantType: 'authorizationCode',
	clientId: CLIENT_KEY,
	// inherited from oAuth2Api / injected by n8n's loader
	useDynamicClientRegistration: false,
	allowedHttpRequestDomains: 'all',
});

const fixture = () =>
	new CredentialStore({
		'cred-1': {
			type: 'harnessOAuth2Api',
			data: { baseUrl: 'https://api.example.test', clientId: CLIENT_KEY, clientSecret: 's' },
		},
	});

describe('credential data resolution ($self expressions in hidden fields)', () => {
	it('resolves during node execution (getCredentials → getDecrypted with expressionResolveValues)', async () => {
		const result = await runNode({
			...fixtureTypes(),
			credentials: fixture(),
			node: {
				type: ECHO_TYPE,
				parameters: {
					operation: 'readCredential',
					credentialType: 'harnessOAuth2Api',
					fields: FIELDS.join(','),
				},
				credentials: { harnessOAuth2Api: { id: 'cred-1', name: 'c' } },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toEqual(expected('https://api.example.test'));
	});

	it('resolves server-side (getDecrypted without expressionResolveValues, as the OAuth endpoints do)', async () => {
		const { credentialTypes } = await createRegistries(fixtureTypes());
		const helper = new HarnessCredentialsHelper(fixture(), credentialTypes);
		const data = await helper.getDecrypted(
			createAdditionalData({ credentialsHelper: helper }),
			{ id: 'cred-1', name: 'c' },
			'harnessOAuth2Api',
			'internal',
		);
		expect(Object.fromEntries(FIELDS.map((f) => [f, data[f]]))).toEqual(
			expected('https://api.example.test'),
		);
		// raw = the stored row, untouched
		const raw = await helper.getDecrypted(
			createAdditionalData({ credentialsHelper: helper }),
			{ id: 'cred-1', name: 'c' },
			'harnessOAuth2Api',
			'internal',
			undefined,
			true,
		);
		expect(raw).toEqual({
			baseUrl: 'https://api.example.test',
			clientId: CLIENT_KEY,
			clientSecret: 's',
		});
		expect(helper.getParentTypes('harnessOAuth2Api')).toEqual(['oAuth2Api']);
	});

	it('applies declarative (generic) authentication through the expression engine', async () => {
		const result = await runNode({
			...fixtureTypes(),
			credentials: { 'cred-key': { type: 'harnessApiKeyApi', data: { apiKey: 'key-123' } } },
			node: {
				type: ECHO_TYPE,
				parameters: {
					operation: 'callApi',
					credentialType: 'harnessApiKeyApi',
					url: `${server.url}/things`,
				},
				credentials: { harnessApiKeyApi: { id: 'cred-key', name: 'k' } },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.response).toEqual({ apiKey: 'key-123', tenant: 'harness' });
	});

	it('reports an unknown credential id like n8n', async () => {
		const result = await runNode({
			...fixtureTypes(),
			node: {
				type: ECHO_TYPE,
				parameters: {
					operation: 'readCredential',
					credentialType: 'harnessApiKeyApi',
					fields: 'apiKey',
				},
				credentials: { harnessApiKeyApi: { id: 'missing', name: 'k' } },
			},
		});
		expect(result.error?.message).toBe(
			'Credential with ID "missing" does not exist for type "harnessApiKeyApi".',
		);
	});
});
