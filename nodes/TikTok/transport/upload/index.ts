/** The upload engine: the only place that PUTs video bytes to TikTok. */
export { ChunkCutter, SourceSizeError } from './cutChunks';
export type { OpenSource } from './cutChunks';
export { DEFAULT_CHUNK_SIZE_MB, planChunks, TIKTOK_CHUNK_LIMITS } from './planChunks';
export type { ChunkLimits, ChunkPlan, PlannedChunk } from './planChunks';
export { backoffDelayMs, isNetworkError, parseCommittedRange, UPLOAD_RETRY_POLICY } from './retryPolicy';
export type { RetryPolicy } from './retryPolicy';
export { CHUNK_IDLE_TIMEOUT_MS, uploadChunks } from './uploadChunks';
export type { UploadContext, UploadRequest, UploadResult } from './uploadChunks';
