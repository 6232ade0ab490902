import type { INodeProperties } from 'n8n-workflow';

import * as publish from './publish.operation';

export { publish };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['photo'] } },
		options: [
			{
				name: 'Publish',
				value: 'publish',
				action: 'Publish photos',
				description: 'Publish a carousel of 1 to 35 photos from URLs, directly or as a draft',
			},
		],
		default: 'publish',
	},
	...publish.description,
];
