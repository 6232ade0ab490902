/** The request log: every request either server received, with secrets redacted. */
import type { IncomingMessage } from 'node:http';
import type { RequestLogEntry } from './types';

const SECRET_KEYS = new Set([
	'upload_token',
	'client_secret',
	'code',
	'code_verifier',
	'refresh_token',
	'access_token',
	'token',
]);
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const MAX_ENTRIES = 20_000;

export function redactRecord(record: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(record))
		out[key] = SECRET_KEYS.has(key) ? '[redacted]' : value;
	return out;
}

export function redactedQuery(params: URLSearchParams): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of params) out[key] = SECRET_KEYS.has(key) ? '[redacted]' : value;
	return out;
}

export function redactedHeaders(req: IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		const text = Array.isArray(value) ? value.join(', ') : value;
		if (!SECRET_HEADERS.has(key)) out[key] = text;
		else out[key] = key === 'authorization' ? `${text.split(' ')[0]} [redacted]` : '[redacted]';
	}
	return out;
}

export class RequestLog {
	private nextId = 1;
	readonly entries: RequestLogEntry[] = [];

	open(
		server: RequestLogEntry['server'],
		req: IncomingMessage,
		url: URL,
		nowMs: number,
	): RequestLogEntry {
		const entry: RequestLogEntry = {
			id: this.nextId++,
			server,
			method: req.method ?? 'GET',
			path: url.pathname,
			query: redactedQuery(url.searchParams),
			headers: redactedHeaders(req),
			bodyBytes: 0,
			status: 0,
			time: nowMs,
			durationMs: 0,
		};
		this.entries.push(entry);
		// Bounded: long benchmarks must not grow memory without limit.
		if (this.entries.length > MAX_ENTRIES)
			this.entries.splice(0, this.entries.length - MAX_ENTRIES);
		return entry;
	}

	clear(): void {
		this.entries.length = 0;
	}
}
