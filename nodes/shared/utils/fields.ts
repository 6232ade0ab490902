/** TikTok's response fields as the nodes output them: absent or empty becomes null. */

export function textField(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** Counts: an int64 beyond 2^53 arrives as a string from lossless parsing and becomes its nearest number. */
export function countField(value: unknown): number | null {
	const number = Number(value);
	return value === undefined || value === null || value === '' || !Number.isFinite(number)
		? null
		: number;
}
