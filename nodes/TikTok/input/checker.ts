import type { INode, NodeOperationError } from 'n8n-workflow';

import { tikTokOperationError } from '../../shared/errors/nodeErrors';

/**
 * Checks of one item's input, bound to the node and the item, each raising the error for bad input
 * before any request: it names the field as the user sees it in n8n, says what is wrong and how to fix it.
 */
export class InputChecker {
	constructor(
		readonly node: INode,
		readonly itemIndex: number,
	) {}

	/** The error for a bad value of `field`. */
	invalid(field: string, problem: string, fix: string): NodeOperationError {
		return tikTokOperationError(
			this.node,
			`Invalid "${field}": ${problem}`,
			fix,
			{ code: 'invalid_input' },
			this.itemIndex,
		);
	}

	/** TikTok counts text limits in UTF-16 code units, which is what a JavaScript string's length is. */
	textLength(field: string, text: string, maxUnits: number): void {
		if (text.length <= maxUnits) return;
		throw this.invalid(
			field,
			`it is ${text.length} characters long and TikTok allows at most ${maxUnits} (counted in UTF-16 units: most emoji count as 2)`,
			`Shorten it by at least ${text.length - maxUnits} characters.`,
		);
	}

	/** An https URL TikTok can pull from: absolute, https, no credentials in it. */
	pullUrl(field: string, value: string, what: string): URL {
		let url: URL;
		try {
			url = new URL(value.trim());
		} catch {
			throw this.invalid(
				field,
				`"${value}" is not a URL`,
				`Enter the full https:// URL of the ${what}.`,
			);
		}
		if (url.protocol !== 'https:') {
			throw this.invalid(
				field,
				`TikTok only pulls ${what}s over https, and this URL uses ${url.protocol.replace(':', '')}`,
				`Serve the ${what} over https from a domain or URL prefix verified for your TikTok app.`,
			);
		}
		if (url.username || url.password) {
			throw this.invalid(
				field,
				'the URL contains a user name or password',
				`TikTok downloads the ${what} without credentials: use a public URL on a verified domain.`,
			);
		}
		return url;
	}

	numberInRange(field: string, value: number, min: number, max: number, fix: string): void {
		if (!Number.isFinite(value) || value < min || value > max) {
			throw this.invalid(field, `${value} is outside ${min} to ${max}`, fix);
		}
	}

	/** A whole number within a range (an expression can give 2.5 where the editor only offers integers). */
	wholeNumberInRange(field: string, value: number, min: number, max: number, fix: string): void {
		this.numberInRange(field, value, min, max, fix);
		if (!Number.isInteger(value)) throw this.invalid(field, `${value} is not a whole number`, fix);
	}

	/** A value that must be one of a fixed list (an expression can set anything). */
	oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
		if ((allowed as readonly unknown[]).includes(value)) return value as T;
		throw this.invalid(
			field,
			`"${String(value)}" is not one of its values`,
			`Use one of ${allowed.join(', ')}.`,
		);
	}
}

/** The checker of item `itemIndex` of the running node. */
export function inputChecker(context: { getNode(): INode }, itemIndex: number): InputChecker {
	return new InputChecker(context.getNode(), itemIndex);
}

export const POST_MODES = ['directPost', 'draft'] as const;
export type PostMode = (typeof POST_MODES)[number];
