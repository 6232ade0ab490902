import { Readable } from 'node:stream';

import type { ChunkPlan, PlannedChunk } from './planChunks';

/** The file's bytes in order, in pieces of any size; opened again to send a chunk a second time. */
export type OpenSource = () => Promise<AsyncIterable<Buffer> | Iterable<Buffer>> | AsyncIterable<Buffer> | Iterable<Buffer>;

/** The source delivered fewer or more bytes than the plan (the size declared to TikTok at init). */
export class SourceSizeError extends Error {
	constructor(
		readonly expectedBytes: number,
		/** What was read; for a longer source, more than expected */
		readonly actualBytes: number,
	) {
		super(
			actualBytes < expectedBytes
				? `the binary data ended after ${actualBytes} of the ${expectedBytes} bytes it declared`
				: `the binary data holds more than the ${expectedBytes} bytes it declared`,
		);
		this.name = 'SourceSizeError';
	}
}

/**
 * Cuts the source into exactly the planned chunks, as request bodies that read the bytes while they are
 * sent: nothing is copied or kept, so memory does not grow with the chunk size, reading overlaps the
 * transfer, and the garbage collector only ever sees short-lived pieces (a chunk held in memory would
 * make V8 run full collections over n8n's whole heap, several per gigabyte). Sending a chunk again
 * re-reads it: from where the source stands if it has not passed the chunk yet, else from a newly
 * opened source (n8n's binary stores give a fresh stream; an in-memory buffer costs nothing to reopen).
 * A chunk inside one in-memory piece is that piece's view. A short or long source fails the body before
 * the end of the chunk that reveals it, so TikTok never receives a complete upload of the wrong size.
 */
export class ChunkCutter {
	/** Set when the source turned out shorter or longer than planned */
	failure?: SourceSizeError;
	private reader?: PieceReader;
	/** Serialises reads: a superseded body may still be pulling when the next attempt starts */
	private queue: Promise<unknown> = Promise.resolve();
	private attempt = 0;

	constructor(
		private readonly open: OpenSource,
		private readonly plan: ChunkPlan,
	) {}

	/** The request body of one attempt at sending `chunk`. */
	async body(chunk: PlannedChunk): Promise<Buffer | Readable> {
		const attempt = ++this.attempt;
		const isFinal = chunk.index === this.plan.totalChunkCount - 1;
		const view = await this.serially(async () => {
			const reader = await this.readerAt(chunk.start);
			const whole = await reader.takeWithin(chunk.length);
			if (whole && isFinal) await this.checkNothingFollows(reader);
			return whole;
		});
		if (view) return view;
		let remaining = chunk.length;
		const next = () =>
			this.serially(async () => {
				if (attempt !== this.attempt || remaining === 0) return undefined;
				const reader = await this.readerAt(chunk.end + 1 - remaining);
				const part = await reader.take(remaining, this.plan.videoSize);
				remaining -= part.length;
				if (remaining === 0 && isFinal) await this.checkNothingFollows(reader);
				return part;
			});
		return Readable.from(
			(async function* () {
				for (let part = await next(); part; part = await next()) yield part;
			})(),
			{ objectMode: false },
		);
	}

	async close(): Promise<void> {
		await this.queue;
		await this.reader?.close();
	}

	/** The reader positioned at byte `offset`: skipping forward, or reopening the source to go back. */
	private async readerAt(offset: number): Promise<PieceReader> {
		if (!this.reader || this.reader.position > offset) {
			await this.reader?.close();
			this.reader = new PieceReader(await this.open());
		}
		while (this.reader.position < offset) await this.reader.take(offset - this.reader.position, this.plan.videoSize);
		return this.reader;
	}

	private async checkNothingFollows(reader: PieceReader): Promise<void> {
		if (await reader.hasMore()) throw new SourceSizeError(this.plan.videoSize, reader.position + 1);
	}

	private serially<T>(task: () => Promise<T>): Promise<T> {
		const run = this.queue.then(async () => {
			if (this.failure) throw this.failure;
			try {
				return await task();
			} catch (error) {
				if (error instanceof SourceSizeError) this.failure = error;
				throw error;
			}
		});
		this.queue = run.catch(() => undefined);
		return run;
	}
}

/** Reads a source piece by piece, handing out views; `position` counts the bytes handed out. */
class PieceReader {
	private readonly iterator: AsyncIterator<Buffer> | Iterator<Buffer>;
	private piece: Buffer = Buffer.alloc(0);
	private offset = 0;
	position = 0;

	constructor(pieces: AsyncIterable<Buffer> | Iterable<Buffer>) {
		this.iterator = Symbol.asyncIterator in pieces ? pieces[Symbol.asyncIterator]() : pieces[Symbol.iterator]();
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
