import { Readable } from 'node:stream';

import {
	ChunkBody,
	planChunks,
	SourceSizeError,
	streamSource,
} from '../../../../nodes/TikTok/upload';
import type {
	ChunkPayload,
	ChunkPlan,
	OpenPieces,
	PlannedChunk,
	UploadSource,
} from '../../../../nodes/TikTok/upload';

const MIB = 1024 * 1024;

function bytes(size: number): Buffer {
	const buffer = Buffer.allocUnsafe(size);
	for (let i = 0; i < size; i++) buffer[i] = (i * 7 + 3) & 0xff;
	return buffer;
}

/** Splits a buffer into pieces whose sizes cycle through `sizes` (copies, as a file stream hands out). */
function* piecesOf(source: Buffer, sizes: number[]): Generator<Buffer> {
	let offset = 0;
	for (let i = 0; offset < source.length; i++) {
		const size = sizes[i % sizes.length];
		yield Buffer.from(source.subarray(offset, offset + size));
		offset += size;
	}
}

/** The pieces of a body, as a request reads them (n8n's HTTP client reads a Blob through its stream()). */
function piecesOfBody(body: ChunkPayload): AsyncIterable<Uint8Array> {
	expect(body).toBeInstanceOf(ChunkBody);
	expect(Object.prototype.toString.call(body)).toBe('[object Blob]');
	return (body as ChunkBody).stream();
}

/** Reads a body as a request would. */
async function read(body: ChunkPayload): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return Buffer.from(body);
	expect((body as ChunkBody).size).toBeGreaterThan(0);
	const parts: Buffer[] = [];
	for await (const part of piecesOfBody(body)) parts.push(Buffer.from(part));
	return Buffer.concat(parts);
}

/** The body of one attempt at sending `chunk`. */
async function bodyOf(source: UploadSource, chunk: PlannedChunk): Promise<ChunkPayload> {
	return await source.slice(chunk.start, chunk.end + 1, 'video/mp4');
}

/** Counts how often the source is opened. */
function counted(open: OpenPieces): OpenPieces & { opens: number } {
	const wrapped = Object.assign(
		() => {
			wrapped.opens++;
			return open();
		},
		{ opens: 0 },
	);
	return wrapped;
}

async function cutAll(open: OpenPieces, plan: ChunkPlan): Promise<Buffer[]> {
	const source = streamSource(open, plan.videoSize);
	const out: Buffer[] = [];
	for (const chunk of plan.chunks) out.push(await read(await bodyOf(source, chunk)));
	await source.close();
	return out;
}

