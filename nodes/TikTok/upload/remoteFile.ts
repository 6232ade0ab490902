import type { PipeableBody, ResponseBody } from '../../shared/transport/download';

/** What identifies one version of a file at a URL: its size and the validators the server sent. */
export interface RemoteVersion {
	size: number;
	etag?: string;
	lastModified?: string;
}

/** One header's value as a string (n8n's HTTP client gives lower-case names). */
export function headerOf(headers: Record<string, unknown>, name: string): string | undefined {
	const value = headers[name];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

/** `Content-Range: bytes first-last/total` (`total` null for `/*`), or undefined when absent or unreadable. */
export function contentRangeOf(
	headers: Record<string, unknown>,
): { first: number; last: number; total: number | null } | undefined {
	const match = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(headerOf(headers, 'content-range') ?? '');
	if (!match) return undefined;
	return {
		first: Number(match[1]),
		last: Number(match[2]),
		total: match[3] === '*' ? null : Number(match[3]),
	};
}

/** The body's length, unless it is missing, unreadable or of a compressed body. */
export function contentLengthOf(headers: Record<string, unknown>): number | undefined {
	const encoding = headerOf(headers, 'content-encoding');
	if (encoding && encoding.toLowerCase() !== 'identity') return undefined;
	const length = Number(headerOf(headers, 'content-length') ?? Number.NaN);
	return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** The version a response states: its validators, and the size when it tells one. */
export function versionOf(
	headers: Record<string, unknown>,
	size: number | undefined,
): Partial<RemoteVersion> {
	return {
		...(size !== undefined && { size }),
		...(headerOf(headers, 'etag') !== undefined && { etag: headerOf(headers, 'etag') }),
		...(headerOf(headers, 'last-modified') !== undefined && {
			lastModified: headerOf(headers, 'last-modified'),
		}),
	};
}

/**
 * What differs between the version read at the start and a later response, or undefined when nothing
 * does. A validator counts only when both sides have it (some servers send it on one kind of answer only).
 */
export function describeChange(
	expected: RemoteVersion,
	headers: Record<string, unknown>,
	size: number | undefined,
): string | undefined {
	const now = versionOf(headers, size);
	if (now.size !== undefined && now.size !== expected.size) {
		return `its size went from ${expected.size} to ${now.size} bytes`;
	}
	if (expected.etag && now.etag && expected.etag !== now.etag) {
		return `its ETag went from ${expected.etag} to ${now.etag}`;
	}
	if (expected.lastModified && now.lastModified && expected.lastModified !== now.lastModified) {
		return `its Last-Modified went from ${expected.lastModified} to ${now.lastModified}`;
	}
	return undefined;
}

/** One response body, read piece by piece as views; `position` is the file offset of its next byte. */
export class Download {
	private iterator?: AsyncIterator<Buffer>;
	private pending?: Buffer;

	constructor(
		private readonly body: ResponseBody,
		public position: number,
		/** File offset just past the last byte this response should deliver */
		readonly end: number,
		/** Whether the response declared exactly the bytes [position, end) (a 206 with that Content-Length) */
		private readonly exact = false,
	) {}

	/**
	 * The body itself, for a PUT to send as it is, when nothing was read from it yet and it declares exactly
	 * its bytes; undefined otherwise. A Download whose body was taken is spent.
	 */
	takeBody(): PipeableBody | undefined {
		const { body } = this;
		if (!this.exact || this.iterator || typeof body.pipe !== 'function' || !body.on)
			return undefined;
		this.position = this.end;
		return body as PipeableBody;
	}

	/**
	 * At most `max` next bytes, or undefined when the response has ended. The socket's pieces go on as they
	 * are: gathering them into larger ones was measured slower (copies, and collections of their memory).
	 */
	async next(max: number): Promise<Buffer | undefined> {
		let piece = this.pending;
		this.pending = undefined;
		if (!piece) {
			// Made on the first read, not before: a body taken whole must still be unread
			this.iterator ??= this.body[Symbol.asyncIterator]();
			const result = await this.iterator.next();
			if (result.done) return undefined;
			piece = Buffer.isBuffer(result.value) ? result.value : Buffer.from(result.value);
		}
		if (piece.length > max) {
			this.pending = piece.subarray(max);
			piece = piece.subarray(0, max);
		}
		this.position += piece.length;
		return piece;
	}

	close(): void {
		this.body.destroy();
	}
}
