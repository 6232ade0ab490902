import type { IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TriggerOptions } from './description';
import {
	cacheAccount,
	cachedAccount,
	forgetAccount,
	lookUpConnectedAccount,
} from './helpers/account';

/*
 * TikTok has no API to register a callback URL: the user pastes it into the developer portal. These methods
 * therefore only prepare the node's own side (the connected account, for the open_id filter and post links)
 * and say plainly in n8n's log that nothing was registered at TikTok.
 */

const SETUP_URL_KEY = 'webhookUrl';

/** True when this node was already prepared for this URL and credential. It cannot see the portal's setting. */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	return (
		staticData[SETUP_URL_KEY] === this.getNodeWebhookUrl('default') &&
		cachedAccount(staticData, this.getNode()) !== undefined
	);
}

/** Looks up the connected account once per activation, so events are answered without extra requests. */
export async function create(this: IHookFunctions): Promise<boolean> {
	const webhookUrl = this.getNodeWebhookUrl('default');
	const { account, problems } = await lookUpConnectedAccount.call(this);
	const options = this.getNodeParameter('options', {}) as TriggerOptions;
	if (options.onlyConnectedAccount && !account.openId) {
		throw new NodeOperationError(
			this.getNode(),
			'Could not find out which TikTok account the credential belongs to',
			{
				description: `"Only Events of the Connected Account" needs the account's open_id. ${problems.join('; ')}`,
			},
		);
	}
	if (!account.username) {
		this.logger.warn(
			"TikTok Trigger: the account's username is unknown, so events carry no shareUrl",
			{
				node: this.getNode().name,
				problems,
			},
		);
	}

	const staticData = this.getWorkflowStaticData('node');
	cacheAccount(staticData, account);
	staticData[SETUP_URL_KEY] = webhookUrl;
	this.logger.info(
		`TikTok Trigger listens at ${webhookUrl}. n8n cannot register it at TikTok: paste it into your app's Webhooks tab at developers.tiktok.com (one callback URL per TikTok app).`,
		{ node: this.getNode().name },
	);
	return true;
}

/** Forgets the node's preparation. The URL stays in TikTok's portal until the user changes it there. */
export async function deleteWebhook(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	delete staticData[SETUP_URL_KEY];
	forgetAccount(staticData);
	this.logger.info(
		'TikTok Trigger stopped listening. TikTok keeps posting to the callback URL set in its portal (and retries for 72 hours) until you change it there.',
		{ node: this.getNode().name },
	);
	return true;
}
