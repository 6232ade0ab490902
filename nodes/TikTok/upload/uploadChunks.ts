import type { IHttpRequestOptions } from 'n8n-workflow';

import { tikTokOperationError } from '../../shared/errors/nodeErrors';
import { RETRY_POLICIES, retryDelayMs } from '../../shared/retry';
import type { RetryPolicy } from '../../shared/retry';
import { putChunk } from '../../shared/transport/uploadPut';
import type { UploadContext } from '../../shared/transport/uploadPut';
import { pauseUnlessCancelled } from '../../shared/utils/pause';
import { SourceStoppedError } from './chunkSource';
import type { UploadSource } from './chunkSource';
import { chunkError, judgeChunk, NETWORK_FIX } from './chunkVerdict';
import type { ChunkPlan, PlannedChunk } from './planChunks';

export type { UploadContext };

export interface UploadRequest {
	/** TikTok's upload_url, used verbatim; it carries the upload token, so it is never logged or shown */
	uploadUrl: string;
	plan: ChunkPlan;
	/** video/mp4, video/quicktime or video/webm, from the file's first bytes */
	contentType: string;
	/** The video's bytes; closed when the upload ends */
	source: UploadSource;
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
 * PUTs the planned chunks to TikTok's upload URL in order, each retried per the retry policy. A source
 * that turns out shorter or longer than planned stops the upload before TikTok has a complete file.
 */
export async function uploadChunks(
	this: UploadContext,
	request: UploadRequest,
): Promise<UploadResult> {
	const started = Date.now();
	const { plan, source } = request;
	try {
		for (const chunk of plan.chunks) {
			await sendChunk.call(this, request, chunk);
			this.logger.debug('TikTok upload: chunk sent', {
				chunk: chunk.index + 1,
				chunks: plan.totalChunkCount,
				bytesSent: chunk.end + 1,
				totalBytes: plan.videoSize,
			});
		}
	} finally {
		await source.close();
	}
	return {
		bytes: plan.videoSize,
		chunkSize: plan.chunkSize,
		chunks: plan.totalChunkCount,
		durationMs: Date.now() - started,
	};
}

/** One chunk, attempt after attempt, until TikTok accepts it or the policy gives up. */
async function sendChunk(
	this: UploadContext,
	request: UploadRequest,
	chunk: PlannedChunk,
): Promise<void> {
	const policy = request.retryPolicy ?? RETRY_POLICIES.uploadChunk;
	const signal = this.getExecutionCancelSignal?.();
	const where = { node: this.getNode(), plan: request.plan, chunk, itemIndex: request.itemIndex };
	const { source } = request;
	for (let attempt = 1; ;) {
		const body = await readChunk.call(this, request, chunk);
		const outcome = await putChunk
			.call(this, {
				uploadUrl: request.uploadUrl,
				contentType: request.contentType,
				first: chunk.start,
				last: chunk.end,
				total: request.plan.videoSize,
				body: body as IHttpRequestOptions['body'],
				signal,
				itemIndex: request.itemIndex,
			})
			// A source that ends early, runs long or breaks off aborts the body: that, not the HTTP error, is the news
			.catch((error: unknown) => {
				if (source.bodyCut !== undefined && !source.failure && !signal?.aborted) return undefined;
				throw stoppedError.call(this, request, source.failure) ?? error;
			});
		if (source.failure) throw stoppedError.call(this, request, source.failure);
		// The source fetches the chunk again for the next attempt, and counts that retry itself
		if (outcome === undefined || source.bodyCut !== undefined) continue;

		const verdict = judgeChunk(outcome, where);
		if (verdict.next === 'accepted') return;
		if (verdict.next === 'failed') throw verdict.error;
		const delayMs = retryDelayMs(policy, attempt);
		if (delayMs === undefined) {
			const retried = attempt > 1;
			throw chunkError({
				...where,
				problem: retried
					? `failed ${attempt} times (last: ${verdict.reason})`
					: verdict.networkError
						? `could not be sent (${verdict.reason})`
						: `was rejected with ${verdict.reason}`,
				fix: retried
					? "TikTok's upload server kept failing. Try again later; the post was not completed."
					: NETWORK_FIX,
				code: retried
					? 'upload_retries_exhausted'
					: verdict.networkError
						? 'upload_network_error'
						: 'upload_rejected',
			});
		}
		this.logger.debug('TikTok upload: retrying chunk', {
			chunk: chunk.index + 1,
			attempt,
			reason: verdict.reason,
			delayMs,
		});
		if (await pauseUnlessCancelled(delayMs, signal)) {
			throw signal?.reason ?? new Error('The execution was cancelled');
		}
		attempt++;
	}
}

async function readChunk(this: UploadContext, request: UploadRequest, chunk: PlannedChunk) {
	try {
		return await request.source.slice(chunk.start, chunk.end + 1, request.contentType);
	} catch (error) {
		throw stoppedError.call(this, request, error) ?? asUploadError.call(this, request, error);
	}
}

/** The node error for a source that stopped (wrong size, changed, unreachable), or undefined for any other. */
function stoppedError(this: UploadContext, request: UploadRequest, error: unknown) {
	if (!(error instanceof SourceStoppedError)) return undefined;
	return tikTokOperationError(
		this.getNode(),
		`The upload stopped: ${error.message}`,
		error.fix,
		{ code: error.code },
		request.itemIndex,
	);
}

function asUploadError(this: UploadContext, request: UploadRequest, error: unknown) {
	return tikTokOperationError(
		this.getNode(),
		`The upload stopped: the video could not be read (${(error as Error)?.message ?? String(error)})`,
		'Check that the binary data still exists (n8n may have pruned it), then publish again.',
		{ code: 'upload_source_failed' },
		request.itemIndex,
	);
}
