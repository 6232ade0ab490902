import * as crypto from 'crypto';

// crypto's exports cannot be redefined, so spyOn fails: wrap the real function instead
jest.mock('crypto', () => {
	const actual = jest.requireActual<typeof import('crypto')>('crypto');
	return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

import {
	computeTikTokSignature,
	parseSignatureHeader,
	verifyTikTokSignature,
} from '../../../nodes/TikTokTrigger/helpers/signature';
import type { VerifySignatureInput } from '../../../nodes/TikTokTrigger/helpers/signature';
// The emulator's signer is an independent implementation of TikTok's scheme
import { signWebhook } from '../../emulator';

const SECRET = 'emu-client-secret';
const NOW_MS = 1_770_210_900_000;
const NOW_S = NOW_MS / 1000;
const BODY =
	'{"client_key":"ck","event":"post.publish.publicly_available","create_time":1770210873,"user_openid":"-000Y","content":"{\\"publish_id\\":\\"v_pub_file~v2-1.7602997070760331285\\",\\"post_id\\":\\"7602997517160123666\\"}"}';

function verify(overrides: Partial<VerifySignatureInput>) {
	return verifyTikTokSignature({
		header: signWebhook(SECRET, NOW_S, BODY),
		rawBody: Buffer.from(BODY),
		clientSecret: SECRET,
		nowMs: NOW_MS,
		toleranceSeconds: 300,
		...overrides,
	});
}

function header(t: number | string, s: string): string {
	return `t=${t},s=${s}`;
}

describe('verifyTikTokSignature', () => {
	test('accepts what the emulator signs (HMAC-SHA256 of t + "." + raw body, lower-case hex)', () => {
		expect(verify({})).toEqual({ valid: true, timestampSeconds: NOW_S });
		expect(computeTikTokSignature(SECRET, String(NOW_S), BODY)).toBe(
			signWebhook(SECRET, NOW_S, BODY).split('s=')[1],
		);
	});

	test('parses the header in any order, with spaces and upper-case keys or hex', () => {
		const s = computeTikTokSignature(SECRET, String(NOW_S), BODY);
		expect(verify({ header: `s=${s},t=${NOW_S}` }).valid).toBe(true);
		expect(verify({ header: ` T=${NOW_S} , S=${s.toUpperCase()} ` }).valid).toBe(true);
		expect(verify({ header: [`t=${NOW_S}`, `s=${s}`] }).valid).toBe(true);
	});

	test('signs the raw bytes: a body that is not ASCII verifies byte for byte', () => {
		const body = '{"event":"x","content":"{\\"title\\":\\"café 🎬\\"}"}';
		const raw = Buffer.from(body, 'utf8');
		expect(verify({ rawBody: raw, header: signWebhook(SECRET, NOW_S, body) }).valid).toBe(true);
		expect(
			verify({ rawBody: Buffer.from(body, 'latin1'), header: signWebhook(SECRET, NOW_S, body) }),
		).toMatchObject({
			valid: false,
			reason: 'signature_mismatch',
		});
	});

	test('a missing or empty header is missing_signature', () => {
		expect(verify({ header: undefined })).toEqual({ valid: false, reason: 'missing_signature' });
		expect(verify({ header: '  ' })).toEqual({ valid: false, reason: 'missing_signature' });
		expect(verify({ header: [] })).toEqual({ valid: false, reason: 'missing_signature' });
	});

	test.each([
		['no t', `s=${'a'.repeat(64)}`],
		['no s', `t=${NOW_S}`],
		['two different t', `t=${NOW_S},t=${NOW_S + 1},s=${'a'.repeat(64)}`],
		['t not a number', header('yesterday', 'a'.repeat(64))],
		['t negative', header(-5, 'a'.repeat(64))],
		['no separators', 'garbage'],
	])('a malformed header (%s) is malformed_signature', (_label, value) => {
		expect(verify({ header: value })).toEqual({ valid: false, reason: 'malformed_signature' });
	});

	test('a wrong secret, a changed body or a truncated signature is signature_mismatch', () => {
		expect(verify({ clientSecret: 'other-secret' })).toMatchObject({
			valid: false,
			reason: 'signature_mismatch',
		});
		expect(
			verify({ rawBody: Buffer.from(BODY.replace('1770210873', '1770210874')) }),
		).toMatchObject({
			valid: false,
			reason: 'signature_mismatch',
		});
		const s = computeTikTokSignature(SECRET, String(NOW_S), BODY);
		expect(verify({ header: header(NOW_S, s.slice(0, 63)) })).toMatchObject({
			reason: 'signature_mismatch',
		});
		expect(verify({ header: header(NOW_S, `${s}00`) })).toMatchObject({
			reason: 'signature_mismatch',
		});
		expect(verify({ header: header(NOW_S, s.replace(/^./, 'z')) })).toMatchObject({
			reason: 'signature_mismatch',
		});
	});

	test('the timestamp is part of what is signed: another t with the same s fails', () => {
		const s = computeTikTokSignature(SECRET, String(NOW_S), BODY);
		expect(verify({ header: header(NOW_S - 1, s) })).toMatchObject({
			valid: false,
			reason: 'signature_mismatch',
		});
	});

	test('one matching signature among several is enough (secret rotation)', () => {
		const s = computeTikTokSignature(SECRET, String(NOW_S), BODY);
		expect(verify({ header: `t=${NOW_S},s=${'0'.repeat(64)},s=${s}` }).valid).toBe(true);
	});

	test('timestamps further than the tolerance from now are stale, in the past and in the future', () => {
		const at = (seconds: number) => ({ header: signWebhook(SECRET, seconds, BODY) });
		expect(verify(at(NOW_S - 300)).valid).toBe(true);
		expect(verify(at(NOW_S + 300)).valid).toBe(true);
		expect(verify(at(NOW_S - 301))).toEqual({
			valid: false,
			reason: 'stale_timestamp',
			timestampSeconds: NOW_S - 301,
		});
		expect(verify(at(NOW_S + 301))).toMatchObject({ valid: false, reason: 'stale_timestamp' });
		expect(verify({ ...at(NOW_S - 3600), toleranceSeconds: 3600 }).valid).toBe(true);
	});

	test('tolerance 0 turns the age check off, not the signature check', () => {
		expect(
			verify({ header: signWebhook(SECRET, NOW_S - 86_400 * 3, BODY), toleranceSeconds: 0 }).valid,
		).toBe(true);
		expect(verify({ header: signWebhook('x', NOW_S, BODY), toleranceSeconds: 0 })).toMatchObject({
			reason: 'signature_mismatch',
		});
	});

	test('the signature is checked before the age, as TikTok documents', () => {
		expect(verify({ header: signWebhook('wrong', NOW_S - 9999, BODY) })).toMatchObject({
			reason: 'signature_mismatch',
		});
	});

	test('digests are compared with crypto.timingSafeEqual on equal-length buffers', () => {
		const spy = crypto.timingSafeEqual as jest.MockedFunction<typeof crypto.timingSafeEqual>;
		spy.mockClear();
		verify({});
		expect(spy).toHaveBeenCalledTimes(1);
		const [a, b] = spy.mock.calls[0] as [Buffer, Buffer];
		expect(a.length).toBe(32);
		expect(b.length).toBe(32);
	});
});

describe('parseSignatureHeader', () => {
	test('keeps t exactly as sent and lower-cases s', () => {
		expect(parseSignatureHeader('t=0001633174587,s=ABCDEF')).toEqual({
			timestamp: '0001633174587',
			signatures: ['abcdef'],
		});
	});

	test('ignores unknown elements and elements without "="', () => {
		expect(parseSignatureHeader('v=1,t=5,junk,s=aa')).toEqual({
			timestamp: '5',
			signatures: ['aa'],
		});
	});
});
