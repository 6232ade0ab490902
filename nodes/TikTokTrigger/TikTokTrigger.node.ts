import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { tikTokCredentials } from '../shared/descriptions';
import { triggerProperties } from './description';
import { checkExists, create, deleteWebhook } from './hooks';
import { receiveTikTokWebhook } from './webhook';

export class TikTokTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TikTok Trigger',
		name: 'tikTokTrigger',
		icon: { light: 'file:../../icons/tiktok.svg', dark: 'file:../../icons/tiktok.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["events"] || []).includes("*") ? "All events" : ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when TikTok reports a post event (published, publicly available, failed, sent to the inbox) or a removed authorization',
		defaults: { name: 'TikTok Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: tikTokCredentials,
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// The node answers every request itself, at once (see webhook.ts): TikTok counts anything but an
				// immediate 200 as a failed delivery
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		eventTriggerDescription:
			'Waiting for TikTok: paste the Test URL into your app\'s Webhooks tab at developers.tiktok.com, then publish a post (or use the portal\'s Test URL button with "All Events" selected)',
		activationMessage:
			"TikTok events now start this workflow once the Production URL is in your app's Webhooks tab at developers.tiktok.com (one callback URL per TikTok app).",
		triggerPanel: {
			header: "TikTok posts events to the callback URL set in your app's Webhooks tab",
			executionsHelp: {
				inactive:
					'<b>While building your workflow</b>, paste the Test URL into your TikTok app\'s Webhooks tab, click "listen", and publish a post. <br /><br /><b>Once you\'re happy with your workflow</b>, paste the Production URL there instead and activate the workflow. TikTok keeps one callback URL per app.',
				active:
					'<b>While building your workflow</b>, paste the Test URL into your TikTok app\'s Webhooks tab, click "listen", and publish a post. <br /><br /><b>Your workflow is active</b>: every event TikTok posts to the Production URL starts it, and you can find those runs in the executions list.',
			},
			activationHint:
				"Once you've finished building your workflow, activate it and make sure your TikTok app's Webhooks tab holds the Production URL.",
		},
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteWebhook.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveTikTokWebhook.call(this);
	}
}
