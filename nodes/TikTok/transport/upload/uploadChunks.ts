import { Readable } from 'node:stream';

import type { IExecuteFunctions, IHttpRequestOptions, NodeOperationError } from 'n8n-workflow';

import { redactSecrets } from '../../../../credentials/shared/redact';
import { tikTokOperationError } from '../errors';
import { pauseUnlessCancelled } from '../pause';
import { ChunkCutter, SourceSizeError } from './cutChunks';
import type { OpenSource } from './cutChunks';
import type { ChunkPlan, PlannedChunk } from './planChunks';
import { backoffDelayMs, isNetworkError, parseCommittedRange, UPLOAD_RETRY_POLICY } from './retryPolicy';
import type { RetryPolicy } from './retryPolicy';

/** What the engine needs from n8n: IExecuteFunctions fits; tests pass a small stand-in. */
export type UploadContext = Pick<IExecuteFunctions, 'getNode' | 'logger'> & {
	helpers: Pick<IExecuteFunctions['helpers'], 'httpRequest'>;
	getExecutionCancelSignal?: () => AbortSignal | undefined;
};

export interface UploadRequest {
	/** TikTok's upload_url, used verbatim; it carries the upload token, so it is never logged or shown */
	uploadUrl: string;
	plan: ChunkPlan;
	/** video/mp4, video/quicktime or video/webm, from the file's first bytes */
	contentType: string;
	/** Opens the file's bytes (again, to resend a chunk); pieces of any size */
	openSource: OpenSource;
	itemIndex?: number;
	retryPolicy?: Readonly<RetryPolicy>;
}

export interface UploadResult {
	bytes: number;
	chunkSize: number;
	chunks: number;
	durationMs: number;
}

/**
 * PUTs the planned chunks to TikTok's upload URL in order: TikTok expects 206 for every chunk but the
 * last and 201 for the last. Chunks are retried per the retry policy; a 416 re-syncs from the range
 * TikTok reports. Bytes stream from the source into the requests (see ChunkCutter).
 */
export async function uploadChunks(this: UploadContext, request: UploadRequest): Promise<UploadResult> {
	const started = Date.now();
	const { plan } = request;
	const cutter = new ChunkCutter(request.openSource, plan);
	try {
		for (const chunk of plan.chunks) {
			await sendChunk.call(this, request, cutter, chunk);
			this.logger.debug('TikTok upload: chunk sent', {
				chunk: chunk.index + 1,
				chunks: plan.totalChunkCount,
				bytesSent: chunk.end + 1,
				totalBytes: plan.videoSize,
			});
		}
	} catch (error) {
		if (!(error instanceof SourceSizeError)) throw error;
		throw tikTokOperationError(
			this.getNode(),
			`The upload stopped: ${error.message}`,
			'The binary data changed or was cut short while it was read. Re-create it (for example re-read the file) and publish again.',
			{ code: 'upload_size_mismatch' },
			request.itemIndex,
		);
	} finally {
		await cutter.close();
	}
	return { bytes: plan.videoSize, chunkSize: plan.chunkSize, chunks: plan.totalChunkCount, durationMs: Date.now() - started };
}

type PutOutcome = { status: number; headers: Record<string, unknown>; body: string } | { networkError: string };

type Verdict = { next: 'accepted' } | { next: 'retry'; reason: string } | { next: 'failed'; error: NodeOperationError };

