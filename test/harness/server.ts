/**
 * A tiny local HTTP server that records every request (method, path, query, headers, raw body and
 * parsed form/JSON body) and answers through a handler. For harness tests and for quick fakes; the
 * project's TikTok emulator is the full-featured server.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { onShutdown } from './n8n';

export interface RecordedRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	/** The raw query string (without '?'), exactly as sent. */
	rawQuery: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
	body: Buffer;
	text: string;
	/** Parsed when the content type is application/x-www-form-urlencoded. */
	form?: Record<string, string>;
	/** Parsed when the content type is JSON. */
	json?: unknown;
}

export interface Reply {
	status?: number;
	headers?: Record<string, string>;
	/** Objects are sent as JSON. */
	body?: unknown;
}

export type Handler = (
	req: RecordedRequest,
	res: ServerResponse,
) => Reply | void | Promise<Reply | void>;

export interface TestServer {
	url: string;
	requests: RecordedRequest[];
	/** Requests whose path equals `path` (optionally also the method). */
	requestsTo(path: string, method?: string): RecordedRequest[];
	close(): Promise<void>;
}

function parseSearch(raw: string): Record<string, string> {
	return Object.fromEntries(new URLSearchParams(raw));
}

export async function startTestServer(handler: Handler): Promise<TestServer> {
	const requests: RecordedRequest[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			void (async () => {
				const [path, rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
				const body = Buffer.concat(chunks);
				const text = body.toString('utf8');
				const type = String(req.headers['content-type'] ?? '');
				const recorded: RecordedRequest = {
					method: req.method ?? 'GET',
					path,
					rawQuery,
					query: parseSearch(rawQuery),
					headers: req.headers,
					body,
					text,
				};
				if (type.includes('application/x-www-form-urlencoded')) recorded.form = parseSearch(text);
				if (type.includes('json') && text) {
					try {
						recorded.json = JSON.parse(text);
					} catch {
						// left unparsed
					}
				}
				requests.push(recorded);
				try {
					const reply = await handler(recorded, res);
					if (res.writableEnded) return;
					const { status = 200, headers = {}, body: replyBody } = reply ?? {};
					const isBuffer = Buffer.isBuffer(replyBody);
					const payload =
						replyBody === undefined
							? ''
							: isBuffer || typeof replyBody === 'string'
								? replyBody
								: JSON.stringify(replyBody);
					const contentType =
						replyBody !== undefined && !isBuffer && typeof replyBody !== 'string'
							? { 'content-type': 'application/json' }
							: {};
					res.writeHead(status, { ...contentType, ...headers });
					res.end(payload);
				} catch (error) {
					res.writeHead(500, { 'content-type': 'text/plain' });
					res.end(`test server handler failed: ${(error as Error).message}`);
				}
			})();
		});
	});
	server.keepAliveTimeout = 1000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	onShutdown(close);
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		requestsTo: (path, method) =>
			requests.filter((r) => r.path === path && (!method || r.method === method)),
		close,
	};
}
