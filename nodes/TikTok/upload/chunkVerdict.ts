import type { INode, NodeOperationError } from 'n8n-workflow';

import { tikTokOperationError } from '../../shared/errors/nodeErrors';
import { isTransient } from '../../shared/retry';
import type { PutOutcome } from '../../shared/transport/uploadPut';
import { redactSecrets } from '../../shared/utils/redact';
import type { ChunkPlan, PlannedChunk } from './planChunks';

/** What to do after one attempt at a chunk. */
export type ChunkVerdict =
	| { next: 'accepted' }
	| { next: 'retry'; reason: string; networkError: boolean }
	| { next: 'failed'; error: NodeOperationError };

/** Everything a chunk's error is made of. */
export interface ChunkFailure {
	node: INode;
	plan: ChunkPlan;
	chunk: PlannedChunk;
	/** Follows "Uploading chunk 2 of 3 (bytes ...)" */
	problem: string;
	fix: string;
	code: string;
	httpStatus?: number;
	logId?: string;
	itemIndex?: number;
}

export function chunkError(failure: ChunkFailure): NodeOperationError {
	const { plan, chunk } = failure;
	return tikTokOperationError(
		failure.node,
		`Uploading chunk ${chunk.index + 1} of ${plan.totalChunkCount} (bytes ${chunk.start}-${chunk.end}) ${failure.problem}`,
		failure.fix,
		{ code: failure.code, httpStatus: failure.httpStatus, logId: failure.logId },
		failure.itemIndex,
	);
}

export const NETWORK_FIX =
	"Check the n8n host's internet access and proxy settings, then publish again.";

type Where = Pick<ChunkFailure, 'node' | 'plan' | 'chunk' | 'itemIndex'>;

/**
 * TikTok's answer to a chunk: 206 for every chunk but the last and 201 for the last; a transient failure
 * (network, 429, 5xx) is retried, 416 re-syncs from the range TikTok reports, anything else is an error
 * naming the chunk. 400, 403 (URL expired) and 404 are never retried: the same bytes get the same answer.
 */
export function judgeChunk(outcome: PutOutcome, where: Where): ChunkVerdict {
	const failed = (failure: Omit<ChunkFailure, keyof Where>): ChunkVerdict => ({
		next: 'failed',
		error: chunkError({ ...where, ...failure }),
	});
	if ('networkError' in outcome) {
		return { next: 'retry', reason: outcome.networkError, networkError: true };
	}
	const { status } = outcome;
	const isLast = where.chunk.index === where.plan.totalChunkCount - 1;
	if (status === (isLast ? 201 : 206)) return { next: 'accepted' };
	if (status === 416) return resync(outcome, where, failed);
	if (isTransient({ httpStatus: status })) {
		return { next: 'retry', reason: `HTTP ${status}`, networkError: false };
	}
	const httpStatus = status;
	const logId = tikTokLogId(outcome);
	const said = tikTokSaid(outcome.body);
	switch (status) {
		case 403:
			return failed({
				problem: "was refused: TikTok's upload URL has expired",
				fix: 'TikTok gives one hour from the publish request for the whole upload, and this upload cannot be resumed. Publish again; on a slow connection use a larger Chunk Size so fewer requests are needed.',
				code: 'upload_url_expired',
				httpStatus,
				logId,
			});
		case 404:
			return failed({
				problem: 'was refused: TikTok has no upload task for this upload URL',
				fix: "The upload was cancelled, finished or replaced on TikTok's side. Check the post with Get Status, then publish again if needed.",
				code: 'upload_not_found',
				httpStatus,
				logId,
			});
		case 201:
		case 206:
			return failed({
				problem: `got HTTP ${status} (${status === 201 ? 'upload complete' : 'more chunks expected'}), which does not fit the plan declared at init`,
				fix: 'Report this with the log ID: the node uploads exactly the chunks it declared.',
				code: 'upload_unexpected_status',
				httpStatus,
				logId,
			});
		default:
			return failed({
				problem: `was rejected with HTTP ${status}${said ? `: ${said}` : ''}`,
				fix:
					status >= 500
						? NETWORK_FIX
						: 'Report this with the log ID: the node sends the headers TikTok documents.',
				code: 'upload_rejected',
				httpStatus,
				logId,
			});
	}
}

/** 416: TikTok's progress differs from ours. Skip a chunk it already has, resend one it lacks, else stop. */
function resync(
	outcome: Extract<PutOutcome, { status: number }>,
	where: Where,
	failed: (failure: Omit<ChunkFailure, keyof Where>) => ChunkVerdict,
): ChunkVerdict {
	const range = parseCommittedRange(outcome.headers['content-range']);
	if (range && range.total === where.plan.videoSize) {
		if (range.committedBytes === where.chunk.end + 1) return { next: 'accepted' };
		if (range.committedBytes === where.chunk.start) {
			return { next: 'retry', reason: 'HTTP 416, TikTok lacks this chunk', networkError: false };
		}
	}
	const has = range ? `${range.committedBytes} bytes` : 'an unknown number of bytes';
	return failed({
		problem: `is out of step with TikTok, which reports having ${has}`,
		fix: 'The upload cannot continue from here. Check the post with Get Status, then publish again if needed.',
		code: 'upload_out_of_sync',
		httpStatus: 416,
		logId: tikTokLogId(outcome),
	});
}

/**
 * What TikTok has committed, from the `Content-Range: bytes 0-LAST/TOTAL` it sends back, or
 * `bytes *\/TOTAL` when it has nothing yet. TikTok does not say whether LAST is the index of the last byte
 * or a byte count (unsure); it is read as an index, and a wrong reading fails safely: the upload stops as
 * "out of step" with the publish ID instead of skipping or resending the wrong bytes.
 */
export function parseCommittedRange(
	header: unknown,
): { committedBytes: number; total: number } | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string') return undefined;
	const match = /^bytes\s+(?:0-(\d+)|\*)\/(\d+)\s*$/i.exec(value.trim());
	if (!match) return undefined;
	return {
		committedBytes: match[1] === undefined ? 0 : Number(match[1]) + 1,
		total: Number(match[2]),
	};
}

/** TikTok's error message from an upload error body ({error:{code,message,log_id}}), if any. */
function tikTokSaid(body: string): string | undefined {
	try {
		const error = (JSON.parse(body) as { error?: { message?: unknown; code?: unknown } }).error;
		const text = [error?.code, error?.message]
			.filter((part) => typeof part === 'string' && part !== '')
			.join(': ');
		return text ? redactSecrets(text) : undefined;
	} catch {
		return undefined;
	}
}

function tikTokLogId(outcome: Extract<PutOutcome, { status: number }>): string | undefined {
	const header = outcome.headers['x-tt-logid'];
	return typeof header === 'string' && header !== '' ? header : undefined;
}
