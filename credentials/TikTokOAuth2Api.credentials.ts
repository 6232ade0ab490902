import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import {
	customHostProperties,
	hostExpression,
	TIKTOK_API_HOST,
	TIKTOK_WEB_HOST,
} from '../nodes/shared/transport/hosts';
import { appCredentialProperties } from '../nodes/shared/descriptions';

/** The Content Posting scopes requested unless the user picks fewer (user.info.basic comes with Login Kit). */
const POSTING_SCOPES = 'video.publish,video.upload';

/**
 * TikTok's OAuth 2.0 with n8n's Connect button.
 *
 * TikTok calls the client id `client_key` and rejects `client_id`-only requests, while n8n's generic
 * OAuth2 always sends `client_id`. Hidden fields make n8n also send `client_key` wherever n8n lets a
 * credential add something: the authorize URL (`authQueryParameters`), the code exchange body
 * (`additionalBodyProperties`, n8n >= 1.94) and, because n8n-core's refresh ignores additional body
 * properties, the token URL's query string. Whether TikTok reads `client_key` from that query string on
 * refresh is not documented: if it does not, refreshing fails and the node tells the user to reconnect
 * or to use the TikTok Refresh Token API credential instead.
 */
export class TikTokOAuth2Api implements ICredentialType {
	name = 'tikTokOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'TikTok OAuth2 API';

	icon: Icon = { light: 'file:../icons/tiktok.svg', dark: 'file:../icons/tiktok.dark.svg' };

	documentationUrl = 'https://developers.tiktok.com/doc/login-kit-web';

	properties: INodeProperties[] = [
		...appCredentialProperties('clientId'),
		{
			displayName: 'Posting Scopes',
			name: 'postingScopes',
			type: 'options',
			// Only scopes approved for the app can be requested, otherwise TikTok refuses the whole authorization
			options: [
				{
					name: 'Direct Post and Drafts',
					value: 'video.publish,video.upload',
					description: 'Video.publish and video.upload: every operation of the TikTok node',
				},
				{
					name: 'Drafts Only',
					value: 'video.upload',
					description:
						'Video.upload: for apps without Direct Post; Publish in draft mode and Get Status only',
				},
				{
					name: 'Direct Post Only',
					value: 'video.publish',
					description: 'Video.publish: direct posts, creator info and Get Status, no drafts',
				},
			],
			default: POSTING_SCOPES,
			description: 'The Content Posting scopes to request. user.info.basic is always requested.',
		},
		{
			displayName: 'Additional Scopes',
			name: 'additionalScopes',
			type: 'multiOptions',
			options: [
				{
					name: 'user.info.profile (Username, Bio, Verified; Post Links)',
					value: 'user.info.profile',
				},
				{
					name: 'user.info.stats (Follower, Following, Likes and Video Counts)',
					value: 'user.info.stats',
				},
				{
					name: 'video.list (Get Many Videos, Get Videos by ID, Find Post, Polling Trigger)',
					value: 'video.list',
				},
			],
			default: [],
			description:
				'Scopes beyond posting. Pick only scopes your TikTok app has been approved for, or TikTok refuses the connection.',
		},
		...customHostProperties,
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: `={{ ${hostExpression(TIKTOK_WEB_HOST)} + "/v2/auth/authorize/" }}`,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ ${hostExpression(TIKTOK_API_HOST)} + "/v2/oauth/token/?client_key=" + encodeURIComponent($self.clientId) }}`,
		},
		{
			// n8n joins scopes with "," when the value contains one, as TikTok requires
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: `={{ ["user.info.basic"].concat(String($self.postingScopes || "${POSTING_SCOPES}").split(","), $self.additionalScopes || []).join(",") }}`,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			// disable_auto_auth=1 always shows TikTok's consent page, so the user can pick the account
			default: '={{ "client_key=" + encodeURIComponent($self.clientId) + "&disable_auto_auth=1" }}',
		},
		{
			displayName: 'Additional Body Properties',
			name: 'additionalBodyProperties',
			type: 'hidden',
			default: '={{ JSON.stringify({ client_key: $self.clientId }) }}',
		},
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${hostExpression(TIKTOK_API_HOST, '$credentials')} }}`,
			url: '/v2/user/info/',
			qs: { fields: 'open_id,display_name' },
		},
	};
}
