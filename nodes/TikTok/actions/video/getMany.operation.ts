import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { collectVideos } from '../../../shared/api/videos';
import { readGetManyInput } from './getMany.input';

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		// n8n's convention (its scanner checks it); TikTok pages by 20, so 50 is three requests
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['getMany'] } },
	properties,
);

/**
 * Get Many Videos: the account's public videos, newest first, one item per video, following TikTok's
 * cursor 20 at a time and asking for no more than the limit still needs.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { limit } = readGetManyInput.call(this, itemIndex);
	return await collectVideos.call(this, { limit, itemIndex });
}