async function sendChunk(this: UploadContext, request: UploadRequest, cutter: ChunkCutter, chunk: PlannedChunk): Promise<void> {
	const policy = request.retryPolicy ?? UPLOAD_RETRY_POLICY;
	const signal = this.getExecutionCancelSignal?.();
	for (let attempt = 1; ; attempt++) {
		// A source that ends early or runs long aborts the body: that, not the HTTP error, is the news
		const outcome = await putChunk.call(this, request, chunk, await cutter.body(chunk), signal).catch((error: unknown) => {
			throw cutter.failure ?? error;
		});
		if (cutter.failure) throw cutter.failure;
		const verdict = judge.call(this, outcome, request, chunk, policy);
		if (verdict.next === 'accepted') return;
		if (verdict.next === 'failed') throw verdict.error;
		if (attempt >= policy.maxAttempts) {
			throw chunkError.call(
				this,
				request,
				chunk,
				`failed ${attempt} times (last: ${verdict.reason})`,
				'TikTok\'s upload server kept failing. Try again later; the post was not completed.',
				'upload_retries_exhausted',
			);
		}
		const delayMs = backoffDelayMs(policy, attempt);
		this.logger.debug('TikTok upload: retrying chunk', { chunk: chunk.index + 1, attempt, reason: verdict.reason, delayMs });
		if (await pauseUnlessCancelled(delayMs, signal)) throw signal?.reason ?? new Error('The execution was cancelled');
	}
}

async function putChunk(
	this: UploadContext,
	request: UploadRequest,
	chunk: PlannedChunk,
	body: Buffer | Readable,
	signal: AbortSignal | undefined,
): Promise<PutOutcome> {
	const options: IHttpRequestOptions = {
		method: 'PUT',
		url: request.uploadUrl,
		// No Authorization: the upload URL is the capability
		headers: {
			'Content-Type': request.contentType,
			'Content-Length': String(chunk.length),
			'Content-Range': `bytes ${chunk.start}-${chunk.end}/${request.plan.videoSize}`,
		},
		body: body as IHttpRequestOptions['body'],
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: CHUNK_IDLE_TIMEOUT_MS,
		// Following a redirect means keeping every byte sent for a replay, i.e. the whole chunk in memory.
		// TikTok's upload URL is used verbatim and not documented to redirect: a 3xx is an error naming the chunk.
		disableFollowRedirect: true,
		...(signal && { abortSignal: signal }),
	};
	try {
		const response = (await this.helpers.httpRequest(options)) as { statusCode: number; headers: Record<string, unknown>; body: unknown };
		return { status: response.statusCode, headers: response.headers ?? {}, body: typeof response.body === 'string' ? response.body : '' };
	} catch (error) {
		if (signal?.aborted || !isNetworkError(error)) throw error;
		return { networkError: describeNetworkError((error as { code?: unknown }).code) };
	}
}

/**
 * Network failures in words. Not the codes themselves: n8n replaces any error message that mentions
 * ECONNRESET and the like with a generic text, which would lose which chunk failed.
 */
const NETWORK_ERRORS: Record<string, string> = {
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection closed while sending',
	ECONNREFUSED: 'the connection was refused',
	ECONNABORTED: 'the request timed out',
	ETIMEDOUT: 'the request timed out',
	ENOTFOUND: 'the upload host was not found',
	EAI_AGAIN: 'the upload host could not be resolved',
	EHOSTUNREACH: 'the upload host is unreachable',
};

function describeNetworkError(code: unknown): string {
	return (typeof code === 'string' && NETWORK_ERRORS[code]) || 'a network error';
}

/**
 * n8n's HTTP client applies `timeout` to a silent socket, not to the whole request: a chunk that keeps
 * moving never times out, and one that stalls is retried after two minutes, leaving room for retries
 * within TikTok's one-hour upload window.
 */
export const CHUNK_IDLE_TIMEOUT_MS = 120_000;

