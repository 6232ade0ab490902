/** The API host: routes /v2/... (OAuth included), the control API, and uploads when uploadServer is 'same'. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControl } from './control-api';
import { creatorInfo, contentInit, inboxInit, videoInit } from './publish';
import { cancel, statusFetch } from './status';
import { userInfo, videoList, videoQuery } from './display';
import { authorizePage, revokeEndpoint, tokenEndpoint } from './oauth';
import {
	ApiError,
	BodyTooLargeError,
	drain,
	mediaType,
	OAuthError,
	readSmallBody,
	sleep,
	withTrailingSlash,
	writeReply,
	type Reply,
} from './http';
import * as ids from './ids';
import { isLateFault } from './faults';
import { envelope, faultReply, oauthError } from './replies';
import { redactRecord } from './request-log';
import { serveUpload, UPLOAD_PATH } from './upload';
import type { RequestContext } from './context';
import type { TikTokEmulator } from './emulator';
import type { FaultTarget, RequestLogEntry } from './types';

interface Route {
	method: 'GET' | 'POST';
	target: FaultTarget;
	flavor: 'api' | 'oauth';
	handler: (ctx: RequestContext) => Reply;
}

const ROUTES: Record<string, Route> = {
	'/v2/auth/authorize/': {
		method: 'GET',
		target: 'authorize',
		flavor: 'oauth',
		handler: authorizePage,
	},
	'/v2/oauth/token/': { method: 'POST', target: 'token', flavor: 'oauth', handler: tokenEndpoint },
	'/v2/oauth/revoke/': {
		method: 'POST',
		target: 'revoke',
		flavor: 'oauth',
		handler: revokeEndpoint,
	},
	'/v2/post/publish/creator_info/query/': {
		method: 'POST',
		target: 'creatorInfo',
		flavor: 'api',
		handler: creatorInfo,
	},
	'/v2/post/publish/video/init/': {
		method: 'POST',
		target: 'videoInit',
		flavor: 'api',
		handler: videoInit,
	},
	'/v2/post/publish/inbox/video/init/': {
		method: 'POST',
		target: 'inboxInit',
		flavor: 'api',
		handler: inboxInit,
	},
	'/v2/post/publish/content/init/': {
		method: 'POST',
		target: 'contentInit',
		flavor: 'api',
		handler: contentInit,
	},
	'/v2/post/publish/status/fetch/': {
		method: 'POST',
		target: 'status',
		flavor: 'api',
		handler: statusFetch,
	},
	'/v2/post/publish/cancel/': { method: 'POST', target: 'cancel', flavor: 'api', handler: cancel },
	'/v2/user/info/': { method: 'GET', target: 'userInfo', flavor: 'api', handler: userInfo },
	'/v2/video/list/': { method: 'POST', target: 'videoList', flavor: 'api', handler: videoList },
	'/v2/video/query/': { method: 'POST', target: 'videoQuery', flavor: 'api', handler: videoQuery },
};

/** Parsed (redacted) body for the request log. */
function loggableBody(req: IncomingMessage, body: Buffer): unknown {
	if (body.length === 0) return undefined;
	const type = mediaType(req.headers['content-type']);
	try {
		if (type === 'application/json') {
			const parsed: unknown = JSON.parse(body.toString('utf8'));
			return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
				? redactRecord(parsed as Record<string, unknown>)
				: parsed;
		}
		if (type === 'application/x-www-form-urlencoded')
			return redactRecord(Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
	} catch {
		// Logged as text below.
	}
	return `<${body.length} bytes of ${type || 'unknown type'}>`;
}

function peekPublishId(body: Buffer): string | undefined {
	try {
		const value = (JSON.parse(body.toString('utf8')) as Record<string, unknown>).publish_id;
		return typeof value === 'string' ? value : undefined;
	} catch {
		return undefined;
	}
}

function runHandler(route: Route, ctx: RequestContext): Reply {
	try {
		return route.handler(ctx);
	} catch (error) {
		if (error instanceof ApiError) {
			const reply = envelope(ctx.logId, error.httpStatus, error.code, error.message, error.data);
			return error.headers ? { ...reply, headers: { ...reply.headers, ...error.headers } } : reply;
		}
		if (error instanceof OAuthError)
			return oauthError(ctx.logId, error.error, error.description, ctx.emu.settings.oauth);
		// An emulator bug must be loud, not look like a TikTok outage.
		console.error('[tiktok-emulator] handler crashed', error);
		return envelope(
			ctx.logId,
			500,
			'internal_error',
			`Emulator error: ${(error as Error).message}`,
			{},
		);
	}
}

export async function handleApiRequest(
	emu: TikTokEmulator,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://emulator.invalid');
	const path = withTrailingSlash(url.pathname);
	if (path.startsWith('/__emulator/')) return handleControl(emu, req, res, url);

	if (path === UPLOAD_PATH && emu.uploadServerMode === 'same') return serveUpload(emu, req, res);
	const started = Date.now();
	emu.sync();
	const entry = emu.log.open('api', req, url, emu.clock.now());
	try {
		await routeApi(emu, req, res, url, path, entry);
	} finally {
		entry.durationMs = Date.now() - started;
	}
}

async function routeApi(
	emu: TikTokEmulator,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	path: string,
	entry: RequestLogEntry,
): Promise<void> {
	const logId = ids.logId(emu.clock.now());
	const send = (reply: Reply) => {
		entry.status = reply.status;
		entry.errorCode = reply.errorCode ?? entry.errorCode;
		writeReply(res, reply);
	};
	const route = ROUTES[path];
	if (!route) {
		await drain(req);
		return send(envelope(logId, 404, 'not_found', `Unknown endpoint ${url.pathname}`, {}));
	}
	if (req.method !== route.method) {
		await drain(req);
		return send({
			...envelope(
				logId,
				405,
				'method_not_allowed',
				`${url.pathname} accepts ${route.method} only`,
				{},
			),
			headers: { Allow: route.method, 'x-tt-logid': logId },
		});
	}
	let body: Buffer;
	try {
		body = await readSmallBody(req);
	} catch (error) {
		if (!(error instanceof BodyTooLargeError)) throw error;
		await drain(req);
		return send(envelope(logId, 413, 'invalid_params', error.message, {}));
	}
	entry.bodyBytes = body.length;
	entry.body = loggableBody(req, body);
	if (
		route.target === 'videoInit' ||
		route.target === 'inboxInit' ||
		route.target === 'contentInit'
	)
		emu.countInitCall(route.target);

	const fault = emu.faults.take(route.target, { publishId: peekPublishId(body) });
	const late = fault !== undefined && isLateFault(fault);
	if (fault) {
		entry.faultId = fault.id;
		const action = fault.action;
		if ('delayMs' in action) await sleep(action.delayMs);
		else if (!late && 'drop' in action) {
			req.socket.destroy();
			return;
		} else if (!late && 'status' in action) return send(faultReply(logId, action, route.flavor));
	}

	const reply = runHandler(route, { emu, req, url, entry, body, logId });
	if (fault && late) {
		// Processed (e.g. the post was created) but the client never sees the answer.
		entry.errorCode = reply.errorCode;
		if ('drop' in fault.action) {
			entry.status = 0;
			req.socket.destroy();
			return;
		}
		if ('status' in fault.action) return send(faultReply(logId, fault.action, route.flavor));
	}
	send(reply);
}
