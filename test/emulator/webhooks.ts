/**
 * Webhook sender (spec §11): TikTok-Signature `t=<unix s>,s=<hex HMAC-SHA256(client_secret, t + "." + rawBody)>`,
 * envelope {client_key, event, create_time, user_openid, content: "<JSON string>"}. Lifecycle events are
 * auto-delivered to callbackUrl with compressed exponential backoff; retries are re-signed with a fresh t.
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TikTokEmulator } from './emulator';
import type {
	LifecycleEvent,
	WebhookDeliverOptions,
	WebhookDeliverResult,
	WebhookDeliveryRecord,
	WebhookRetrySettings,
} from './types';

export const SIGNATURE_HEADER = 'TikTok-Signature';

export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
	const signature = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
	return `t=${timestamp},s=${signature}`;
}

/** The envelope exactly as TikTok serialises it: content is itself a JSON string. */
export function webhookBody(
	clientKey: string,
	event: string,
	createTime: number,
	userOpenId: string | undefined,
	content: unknown,
): string {
	const contentString = typeof content === 'string' ? content : JSON.stringify(content);
	const envelope: Record<string, unknown> = {
		client_key: clientKey,
		event,
		create_time: createTime,
	};
	if (userOpenId !== undefined) envelope.user_openid = userOpenId;
	envelope.content = contentString;
	return JSON.stringify(envelope);
}

function flipLastHexDigit(header: string): string {
	const last = header[header.length - 1];
	return header.slice(0, -1) + (last === '0' ? '1' : '0');
}

export function defaultRetrySettings(): WebhookRetrySettings {
	return { baseDelayMs: 500, factor: 2, maxAttempts: 6, duplicate: 0, timeoutMs: 5000 };
}

export class WebhookSender {
	/** When set, lifecycle transitions are delivered here automatically. */
	callbackUrl?: string;
	readonly retry: WebhookRetrySettings;
	/** Every attempt made (manual and automatic). */
	readonly deliveries: WebhookDeliveryRecord[] = [];
	/** Every lifecycle event the emulator produced, delivered or not. */
	readonly events: LifecycleEvent[] = [];
	private nextDeliveryId = 1;
	private readonly pending = new Set<Promise<void>>();
	/** Pending backoff waits; close() ends them so nothing hangs on a closed emulator. */
	private readonly waits = new Map<NodeJS.Timeout, () => void>();
	private readonly requests = new Set<http.ClientRequest>();
	private closed = false;

	constructor(
		private readonly emu: TikTokEmulator,
		retry: Partial<WebhookRetrySettings> = {},
	) {
		this.retry = { ...defaultRetrySettings(), ...retry };
	}

	/** Sends one webhook now (tests, control API). Not retried. */
	async deliver(options: WebhookDeliverOptions): Promise<WebhookDeliverResult> {
		const app = options.clientKey
			? (this.emu.appByKey(options.clientKey) ?? this.emu.app)
			: this.emu.app;
		const nowSec = Math.floor(this.emu.clock.now() / 1000);
		const userOpenId =
			'userOpenId' in options ? options.userOpenId : this.emu.defaultAccount.openId;
		const body = webhookBody(
			options.clientKey ?? app.clientKey,
			options.event,
			options.createTime ?? nowSec,
			userOpenId,
			options.content,
		);
		let header: string | undefined = signWebhook(
			options.secret ?? app.clientSecret,
			options.timestamp ?? nowSec,
			body,
		);
		let sentBody = body;
		if (options.tamper === 'signature') header = flipLastHexDigit(header);
		if (options.tamper === 'body')
			sentBody = body.replace(
				/"create_time":(\d+)/,
				(_, n: string) => `"create_time":${Number(n) + 1}`,
			);
		if (options.omitHeader) header = undefined;
		const deliveryId = this.nextDeliveryId++;
		const first = await this.post(options.url, options.event, sentBody, header, deliveryId, 1);
		const duplicates: Array<{ status: number; body: string }> = [];
		for (let i = 0; i < (options.duplicate ?? 0); i++) {
			const again = await this.post(options.url, options.event, sentBody, header, deliveryId, 1);
			duplicates.push({ status: again.status, body: again.responseBody });
		}
		return {
			status: first.status,
			body: first.responseBody,
			sentBody,
			signatureHeader: header,
			duplicates,
		};
	}

	/** Called by the lifecycle for every transition. */
	onLifecycleEvent(event: LifecycleEvent): void {
		this.events.push(event);
		this.autoDeliver(
			event.event,
			event.clientKey,
			event.openId,
			Math.floor(event.at / 1000),
			event.content,
		);
	}

