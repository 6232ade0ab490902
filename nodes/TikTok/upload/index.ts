/** The upload engine: plans the chunks (pure), reads them from a source, and PUTs them to TikTok. */
export { ChunkBody } from './chunkBody';
export { bufferSource, SourceSizeError, SourceStoppedError, streamSource } from './chunkSource';
export type { ChunkPayload, OpenPieces, UploadSource } from './chunkSource';
export { parseCommittedRange } from './chunkVerdict';
export { DEFAULT_CHUNK_SIZE_MB, planChunks, TIKTOK_CHUNK_LIMITS } from './planChunks';
export type { ChunkLimits, ChunkPlan, PlannedChunk } from './planChunks';
export { uploadChunks } from './uploadChunks';
export type { UploadContext, UploadRequest, UploadResult } from './uploadChunks';
