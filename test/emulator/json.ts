/**
 * A tiny JSON writer that can emit raw number tokens. TikTok's status fetch returns post ids as
 * unquoted 19-digit numbers (larger than 2^53); JSON.stringify cannot write those from a JS number
 * without rounding, so they are carried as digit strings in RawJsonNumber and written verbatim.
 */
export class RawJsonNumber {
	constructor(readonly digits: string) {
		if (!/^-?(0|[1-9]\d*)$/.test(digits)) throw new Error(`Not an integer literal: ${digits}`);
	}
}

export function toJson(value: unknown): string {
	if (value instanceof RawJsonNumber) return value.digits;
	if (value === null || value === undefined) return 'null';
	switch (typeof value) {
		case 'string':
			return JSON.stringify(value);
		case 'number':
			return Number.isFinite(value) ? JSON.stringify(value) : 'null';
		case 'boolean':
			return value ? 'true' : 'false';
		case 'bigint':
			return value.toString();
		case 'object':
			break;
		default:
			return 'null';
	}
	if (Array.isArray(value)) return `[${value.map((item) => toJson(item)).join(',')}]`;
	const parts: string[] = [];
	for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
		if (item === undefined || typeof item === 'function') continue;
		parts.push(`${JSON.stringify(key)}:${toJson(item)}`);
	}
	return `{${parts.join(',')}}`;
}
