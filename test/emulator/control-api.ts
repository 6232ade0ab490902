/**
 * JSON control API under /__emulator/ so another process (a real n8n, the demo) can drive and inspect
 * the emulator. Served to loopback clients only; everyone else gets a plain 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback, readSmallBody, withTrailingSlash } from './http';
import type { TikTokEmulator } from './emulator';
import type {
	EmulatorVideo,
	FaultRuleInput,
	SeedVideosOptions,
	StatusPostIdsMode,
	TaskOutcome,
	WebhookDeliverOptions,
} from './types';

class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

/** JSON with Infinity (unlimited rate limits) written as null. */
function stringify(value: unknown): string {
	return JSON.stringify(value, (_key, item: unknown) =>
		typeof item === 'number' && !Number.isFinite(item) ? null : item,
	);
}

function send(res: ServerResponse, status: number, payload: unknown): void {
	const body = Buffer.from(stringify(payload ?? null), 'utf8');
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': String(body.length),
		'Cache-Control': 'no-store',
	});
	res.end(body);
}

function asObject(value: unknown): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new ControlError(400, 'Body must be a JSON object');
	return value as Record<string, unknown>;
}

function requireDefined<T>(value: T | undefined, what: string): T {
	if (value === undefined) throw new ControlError(404, `${what} not found`);
	return value;
}

type ControlHandler = (
	emu: TikTokEmulator,
	body: Record<string, unknown>,
	params: string[],
	url: URL,
) => unknown | Promise<unknown>;

