/**
 * JSON.parse that keeps integers beyond 2^53 exact by turning them into strings.
 *
 * TikTok's status endpoint returns post ids as bare 19-digit numbers, which JSON.parse rounds
 * (7602997517160123666 becomes 7602997517160124000). Node 20 has no reviver `context.source`, so the text is
 * rewritten first: every integer literal outside a string that is too large to be safe gets quoted.
 */
export function parseJsonLossless(text: string): unknown {
	return JSON.parse(quoteUnsafeIntegers(text));
}

function quoteUnsafeIntegers(text: string): string {
	let result = '';
	let copiedUpTo = 0;
	let i = 0;
	while (i < text.length) {
		const char = text[i];
		if (char === '"') {
			i = endOfString(text, i);
			continue;
		}
		if (char === '-' || (char >= '0' && char <= '9')) {
			const start = i;
			i++;
			while (i < text.length && /[0-9eE.+-]/.test(text[i])) i++;
			const literal = text.slice(start, i);
			if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
				result += `${text.slice(copiedUpTo, start)}"${literal}"`;
				copiedUpTo = i;
			}
			continue;
		}
		i++;
	}
	return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** Index just past the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
	let i = start + 1;
	while (i < text.length) {
		if (text[i] === '\\') i += 2;
		else if (text[i] === '"') return i + 1;
		else i++;
	}
	return i;
}