describe('streamSource', () => {
	// Three chunks of just over 5 MiB
	const size = 3 * 5 * MIB + 12_345;
	const source = bytes(size);
	const plan = planChunks(size, 5 * MIB);

	test.each([
		['64 KiB file reads', [64 * 1024]],
		['odd sizes', [1, 7, 65_537, 1_000_003, 3]],
		['pieces larger than a chunk', [7 * MIB]],
		['empty pieces in between', [0, 999_999, 0, 1]],
		['one byte at a time, then big', [1, 1, 1, 4 * MIB]],
	])(
		're-cuts %s into exactly the planned chunks, opening the source once',
		async (_name, sizes) => {
			const open = counted(() => piecesOf(source, sizes));
			const chunks = await cutAll(open, plan);
			expect(chunks.map((c) => c.length)).toEqual(plan.chunks.map((c) => c.length));
			expect(Buffer.concat(chunks).equals(source)).toBe(true);
			expect(open.opens).toBe(1);
		},
	);

	test('a file stream works as a source, and is destroyed at the end', async () => {
		const stream = Readable.from(piecesOf(source, [100_000]));
		expect(Buffer.concat(await cutAll(() => stream, plan)).equals(source)).toBe(true);
		expect(stream.destroyed).toBe(true);
	});

	test('an in-memory buffer is handed out as views, without copying', async () => {
		const videoSource = streamSource(() => [source], size);
		const views = await Promise.all(
			plan.chunks.map(async (chunk) => await bodyOf(videoSource, chunk)),
		);
		expect(views.every((view) => Buffer.isBuffer(view) && view.buffer === source.buffer)).toBe(
			true,
		);
		expect(views.map((view) => (view as Buffer).byteOffset)).toEqual(
			plan.chunks.map((c) => source.byteOffset + c.start),
		);
	});

	test('a chunk sent again after a broken attempt is re-read from a reopened source', async () => {
		const open = counted(() => piecesOf(source, [300_000]));
		const videoSource = streamSource(open, size);
		const broken = await bodyOf(videoSource, plan.chunks[1]);
		for await (const piece of piecesOfBody(broken)) {
			if (piece.length > 0) break;
		}
		const again = await read(await bodyOf(videoSource, plan.chunks[1]));
		expect(again.equals(source.subarray(plan.chunks[1].start, plan.chunks[1].end + 1))).toBe(true);
		expect(open.opens).toBe(2);
		// The next chunk follows on from there, without opening again
		expect(
			(await read(await bodyOf(videoSource, plan.chunks[2]))).equals(
				source.subarray(plan.chunks[2].start),
			),
		).toBe(true);
		expect(open.opens).toBe(2);
	});

	test('a superseded body stops reading: the new attempt gets every byte', async () => {
		const videoSource = streamSource(() => piecesOf(source, [100_000]), size);
		const first = await bodyOf(videoSource, plan.chunks[0]);
		const second = await bodyOf(videoSource, plan.chunks[0]);
		const [fromFirst, fromSecond] = await Promise.all([read(first), read(second)]);
		expect(fromSecond.equals(source.subarray(0, plan.chunks[0].length))).toBe(true);
		expect(fromFirst.length).toBeLessThan(plan.chunks[0].length);
	});

	test('a chunk TikTok already had (an early answer) is skipped without reopening', async () => {
		const open = counted(() => piecesOf(source, [MIB]));
		const videoSource = streamSource(open, size);
		for await (const piece of piecesOfBody(await bodyOf(videoSource, plan.chunks[0]))) {
			if (piece.length > 0) break;
		}
		expect(
			(await read(await bodyOf(videoSource, plan.chunks[1]))).equals(
				source.subarray(plan.chunks[1].start, plan.chunks[1].end + 1),
			),
		).toBe(true);
		expect(open.opens).toBe(1);
	});

	test('a short source: the body fails before its last byte, and the failure is kept', async () => {
		const videoSource = streamSource(() => piecesOf(source.subarray(0, size - 1), [MIB]), size);
		expect((await read(await bodyOf(videoSource, plan.chunks[0]))).length).toBe(
			plan.chunks[0].length,
		);
		await read(await bodyOf(videoSource, plan.chunks[1]));
		await expect(read(await bodyOf(videoSource, plan.chunks[2]))).rejects.toThrow(
			new SourceSizeError(size, size - 1),
		);
		expect(videoSource.failure).toBeInstanceOf(SourceSizeError);
	});

	test('a long source: the final body fails before its last bytes are handed out', async () => {
		const long = Buffer.concat([source, Buffer.from([1])]);
		const videoSource = streamSource(() => piecesOf(long, [MIB]), size);
		await read(await bodyOf(videoSource, plan.chunks[0]));
		await read(await bodyOf(videoSource, plan.chunks[1]));
		const handedOut: number[] = [];
		const final = async () => {
			for await (const piece of piecesOfBody(await bodyOf(videoSource, plan.chunks[2])))
				handedOut.push(piece.length);
		};
		await expect(final()).rejects.toThrow(`holds more than the ${size} bytes`);
		expect(handedOut.reduce((a, b) => a + b, 0)).toBeLessThan(plan.chunks[2].length);
		// Also when the extra byte sits in the same in-memory piece as the final chunk
		await expect(cutAll(() => [long], plan)).rejects.toBeInstanceOf(SourceSizeError);
	});

	test('a 1-byte file is one 1-byte chunk', async () => {
		expect(await cutAll(() => [Buffer.from([42])], planChunks(1, 5 * MIB))).toEqual([
			Buffer.from([42]),
		]);
	});
});
