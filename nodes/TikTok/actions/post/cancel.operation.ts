import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { cancelPublish } from '../../../shared/api/cancel';
import { readCancelInput } from './cancel.input';

const properties: INodeProperties[] = [
	{
		displayName: 'Publish ID',
		name: 'publishId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'v_pub_url~v2-1.7602997070760331285',
		description:
			'The publishId of a post TikTok is still downloading from a URL (Publish Video or Publish Photos with a URL)',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['cancel'] } },
	properties,
);

/**
 * Cancel: asks TikTok to stop a post it is still downloading from a URL (best effort). Outputs
 * { publishId, cancelled: true }; a post past downloading fails with what happened to it.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { publishId, uploadedFromFile } = readCancelInput.call(this, itemIndex);
	return { ...(await cancelPublish.call(this, publishId, { itemIndex, uploadedFromFile })) };
}
