/**
 * FILE_UPLOAD chunk-plan rules (spec §7.1). TikTok never says whether its "MB" is 10^6 or 2^20 bytes
 * and has changed validation server-side, so the emulator enforces a configurable reading; the
 * default 'strict' mode enforces both readings at once, which only a client safe under either passes.
 */
import type { ChunkRuleMode } from './types';

export interface ChunkBounds {
	/** Smallest non-final chunk. */
	minChunk: number;
	/** Largest non-final chunk (and largest single-chunk upload). */
	maxChunk: number;
	/** Files strictly below this go whole: chunk_size == video_size, one chunk. */
	wholeBelow: number;
	/** Files strictly above this must be split into at least two chunks. */
	mustChunkAbove: number;
	/** The final chunk absorbs the remainder but may not exceed this. */
	maxFinalChunk: number;
	maxChunkCount: number;
	/** Largest video_size. */
	maxVideoSize: number;
}

const MB = 1_000_000;
const MIB = 1_048_576;
/**
 * "Max 4 GB": decimal 4,000,000,000 in 'strict' and 'decimal' modes, binary 4,294,967,296 in
 * 'binary' and 'lenient'. A client that caps files at the smaller (decimal) bound passes every
 * mode; one that allows up to 4 GiB is caught by the default strict mode.
 */
const MAX_VIDEO_DECIMAL = 4 * 1000 * MB;
const MAX_VIDEO_BINARY = 4 * 1024 * MIB;

export function chunkBounds(mode: ChunkRuleMode): ChunkBounds {
	switch (mode) {
		case 'decimal':
			return {
				minChunk: 5 * MB,
				maxChunk: 64 * MB,
				wholeBelow: 5 * MB,
				mustChunkAbove: 64 * MB,
				maxFinalChunk: 128 * MB,
				maxChunkCount: 1000,
				maxVideoSize: MAX_VIDEO_DECIMAL,
			};
		case 'binary':
			return {
				minChunk: 5 * MIB,
				maxChunk: 64 * MIB,
				wholeBelow: 5 * MIB,
				mustChunkAbove: 64 * MIB,
				maxFinalChunk: 128 * MIB,
				maxChunkCount: 1000,
				maxVideoSize: MAX_VIDEO_BINARY,
			};
		case 'lenient':
			return {
				minChunk: 5 * MB,
				maxChunk: 64 * MIB,
				wholeBelow: 5 * MB,
				mustChunkAbove: 64 * MIB,
				maxFinalChunk: 128 * MIB,
				maxChunkCount: 1000,
				maxVideoSize: MAX_VIDEO_BINARY,
			};
		case 'strict':
			// Intersection of both readings: the larger minimum, the smaller maximum.
			return {
				minChunk: 5 * MIB,
				maxChunk: 64 * MB,
				wholeBelow: 5 * MIB,
				mustChunkAbove: 64 * MB,
				maxFinalChunk: 128 * MB,
				maxChunkCount: 1000,
				maxVideoSize: MAX_VIDEO_DECIMAL,
			};
		default:
			throw new TypeError(`Unknown chunkRules mode: ${String(mode)}`);
	}
}

export const CHUNK_SIZE_INVALID = 'The chunk size is invalid';
export const CHUNK_COUNT_INVALID = 'The total chunk count is invalid';
export const VIDEO_SIZE_INVALID = 'The video size is invalid';

export interface ChunkPlan {
	videoSize: number;
	chunkSize: number;
	totalChunkCount: number;
}

/** Returns an invalid_params message, or undefined when the plan is acceptable. Messages start with TikTok's wording. */
export function checkChunkPlan(plan: ChunkPlan, mode: ChunkRuleMode): string | undefined {
	const bounds = chunkBounds(mode);
	const { videoSize, chunkSize, totalChunkCount } = plan;
	if (videoSize > bounds.maxVideoSize)
		return `${VIDEO_SIZE_INVALID}: video_size must not exceed ${bounds.maxVideoSize} bytes`;

	if (videoSize < bounds.wholeBelow) {
		if (chunkSize !== videoSize)
			return `${CHUNK_SIZE_INVALID}: videos under ${bounds.wholeBelow} bytes must be uploaded whole (chunk_size == video_size)`;
		if (totalChunkCount !== 1)
			return `${CHUNK_COUNT_INVALID}: videos under ${bounds.wholeBelow} bytes are one chunk`;
		return undefined;
	}

	if (chunkSize > videoSize) return `${CHUNK_SIZE_INVALID}: chunk_size exceeds video_size`;
	if (chunkSize < bounds.minChunk || chunkSize > bounds.maxChunk) {
		return `${CHUNK_SIZE_INVALID}: chunk_size must be between ${bounds.minChunk} and ${bounds.maxChunk} bytes`;
	}
	const expectedCount = Math.floor(videoSize / chunkSize);
	if (totalChunkCount !== expectedCount)
		return `${CHUNK_COUNT_INVALID}: expected floor(video_size / chunk_size) = ${expectedCount}`;
	if (totalChunkCount < 1 || totalChunkCount > bounds.maxChunkCount)
		return `${CHUNK_COUNT_INVALID}: between 1 and ${bounds.maxChunkCount} chunks`;
	if (videoSize > bounds.mustChunkAbove && totalChunkCount < 2) {
		return `${CHUNK_SIZE_INVALID}: videos over ${bounds.mustChunkAbove} bytes must be uploaded in several chunks`;
	}
	if (finalChunkLength(plan) > bounds.maxFinalChunk)
		return `${CHUNK_SIZE_INVALID}: the final chunk would exceed ${bounds.maxFinalChunk} bytes`;
	return undefined;
}

/** Length of the final chunk, which absorbs the remainder. */
export function finalChunkLength(plan: ChunkPlan): number {
	return plan.videoSize - (plan.totalChunkCount - 1) * plan.chunkSize;
}

/** Byte range [start, end] (inclusive) of chunk `index` of a valid plan. */
export function chunkRange(
	plan: ChunkPlan,
	index: number,
): { start: number; end: number; length: number } {
	const start = index * plan.chunkSize;
	const length = index === plan.totalChunkCount - 1 ? finalChunkLength(plan) : plan.chunkSize;
	return { start, end: start + length - 1, length };
}
