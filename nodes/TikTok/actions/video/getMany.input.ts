import type { IExecuteFunctions } from 'n8n-workflow';

import { inputChecker } from '../../input/checker';

export interface GetManyInput {
	/** undefined: every video (Return All) */
	limit?: number;
}

/** Return All, or the Limit: a whole number of at least 1 (an expression can give anything). */
export function readGetManyInput(this: IExecuteFunctions, itemIndex: number): GetManyInput {
	const check = inputChecker(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	if (returnAll === true) return {};
	const limit = Number(this.getNodeParameter('limit', itemIndex, 50));
	check.wholeNumberInRange(
		'Limit',
		limit,
		1,
		Number.MAX_SAFE_INTEGER,
		'Enter how many of the newest videos to return (1 or more), or turn on Return All.',
	);
	return { limit };
}
