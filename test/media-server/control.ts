/**
 * JSON control API under /__media/ (loopback clients only) so another process (a real n8n e2e run, the
 * benchmark) can add files, flip switches and read the request log of a CLI-started media server.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MediaServer } from './server';
import type { MediaFile } from './types';

function isLoopback(address: string | undefined): boolean {
	return (
		address !== undefined &&
		(address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'))
	);
}

function send(res: ServerResponse, status: number, payload: unknown): void {
	const body = Buffer.from(JSON.stringify(payload ?? null), 'utf8');
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': String(body.length),
		'Cache-Control': 'no-store',
	});
	res.end(body);
}

/** JSON cannot carry Buffers: `bodyBase64` / `prefixBase64` stand for `body` / `prefix`. */
export function fileFromJson(json: Record<string, unknown>): MediaFile {
	const { bodyBase64, prefixBase64, path: _path, ...rest } = json;
	const file = rest as MediaFile;
	if (typeof bodyBase64 === 'string') file.body = Buffer.from(bodyBase64, 'base64');
	if (typeof prefixBase64 === 'string') file.prefix = Buffer.from(prefixBase64, 'base64');
	const change = file.change as (MediaFile['change'] & { bodyBase64?: string }) | undefined;
	if (change && typeof change.bodyBase64 === 'string') {
		change.body = Buffer.from(change.bodyBase64, 'base64');
		delete change.bodyBase64;
	}
	return file;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const parts: Buffer[] = [];
	for await (const part of req) parts.push(part as Buffer);
	const text = Buffer.concat(parts).toString('utf8');
	if (text.trim() === '') return {};
	const parsed: unknown = JSON.parse(text);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
		throw new Error('Body must be a JSON object');
	return parsed as Record<string, unknown>;
}

/**
 * GET files · POST files {path, ...MediaFile} (add or replace) · POST files/update {path, ...patch} ·
 * DELETE files?path= · GET file?path= · GET sha256?path= · GET requests?since=id&path= · DELETE requests
 */
export async function handleControl(
	server: MediaServer,
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
		const body = await readJson(req);
		const route = `${req.method} ${url.pathname.replace(/\/+$/, '').slice('/__media'.length)}`;
		const path = () => {
			const value =
				url.searchParams.get('path') ?? (typeof body.path === 'string' ? body.path : undefined);
			if (!value) throw new Error('path is required');
			return value;
		};
		switch (route) {
			case 'GET /files':
				return send(
					res,
					200,
					server.paths().map((p) => server.describe(p)),
				);
			case 'POST /files':
				server.set(path(), fileFromJson(body));
				return send(res, 200, server.describe(path()));
			case 'POST /files/update':
				server.update(path(), fileFromJson(body));
				return send(res, 200, server.describe(path()));
			case 'DELETE /files':
				server.remove(path());
				return send(res, 200, { removed: true });
			case 'GET /file':
				return send(res, 200, server.describe(path()));
			case 'GET /sha256':
				return send(res, 200, { sha256: await server.sha256(path()), size: server.sizeOf(path()) });
			case 'GET /requests': {
				const since = Number(url.searchParams.get('since') ?? 0);
				const only = url.searchParams.get('path');
				return send(
					res,
					200,
					server.requests.filter(
						(entry) => entry.id > since && (only === null || entry.path === only),
					),
				);
			}
			case 'DELETE /requests':
				server.clearRequests();
				return send(res, 200, { cleared: true });
			default:
				return send(res, 404, { error: `No control route ${route}` });
		}
	} catch (error) {
		send(res, 400, { error: (error as Error).message });
	}
}
