import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as getStatus from './getStatus.operation';

export { cancel, getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['post'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a post',
				description:
					'Cancel a post that TikTok is still downloading from a URL, by its publish ID (best effort)',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get post status',
				description:
					'Get the status of a post by its publish ID, once or waiting until it is final',
			},
		],
		default: 'getStatus',
	},
	...getStatus.description,
	...cancel.description,
];
