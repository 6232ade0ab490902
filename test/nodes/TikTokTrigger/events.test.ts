import {
	eventDedupeKey,
	isEventSelected,
	parseContent,
	parseEnvelope,
	toEventItem,
} from '../../../nodes/TikTokTrigger/helpers/events';
import { isoTime } from '../../../nodes/shared/utils/time';
import { tikTokPostUrl } from '../../../nodes/shared/transport/hosts';
import { webhookBody } from '../../emulator';

const PUBLISH_ID = 'v_pub_file~v2-1.7602997070760331285';
// Above 2^53: JSON.parse would turn it into 7602997517160124000
const POST_ID = '7602997517160123666';
const noLink = () => null;

/** `userOpenId: null` leaves user_openid out, as some TikTok products do. */
function envelopeOf(
	event: string,
	content: unknown,
	createTime = 1770210873,
	userOpenId: string | null = '-000Y',
) {
	const parsed = parseEnvelope(
		webhookBody('ck', event, createTime, userOpenId ?? undefined, content),
	);
	if (!parsed) throw new Error('not an envelope');
	return parsed;
}

describe('toEventItem', () => {
	test('outputs the envelope and the fields of content, post_id as a string', () => {
		const envelope = envelopeOf('post.publish.publicly_available', {
			publish_id: PUBLISH_ID,
			publish_type: 'DIRECT_PUBLISH',
			post_id: POST_ID,
		});
		expect(toEventItem(envelope, (postId) => tikTokPostUrl('emu.creator', postId))).toEqual({
			event: 'post.publish.publicly_available',
			eventTime: '2026-02-04T13:14:33.000Z',
			publishId: PUBLISH_ID,
			postId: POST_ID,
			publishType: 'DIRECT_PUBLISH',
			reason: null,
			reasonDescription: null,
			shareUrl: `https://www.tiktok.com/@emu.creator/video/${POST_ID}`,
			userOpenId: '-000Y',
			clientKey: 'ck',
			createTime: 1770210873,
			content: { publish_id: PUBLISH_ID, publish_type: 'DIRECT_PUBLISH', post_id: POST_ID },
		});
	});

	test('keeps a 19-digit post_id exact when TikTok sends it as a bare JSON number', () => {
		const content = `{"publish_id":"${PUBLISH_ID}","publish_type":"DIRECT_PUBLISH","post_id":${POST_ID}}`;
		// plain JSON.parse rounds it
		expect(String(JSON.parse(content).post_id)).not.toBe(POST_ID);
		const item = toEventItem(envelopeOf('post.publish.publicly_available', content), noLink);
		expect(item.postId).toBe(POST_ID);
		expect((item.content as { post_id: string }).post_id).toBe(POST_ID);
	});

	test('post.publish.failed carries the fail reason, explained', () => {
		const item = toEventItem(
			envelopeOf('post.publish.failed', {
				publish_id: PUBLISH_ID,
				reason: 'duration_check_failed',
				publish_type: 'DIRECT_PUBLISH',
			}),
			noLink,
		);
		expect(item).toMatchObject({ reason: 'duration_check_failed', postId: null, shareUrl: null });
		expect(item.reasonDescription).toMatch(/too long or too short/);
	});

	test.each([
		[1, 'The user disconnected the app in TikTok'],
		[2, 'The user deleted the TikTok account'],
		[5, 'The developer revoked the authorization'],
		[9, 'Unknown reason code 9'],
	])('authorization.removed reason %i reads "%s"', (reason, description) => {
		const item = toEventItem(envelopeOf('authorization.removed', { reason }), noLink);
		expect(item).toMatchObject({
			event: 'authorization.removed',
			reason,
			reasonDescription: description,
			publishId: null,
		});
	});

	test('the portal test ping: create_time in milliseconds still gives the right date', () => {
		const item = toEventItem(
			envelopeOf('tiktok.ping', { reason: 'testing Webhook' }, 1752894700622),
			noLink,
		);
		expect(item).toMatchObject({
			event: 'tiktok.ping',
			reason: 'testing Webhook',
			reasonDescription: null,
		});
		expect(item.eventTime).toBe('2025-07-19T03:11:40.622Z');
	});

	test('an event without user_openid (other TikTok products) and content that is not JSON', () => {
		const item = toEventItem(
			envelopeOf('portability.download.ready', 'not json', 1770210873, null),
			noLink,
		);
		expect(item).toMatchObject({ userOpenId: null, content: 'not json', publishId: null });
	});

	test("the share URL builder sees the post id and the event's open_id", () => {
		const seen: unknown[] = [];
		toEventItem(envelopeOf('post.publish.publicly_available', { post_id: POST_ID }), (...args) => {
			seen.push(args);
			return null;
		});
		expect(seen).toEqual([[POST_ID, '-000Y']]);
	});
});

describe('parseEnvelope and parseContent', () => {
	test('reject bodies that are not an event envelope', () => {
		expect(parseEnvelope('not json')).toBeUndefined();
		expect(parseEnvelope('[1,2]')).toBeUndefined();
		expect(parseEnvelope('{"event":""}')).toBeUndefined();
		expect(parseEnvelope(Buffer.from('{"event":"x"}'))).toEqual({ event: 'x' });
	});

	test('content may be missing, a JSON string, or (defensively) an object', () => {
		expect(parseContent(undefined)).toBeNull();
		expect(parseContent('{"a":1}')).toEqual({ a: 1 });
		expect(parseContent({ a: 1 })).toEqual({ a: 1 });
		expect(parseContent('[1]')).toBe('[1]');
	});
});

describe('eventDedupeKey', () => {
	const content = { publish_id: PUBLISH_ID, publish_type: 'DIRECT_PUBLISH', post_id: POST_ID };

	test('is the same for a redelivery, whatever the key order or spacing of content', () => {
		const first = envelopeOf('post.publish.publicly_available', content);
		const reordered = envelopeOf(
			'post.publish.publicly_available',
			`{ "post_id": "${POST_ID}", "publish_type": "DIRECT_PUBLISH", "publish_id": "${PUBLISH_ID}" }`,
		);
		expect(eventDedupeKey(reordered)).toBe(eventDedupeKey(first));
		expect(eventDedupeKey(first)).toMatch(/^[0-9a-f]{32}$/);
	});

	test('differs between events, accounts, times and posts', () => {
		const base = eventDedupeKey(envelopeOf('post.publish.publicly_available', content));
		expect(eventDedupeKey(envelopeOf('post.publish.complete', content))).not.toBe(base);
		expect(
			eventDedupeKey(envelopeOf('post.publish.publicly_available', content, 1770210874)),
		).not.toBe(base);
		expect(
			eventDedupeKey(envelopeOf('post.publish.publicly_available', content, 1770210873, 'other')),
		).not.toBe(base);
		expect(
			eventDedupeKey(
				envelopeOf('post.publish.publicly_available', {
					...content,
					post_id: '7602997517160123667',
				}),
			),
		).not.toBe(base);
	});
});

describe('small helpers', () => {
	test('isEventSelected: exact names, or "*" for everything', () => {
		expect(isEventSelected('post.publish.complete', ['post.publish.complete'])).toBe(true);
		expect(isEventSelected('tiktok.ping', ['post.publish.complete'])).toBe(false);
		expect(isEventSelected('tiktok.ping', ['*'])).toBe(true);
		expect(isEventSelected('post.publish.complete', [])).toBe(false);
	});

	test('isoTime rejects nonsense', () => {
		expect(isoTime(null)).toBeNull();
		expect(isoTime(0)).toBeNull();
		expect(isoTime(Number.NaN)).toBeNull();
	});
});
