import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, tikTokErrorContext } from '../../shared/errors/nodeErrors';
import * as creator from './creator/Creator.resource';
import type { TikTokMap, TikTokResource } from './node.type';
import * as photo from './photo/Photo.resource';
import * as post from './post/Post.resource';
import * as video from './video/Video.resource';

type Operation = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<IDataObject | IDataObject[]>;

const operations: { [R in TikTokResource]: Record<TikTokMap[R], { execute: Operation }> } = {
	creator,
	photo,
	post,
	video,
};

/**
 * Runs the selected operation once per input item. With "Continue On Fail", a failed item becomes
 * `{ error, description, code, logId }` (plus `publishId` when TikTok had already accepted the post) and the
 * other items go on.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as TikTokResource;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = (operations[resource] as Record<string, { execute: Operation }> | undefined)?.[
		operation
	]?.execute;
	if (!execute) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not supported for "${resource}"`,
		);
	}

	const returnData: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await execute.call(this, itemIndex);
			returnData.push(
				...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), {
					itemData: { item: itemIndex },
				}),
			);
		} catch (error) {
			if (!this.continueOnFail()) {
				const nodeError = asNodeError(this.getNode(), error, itemIndex);
				nodeError.context.itemIndex ??= itemIndex;
				throw nodeError;
			}
			const context = tikTokErrorContext(error);
			returnData.push({
				json: {
					error: error.message,
					description: error.description ?? null,
					code: context?.code ?? 'error',
					logId: context?.logId ?? null,
					...(context?.publishId !== undefined && { publishId: context.publishId }),
					...(context?.firstAttemptUploaded !== undefined && {
						firstAttemptUploaded: context.firstAttemptUploaded,
					}),
				},
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [returnData];
}
