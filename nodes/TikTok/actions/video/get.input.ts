import type { IExecuteFunctions } from 'n8n-workflow';

import { parseJsonLossless } from '../../../shared/transport/json';
import { inputChecker } from '../../input/checker';
import type { InputChecker } from '../../input/checker';

const FIELD = 'Post IDs';

/** TikTok's post (video) IDs have 19 digits: more than a JavaScript number holds exactly. */
const POST_ID = /^\d{19}$/;
/** A TikTok post link, whose last path segment is the ID. */
const POST_LINK = /^https?:\/\/[^\s]*\/(?:video|photo)\/(\d{19})(?:[/?#]|$)/i;
const SEPARATORS = /[\s,;]+/;

const TEXT_FIX =
	'Map the ID as text, for example {{ $json.postId }} or {{ $json.postIds }} from a TikTok node: TikTok post IDs have 19 digits, and a JavaScript number keeps only about 16 of them.';

/**
 * The post IDs of the Post IDs parameter, in order and each once: a list (from an expression), or text
 * with IDs separated by commas, spaces or new lines. TikTok post links are accepted for their ID. A number
 * is refused: an ID that went through a JavaScript number has lost its last digits.
 */
export function postIdsFrom(check: InputChecker, value: unknown): string[] {
	const ids: string[] = [];
	for (const entry of flatten(value)) {
		for (const token of tokensOf(check, entry)) {
			const id = postIdOf(check, token);
			if (!ids.includes(id)) ids.push(id);
		}
	}
	if (ids.length === 0) {
		throw check.invalid(
			FIELD,
			'it holds no post ID',
			'Enter one or more 19-digit TikTok post IDs separated by commas, spaces or new lines, or map a list of them.',
		);
	}
	return ids;
}

function flatten(value: unknown): unknown[] {
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function tokensOf(check: InputChecker, entry: unknown): string[] {
	if (typeof entry === 'string') {
		const text = entry.trim();
		if (text.startsWith('[')) return tokensOfJson(check, text);
		return text.split(SEPARATORS).filter((token) => token !== '');
	}
	if (typeof entry === 'bigint') return [entry.toString()];
	if (typeof entry === 'number') {
		throw check.invalid(
			FIELD,
			Number.isSafeInteger(entry)
				? `${entry} is a number of ${String(Math.abs(entry)).length} digits, and TikTok post IDs have 19`
				: `${entry} is a number that has lost digits: a JavaScript number keeps only about 16 of a post ID's 19 digits, so this is no longer the ID it came from`,
			TEXT_FIX,
		);
	}
	const what = typeof entry === 'object' ? 'an object' : `the ${typeof entry} ${String(entry)}`;
	throw check.invalid(FIELD, `it holds ${what} where a post ID should be`, TEXT_FIX);
}

/** Text such as ["7602…","7603…"] (an expression that returned a list as JSON text). */
function tokensOfJson(check: InputChecker, text: string): string[] {
	let parsed: unknown;
	try {
		parsed = parseJsonLossless(text);
	} catch {
		return text.split(SEPARATORS).filter((token) => token !== '');
	}
	// Parsed losslessly: unquoted 19-digit numbers in the text come out as exact strings
	return flatten(parsed).flatMap((entry) => tokensOf(check, entry));
}

function postIdOf(check: InputChecker, token: string): string {
	const cleaned = token.replace(/^["']|["']$/g, '');
	if (POST_ID.test(cleaned)) return cleaned;
	const fromLink = POST_LINK.exec(cleaned)?.[1];
	if (fromLink) return fromLink;
	const shown = cleaned.length > 60 ? `${cleaned.slice(0, 57)}...` : cleaned;
	if (/^\d+(\.\d+)?e\+?\d+$/i.test(cleaned)) {
		throw check.invalid(FIELD, `"${shown}" is a rounded number, not a post ID`, TEXT_FIX);
	}
	throw check.invalid(
		FIELD,
		/^\d+$/.test(cleaned)
			? `"${shown}" has ${cleaned.length} digits, and TikTok post IDs have 19`
			: `"${shown}" is not a TikTok post ID`,
		'Enter 19-digit TikTok post IDs (the postId of Get Many Videos, or the postIds of Get Status), separated by commas, spaces or new lines.',
	);
}

/** The item's Post IDs, checked before any request. */
export function readGetInput(this: IExecuteFunctions, itemIndex: number): { postIds: string[] } {
	const check = inputChecker(this, itemIndex);
	return { postIds: postIdsFrom(check, this.getNodeParameter('postIds', itemIndex, '')) };
}
