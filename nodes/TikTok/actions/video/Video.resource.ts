import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as publish from './publish.operation';

export { get, getMany, publish };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Get Many Videos',
				value: 'getMany',
				action: 'Get many videos',
				description:
					"Get the account's public videos, newest first, with their view, like, comment and share counts",
			},
			{
				name: 'Get Videos by ID',
				value: 'get',
				action: 'Get videos by ID',
				description:
					"Get the account's public videos with the given post IDs, with their view, like, comment and share counts",
			},
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
	...getMany.description,
	...get.description,
];
