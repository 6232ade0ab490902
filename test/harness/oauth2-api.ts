/**
 * The generic `oAuth2Api` credential type that community OAuth2 credentials extend. n8n gets it from
 * n8n-nodes-base, which this harness does not install; these are the same property names, types,
 * defaults and display rules as n8n-nodes-base's OAuth2Api for each line (1.121.53 for n8n 1.123,
 * 2.41.1 for n8n 2.41). The display rules matter: `NodeHelpers.getNodeParameters` drops a property
 * whose `displayOptions` do not match, which is why a child credential pins `additionalBodyProperties`
 * as a hidden field without display rules.
 */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

const notDcr = { useDynamicClientRegistration: [false] };

function properties(line: 1 | 2): INodeProperties[] {
	const list: INodeProperties[] = [
		{
			displayName: 'Use Dynamic Client Registration',
			name: 'useDynamicClientRegistration',
			type: 'hidden',
			default: false,
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			displayOptions: { show: notDcr },
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			displayOptions: { show: { useDynamicClientRegistration: [true] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], ...notDcr } },
			default: '',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'string',
			displayOptions: { show: notDcr },
			default: '',
			required: true,
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			displayOptions: { show: notDcr },
			default: '',
			required: true,
		},
	];
	if (line === 2) {
		list.push({
			displayName: 'Authentication',
			name: 'clientCredentialType',
			type: 'hidden',
			default: 'clientSecret',
		});
	}
	list.push({
		displayName: 'Client Secret',
		name: 'clientSecret',
		type: 'string',
		displayOptions: { show: notDcr },
		typeOptions: { password: true },
		default: '',
		required: true,
	});
	if (line === 2) {
		list.push(
			{ displayName: 'Private Key', name: 'privateKey', type: 'hidden', default: '' },
			{ displayName: 'Certificate', name: 'certificate', type: 'hidden', default: '' },
		);
	}
	list.push(
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			displayOptions: { show: notDcr },
			default: '',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'string',
			displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], ...notDcr } },
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			displayOptions: { show: notDcr },
			options: [
				{ name: 'Body', value: 'body' },
				{ name: 'Header', value: 'header' },
			],
			default: 'header',
		},
		{
			displayName: 'Send Additional Body Properties',
			name: 'sendAdditionalBodyProperties',
			type: 'boolean',
			default: false,
			displayOptions: {
				show: { grantType: ['clientCredentials'], authentication: ['body'], ...notDcr },
			},
		},
		{
			displayName: 'Additional Body Properties',
			name: 'additionalBodyProperties',
			type: 'json',
			typeOptions: { rows: 5 },
			displayOptions: {
				show: {
					grantType: ['clientCredentials'],
					authentication: ['body'],
					sendAdditionalBodyProperties: [true],
					...notDcr,
				},
			},
			default: '',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSSLIssues',
			type: 'boolean',
			default: false,
			doNotInherit: true,
		},
	);
	if (line === 2) {
		list.push(
			{
				displayName: 'Token Expired Status Code',
				name: 'tokenExpiredStatusCode',
				type: 'number',
				default: 401,
				doNotInherit: true,
			},
			{
				displayName: 'Encrypted Tokens (JWE)',
				name: 'jweEnabled',
				type: 'boolean',
				default: false,
				doNotInherit: true,
			},
			{
				displayName: 'JWKS URI',
				name: 'jwksUri',
				type: 'string',
				default: '',
				displayOptions: { show: { jweEnabled: [true] } },
				doNotInherit: true,
			},
			{
				displayName: 'Inline JWKS in Client Registration',
				name: 'inlineJwks',
				type: 'boolean',
				default: false,
				displayOptions: { show: { jweEnabled: [true], useDynamicClientRegistration: [true] } },
				doNotInherit: true,
			},
		);
	}
	return list;
}

export function createOAuth2ApiType(line: 1 | 2): ICredentialType {
	return {
		name: 'oAuth2Api',
		displayName: 'OAuth2 API',
		documentationUrl: 'httprequest',
		genericAuth: true,
		properties: properties(line),
	};
}
