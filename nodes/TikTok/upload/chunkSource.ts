import type { ResponseBody } from '../../shared/transport/download';
import { ChunkBody } from './chunkBody';

/**
 * A request body for one chunk: a view of bytes in memory, a body that reads them while sent, or a
 * download's response body that n8n's HTTP client pipes into the PUT as it is.
 */
export type ChunkPayload = Buffer | ChunkBody | ResponseBody;

/**
 * A video's bytes as the upload engine reads them (after tus-js-client's FileSource): `slice` gives the
 * body of one attempt at sending bytes [start, end), read again for every attempt; `failure` is set once
 * the source turned out shorter or longer than its declared size.
 */
export interface UploadSource {
	readonly size: number;
	slice(start: number, end: number, contentType: string): Promise<ChunkPayload>;
	readonly failure?: SourceStoppedError;
	/**
	 * Why the body of the latest attempt broke off on the source's side (a piped download cut mid-chunk),
	 * which broke its PUT off too: the chunk is then sliced again, and the source counts that retry.
	 */
	readonly bodyCut?: string;
	close(): Promise<void>;
}

/** The file's bytes in order, in pieces of any size; opened again to go back to an earlier byte. */
export type OpenPieces = () =>
	Promise<AsyncIterable<Buffer> | Iterable<Buffer>> | AsyncIterable<Buffer> | Iterable<Buffer>;

/**
 * The source cannot deliver the declared bytes any more (a URL's file changed, or could not be downloaded
 * within the retry policy): the upload stops with this message, fix and code, and is never retried.
 */
export class SourceStoppedError extends Error {
	constructor(
		message: string,
		readonly code: string,
		readonly fix: string,
	) {
		super(message);
		this.name = 'SourceStoppedError';
	}
}

/** The source delivered fewer or more bytes than the size declared to TikTok at init. */
export class SourceSizeError extends SourceStoppedError {
	constructor(
		readonly expectedBytes: number,
		/** What was read; for a longer source, more than expected */
		readonly actualBytes: number,
	) {
		super(
			actualBytes < expectedBytes
				? `the binary data ended after ${actualBytes} of the ${expectedBytes} bytes it declared`
				: `the binary data holds more than the ${expectedBytes} bytes it declared`,
			'upload_size_mismatch',
			'The binary data changed or was cut short while it was read. Re-create it (for example re-read the file) and publish again.',
		);
		this.name = 'SourceSizeError';
	}
}

/**
 * Reads of one source, one at a time (a superseded body may still be pulling when the next attempt
 * starts), keeping the first stop: once the source stopped, every later read fails with it.
 */
export class SerialReads {
	failure?: SourceStoppedError;
	private queue: Promise<unknown> = Promise.resolve();

	async run<T>(task: () => Promise<T>): Promise<T> {
		const run = this.queue.then(async () => {
			if (this.failure) throw this.failure;
			return await task();
		});
		// Registered before the caller awaits `run`, so the failure is recorded by the time it sees it
		this.queue = run.catch((error: unknown) => {
			if (error instanceof SourceStoppedError) this.failure = error;
		});
		return await run;
	}

	/** Resolves once no read is in progress. */
	async idle(): Promise<void> {
		await this.queue;
	}
}

/** Bytes already in memory (n8n's in-memory binary mode): every chunk is a view, nothing is copied. */
export function bufferSource(buffer: Buffer): UploadSource {
	return {
		size: buffer.length,
		slice: async (start, end) => buffer.subarray(start, end),
		close: async () => {},
	};
}

/**
 * Bytes from a stream of pieces (n8n's binary store), cut into exactly the requested ranges as bodies that
 * read while they are sent: nothing is copied or kept, so memory does not grow with the chunk size and
 * reading overlaps the transfer. Sending a range again re-reads it: from where the stream stands if it has
 * not passed the range yet, else from a newly opened stream. A range inside one piece is that piece's view.
 * A short or long source fails the body before the end of the range that reveals it, so TikTok never
 * receives a complete upload of the wrong size.
 */
export function streamSource(open: OpenPieces, size: number): UploadSource {
	return new StreamSource(open, size);
}

class StreamSource implements UploadSource {
	private readonly reads = new SerialReads();
	private reader?: PieceReader;
	private attempt = 0;

	get failure(): SourceStoppedError | undefined {
		return this.reads.failure;
	}

	constructor(
		private readonly open: OpenPieces,
		readonly size: number,
	) {}

	async slice(start: number, end: number, contentType: string): Promise<ChunkPayload> {
		const attempt = ++this.attempt;
		const isFinal = end === this.size;
		const view = await this.reads.run(async () => {
			const reader = await this.readerAt(start);
			const whole = await reader.takeWithin(end - start);
			if (whole && isFinal) await this.checkNothingFollows(reader);
			return whole;
		});
		if (view) return view;
		let remaining = end - start;
		return new ChunkBody(
			remaining,
			contentType,
			async () =>
				await this.reads.run(async () => {
					if (attempt !== this.attempt || remaining === 0) return undefined;
					const reader = await this.readerAt(end - remaining);
					const part = await reader.take(remaining, this.size);
					remaining -= part.length;
					if (remaining === 0 && isFinal) await this.checkNothingFollows(reader);
					return part;
				}),
		);
	}

	async close(): Promise<void> {
		await this.reads.idle();
		await this.reader?.close();
	}

	/** The reader positioned at byte `offset`: skipping forward, or reopening the source to go back. */
	private async readerAt(offset: number): Promise<PieceReader> {
		if (!this.reader || this.reader.position > offset) {
			await this.reader?.close();
			this.reader = new PieceReader(await this.open());
		}
		while (this.reader.position < offset) {
			await this.reader.take(offset - this.reader.position, this.size);
		}
		return this.reader;
	}

	private async checkNothingFollows(reader: PieceReader): Promise<void> {
		if (await reader.hasMore()) throw new SourceSizeError(this.size, reader.position + 1);
	}
}

/** Reads a source piece by piece, handing out views; `position` counts the bytes handed out. */
class PieceReader {
	private readonly iterator: AsyncIterator<Buffer> | Iterator<Buffer>;
	private piece: Buffer = Buffer.alloc(0);
	private offset = 0;
	position = 0;

	constructor(pieces: AsyncIterable<Buffer> | Iterable<Buffer>) {
		this.iterator =
			Symbol.asyncIterator in pieces ? pieces[Symbol.asyncIterator]() : pieces[Symbol.iterator]();
	}

	/** A view of the next `length` bytes when one piece holds them all, else undefined (nothing taken). */
	async takeWithin(length: number): Promise<Buffer | undefined> {
		if (!(await this.hasMore()) || this.piece.length - this.offset < length) return undefined;
		return this.view(length);
	}

	/** A view of the next bytes, at most `max`, from the current piece (reading one if needed). */
	async take(max: number, expectedTotal: number): Promise<Buffer> {
		if (!(await this.hasMore())) throw new SourceSizeError(expectedTotal, this.position);
		return this.view(Math.min(max, this.piece.length - this.offset));
	}

	/** Whether any byte is left after what was taken. */
	async hasMore(): Promise<boolean> {
		while (this.offset === this.piece.length) {
			const next = await this.iterator.next();
			if (next.done) return false;
			this.piece = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
			this.offset = 0;
		}
		return true;
	}

	async close(): Promise<void> {
		// Ends the source early (destroys a file stream)
		await this.iterator.return?.();
	}

	private view(length: number): Buffer {
		this.offset += length;
		this.position += length;
		return this.piece.subarray(this.offset - length, this.offset);
	}
}
