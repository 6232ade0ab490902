import type { INodeProperties } from 'n8n-workflow';

import * as getStatus from './getStatus.operation';

export { getStatus };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['post'] } },
		options: [
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
];
