import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { authenticationProperty, tikTokCredentials } from '../shared/descriptions';
import * as creator from './actions/creator/Creator.resource';
import * as photo from './actions/photo/Photo.resource';
import * as post from './actions/post/Post.resource';
import { router } from './actions/router';
import * as video from './actions/video/Video.resource';
import { loadOptions } from './methods';

export class TikTok implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'TikTok',
		name: 'tikTok',
		icon: { light: 'file:../../icons/tiktok.svg', dark: 'file:../../icons/tiktok.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Publish videos and photos to TikTok through its official Content Posting API',
		defaults: { name: 'TikTok' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: tikTokCredentials,
		properties: [
			authenticationProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Creator', value: 'creator' },
					{ name: 'Photo', value: 'photo' },
					{ name: 'Post', value: 'post' },
					{ name: 'Video', value: 'video' },
				],
				default: 'video',
			},
			...creator.description,
			...photo.description,
			...post.description,
			...video.description,
		],
	};

	methods = { loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
