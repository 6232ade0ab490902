import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

/** Every TikTok node picks its credential through the `authentication` parameter below. */
export const tikTokCredentials: INodeCredentialDescription[] = [
	{
		name: 'tikTokOAuth2Api',
		required: true,
		displayOptions: { show: { authentication: ['oAuth2'] } },
	},
	{
		name: 'tikTokRefreshTokenApi',
		required: true,
		displayOptions: { show: { authentication: ['refreshToken'] } },
	},
];

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{
			name: 'OAuth2 (Connect Button)',
			value: 'oAuth2',
		},
		{
			name: 'Refresh Token',
			value: 'refreshToken',
		},
	],
	default: 'oAuth2',
	description:
		'How to sign in to TikTok. "Refresh Token" refreshes tokens exactly as TikTok\'s current docs ask; use it if the OAuth2 credential stops refreshing.',
};

/**
 * The app's Client Key and Client Secret, as both credentials ask for them. The OAuth2 credential keeps
 * n8n's `clientId` name (its OAuth2 client reads it); the refresh-token credential calls it `clientKey`.
 */
export function appCredentialProperties(keyField: 'clientId' | 'clientKey'): INodeProperties[] {
	return [
		{
			displayName: 'Client Key',
			name: keyField,
			type: 'string',
			default: '',
			required: true,
			description: 'The Client Key shown on your app page at developers.tiktok.com',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
	];
}