	/** authorization.removed; reason 0 unknown, 1 user disconnected, 2 deleted, 3 age changed, 4 banned, 5 developer revoked. */
	authorizationRemoved(openId: string, clientKey: string, reason: number): void {
		this.onLifecycleEvent({
			event: 'authorization.removed',
			openId,
			clientKey,
			at: this.emu.clock.now(),
			content: { reason },
		});
	}

	/** The portal's "Test URL" event; create_time in ms as observed in a logged test delivery. */
	ping(url = this.callbackUrl): Promise<WebhookDeliverResult> {
		if (!url) throw new Error('No webhook URL: set webhooks.callbackUrl or pass one');
		return this.deliver({
			url,
			event: 'tiktok.ping',
			content: { reason: 'testing Webhook' },
			createTime: this.emu.clock.now(),
		});
	}

	/** Resolves when every automatic delivery (with its retries) has finished. */
	async idle(): Promise<void> {
		while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
	}

	close(): void {
		this.closed = true;
		for (const [timer, resolve] of this.waits) {
			clearTimeout(timer);
			resolve();
		}
		this.waits.clear();
		for (const request of this.requests) request.destroy();
	}

	private autoDeliver(
		event: string,
		clientKey: string,
		openId: string,
		createTime: number,
		content: Record<string, unknown>,
	): void {
		const url = this.callbackUrl;
		if (!url || this.closed) return;
		const app = this.emu.appByKey(clientKey) ?? this.emu.app;
		const body = webhookBody(clientKey, event, createTime, openId, content);
		const deliveryId = this.nextDeliveryId++;
		const copies = 1 + this.retry.duplicate;
		for (let copy = 0; copy < copies; copy++) {
			const run = this.deliverWithRetry(url, event, body, app.clientSecret, deliveryId);
			this.pending.add(run);
			void run.finally(() => this.pending.delete(run));
		}
	}

	private async deliverWithRetry(
		url: string,
		event: string,
		body: string,
		secret: string,
		deliveryId: number,
	): Promise<void> {
		for (let attempt = 1; attempt <= this.retry.maxAttempts && !this.closed; attempt++) {
			// Re-signed per attempt so a receiver's timestamp tolerance does not reject late retries (TikTok: unsure).
			const header = signWebhook(secret, Math.floor(this.emu.clock.now() / 1000), body);
			const record = await this.post(url, event, body, header, deliveryId, attempt);
			// TikTok treats anything but 200 as a failure.
			if (record.status === 200) return;
			if (attempt < this.retry.maxAttempts)
				await this.wait(this.retry.baseDelayMs * this.retry.factor ** (attempt - 1));
		}
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.waits.delete(timer);
				resolve();
			}, ms);
			timer.unref();
			this.waits.set(timer, resolve);
		});
	}

	private post(
		url: string,
		event: string,
		body: string,
		header: string | undefined,
		deliveryId: number,
		attempt: number,
	): Promise<WebhookDeliveryRecord> {
		const record: WebhookDeliveryRecord = {
			deliveryId,
			url,
			event,
			attempt,
			status: 0,
			responseBody: '',
			body,
			signatureHeader: header,
			at: this.emu.clock.now(),
		};
		this.deliveries.push(record);
		return new Promise((resolve) => {
			const target = new URL(url);
			const transport = target.protocol === 'https:' ? https : http;
			const headers: Record<string, string> = {
				'Content-Type': 'application/json',
				'Content-Length': String(Buffer.byteLength(body)),
				'User-Agent': 'TikTok-Webhook-Emulator/1.0',
			};
			if (header !== undefined) headers[SIGNATURE_HEADER] = header;
			const request = transport.request(
				target,
				{ method: 'POST', headers, agent: false, timeout: this.retry.timeoutMs },
				(response) => {
					const parts: Buffer[] = [];
					response.on('data', (part: Buffer) => parts.push(part));
					response.on('end', () => {
						record.status = response.statusCode ?? 0;
						record.responseBody = Buffer.concat(parts).toString('utf8');
						done();
					});
					response.on('error', (error) => fail(error));
				},
			);
			this.requests.add(request);
			const done = () => {
				this.requests.delete(request);
				resolve(record);
			};
			const fail = (error: Error) => {
				record.status = 0;
				record.error = error.message;
				done();
			};
			request.on('timeout', () => request.destroy(new Error('Webhook receiver timed out')));
			request.on('error', fail);
			request.end(body);
		});
	}
}
