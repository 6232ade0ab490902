/** The media server: a loopback HTTP server for the URL-upload source's tests, e2e cases and benchmark. */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { DEFAULT_CONTENT_TYPES, resolveContent, type ContentSource, PIECE_BYTES } from './content';
import { handleControl } from './control';
import type { MediaFile, MediaRequestRecord, MediaServerOptions } from './types';

const DEFAULT_LAST_MODIFIED = 'Tue, 01 Dec 2026 00:00:00 GMT';
const MAX_LOG = 20_000;
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

interface FileState {
	spec: MediaFile;
	content: ContentSource;
	version: number;
	requests: number;
	gets: number;
	dropsFired: number;
	redirectsSent: number;
	statusesSent: number;
	changed: boolean;
}

class Cut extends Error {}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves on 'drain', or when the response closes (the client went away). */
function drained(res: http.ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

function writeAndFlush(res: http.ServerResponse, piece: Buffer): Promise<void> {
	return new Promise((resolve) => res.write(piece, () => resolve()));
}

type RangeResult =
	{ kind: 'none' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable' };

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; anything else (several ranges, other units, reversed) is unsatisfiable here. */
export function parseRange(header: string, size: number): RangeResult {
	const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
	if (!match || (match[1] === '' && match[2] === '')) return { kind: 'unsatisfiable' };
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
		return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(match[1]);
	const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
	if (start >= size || (match[2] !== '' && Number(match[2]) < start))
		return { kind: 'unsatisfiable' };
	return { kind: 'range', start, end };
}

export class MediaServer {
	baseUrl = '';
	/** Every request, in arrival order (control requests excluded). */
	readonly requests: MediaRequestRecord[] = [];
	/** TCP connections accepted. */
	connectionCount = 0;

	private readonly files = new Map<string, FileState>();
	private server?: http.Server;
	private nextId = 1;

	constructor(private readonly options: MediaServerOptions = {}) {
		for (const [path, spec] of Object.entries(options.files ?? {})) this.set(path, spec);
	}

	async listen(): Promise<void> {
		const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
			this.handle(req, res).catch((error: unknown) => {
				if (!res.headersSent && !res.destroyed)
					res
						.writeHead(500, { 'Content-Type': 'text/plain' })
						.end(`media server error: ${(error as Error).message}`);
				else res.destroy();
			});
		};
		const tls = this.options.tls;
		const server: http.Server = tls
			? https.createServer({ key: tls.key, cert: tls.cert }, listener)
			: http.createServer(listener);
		server.on(tls ? 'secureConnection' : 'connection', () => {
			this.connectionCount += 1;
		});
		server.on('clientError', (_error, socket: Socket) => socket.destroy());
		this.server = server;
		const host = this.options.host ?? '127.0.0.1';
		const port = await new Promise<number>((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.options.port ?? 0, host, () => {
				server.off('error', reject);
				resolve((server.address() as AddressInfo).port);
			});
		});
		const shownHost =
			host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
		this.baseUrl = `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
	}

	/** Closes the server, cutting open connections. */
	close(): Promise<void> {
		const server = this.server;
		if (!server || !server.listening) return Promise.resolve();
		return new Promise((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	/** Absolute URL of a path (a query string may follow, e.g. '/v.mp4?X-Amz-Signature=secret'). */
	url(path: string): string {
		return `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
	}

	/** Adds or replaces a file; its request counters start again. */
	set(path: string, spec: MediaFile): void {
		const key = normalisePath(path);
		this.files.set(key, {
			spec: { ...spec },
			content: resolveContent(spec),
			version: 0,
			requests: 0,
			gets: 0,
			dropsFired: 0,
			redirectsSent: 0,
			statusesSent: 0,
			changed: false,
		});
	}

	/** Merges switches or content into a file without resetting its counters; new content bumps its version. */
	update(path: string, patch: Partial<MediaFile>): void {
		const state = this.state(path);
		const contentKeys = [
			'kind',
			'size',
			'seed',
			'durationSec',
			'prefix',
			'body',
			'filePath',
		] as const;
		state.spec = { ...state.spec, ...patch };
		if (contentKeys.some((key) => key in patch)) {
			state.content = resolveContent(state.spec);
			state.version += 1;
		}
	}

	remove(path: string): void {
		this.files.delete(normalisePath(path));
	}

	paths(): string[] {
		return [...this.files.keys()];
	}

	/** The file's current spec, size, version, ETag and Last-Modified. */
	describe(path: string): {
		path: string;
		url: string;
		size: number;
		version: number;
		etag: string | null;
		lastModified: string | null;
		requests: number;
		spec: MediaFile;
	} {
		const key = normalisePath(path);
		const state = this.state(key);
		return {
			path: key,
			url: this.url(key),
			size: state.content.size,
			version: state.version,
			etag: this.etagOf(state),
			lastModified: this.lastModifiedOf(state),
			requests: state.requests,
			spec: state.spec,
		};
	}

	/** Size of the current content. */
	sizeOf(path: string): number {
		return this.state(path).content.size;
	}

	/** The current content's bytes start..end inclusive (for small assertions; use stream() or sha256() for big files). */
	async read(path: string, start = 0, end?: number): Promise<Buffer> {
		const { content } = this.state(path);
		const parts: Buffer[] = [];
		for await (const piece of content.read(
			start,
			Math.min(end ?? content.size - 1, content.size - 1),
		))
			parts.push(piece);
		return Buffer.concat(parts);
	}

	/** The current content as a stream (all of it, or start..end inclusive). */
	stream(path: string, start = 0, end?: number): Readable {
		const { content } = this.state(path);
		return Readable.from(content.read(start, Math.min(end ?? content.size - 1, content.size - 1)));
	}

	/** Hex SHA-256 of the current content (streamed: fine for GBs). */
	async sha256(path: string, start = 0, end?: number): Promise<string> {
		const hash = createHash('sha256');
		const { content } = this.state(path);
		for await (const piece of content.read(
			start,
			Math.min(end ?? content.size - 1, content.size - 1),
		))
			hash.update(piece);
		return hash.digest('hex');
	}

	requestsFor(path: string, method?: string): MediaRequestRecord[] {
		const key = normalisePath(path);
		return this.requests.filter(
			(entry) => entry.path === key && (method === undefined || entry.method === method),
		);
	}

	clearRequests(): void {
		this.requests.length = 0;
	}

	private state(path: string): FileState {
		const state = this.files.get(normalisePath(path));
		if (!state) throw new Error(`No file at ${path}`);
		return state;
	}

	private etagOf(state: FileState): string | null {
		if (state.spec.etag === false) return null;
		if (typeof state.spec.etag === 'string') return state.spec.etag;
		return `"${createHash('sha1').update(state.content.identity).digest('hex').slice(0, 20)}"`;
	}

	private lastModifiedOf(state: FileState): string | null {
		if (state.spec.lastModified === false) return null;
		return state.spec.lastModified ?? DEFAULT_LAST_MODIFIED;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://media.invalid');
		if (url.pathname.startsWith('/__media/')) return handleControl(this, req, res, url);
		const started = Date.now();
		const record: MediaRequestRecord = {
			id: this.nextId++,
			method: req.method ?? 'GET',
			path: normalisePath(url.pathname),
			query: url.search.replace(/^\?/, ''),
			range: req.headers.range,
			headers: redactedHeaders(req),
			status: 0,
			responseHeaders: {},
			bytesSent: 0,
			dropped: false,
			aborted: false,
			requestNumber: 0,
			version: 0,
			startedAt: started,
			durationMs: 0,
		};
		this.requests.push(record);
		if (this.requests.length > MAX_LOG) this.requests.splice(0, this.requests.length - MAX_LOG);
		req.resume();
		res.on('close', () => {
			record.durationMs = Date.now() - started;
			if (!res.writableFinished && !record.dropped) record.aborted = true;
		});
		const send = (status: number, headers: Record<string, string>, body?: string) => {
			const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
			const all = {
				...headers,
				...(payload
					? {
							'Content-Type': headers['Content-Type'] ?? 'text/plain; charset=utf-8',
							'Content-Length': String(payload.length),
						}
					: {}),
			};
			record.status = status;
			record.responseHeaders = lowerKeys(all);
			res.writeHead(status, all);
			if (payload && req.method !== 'HEAD') record.bytesSent = payload.length;
			res.end(req.method === 'HEAD' ? undefined : payload);
		};

		const state = this.files.get(record.path);
		if (!state) return send(404, {}, `Not found: ${record.path}\n`);
		state.requests += 1;
		record.requestNumber = state.requests;
		const change = state.spec.change;
		if (change && !state.changed && state.requests > change.afterRequests) {
			state.changed = true;
			const { afterRequests: _after, ...patch } = change;
			this.update(record.path, patch);
		}
		record.version = state.version;
		const spec = state.spec;
		const extra = spec.headers ?? {};
		if (spec.delayMs) await sleep(spec.delayMs);

		const allow = spec.head === false ? 'GET' : 'GET, HEAD';
		if (req.method !== 'GET' && !(req.method === 'HEAD' && spec.head !== false)) {
			return send(405, { ...extra, Allow: allow }, `Method ${req.method} not allowed\n`);
		}
		if (
			spec.redirect &&
			(spec.redirect.times === undefined || state.redirectsSent < spec.redirect.times)
		) {
			state.redirectsSent += 1;
			return send(
				spec.redirect.status ?? 302,
				{ ...extra, Location: spec.redirect.to },
				`Moved to ${spec.redirect.to}\n`,
			);
		}
		if (
			spec.status !== undefined &&
			(spec.statusTimes === undefined || state.statusesSent < spec.statusTimes)
		) {
			state.statusesSent += 1;
			return send(spec.status, extra, `${spec.status} ${http.STATUS_CODES[spec.status] ?? ''}\n`);
		}

		const { content } = state;
		const size = content.size;
		const etag = this.etagOf(state);
		const lastModified = this.lastModifiedOf(state);
		const ranges = spec.ranges !== false;
		const headers: Record<string, string> = {
			'Content-Type': spec.contentType ?? DEFAULT_CONTENT_TYPES[spec.kind ?? 'mp4'],
		};
		const acceptRanges =
			spec.acceptRanges === undefined
				? ranges
					? 'bytes'
					: undefined
				: spec.acceptRanges || undefined;
		if (acceptRanges) headers['Accept-Ranges'] = acceptRanges;
		if (etag) headers.ETag = etag;
		if (lastModified) headers['Last-Modified'] = lastModified;
		Object.assign(headers, extra);
		const tellsSize = spec.contentLength !== false;
		const withLength =
			spec.contentLength === 'chunked' ? req.method === 'HEAD' : spec.contentLength !== false;
		const total = tellsSize ? String(size) : '*';

		const ifMatch = req.headers['if-match'];
		if (
			ifMatch !== undefined &&
			ifMatch.trim() !== '*' &&
			!ifMatch
				.split(',')
				.map((tag) => tag.trim())
				.includes(etag ?? '')
		) {
			return send(412, extra, 'Precondition Failed: the file changed\n');
		}

		let status = 200;
		let start = 0;
		let end = size - 1;
		const rangeHeader = req.headers.range;
		const ifRange = req.headers['if-range'];
		if (
			ranges &&
			rangeHeader !== undefined &&
			ifRangeHolds(Array.isArray(ifRange) ? ifRange[0] : ifRange, etag, lastModified)
		) {
			const range = parseRange(rangeHeader, size);
			if (range.kind === 'unsatisfiable') {
				return send(
					416,
					{ ...headers, 'Content-Range': `bytes */${total}` },
					`Range Not Satisfiable: ${rangeHeader} (size ${size})\n`,
				);
			}
			if (range.kind === 'range') {
				status = 206;
				start = range.start;
				end = range.end;
				headers['Content-Range'] = `bytes ${start}-${end}/${total}`;
			}
		}
		if (withLength) headers['Content-Length'] = String(end - start + 1);
		record.start = start;
		record.end = end;
		record.status = status;
		record.responseHeaders = lowerKeys(headers);
		res.writeHead(status, headers);
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		state.gets += 1;
		await this.sendBody(res, record, state, start, end);
	}

	/** Streams start..end, throttled and cut as the switches say. */
	private async sendBody(
		res: http.ServerResponse,
		record: MediaRequestRecord,
		state: FileState,
		start: number,
		end: number,
	): Promise<void> {
		const spec = state.spec;
		const cutAt = this.cutPoint(state, start, end);
		const bps = spec.bytesPerSecond;
		const piece = bps ? Math.max(1, Math.min(PIECE_BYTES, Math.floor(bps / 20))) : PIECE_BYTES;
		const began = Date.now();
		const limit = cutAt ?? end - start + 1;
		try {
			for await (let chunk of state.content.read(start, end, piece)) {
				if (res.destroyed) return;
				if (record.bytesSent + chunk.length >= limit && cutAt !== undefined) {
					chunk = chunk.subarray(0, limit - record.bytesSent);
					if (chunk.length > 0) await writeAndFlush(res, chunk);
					record.bytesSent += chunk.length;
					throw new Cut();
				}
				record.bytesSent += chunk.length;
				if (!res.write(chunk)) await drained(res);
				if (bps) {
					const due = began + (record.bytesSent * 1000) / bps;
					const wait = due - Date.now();
					if (wait > 0) await sleep(wait);
				}
			}
			res.end();
		} catch (error) {
			if (!(error instanceof Cut)) throw error;
			record.dropped = true;
			res.socket?.destroy();
			res.destroy();
		}
	}

	/** Body bytes after which this GET is cut, or undefined. */
	private cutPoint(state: FileState, start: number, end: number): number | undefined {
		const drop = state.spec.drop;
		if (!drop) return undefined;
		if (drop.atOffset !== undefined && (drop.atOffset < start || drop.atOffset > end))
			return undefined;
		const selected = drop.requests
			? drop.requests.includes(state.gets)
			: drop.every === true || state.dropsFired < (drop.times ?? 1);
		if (!selected) return undefined;
		state.dropsFired += 1;
		if (drop.atOffset !== undefined) return drop.atOffset - start;
		if (drop.afterBytes !== undefined) return Math.min(drop.afterBytes, end - start);
		return Math.floor((end - start + 1) / 2);
	}
}

/** If-Range: the range applies only while the validator still matches (else the whole current file is sent). */
function ifRangeHolds(
	ifRange: string | undefined,
	etag: string | null,
	lastModified: string | null,
): boolean {
	if (ifRange === undefined) return true;
	const value = ifRange.trim();
	if (value.startsWith('"') || value.startsWith('W/')) return etag !== null && value === etag;
	return lastModified !== null && value === lastModified;
}

function normalisePath(path: string): string {
	const pathname = path.split('?')[0];
	return pathname.startsWith('/') ? pathname : `/${pathname}`;
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
	);
}

function redactedHeaders(req: http.IncomingMessage): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		out[key] = SECRET_HEADERS.has(key)
			? '[redacted]'
			: Array.isArray(value)
				? value.join(', ')
				: value;
	}
	return out;
}
