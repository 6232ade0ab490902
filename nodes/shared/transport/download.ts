import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { describeNetworkError } from '../errors/messages';
import { asNodeError } from '../errors/nodeErrors';
import { isNetworkError } from '../retry';

/** What a download needs from n8n: IExecuteFunctions fits; tests pass a small stand-in. */
export type DownloadContext = Pick<IExecuteFunctions, 'getNode'> & {
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest'>;
};

export interface DownloadRequest {
	/** The media's URL, used verbatim; its query string may hold a signature, so it is never shown */
	url: string;
	method: 'GET' | 'HEAD';
	/** Bytes first to last, inclusive; `last` omitted for "to the end" */
	range?: { first: number; last?: number };
	signal?: AbortSignal;
	itemIndex?: number;
}

/** A response body read piece by piece, and dropped with `destroy()` when not needed to its end. */
export interface ResponseBody extends AsyncIterable<Buffer> {
	destroy(): void;
	/**
	 * Present when n8n's HTTP client gave a Node stream (it does on 1.x and 2.x): such a body can be another
	 * request's body as it is, and tells how it ended.
	 */
	pipe?: unknown;
	on?(event: 'end' | 'close' | 'error', listener: (error?: unknown) => void): unknown;
}

/** A response body that is a Node stream: one request's body as it is, telling how it ended. */
export type PipeableBody = ResponseBody & Required<Pick<ResponseBody, 'pipe' | 'on'>>;

export interface DownloadResponse {
	status: number;
	/** Lower-case names */
	headers: Record<string, unknown>;
	/** GET only */
	body?: ResponseBody;
}

/** The media server's answer, or why there was none (`redirectLoop`: it never stopped redirecting). */
export type DownloadOutcome = DownloadResponse | { networkError: string; redirectLoop?: boolean };

/**
 * Like the chunk PUTs: n8n's HTTP client applies `timeout` to a silent socket, so a download that keeps
 * moving never times out and one that stalls fails after two minutes.
 */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 120_000;

/**
 * One request to a media URL through n8n's HTTP helper (its proxy settings and, on n8n 2.x, its SSRF
 * policy apply), with the body as a stream that is read while the upload sends it. Redirects are
 * followed; error statuses come back as responses, for the caller to judge.
 */
export async function download(
	this: DownloadContext,
	request: DownloadRequest,
): Promise<DownloadOutcome> {
	const { range } = request;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers: {
			// A compressed body would not match the byte ranges the upload declares
			'Accept-Encoding': 'identity',
			...(range && { Range: `bytes=${range.first}-${range.last ?? ''}` }),
		},
		encoding: request.method === 'GET' ? 'stream' : 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: DOWNLOAD_IDLE_TIMEOUT_MS,
		...(request.signal && { abortSignal: request.signal }),
	};
	try {
		const response = (await this.helpers.httpRequest(options)) as {
			statusCode: number;
			headers?: Record<string, unknown>;
			body: unknown;
		};
		const body = response.body as Partial<ResponseBody> | undefined;
		const isStream =
			typeof body === 'object' &&
			body !== null &&
			typeof body[Symbol.asyncIterator] === 'function' &&
			typeof body.destroy === 'function';
		return {
			status: response.statusCode,
			headers: lowerCaseKeys(response.headers ?? {}),
			...(isStream && { body: body as ResponseBody }),
		};
	} catch (error) {
		// A stopped execution ends the download with the stop's own reason, not as a failure to report
		if (request.signal?.aborted) throw request.signal.reason;
		if (isRedirectLoop(error)) return { networkError: 'too many redirects', redirectLoop: true };
		if (!isNetworkError(error)) throw asNodeError(this.getNode(), error, request.itemIndex);
		return { networkError: describeNetworkError((error as { code?: unknown }).code) };
	}
}

/** axios (follow-redirects) on n8n 1.x, n8n's own redirect handling on 2.x */
function isRedirectLoop(error: unknown): boolean {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
	return (
		code === 'ERR_FR_TOO_MANY_REDIRECTS' ||
		(typeof message === 'string' && /maximum number of redirects/i.test(message))
	);
}

function lowerCaseKeys(headers: Record<string, unknown>): Record<string, unknown> {
	const lower: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
	return lower;
}
