import type { INodeProperties } from 'n8n-workflow';

import * as publish from './publish.operation';

export { publish };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Publish',
				value: 'publish',
				action: 'Publish a video',
				description:
					"Publish a video from binary data or a URL, directly or as a draft in the creator's TikTok inbox",
			},
		],
		default: 'publish',
	},
	...publish.description,
];
