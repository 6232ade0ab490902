import { TIKTOK_CHUNK_LIMITS } from '../upload/planChunks';
import type { InputChecker } from '../input/checker';

/** Where a video comes from, as its checks name it. */
export interface VideoOrigin {
	/** The field the user fixes */
	field: string;
	/** "the file \"clip.mp4\"", "the file at media.example.com" */
	file: string;
	/** What to do about an empty file */
	emptyFix: string;
}

/** Not empty and at most TikTok's 4 GB, read as 4,000,000,000 bytes (the safe reading). */
export function checkVideoFileSize(check: InputChecker, origin: VideoOrigin, size: number): void {
	if (size === 0)
		throw check.invalid(origin.field, `${origin.file} is empty (0 bytes)`, origin.emptyFix);
	if (size > TIKTOK_CHUNK_LIMITS.maxVideoSize) {
		throw check.invalid(
			origin.field,
			`${origin.file} is ${size} bytes and TikTok accepts videos up to 4 GB (the node allows ${TIKTOK_CHUNK_LIMITS.maxVideoSize} bytes, the limit under both readings of "GB")`,
			'Compress or shorten the video, for example with FFmpeg, to get under 4,000,000,000 bytes.',
		);
	}
}

/** The first `maxBytes` of a stream, which is then destroyed (the rest is never read). */
export async function readHead(
	stream: AsyncIterable<Buffer> & { destroy(): void },
	maxBytes: number,
): Promise<Buffer> {
	const pieces: Buffer[] = [];
	let length = 0;
	try {
		for await (const piece of stream) {
			pieces.push(piece);
			length += piece.length;
			if (length >= maxBytes) break;
		}
	} finally {
		stream.destroy();
	}
	return Buffer.concat(pieces, Math.min(length, maxBytes));
}
