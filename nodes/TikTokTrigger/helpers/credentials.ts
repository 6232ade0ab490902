import type { INodeCredentialDescription } from 'n8n-workflow';

/** Both triggers pick their credential like the TikTok node does, through its `authentication` parameter. */
export const tikTokTriggerCredentials: INodeCredentialDescription[] = [
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
