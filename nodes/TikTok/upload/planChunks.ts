/**
 * TikTok's FILE_UPLOAD chunk plan (Media Transfer Guide), as a pure function of sizes.
 *
 * TikTok never says whether its "MB" is 10^6 or 2^20 bytes, and it has changed its validation
 * server-side before, so every limit here is the safe one under both readings: chunks of at least
 * 5 MiB and at most 64 (decimal) MB, a final chunk of at most 128 (decimal) MB, files of at most
 * 4 (decimal) GB.
 */

export interface ChunkLimits {
	/** Smallest non-final chunk; files below it go whole */
	minChunk: number;
	/** Largest non-final chunk, and largest file that may go as one chunk */
	maxChunk: number;
	/** The final chunk absorbs the remainder but may not exceed this */
	maxFinalChunk: number;
	maxChunkCount: number;
	maxVideoSize: number;
}

export const TIKTOK_CHUNK_LIMITS: Readonly<ChunkLimits> = {
	minChunk: 5 * 1024 * 1024, // 5 MiB = 5,242,880: above the decimal reading's 5,000,000
	maxChunk: 64_000_000, // below the binary reading's 67,108,864
	maxFinalChunk: 128_000_000,
	maxChunkCount: 1000,
	// "4 GB" read as 4 * 10^9: a file between 4,000,000,000 and 4 GiB is rejected before anything is
	// posted rather than by TikTok after the init (or, worse, after an hour of uploading)
	maxVideoSize: 4_000_000_000,
};

/**
 * Default preferred chunk size, in MB of 1,000,000 bytes (the unit of the Chunk Size (MB) option): the
 * largest chunk TikTok accepts under both readings of "MB". Measured with scripts/bench.ts (median of 3,
 * the node in n8n against a raw node:http client on the same emulator): at 1 GB, 64 MB chunks reached
 * 0.92 of the raw client's throughput (33 MiB: 0.97, 16 MiB: 0.85, 8 MiB: 0.82) at the lowest CPU cost
 * (0.68 s per GB against 0.80 to 1.03 s), with the fewest requests: n8n's HTTP helper opens a new
 * connection per request, which over the internet to TikTok means a TLS handshake per chunk. Memory does
 * not depend on it: chunks stream from the binary store, 30 to 33 MiB above idle whatever their size.
 */
export const DEFAULT_CHUNK_SIZE_MB = 64;

export interface PlannedChunk {
	/** 0-based */
	index: number;
	/** First byte, 0-based */
	start: number;
	/** Last byte, inclusive (as in Content-Range) */
	end: number;
	length: number;
}

export interface ChunkPlan {
	videoSize: number;
	/** `chunk_size` for the init request */
	chunkSize: number;
	/** `total_chunk_count` for the init request: floor(videoSize / chunkSize) */
	totalChunkCount: number;
	chunks: PlannedChunk[];
}

/**
 * Plans the chunks of a `videoSize`-byte upload: as few chunks as keep every chunk at or under the
 * preferred size (clamped into the safe range), all of (nearly) equal size. TikTok's rule that the final
 * chunk absorbs the remainder (`total_chunk_count = floor(size / chunk_size)`) then adds less than one
 * byte per chunk to it, instead of up to a whole extra chunk: no request is larger than the user asked
 * for (what a retry resends, and what must get through before a timeout). A file of at most the
 * preferred size, or too small for two chunks of the minimum, goes whole; one above 64 MB is always split.
 */
export function planChunks(
	videoSize: number,
	preferredChunkSize: number,
	limits: Readonly<ChunkLimits> = TIKTOK_CHUNK_LIMITS,
): ChunkPlan {
	if (!Number.isSafeInteger(videoSize) || videoSize < 1 || videoSize > limits.maxVideoSize) {
		throw new RangeError(
			`Cannot plan an upload of ${videoSize} bytes: TikTok takes 1 to ${limits.maxVideoSize} bytes`,
		);
	}
	const chunkSize = chooseChunkSize(videoSize, preferredChunkSize, limits);
	const totalChunkCount = Math.floor(videoSize / chunkSize);
	const finalLength = videoSize - (totalChunkCount - 1) * chunkSize;
	if (
		chunkSize > limits.maxChunk ||
		totalChunkCount > limits.maxChunkCount ||
		finalLength > limits.maxFinalChunk
	) {
		throw new RangeError(`No legal chunk plan for ${videoSize} bytes within the chunk limits`);
	}
	const chunks = Array.from({ length: totalChunkCount }, (_, index): PlannedChunk => {
		const start = index * chunkSize;
		const length = index === totalChunkCount - 1 ? finalLength : chunkSize;
		return { index, start, end: start + length - 1, length };
	});
	return { videoSize, chunkSize, totalChunkCount, chunks };
}

function chooseChunkSize(
	videoSize: number,
	preferredChunkSize: number,
	limits: Readonly<ChunkLimits>,
): number {
	if (videoSize < limits.minChunk) return videoSize;
	const preferred = Number.isFinite(preferredChunkSize)
		? Math.floor(preferredChunkSize)
		: limits.maxChunk;
	const largest = Math.min(Math.max(preferred, limits.minChunk), limits.maxChunk);
	let count = Math.min(Math.ceil(videoSize / largest), limits.maxChunkCount);
	while (count > 1 && Math.floor(videoSize / count) < limits.minChunk) count--;
	// floor(size / count) gives back `count` chunks: the remainder (< count <= 1000) is below a chunk
	return count === 1 ? videoSize : Math.floor(videoSize / count);
}
