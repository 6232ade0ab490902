/** Helpers for the emulator's own tests: real HTTP calls with exact control over headers and bytes. */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';
import type { TikTokEmulator } from './emulator';

export interface HttpResult {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	/** Parsed JSON body, or undefined when the body is not JSON. */
	json: any;
}

function parse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** One request through node:http without connection reuse, so headers are sent exactly as given. */
export function request(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpResult> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{ method: options.method ?? 'GET', headers: options.headers, agent: false },
			(res) => {
				const parts: Buffer[] = [];
				res.on('data', (part: Buffer) => parts.push(part));
				res.on('end', () => {
					const text = Buffer.concat(parts).toString('utf8');
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text) });
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

/** JSON API call with a bearer token. */
export function apiCall(
	emu: TikTokEmulator,
	path: string,
	options: {
		token?: string;
		body?: unknown;
		method?: string;
		headers?: Record<string, string>;
	} = {},
): Promise<HttpResult> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
	let body: string | undefined;
	if (options.body !== undefined) {
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		headers['Content-Type'] ??= 'application/json; charset=UTF-8';
	}
	return request(`${emu.baseUrl}${path}`, { method: options.method ?? 'POST', headers, body });
}

/** Form-encoded POST (token, revoke). */
export function formPost(
	url: string,
	fields: Record<string, string>,
	headers: Record<string, string> = {},
): Promise<HttpResult> {
	return request(url, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
		body: new URLSearchParams(fields).toString(),
	});
}

/** Deterministic pseudo-random bytes (fast enough for tens of MB). */
export function makeBytes(size: number, seed = 1): Buffer {
	const buffer = Buffer.allocUnsafe(size);
	let x = seed >>> 0 || 1;
	for (let i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		buffer[i] = x & 0xff;
	}
	return buffer;
}

export function sha256(data: Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/** PUT one chunk with exactly these headers (Content-Length defaults to the body length). */
export function putChunk(
	uploadUrl: string,
	body: Buffer,
	range: string | undefined,
	options: {
		contentType?: string | null;
		contentLength?: string | null;
		headers?: Record<string, string>;
	} = {},
): Promise<HttpResult> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.contentType !== null) headers['Content-Type'] = options.contentType ?? 'video/mp4';
	if (range !== undefined) headers['Content-Range'] = range;
	if (options.contentLength !== null)
		headers['Content-Length'] = options.contentLength ?? String(body.length);
	return request(uploadUrl, { method: 'PUT', headers, body });
}

/** Uploads `bytes` as TikTok's plan says: chunks of chunkSize, the last one absorbing the remainder. Returns statuses. */
export async function uploadInChunks(
	uploadUrl: string,
	bytes: Buffer,
	chunkSize: number,
	contentType = 'video/mp4',
): Promise<number[]> {
	const count = Math.floor(bytes.length / chunkSize);
	const statuses: number[] = [];
	for (let i = 0; i < count; i++) {
		const start = i * chunkSize;
		const end = i === count - 1 ? bytes.length - 1 : start + chunkSize - 1;
		const result = await putChunk(
			uploadUrl,
			bytes.subarray(start, end + 1),
			`bytes ${start}-${end}/${bytes.length}`,
			{ contentType },
		);
		statuses.push(result.status);
	}
	return statuses;
}

/** Sends raw bytes over a TCP socket and collects whatever comes back until the server closes. */
export function rawExchange(
	baseUrl: string,
	payload: Buffer | string,
	options: { halfClose?: boolean; waitMs?: number } = {},
): Promise<string> {
	const { hostname, port } = new URL(baseUrl);
	return new Promise((resolve) => {
		const socket = net.connect(Number(port), hostname);
		const parts: Buffer[] = [];
		const timer = setTimeout(() => socket.destroy(), options.waitMs ?? 3000);
		socket.on('data', (part) => parts.push(part));
		socket.on('close', () => {
			clearTimeout(timer);
			resolve(Buffer.concat(parts).toString('utf8'));
		});
		socket.on('error', () => undefined);
		socket.write(payload, () => {
			if (options.halfClose) socket.end();
		});
	});
}

/** Polls until `check` passes or the timeout elapses. */
export async function eventually(
	check: () => boolean | Promise<boolean>,
	timeoutMs = 3000,
	stepMs = 20,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check()) return;
		if (Date.now() > deadline) throw new Error('Condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, stepMs));
	}
}

export const MIB = 1_048_576;

/** Direct-post FILE_UPLOAD init body. */
export function fileInitBody(
	videoSize: number,
	chunkSize: number,
	totalChunkCount: number,
	postInfo: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		post_info: { privacy_level: 'SELF_ONLY', title: 'Test #emulator', ...postInfo },
		source_info: {
			source: 'FILE_UPLOAD',
			video_size: videoSize,
			chunk_size: chunkSize,
			total_chunk_count: totalChunkCount,
		},
	};
}
