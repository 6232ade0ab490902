import type { INodeProperties } from 'n8n-workflow';

import * as getInfo from './getInfo.operation';

export { getInfo };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['creator'] } },
		options: [
			{
				name: 'Get Info',
				value: 'getInfo',
				action: 'Get creator info',
				description:
					"Get the account's nickname, the privacy levels it offers, disabled interactions and its longest allowed video",
			},
		],
		default: 'getInfo',
	},
	...getInfo.description,
];
