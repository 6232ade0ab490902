import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { explainFailReason } from '../../shared/errors/messages';
import { parseJsonLossless } from '../../shared/transport/json';
import { isoTime } from '../../shared/utils/time';

/** Event names exactly as TikTok sends them ("publicaly" is TikTok's spelling). */
export const TIKTOK_EVENTS = {
	publishComplete: 'post.publish.complete',
	publiclyAvailable: 'post.publish.publicly_available',
	publishFailed: 'post.publish.failed',
	inboxDelivered: 'post.publish.inbox_delivered',
	noLongerPubliclyAvailable: 'post.publish.no_longer_publicaly_available',
	authorizationRemoved: 'authorization.removed',
} as const;

/** The `events` value that also lets through events the node does not know (like the portal's tiktok.ping). */
export const ALL_EVENTS = '*';

export const DEFAULT_EVENTS = [TIKTOK_EVENTS.publishComplete, TIKTOK_EVENTS.publiclyAvailable];

/** authorization.removed reason codes (TikTok's Webhook Events page). */
const AUTHORIZATION_REMOVED_REASONS: Record<number, string> = {
	0: 'Unknown reason',
	1: 'The user disconnected the app in TikTok',
	2: 'The user deleted the TikTok account',
	3: "The user's age changed",
	4: 'The TikTok account was banned',
	5: 'The developer revoked the authorization',
};

/** The envelope TikTok posts: `content` is itself a JSON string. */
export interface TikTokEnvelope {
	client_key?: unknown;
	event: string;
	create_time?: unknown;
	user_openid?: unknown;
	content?: unknown;
}

/** What the trigger outputs for one event. */
export interface TikTokEventItem extends IDataObject {
	event: string;
	/** The event time as ISO 8601 (TikTok's create_time, seconds; milliseconds for the portal's test ping) */
	eventTime: string | null;
	publishId: string | null;
	/** TikTok's 19-digit post id, always a string so it never rounds */
	postId: string | null;
	publishType: string | null;
	/** post.publish.failed: TikTok's fail_reason; authorization.removed: the numeric reason code */
	reason: string | number | null;
	reasonDescription: string | null;
	/** https://www.tiktok.com/@{username}/video/{postId}, when the post and the account's username are known */
	shareUrl: string | null;
	userOpenId: string | null;
	clientKey: string | null;
	createTime: number | null;
	/** `content` parsed (losslessly); the raw string when it is not JSON */
	content: IDataObject | string | null;
}

/** Parses the raw body into the envelope, keeping 19-digit numbers exact. Undefined if it is not one. */
export function parseEnvelope(rawBody: Buffer | string): TikTokEnvelope | undefined {
	let parsed: unknown;
	try {
		parsed = parseJsonLossless(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
	} catch {
		return undefined;
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
	const envelope = parsed as IDataObject;
	return typeof envelope.event === 'string' && envelope.event !== ''
		? (envelope as unknown as TikTokEnvelope)
		: undefined;
}

/** `content` is a JSON string inside the JSON: parse it a second time, losslessly. */
export function parseContent(content: unknown): IDataObject | string | null {
	if (content === undefined || content === null) return null;
	if (typeof content === 'object' && !Array.isArray(content)) return content as IDataObject;
	if (typeof content !== 'string') return String(content);
	try {
		const parsed = parseJsonLossless(content);
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
			? (parsed as IDataObject)
			: content;
	} catch {
		return content;
	}
}

export function isEventSelected(event: string, selected: string[]): boolean {
	return selected.includes(ALL_EVENTS) || selected.includes(event);
}

/** The output item of an envelope. `shareUrlOf` builds the post link when it can. */
export function toEventItem(
	envelope: TikTokEnvelope,
	shareUrlOf: (postId: string, userOpenId: string | null) => string | null,
): TikTokEventItem {
	const content = parseContent(envelope.content);
	const fields = typeof content === 'object' && content !== null ? content : {};
	const postId = idString(fields.post_id);
	const userOpenId = optionalString(envelope.user_openid);
	const reason =
		typeof fields.reason === 'string' || typeof fields.reason === 'number' ? fields.reason : null;
	const createTime = typeof envelope.create_time === 'number' ? envelope.create_time : null;
	return {
		event: envelope.event,
		eventTime: isoTime(createTime),
		publishId: optionalString(fields.publish_id),
		postId,
		publishType: optionalString(fields.publish_type),
		reason,
		reasonDescription: describeReason(envelope.event, reason),
		shareUrl: postId ? shareUrlOf(postId, userOpenId) : null,
		userOpenId,
		clientKey: optionalString(envelope.client_key),
		createTime,
		content,
	};
}

export function describeReason(event: string, reason: string | number | null): string | null {
	if (reason === null) return null;
	if (event === TIKTOK_EVENTS.publishFailed) return explainFailReason(String(reason));
	if (event === TIKTOK_EVENTS.authorizationRemoved) {
		return AUTHORIZATION_REMOVED_REASONS[Number(reason)] ?? `Unknown reason code ${String(reason)}`;
	}
	return null;
}

/**
 * What identifies an event across TikTok's redeliveries. Retries may be re-signed with a fresh `t` (TikTok
 * does not say), so the signature cannot be the key; the envelope's fields can (with `content` canonicalised, so a re-serialised
 * payload still matches). Hashed to keep the static data small.
 */
export function eventDedupeKey(envelope: TikTokEnvelope): string {
	const identity = JSON.stringify([
		envelope.event,
		envelope.client_key ?? null,
		envelope.user_openid ?? null,
		envelope.create_time ?? null,
		canonical(parseContent(envelope.content)),
	]);
	return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

function idString(value: unknown): string | null {
	// Lossless parsing already turned unsafe integers into strings; small numbers are safe to print
	if (typeof value === 'string' && value !== '') return value;
	if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
	return null;
}

function optionalString(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

/** JSON with object keys sorted at every level. */
function canonical(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(canonical);
	if (value && typeof value === 'object') {
		const object = value as IDataObject;
		return Object.keys(object)
			.sort()
			.map((key) => [key, canonical(object[key])]);
	}
	return value;
}
