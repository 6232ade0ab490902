/** Identifier formats modelled on TikTok's (spec §13 item 2). */
import { randomBytes, randomInt } from 'node:crypto';

const issuedSnowflakes = new Set<string>();
const TWO_POW_32 = BigInt(4294967296);
const MIN_19_DIGITS = BigInt('1000000000000000000');

/**
 * A 19-digit id shaped like TikTok's (unix seconds << 32 | random), e.g. 7602997517160123666.
 * Always above 2^53, so a client that parses it as a double loses precision.
 */
export function snowflakeId(nowMs: number): string {
	for (;;) {
		let id = BigInt(Math.floor(nowMs / 1000)) * TWO_POW_32 + BigInt(randomInt(0, 2 ** 32 - 1));
		// Keep 19 digits even if the virtual clock was pushed far into the past.
		if (id < MIN_19_DIGITS) id += MIN_19_DIGITS;
		const text = id.toString();
		if (!issuedSnowflakes.has(text)) {
			issuedSnowflakes.add(text);
			return text;
		}
	}
}

/** log_id: 14-digit UTC timestamp YYYYMMDDhhmmss + 20 upper-case hex characters (34 in total). */
export function logId(nowMs: number): string {
	const d = new Date(nowMs);
	const pad = (n: number, width = 2) => String(n).padStart(width, '0');
	const stamp =
		pad(d.getUTCFullYear(), 4) +
		pad(d.getUTCMonth() + 1) +
		pad(d.getUTCDate()) +
		pad(d.getUTCHours()) +
		pad(d.getUTCMinutes()) +
		pad(d.getUTCSeconds());
	return stamp + randomBytes(10).toString('hex').toUpperCase();
}

/** Opaque random text (base64url alphabet). */
export function opaque(bytes: number): string {
	return randomBytes(bytes).toString('base64url');
}

/** Access token: `act.` + opaque + `!dddd` (TikTok's examples end in `!5259`; the `!` tests form encoding). */
export function accessToken(): string {
	return `act.${opaque(36)}!${randomInt(1000, 9999)}`;
}

export function refreshToken(): string {
	return `rft.${opaque(36)}!${randomInt(1000, 9999)}`;
}

export function clientToken(): string {
	return `clt.${opaque(36)}!${randomInt(1000, 9999)}`;
}

/** Authorization code; contains `*` and `!` so a client that forgets to URL-decode the callback breaks. */
export function authorizationCode(): string {
	return `${opaque(40)}*${randomInt(0, 9)}!${randomInt(1000, 9999)}`;
}

/** open_id like `-000YSS_OTWKQzsQ-Q6fwsK_A1CTqKopVfCO`: opaque, may start with '-'. */
export function openId(): string {
	return `-000${opaque(24)}`;
}

export function unionId(): string {
	return `${opaque(24)}`;
}

export type PublishIdKind =
	| 'videoDirectFile'
	| 'videoDirectUrl'
	| 'videoInboxFile'
	| 'videoInboxUrl'
	| 'photoDirect'
	| 'photoInbox';

const publishIdPrefixes: Record<PublishIdKind, string> = {
	videoDirectFile: 'v_pub_file~v2-1.',
	videoDirectUrl: 'v_pub_url~v2-1.',
	videoInboxFile: 'v_inbox_file~v2.',
	videoInboxUrl: 'v_inbox_url~v2.',
	photoDirect: 'p_pub_url~v2.',
	photoInbox: 'p_inbox_url~v2.',
};

/** publish_id: TikTok's prefix + a 19-digit number (<= 64 chars). */
export function publishId(kind: PublishIdKind, nowMs: number): string {
	return publishIdPrefixes[kind] + snowflakeId(nowMs);
}
