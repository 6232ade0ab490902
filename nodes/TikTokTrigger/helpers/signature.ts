import { createHmac, timingSafeEqual } from 'crypto';

/** TikTok's webhook signature header. HTTP header names are case-insensitive; Node lower-cases them. */
export const SIGNATURE_HEADER = 'tiktok-signature';

/** TikTok documents no tolerance; 300 s is what most receivers use and leaves room for clock drift. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface ParsedSignatureHeader {
	/** `t`: unix seconds, as sent (the signed payload uses the exact string) */
	timestamp: string;
	/** Every `s` value, lower-cased (one in practice; several are accepted, as during a secret rotation) */
	signatures: string[];
}

export type SignatureFailure =
	'missing_signature' | 'malformed_signature' | 'signature_mismatch' | 'stale_timestamp';

export type SignatureVerdict =
	| { valid: true; timestampSeconds: number }
	| { valid: false; reason: SignatureFailure; timestampSeconds?: number };

export interface VerifySignatureInput {
	/** The header value as Node hands it over (string, several values, or absent) */
	header: string | string[] | undefined;
	/** The request body exactly as received: TikTok signs the bytes, not the JSON they encode */
	rawBody: Buffer | string;
	clientSecret: string;
	/** Current time in ms (injectable for tests) */
	nowMs: number;
	/** Maximum age (and future skew) of `t` in seconds; 0 turns the age check off */
	toleranceSeconds: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Parses `t=<unix seconds>,s=<hex>` in any order, with optional spaces. Returns undefined when `t` is
 * missing or ambiguous or no `s` is present.
 */
export function parseSignatureHeader(
	header: string | string[] | undefined,
): ParsedSignatureHeader | undefined {
	const value = Array.isArray(header) ? header.join(',') : header;
	if (typeof value !== 'string' || value.trim() === '') return undefined;

	const timestamps = new Set<string>();
	const signatures: string[] = [];
	for (const element of value.split(',')) {
		const separator = element.indexOf('=');
		if (separator < 0) continue;
		const key = element.slice(0, separator).trim().toLowerCase();
		const part = element.slice(separator + 1).trim();
		if (key === 't') timestamps.add(part);
		if (key === 's') signatures.push(part.toLowerCase());
	}
	if (timestamps.size !== 1 || signatures.length === 0) return undefined;
	return { timestamp: [...timestamps][0], signatures };
}

/** HMAC-SHA256 of `t + "." + rawBody` keyed with the app's client secret, as lower-case hex. */
export function computeTikTokSignature(
	clientSecret: string,
	timestamp: string,
	rawBody: Buffer | string,
): string {
	return createHmac('sha256', clientSecret)
		.update(`${timestamp}.`)
		.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
		.digest('hex');
}

/**
 * Verifies a TikTok webhook as TikTok documents it: signature first (constant-time compare of the raw
 * digests), then the age of `t`. Retries are presumably re-signed with a fresh `t` (TikTok does not say;
 * unsure): if TikTok reused the first `t`, retries older than the tolerance would be refused, which is why
 * the tolerance is an option and 0 turns the age check off.
 */
export function verifyTikTokSignature(input: VerifySignatureInput): SignatureVerdict {
	const headerText = Array.isArray(input.header) ? input.header.join(',') : input.header;
	if (headerText === undefined || headerText.trim() === '')
		return { valid: false, reason: 'missing_signature' };
	const parsed = parseSignatureHeader(headerText);
	if (!parsed || !UNIX_SECONDS.test(parsed.timestamp))
		return { valid: false, reason: 'malformed_signature' };

	const expected = Buffer.from(
		computeTikTokSignature(input.clientSecret, parsed.timestamp, input.rawBody),
		'hex',
	);
	const matches = parsed.signatures.some((candidate) => digestsEqual(expected, candidate));
	const timestampSeconds = Number(parsed.timestamp);
	if (!matches) return { valid: false, reason: 'signature_mismatch', timestampSeconds };

	if (input.toleranceSeconds > 0) {
		const ageSeconds = Math.abs(input.nowMs / 1000 - timestampSeconds);
		if (ageSeconds > input.toleranceSeconds)
			return { valid: false, reason: 'stale_timestamp', timestampSeconds };
	}
	return { valid: true, timestampSeconds };
}

/** Compares 32-byte digests with timingSafeEqual; anything that is not 64 hex characters never matches. */
function digestsEqual(expected: Buffer, candidateHex: string): boolean {
	if (!HEX_SHA256.test(candidateHex)) return false;
	const candidate = Buffer.from(candidateHex, 'hex');
	return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
