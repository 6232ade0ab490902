import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { authenticationProperty, tikTokCredentials } from '../shared/descriptions';
import { pollNewVideos } from './poll';

export class TikTokPollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TikTok Polling Trigger',
		name: 'tikTokPollingTrigger',
		icon: { light: 'file:../../icons/tiktok.svg', dark: 'file:../../icons/tiktok.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'New public video',
		description:
			'Starts the workflow for each new public video of the connected TikTok account, checked on a schedule (no public URL needed)',
		defaults: { name: 'TikTok Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: tikTokCredentials,
		properties: [
			{
				displayName:
					"Checks the account's public videos at every poll (the credential needs the <b>video.list</b> scope) and starts the workflow once per new video. Activating it only remembers the newest video, so older ones are not replayed. If n8n has a public HTTPS URL, the TikTok Trigger reacts within seconds and also reports failed posts and drafts.",
				name: 'pollingNotice',
				type: 'notice',
				default: '',
			},
			authenticationProperty,
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollNewVideos.call(this);
	}
}
