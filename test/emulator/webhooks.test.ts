import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type TikTokEmulator } from './index';
import { apiCall, eventually, fileInitBody, formPost, makeBytes, putChunk } from './test-helpers';

interface Received {
	headers: http.IncomingHttpHeaders;
	raw: string;
	at: number;
}

/** A webhook receiver answering from a script of statuses (the last one repeats). */
class Receiver {
	readonly received: Received[] = [];
	statuses: number[] = [200];
	private server = http.createServer((req, res) => {
		const parts: Buffer[] = [];
		req.on('data', (part: Buffer) => parts.push(part));
		req.on('end', () => {
			this.received.push({
				headers: req.headers,
				raw: Buffer.concat(parts).toString('utf8'),
				at: Date.now(),
			});
			const status =
				this.statuses.length > 1 ? (this.statuses.shift() as number) : this.statuses[0];
			res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`got ${status}`);
		});
	});
	url = '';

	async start(): Promise<void> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
	}

	close(): Promise<void> {
		return new Promise((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	events(): Array<{
		event: string;
		content: Record<string, unknown>;
		envelope: Record<string, unknown>;
	}> {
		return this.received.map((r) => {
			const envelope = JSON.parse(r.raw) as Record<string, unknown>;
			return {
				event: envelope.event as string,
				content: JSON.parse(envelope.content as string) as Record<string, unknown>,
				envelope,
			};
		});
	}
}

/** Independent verification, as a receiver would do it. */
function verify(received: Received, secret: string): boolean {
	const header = received.headers['tiktok-signature'] as string | undefined;
	if (!header) return false;
	const parts = Object.fromEntries(
		header.split(',').map((kv) => kv.split('=') as [string, string]),
	);
	const expected = createHmac('sha256', secret).update(`${parts.t}.${received.raw}`).digest('hex');
	return expected === parts.s;
}

let emu: TikTokEmulator;
let receiver: Receiver;

beforeEach(async () => {
	receiver = new Receiver();
	await receiver.start();
	emu = await startEmulator({
		settings: {
			lifecycle: { processingMs: 1000, moderationMs: 1000, downloadMs: 1000 },
			rateLimits: { videoInit: 100 },
		},
		webhookRetry: { baseDelayMs: 40, factor: 2, maxAttempts: 4 },
	});
});

afterEach(async () => {
	await emu.close();
	await receiver.close();
});

describe('webhooks.deliver', () => {
	test("signs like TikTok: t=<unix s>,s=hex HMAC-SHA256(client_secret, t + '.' + raw body)", async () => {
		const result = await emu.webhooks.deliver({
			url: receiver.url,
			event: 'post.publish.publicly_available',
			content: {
				publish_id: 'v_pub_file~v2-1.7602997070760331285',
				publish_type: 'DIRECT_PUBLISH',
				post_id: '7602997517160123666',
			},
			createTime: 1770210873,
			timestamp: 1770210875,
		});
		expect(result).toMatchObject({ status: 200, body: 'got 200' });
		const [got] = receiver.received;
		expect(got.raw).toBe(
			'{"client_key":"emu-client-key","event":"post.publish.publicly_available","create_time":1770210873,' +
				`"user_openid":"${emu.defaultAccount.openId}",` +
				'"content":"{\\"publish_id\\":\\"v_pub_file~v2-1.7602997070760331285\\",\\"publish_type\\":\\"DIRECT_PUBLISH\\",\\"post_id\\":\\"7602997517160123666\\"}"}',
		);
		const expected = createHmac('sha256', 'emu-client-secret')
			.update(`1770210875.${got.raw}`)
			.digest('hex');
		expect(got.headers['tiktok-signature']).toBe(`t=1770210875,s=${expected}`);
		expect(got.headers['content-type']).toBe('application/json');
		expect(result.sentBody).toBe(got.raw);
	});

	test('defaults: t and create_time from the virtual clock, the app secret, the default account', async () => {
		emu.clock.advance(86_400_000);
		await emu.webhooks.deliver({
			url: receiver.url,
			event: 'post.publish.complete',
			content: { publish_id: 'p', publish_type: 'DIRECT_PUBLISH' },
		});
		const [got] = receiver.received;
		expect(verify(got, emu.app.clientSecret)).toBe(true);
		const t = Number(/t=(\d+)/.exec(got.headers['tiktok-signature'] as string)?.[1]);
		expect(Math.abs(t - emu.clock.now() / 1000)).toBeLessThan(2);
		expect(JSON.parse(got.raw).create_time).toBe(t);
		expect(JSON.parse(got.raw).user_openid).toBe(emu.defaultAccount.openId);
	});

	test('tampering: a wrong signature, a changed body, a missing header', async () => {
		const content = { publish_id: 'p', publish_type: 'DIRECT_PUBLISH' };
		await emu.webhooks.deliver({
			url: receiver.url,
			event: 'post.publish.complete',
			content,
			tamper: 'signature',
		});
		await emu.webhooks.deliver({
			url: receiver.url,
			event: 'post.publish.complete',
			content,
			tamper: 'body',
		});
		await emu.webhooks.deliver({
			url: receiver.url,
			event: 'post.publish.complete',
			content,
			omitHeader: true,
		});
		await emu.webhooks.deliver({
			url: receiver.url,
			event: 'post.publish.complete',
			content,
			secret: 'another-secret',
		});
		expect(receiver.received.map((r) => verify(r, emu.app.clientSecret))).toEqual([
			false,
			false,
			false,
			false,
		]);
		expect(receiver.received[2].headers['tiktok-signature']).toBeUndefined();
		// The tampered body is still valid JSON; only the raw bytes differ from what was signed.
		expect(() => JSON.parse(receiver.received[1].raw)).not.toThrow();
	});

	test('returns the receiver answer; duplicate sends identical copies', async () => {
		receiver.statuses = [401];
		const result = await emu.webhooks.deliver({
			url: receiver.url,
			event: 'tiktok.ping',
			content: '{"reason":"testing Webhook"}',
			duplicate: 2,
		});
		expect(result.status).toBe(401);
		expect(result.duplicates).toHaveLength(2);
		expect(receiver.received).toHaveLength(3);
		expect(new Set(receiver.received.map((r) => r.raw + r.headers['tiktok-signature'])).size).toBe(
			1,
		);
	});

	test('tiktok.ping test event (create_time in ms, as observed)', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		await emu.webhooks.ping();
		const [ping] = receiver.events();
		expect(ping.event).toBe('tiktok.ping');
		expect(ping.content).toEqual({ reason: 'testing Webhook' });
		expect(String(ping.envelope.create_time)).toHaveLength(13);
		expect(verify(receiver.received[0], emu.app.clientSecret)).toBe(true);
	});
});

describe('automatic lifecycle webhooks', () => {
	async function publicDirectPost(): Promise<string> {
		const token = emu.issueTokens().access_token;
		const init = await apiCall(emu, '/v2/post/publish/video/init/', {
			token,
			body: fileInitBody(1000, 1000, 1, { privacy_level: 'PUBLIC_TO_EVERYONE' }),
		});
		await putChunk(init.json.data.upload_url, makeBytes(1000), 'bytes 0-999/1000');
		return init.json.data.publish_id;
	}

	test('Direct Post: complete, then publicly_available with post_id as a string, all signed', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		emu.updateSettings({ lifecycle: { processingMs: 200, moderationMs: 200 } });
		const publishId = await publicDirectPost();
		// Driven by timers on real time: nobody polls status.
		await eventually(() => receiver.received.length === 2, 5000);
		const [complete, available] = receiver.events();
		expect(complete).toMatchObject({
			event: 'post.publish.complete',
			content: { publish_id: publishId, publish_type: 'DIRECT_PUBLISH' },
		});
		expect(available.event).toBe('post.publish.publicly_available');
		const postId = emu.getTask(publishId)?.publicPostIds[0];
		expect(available.content).toEqual({
			publish_id: publishId,
			publish_type: 'DIRECT_PUBLISH',
			post_id: postId,
		});
		expect(typeof available.content.post_id).toBe('string');
		expect(available.envelope).toMatchObject({
			client_key: emu.app.clientKey,
			user_openid: emu.defaultAccount.openId,
		});
		expect(receiver.received.every((r) => verify(r, emu.app.clientSecret))).toBe(true);
		// create_time is the transition time, in seconds.
		const task = emu.getTask(publishId);
		expect(complete.envelope.create_time).toBe(Math.floor((task?.history[1].at as number) / 1000));
	});

	test('a clock jump delivers due events at once', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		emu.updateSettings({ lifecycle: { processingMs: 60_000, moderationMs: 60_000 } });
		await publicDirectPost();
		emu.clock.advance(120_000);
		await emu.webhooks.idle();
		expect(receiver.events().map((e) => e.event)).toEqual([
			'post.publish.complete',
			'post.publish.publicly_available',
		]);
	});

	test('inbox: inbox_delivered (INBOX_SHARE), then complete and publicly_available after the creator posts', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		const token = emu.issueTokens().access_token;
		const init = await apiCall(emu, '/v2/post/publish/inbox/video/init/', {
			token,
			body: {
				source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
			},
		});
		const publishId = init.json.data.publish_id;
		emu.clock.advance(2000);
		await emu.webhooks.idle();
		expect(receiver.events()).toEqual([
			expect.objectContaining({
				event: 'post.publish.inbox_delivered',
				content: { publish_id: publishId, publish_type: 'INBOX_SHARE' },
			}),
		]);
		emu.completeInbox(publishId, { postIds: ['7602997517160123666'] });
		emu.clock.advance(1000);
		await emu.webhooks.idle();
		expect(
			receiver
				.events()
				.slice(1)
				.map((e) => [e.event, e.content.post_id]),
		).toEqual([
			['post.publish.complete', undefined],
			['post.publish.publicly_available', '7602997517160123666'],
		]);
	});

	test('failed posts send post.publish.failed with the reason', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		emu.setNextOutcome({ failReason: 'spam_risk_text' });
		const publishId = await publicDirectPost();
		emu.clock.advance(1000);
		await emu.webhooks.idle();
		expect(receiver.events()).toEqual([
			expect.objectContaining({
				event: 'post.publish.failed',
				content: {
					publish_id: publishId,
					reason: 'spam_risk_text',
					publish_type: 'DIRECT_PUBLISH',
				},
			}),
		]);
	});

	test('no_longer_publicaly_available (TikTok spelling) when a post turns private', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		const publishId = await publicDirectPost();
		emu.clock.advance(2000);
		const postId = emu.getTask(publishId)?.publicPostIds[0] as string;
		emu.makePostPrivate(postId);
		await emu.webhooks.idle();
		expect(receiver.events().map((e) => e.event)).toEqual([
			'post.publish.complete',
			'post.publish.publicly_available',
			'post.publish.no_longer_publicaly_available',
		]);
		expect(receiver.events()[2].content.post_id).toBe(postId);
	});

	test('non-200 answers are retried with exponential backoff, re-signed each time', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		receiver.statuses = [500, 204, 200];
		emu.revoke({ openId: emu.defaultAccount.openId, reason: 2 });
		await emu.webhooks.idle();
		expect(receiver.received).toHaveLength(3);
		expect(receiver.received.every((r) => verify(r, emu.app.clientSecret))).toBe(true);
		const gaps = [
			receiver.received[1].at - receiver.received[0].at,
			receiver.received[2].at - receiver.received[1].at,
		];
		expect(gaps[0]).toBeGreaterThanOrEqual(35);
		expect(gaps[1]).toBeGreaterThanOrEqual(75);
		expect(emu.webhooks.deliveries.map((d) => [d.attempt, d.status])).toEqual([
			[1, 500],
			[2, 204],
			[3, 200],
		]);
	});

	test('retries are bounded by maxAttempts; unreachable receivers are retried too', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		receiver.statuses = [503];
		emu.revoke({ openId: emu.defaultAccount.openId });
		await emu.webhooks.idle();
		expect(receiver.received).toHaveLength(4);
		emu.webhooks.callbackUrl = 'http://127.0.0.1:1/unreachable';
		emu.webhooks.retry.maxAttempts = 2;
		emu.revoke({ openId: emu.defaultAccount.openId });
		await emu.webhooks.idle();
		const unreachable = emu.webhooks.deliveries.filter((d) => d.url.endsWith('/unreachable'));
		expect(unreachable.map((d) => d.status)).toEqual([0, 0]);
		expect(unreachable[0].error).toBeTruthy();
	});

	test('authorization.removed: user reasons 0-4 via emu.revoke, reason 5 via the revoke endpoint', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		for (const reason of [0, 1, 2, 3, 4]) emu.revoke({ openId: emu.defaultAccount.openId, reason });
		const tokens = emu.issueTokens();
		await formPost(`${emu.baseUrl}/v2/oauth/revoke/`, {
			client_key: emu.app.clientKey,
			client_secret: emu.app.clientSecret,
			token: tokens.access_token,
		});
		await emu.webhooks.idle();
		const removed = receiver.events().filter((e) => e.event === 'authorization.removed');
		expect(removed.map((e) => e.content.reason)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(removed.every((e) => e.envelope.user_openid === emu.defaultAccount.openId)).toBe(true);
	});

	test('retry.duplicate delivers every event more than once (at-least-once)', async () => {
		emu.webhooks.callbackUrl = receiver.url;
		emu.webhooks.retry.duplicate = 1;
		emu.revoke({ openId: emu.defaultAccount.openId });
		await emu.webhooks.idle();
		expect(receiver.received).toHaveLength(2);
		expect(receiver.received[0].raw).toBe(receiver.received[1].raw);
	});

	test('events are recorded even without a callback URL', async () => {
		await publicDirectPost();
		emu.clock.advance(5000);
		expect(emu.webhooks.events.map((e) => e.event)).toEqual([
			'post.publish.complete',
			'post.publish.publicly_available',
		]);
		expect(receiver.received).toHaveLength(0);
	});
});
