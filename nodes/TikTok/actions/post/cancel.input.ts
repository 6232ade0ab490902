import type { IExecuteFunctions } from 'n8n-workflow';

import { inputChecker } from '../../input/checker';
import { describePublishId, publishIdFrom } from './getStatus.input';

export interface CancelInput {
	publishId: string;
	/** A FILE_UPLOAD post (v_…_file), which TikTok never cancels: its error says so */
	uploadedFromFile: boolean;
}

/** The item's Publish ID, checked before the request. */
export function readCancelInput(this: IExecuteFunctions, itemIndex: number): CancelInput {
	const check = inputChecker(this, itemIndex);
	const publishId = publishIdFrom(check, this.getNodeParameter('publishId', itemIndex, ''));
	return { publishId, uploadedFromFile: describePublishId(publishId).source === 'binary' };
}
