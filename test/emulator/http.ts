/** HTTP plumbing shared by the API and upload servers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; the router writes it (or replaces it when a fault says so). */
export interface Reply {
	status: number;
	body: string;
	headers?: Record<string, string>;
	/** error.code / OAuth error, for the request log. */
	errorCode?: string;
}

/** A v2 API error, answered with the {data, error} envelope. */
export class ApiError extends Error {
	constructor(
		readonly httpStatus: number,
		readonly code: string,
		message: string,
		readonly data: Record<string, unknown> = {},
		/** Extra response headers (e.g. Retry-After on a 429 when settings.rateLimitHeaders asks for it). */
		readonly headers?: Record<string, string>,
	) {
		super(message);
	}
}

/** An OAuth error, answered with the flat {error, error_description, log_id} body. */
export class OAuthError extends Error {
	constructor(
		readonly error: string,
		readonly description: string,
	) {
		super(description);
	}
}

export class BodyTooLargeError extends Error {}

/** Reads a whole (small) request body. JSON/form bodies only; uploads are streamed elsewhere. */
export async function readSmallBody(req: IncomingMessage, maxBytes = 1024 * 1024): Promise<Buffer> {
	const parts: Buffer[] = [];
	let total = 0;
	for await (const chunk of req) {
		const buffer = chunk as Buffer;
		total += buffer.length;
		if (total > maxBytes) throw new BodyTooLargeError(`Request body larger than ${maxBytes} bytes`);
		parts.push(buffer);
	}
	return Buffer.concat(parts);
}

/** Discards whatever is left of a request body, so an early answer does not break the client's write. */
export async function drain(req: IncomingMessage): Promise<void> {
	if (req.complete) return;
	await new Promise<void>((resolve) => {
		req.on('end', resolve);
		req.on('close', resolve);
		req.on('error', resolve);
		req.resume();
	});
}

/** drain(), but gives up after `ms` (a client that sends fewer bytes than it declared); true when fully drained. */
export function drainWithin(req: IncomingMessage, ms: number): Promise<boolean> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => resolve(false), ms);
		void drain(req).then(() => {
			clearTimeout(timer);
			resolve(true);
		});
	});
}

export function writeReply(res: ServerResponse, reply: Reply): void {
	if (res.headersSent || res.destroyed) return;
	const body = Buffer.from(reply.body, 'utf8');
	res.writeHead(reply.status, {
		...(reply.body.length > 0 ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
		'Content-Length': String(body.length),
		...reply.headers,
	});
	res.end(body);
}

/** TikTok paths end with '/'; accept both forms by normalising to the trailing-slash form. */
export function withTrailingSlash(pathname: string): string {
	return pathname.endsWith('/') ? pathname : `${pathname}/`;
}

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	return (
		address === '127.0.0.1' ||
		address === '::1' ||
		address === '::ffff:127.0.0.1' ||
		address.startsWith('127.')
	);
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
	return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
