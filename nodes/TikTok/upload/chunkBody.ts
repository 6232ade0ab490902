/**
 * A chunk's request body that reads its bytes while it is sent: a Blob as the Blob standard shapes it
 * (`size`, `type`, `stream()`, tagged "Blob"), like userland Blobs such as fetch-blob. n8n's HTTP helper
 * (axios) sends any Blob by reading its `stream()`, so a chunk goes from n8n's binary store to TikTok in
 * pieces, without node:stream (which n8n Cloud forbids in community nodes) and without holding the chunk
 * in memory: a 64 MB chunk in memory would make V8 run full collections over n8n's whole heap.
 */
export class ChunkBody {
	/** Bytes the body will deliver; also its Content-Length */
	readonly size: number;
	readonly type: string;

	constructor(
		size: number,
		type: string,
		/** The next piece of the chunk, or undefined at its end */
		private readonly nextPiece: () => Promise<Buffer | undefined>,
	) {
		// Own enumerable fields: n8n's request helper drops a body object that has none (isObjectEmpty)
		this.size = size;
		this.type = type;
	}

	get [Symbol.toStringTag](): string {
		return 'Blob';
	}

	/**
	 * The bytes, read on demand. A web ReadableStream would do, but each piece would then pass through
	 * its queue before axios's own stream: an async iterator, which is all a reader of `stream()` uses,
	 * saves that CPU.
	 */
	stream(): AsyncIterableIterator<Uint8Array> {
		const nextPiece = this.nextPiece;
		return (async function* () {
			for (let piece = await nextPiece(); piece; piece = await nextPiece()) yield piece;
		})();
	}

	async arrayBuffer(): Promise<ArrayBuffer> {
		const pieces: Buffer[] = [];
		for await (const piece of this.stream()) pieces.push(Buffer.from(piece));
		const whole = Buffer.concat(pieces);
		return whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength) as ArrayBuffer;
	}
}
