import type { INodeProperties } from 'n8n-workflow';

import { authenticationProperty } from '../shared/descriptions';
import { DEFAULT_TOLERANCE_SECONDS } from './helpers/signature';
import { ALL_EVENTS, TIKTOK_EVENTS } from './helpers/events';

export interface TriggerOptions {
	onlyConnectedAccount?: boolean;
	timestampToleranceSeconds?: number;
}

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'TikTok sends every event of a TikTok app to one callback URL, set by hand: copy the <b>Production URL</b> from "Webhook URLs" above and paste it at developers.tiktok.com → your app → <b>Webhooks</b> → Callback URL, then save. It must be HTTPS. One TikTok app has one callback URL, so only one active workflow per app receives its events.',
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	authenticationProperty,
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: [
			{
				name: 'All Events',
				value: ALL_EVENTS,
				description:
					"Every event TikTok sends, including ones this node does not know, such as the portal's test ping",
			},
			{
				name: 'Authorization Removed',
				value: TIKTOK_EVENTS.authorizationRemoved,
				description:
					'A user disconnected the app or lost access; the access token is already revoked',
			},
			{
				name: 'Post No Longer Publicly Available',
				value: TIKTOK_EVENTS.noLongerPubliclyAvailable,
				description: 'A post stopped being public (TikTok spells the event "publicaly")',
			},
			{
				name: 'Post Publicly Available',
				value: TIKTOK_EVENTS.publiclyAvailable,
				description: 'A post became publicly viewable; carries the post ID',
			},
			{
				name: 'Post Publish Complete',
				value: TIKTOK_EVENTS.publishComplete,
				description: 'TikTok finished publishing (or the creator posted the draft from the inbox)',
			},
			{
				name: 'Post Publish Failed',
				value: TIKTOK_EVENTS.publishFailed,
				description: "Publishing failed; carries TikTok's reason",
			},
			{
				name: 'Post Sent to Inbox',
				value: TIKTOK_EVENTS.inboxDelivered,
				description: "A draft reached the creator's TikTok inbox",
			},
		],
		default: [TIKTOK_EVENTS.publishComplete, TIKTOK_EVENTS.publiclyAvailable],
		description: 'Which events start the workflow. Others are acknowledged to TikTok and ignored.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Only Events of the Connected Account',
				name: 'onlyConnectedAccount',
				type: 'boolean',
				default: false,
				description:
					"Whether to ignore events of other TikTok accounts that use the same TikTok app (matched on the open_id of the credential's account)",
			},
			{
				displayName: 'Timestamp Tolerance (Seconds)',
				name: 'timestampToleranceSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_TOLERANCE_SECONDS,
				description:
					"Reject events whose signed timestamp is further than this from n8n's clock (replay protection). 0 turns the check off.",
			},
		],
	},
];