function judge(this: UploadContext, outcome: PutOutcome, request: UploadRequest, chunk: PlannedChunk, policy: Readonly<RetryPolicy>): Verdict {
	const isLast = chunk.index === request.plan.totalChunkCount - 1;
	if ('networkError' in outcome) {
		if (policy.retryNetworkErrors) return { next: 'retry', reason: outcome.networkError };
		return failed.call(this, request, chunk, `could not be sent (${outcome.networkError})`, NETWORK_FIX, 'upload_network_error');
	}
	const { status } = outcome;
	if (status === (isLast ? 201 : 206)) return { next: 'accepted' };
	if (status === 416) return resync.call(this, outcome, request, chunk);
	if (policy.retryStatuses.includes(status)) return { next: 'retry', reason: `HTTP ${status}` };
	const said = tikTokSaid(outcome.body);
	const logId = tikTokLogId(outcome);
	switch (status) {
		case 403:
			return failed.call(this, request, chunk, 'was refused: TikTok\'s upload URL has expired', 'TikTok gives one hour from the publish request for the whole upload, and this upload cannot be resumed. Publish again; on a slow connection use a larger Chunk Size so fewer requests are needed.', 'upload_url_expired', status, logId);
		case 404:
			return failed.call(this, request, chunk, 'was refused: TikTok has no upload task for this upload URL', 'The upload was cancelled, finished or replaced on TikTok\'s side. Check the post with Get Status, then publish again if needed.', 'upload_not_found', status, logId);
		case 201:
		case 206:
			return failed.call(this, request, chunk, `got HTTP ${status} (${status === 201 ? 'upload complete' : 'more chunks expected'}), which does not fit the plan declared at init`, 'Report this with the log ID: the node uploads exactly the chunks it declared.', 'upload_unexpected_status', status, logId);
		default:
			return failed.call(this, request, chunk, `was rejected with HTTP ${status}${said ? `: ${said}` : ''}`, status >= 500 ? NETWORK_FIX : 'Report this with the log ID: the node sends the headers TikTok documents.', 'upload_rejected', status, logId);
	}
}

const NETWORK_FIX = 'Check the n8n host\'s internet access and proxy settings, then publish again.';

/** 416: TikTok's progress differs from ours. Skip a chunk it already has, resend one it lacks, else stop. */
function resync(this: UploadContext, outcome: Extract<PutOutcome, { status: number }>, request: UploadRequest, chunk: PlannedChunk): Verdict {
	const range = parseCommittedRange(outcome.headers['content-range']);
	if (range && range.total === request.plan.videoSize) {
		if (range.committedBytes === chunk.end + 1) return { next: 'accepted' };
		if (range.committedBytes === chunk.start) return { next: 'retry', reason: 'HTTP 416, TikTok lacks this chunk' };
	}
	const has = range ? `${range.committedBytes} bytes` : 'an unknown number of bytes';
	return failed.call(this, request, chunk, `is out of step with TikTok, which reports having ${has}`, 'The upload cannot continue from here. Check the post with Get Status, then publish again if needed.', 'upload_out_of_sync', 416, tikTokLogId(outcome));
}

function failed(this: UploadContext, ...args: Parameters<typeof chunkError>): Verdict {
	return { next: 'failed', error: chunkError.call(this, ...args) };
}

function chunkError(
	this: UploadContext,
	request: UploadRequest,
	chunk: PlannedChunk,
	problem: string,
	fix: string,
	code: string,
	httpStatus?: number,
	logId?: string,
): NodeOperationError {
	return tikTokOperationError(
		this.getNode(),
		`Uploading chunk ${chunk.index + 1} of ${request.plan.totalChunkCount} (bytes ${chunk.start}-${chunk.end}) ${problem}`,
		fix,
		{ code, httpStatus, logId },
		request.itemIndex,
	);
}

/** TikTok's error message from an upload error body ({error:{code,message,log_id}}), if any. */
function tikTokSaid(body: string): string | undefined {
	try {
		const error = (JSON.parse(body) as { error?: { message?: unknown; code?: unknown } }).error;
		const text = [error?.code, error?.message].filter((part) => typeof part === 'string' && part !== '').join(': ');
		return text ? redactSecrets(text) : undefined;
	} catch {
		return undefined;
	}
}

function tikTokLogId(outcome: Extract<PutOutcome, { status: number }>): string | undefined {
	const header = outcome.headers['x-tt-logid'];
	return typeof header === 'string' && header !== '' ? header : undefined;
}
