import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { tikTokOperationError } from '../transport/errors';

/**
 * The error for bad input, raised before any request: it names the field as the user sees it in n8n,
 * says what is wrong and how to fix it.
 */
export function invalidField(
	node: INode,
	itemIndex: number,
	field: string,
	problem: string,
	fix: string,
): NodeOperationError {
	return tikTokOperationError(node, `Invalid "${field}": ${problem}`, fix, { code: 'invalid_input' }, itemIndex);
}

/** TikTok counts text limits in UTF-16 code units, which is what a JavaScript string's length is. */
export function checkTextLength(
	node: INode,
	itemIndex: number,
	field: string,
	text: string,
	maxUnits: number,
): void {
	if (text.length > maxUnits) {
		throw invalidField(
			node,
			itemIndex,
			field,
			`it is ${text.length} characters long and TikTok allows at most ${maxUnits} (counted in UTF-16 units: most emoji count as 2)`,
			`Shorten it by at least ${text.length - maxUnits} characters.`,
		);
	}
}

/** An https URL TikTok can pull from: absolute, https, no credentials in it. */
export function checkPullUrl(node: INode, itemIndex: number, field: string, value: string, what: string): URL {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw invalidField(node, itemIndex, field, `"${value}" is not a URL`, `Enter the full https:// URL of the ${what}.`);
	}
	if (url.protocol !== 'https:') {
		throw invalidField(
			node,
			itemIndex,
			field,
			`TikTok only pulls ${what}s over https, and this URL uses ${url.protocol.replace(':', '')}`,
			`Serve the ${what} over https from a domain or URL prefix verified for your TikTok app.`,
		);
	}
	if (url.username || url.password) {
		throw invalidField(
			node,
			itemIndex,
			field,
			'the URL contains a user name or password',
			`TikTok downloads the ${what} without credentials: use a public URL on a verified domain.`,
		);
	}
	return url;
}

export function checkNumberInRange(
	node: INode,
	itemIndex: number,
	field: string,
	value: number,
	min: number,
	max: number,
	fix: string,
): void {
	if (!Number.isFinite(value) || value < min || value > max) {
		throw invalidField(node, itemIndex, field, `${value} is outside ${min} to ${max}`, fix);
	}
}

/** A whole number within a range (an expression can give 2.5 where the editor only offers integers). */
export function checkWholeNumberInRange(
	node: INode,
	itemIndex: number,
	field: string,
	value: number,
	min: number,
	max: number,
	fix: string,
): void {
	checkNumberInRange(node, itemIndex, field, value, min, max, fix);
	if (!Number.isInteger(value)) throw invalidField(node, itemIndex, field, `${value} is not a whole number`, fix);
}

export const POST_MODES = ['directPost', 'draft'] as const;
export type PostMode = (typeof POST_MODES)[number];

/** A value that must be one of a fixed list (an expression can set anything). */
export function checkOneOf<T extends string>(
	node: INode,
	itemIndex: number,
	field: string,
	value: unknown,
	allowed: readonly T[],
): T {
	if ((allowed as readonly unknown[]).includes(value)) return value as T;
	throw invalidField(node, itemIndex, field, `"${String(value)}" is not one of its values`, `Use one of ${allowed.join(', ')}.`);
}