/** [method, pattern, handler]; patterns are matched against the path after /__emulator, segments decoded. */
const CONTROL_ROUTES: Array<[string, RegExp, ControlHandler]> = [
	['GET', /^\/(state|summary)\/$/, (emu) => emu.summary()],
	['POST', /^\/tokens\/$/, (emu, body) => emu.issueTokens(body.openId as string | undefined, body)],
	[
		'POST',
		/^\/tokens\/expire\/$/,
		(emu, body) => ({ expired: emu.expireAccessToken(String(body.token)) }),
	],
	[
		'POST',
		/^\/revoke\/$/,
		(emu, body) => {
			if (typeof body.token === 'string') emu.revoke(body.token);
			else
				emu.revoke({
					openId: String(body.openId),
					reason: body.reason as number | undefined,
					clientKey: body.clientKey as string | undefined,
				});
			return { revoked: true };
		},
	],
	['GET', /^\/clock\/$/, (emu) => ({ now: emu.clock.now(), offsetMs: emu.clock.offsetMs })],
	[
		'POST',
		/^\/clock\/advance\/$/,
		(emu, body) => {
			emu.clock.advance(Number(body.ms));
			return { now: emu.clock.now(), offsetMs: emu.clock.offsetMs };
		},
	],
	['GET', /^\/settings\/$/, (emu) => emu.settings],
	[
		'POST',
		/^\/settings\/$/,
		(emu, body) => {
			emu.updateSettings(body);
			return emu.settings;
		},
	],
	['POST', /^\/app\/$/, (emu, body) => emu.updateApp(body)],
	['POST', /^\/apps\/$/, (emu, body) => emu.addApp(body)],
	['GET', /^\/faults\/$/, (emu) => emu.faults.list()],
	['POST', /^\/faults\/$/, (emu, body) => emu.faults.add(body as unknown as FaultRuleInput)],
	[
		'DELETE',
		/^\/faults\/$/,
		(emu) => {
			emu.faults.clear();
			return { cleared: true };
		},
	],
	[
		'GET',
		/^\/uploads\/([^/]+)\/$/,
		(emu, _body, [publishId]) => requireDefined(emu.getUpload(publishId), `Upload ${publishId}`),
	],
	['GET', /^\/tasks\/$/, (emu) => emu.tasks],
	[
		'GET',
		/^\/tasks\/([^/]+)\/$/,
		(emu, _body, [publishId]) => requireDefined(emu.getTask(publishId), `Task ${publishId}`),
	],
	[
		'POST',
		/^\/tasks\/([^/]+)\/complete-inbox\/$/,
		(emu, body, [publishId]) =>
			emu.completeInbox(publishId, {
				postIds: body.postIds as string[] | undefined,
				public: body.public as boolean | undefined,
			}),
	],
	[
		'POST',
		/^\/tasks\/([^/]+)\/outcome\/$/,
		(emu, body, [publishId]) => {
			emu.setOutcome(publishId, body as unknown as TaskOutcome);
			return emu.getTask(publishId);
		},
	],
	[
		'POST',
		/^\/outcome\/next\/$/,
		(emu, body) => {
			emu.setNextOutcome(
				Object.keys(body).length > 0 ? (body as unknown as TaskOutcome) : undefined,
			);
			return { ok: true };
		},
	],
	[
		'POST',
		/^\/posts\/([^/]+)\/public\/$/,
		(emu, _body, [postId]) => {
			emu.makePostPublic(postId);
			return { ok: true };
		},
	],
	[
		'POST',
		/^\/posts\/([^/]+)\/private\/$/,
		(emu, _body, [postId]) => {
			emu.makePostPrivate(postId);
			return { ok: true };
		},
	],
	[
		'GET',
		/^\/requests\/$/,
		(emu, _body, _params, url) => {
			const since = Number(url.searchParams.get('since') ?? 0);
			return emu.requests.filter((entry) => entry.id > since);
		},
	],
	[
		'DELETE',
		/^\/requests\/$/,
		(emu) => {
			emu.log.clear();
			return { cleared: true };
		},
	],
	['GET', /^\/token-requests\/$/, (emu) => emu.tokenRequests],
	[
		'GET',
		/^\/init-calls\/$/,
		(emu) => ({
			total: emu.initCalls(),
			videoInit: emu.initCalls('videoInit'),
			inboxInit: emu.initCalls('inboxInit'),
			contentInit: emu.initCalls('contentInit'),
		}),
	],
	[
		'GET',
		/^\/webhooks\/$/,
		(emu) => ({
			callbackUrl: emu.webhooks.callbackUrl ?? null,
			retry: emu.webhooks.retry,
			events: emu.webhooks.events,
			deliveries: emu.webhooks.deliveries,
		}),
	],
	[
		'POST',
		/^\/webhooks\/config\/$/,
		(emu, body) => {
			if ('callbackUrl' in body)
				emu.webhooks.callbackUrl = (body.callbackUrl as string | null) ?? undefined;
			if (body.retry) Object.assign(emu.webhooks.retry, asObject(body.retry));
			return { callbackUrl: emu.webhooks.callbackUrl ?? null, retry: emu.webhooks.retry };
		},
	],
	[
		'POST',
		/^\/webhooks\/deliver\/$/,
		(emu, body) => emu.webhooks.deliver(body as unknown as WebhookDeliverOptions),
	],
	[
		'POST',
		/^\/webhooks\/ping\/$/,
		(emu, body) => emu.webhooks.ping(body.url as string | undefined),
	],
	['GET', /^\/accounts\/$/, (emu) => emu.accounts],
	['POST', /^\/accounts\/$/, (emu, body) => emu.addAccount(body)],
	[
		'POST',
		/^\/accounts\/([^/]+)\/$/,
		(emu, body, [openId]) => {
			const account = requireDefined(emu.accountByOpenId(openId), `Account ${openId}`);
			const { videos: _videos, openId: _openId, ...fields } = body;
			Object.assign(account, fields);
			return account;
		},
	],
	// Catalogues: ':openId' may be 'default' (the default account).
	['GET', /^\/accounts\/([^/]+)\/videos\/$/, (emu, _body, [openId]) => emu.videosOf(openId)],
	[
		'POST',
		/^\/accounts\/([^/]+)\/videos\/$/,
		(emu, body, [openId]) => {
			if (Array.isArray(body.videos))
				return emu.addVideos(openId, body.videos as Array<Partial<EmulatorVideo>>);
			if (typeof body.count !== 'number')
				throw new ControlError(
					400,
					'Send {count, newestAtMs?, spacingMs?, titlePrefix?, privateIndexes?, seed?, replace?} or {videos: [...]}',
				);
			return emu.seedVideos(openId, body as unknown as SeedVideosOptions);
		},
	],
	[
		'POST',
		/^\/videos\/([^/]+)\/$/,
		(emu, body, [postId]) => emu.updateVideo(postId, body as Partial<EmulatorVideo>),
	],
	[
		'DELETE',
		/^\/videos\/([^/]+)\/$/,
		(emu, _body, [postId]) => {
			emu.deleteVideo(postId);
			return { deleted: true };
		},
	],
	[
		'POST',
		/^\/tasks\/([^/]+)\/status-post-ids\/$/,
		(emu, body, [publishId]) =>
			emu.setStatusPostIds(publishId, (body.mode ?? undefined) as StatusPostIdsMode | undefined),
	],
	[
		'POST',
		/^\/consent\/$/,
		(emu, body) => {
			emu.consentAccount =
				body.openId === null
					? null
					: requireDefined(
							emu.accountByOpenId(String(body.openId)),
							`Account ${String(body.openId)}`,
						);
			return { consentOpenId: emu.consentAccount?.openId ?? null };
		},
	],
];

export async function handleControl(
	emu: TikTokEmulator,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
): Promise<void> {
	if (!isLoopback(req.socket.remoteAddress)) {
		req.resume();
		res.writeHead(404).end();
		return;
	}
	try {
		const raw = await readSmallBody(req, 16 * 1024 * 1024);
		let body: Record<string, unknown> = {};
		if (raw.length > 0) {
			try {
				body = asObject(JSON.parse(raw.toString('utf8')));
			} catch (error) {
				throw error instanceof ControlError
					? error
					: new ControlError(400, 'Body is not valid JSON');
			}
		}
		const path = withTrailingSlash(url.pathname).slice('/__emulator'.length);
		for (const [method, pattern, handler] of CONTROL_ROUTES) {
			const match = pattern.exec(path);
			if (!match) continue;
			if (req.method !== method) continue;
			emu.sync();
			const result = await handler(
				emu,
				body,
				match.slice(1).map((part) => decodeURIComponent(part)),
				url,
			);
			return send(res, 200, result);
		}
		throw new ControlError(404, `No control route ${req.method} ${url.pathname}`);
	} catch (error) {
		const status = error instanceof ControlError ? error.status : 400;
		send(res, status, { error: (error as Error).message });
	}
}
