import type { INodeProperties } from 'n8n-workflow';

import * as getInfo from './getInfo.operation';
import * as getProfile from './getProfile.operation';

export { getInfo, getProfile };

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
			{
				name: 'Get Profile and Stats',
				value: 'getProfile',
				action: 'Get profile and stats',
				description:
					"Get the account's profile (name, username, bio, avatar, verified) and its follower, following, likes and video counts",
			},
		],
		default: 'getInfo',
	},
	...getInfo.description,
	...getProfile.description,
];
