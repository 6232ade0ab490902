import { checkChunkPlan } from '../../../emulator';
import type { ChunkRuleMode } from '../../../emulator';
import {
	DEFAULT_CHUNK_SIZE_MB,
	planChunks,
	TIKTOK_CHUNK_LIMITS,
} from '../../../../nodes/TikTok/upload';
import type { ChunkPlan } from '../../../../nodes/TikTok/upload';

const MIB = 1024 * 1024;
const MIN = 5 * MIB;
const DEFAULT = DEFAULT_CHUNK_SIZE_MB * 1_000_000;
const MODES: ChunkRuleMode[] = ['strict', 'decimal', 'binary', 'lenient'];

/** Structural invariants: contiguous, exact cover, TikTok's count rule, limits under both readings. */
function expectLegal(plan: ChunkPlan): void {
	const { videoSize, chunkSize, totalChunkCount, chunks } = plan;
	expect(totalChunkCount).toBe(Math.floor(videoSize / chunkSize));
	expect(chunks).toHaveLength(totalChunkCount);
	expect(totalChunkCount).toBeGreaterThanOrEqual(1);
	expect(totalChunkCount).toBeLessThanOrEqual(1000);
	let next = 0;
	for (const chunk of chunks) {
		expect(chunk.start).toBe(next);
		expect(chunk.end - chunk.start + 1).toBe(chunk.length);
		if (chunk.index < totalChunkCount - 1) expect(chunk.length).toBe(chunkSize);
		next = chunk.end + 1;
	}
	expect(next).toBe(videoSize);
	const final = chunks[chunks.length - 1].length;
	expect(final).toBeLessThanOrEqual(128_000_000);
	// Balanced: the final chunk exceeds the others by less than one byte per chunk
	expect(final - chunkSize).toBeLessThan(Math.max(totalChunkCount, 1));
	if (videoSize < MIN) {
		expect({ chunkSize, totalChunkCount }).toEqual({ chunkSize: videoSize, totalChunkCount: 1 });
	} else {
		expect(chunkSize).toBeGreaterThanOrEqual(MIN);
		expect(chunkSize).toBeLessThanOrEqual(64_000_000);
	}
	if (videoSize > 64_000_000) expect(totalChunkCount).toBeGreaterThanOrEqual(2);
	// The emulator's validators, under every reading of "MB" it implements
	for (const mode of MODES) expect([mode, checkChunkPlan(plan, mode)]).toEqual([mode, undefined]);
}

describe('planChunks', () => {
	test.each([
		// [name, size, preferred, chunkSize, count, final chunk]
		['1 byte', 1, DEFAULT, 1, 1, 1],
		["TikTok's 4 MiB example", 4_194_304, DEFAULT, 4_194_304, 1, 4_194_304],
		['5,242,879: under 5 MiB, whole', MIN - 1, DEFAULT, MIN - 1, 1, MIN - 1],
		['5,242,880: whole', MIN, DEFAULT, MIN, 1, MIN],
		['5,242,881: whole', MIN + 1, DEFAULT, MIN + 1, 1, MIN + 1],
		['5,242,880 at the minimum chunk: one chunk', MIN, MIN, MIN, 1, MIN],
		[
			'2 x 5 MiB - 1: whole, too small for two chunks of 5 MiB',
			2 * MIN - 1,
			MIN,
			2 * MIN - 1,
			1,
			2 * MIN - 1,
		],
		['2 x 5 MiB: two chunks', 2 * MIN, MIN, MIN, 2, MIN],
		['2 x 5 MiB + 1: two, the final absorbs the byte', 2 * MIN + 1, MIN, MIN, 2, MIN + 1],
		['default - 1: whole', DEFAULT - 1, DEFAULT, DEFAULT - 1, 1, DEFAULT - 1],
		[
			'default + 1: two halves',
			DEFAULT + 1,
			DEFAULT,
			Math.floor((DEFAULT + 1) / 2),
			2,
			Math.ceil((DEFAULT + 1) / 2),
		],
		['2 x default - 1: two', 2 * DEFAULT - 1, DEFAULT, DEFAULT - 1, 2, DEFAULT],
		['2 x default: two', 2 * DEFAULT, DEFAULT, DEFAULT, 2, DEFAULT],
		[
			'2 x default + 1: three',
			2 * DEFAULT + 1,
			DEFAULT,
			Math.floor((2 * DEFAULT + 1) / 3),
			3,
			2 * DEFAULT + 1 - 2 * Math.floor((2 * DEFAULT + 1) / 3),
		],
		[
			"TikTok's 50,000,123 example at 10 MB: six chunks of at most 10 MB",
			50_000_123,
			10_000_000,
			8_333_353,
			6,
			8_333_358,
		],
		['63,999,999: whole', 63_999_999, 64_000_000, 63_999_999, 1, 63_999_999],
		[
			'64,000,000: whole (the largest single chunk)',
			64_000_000,
			64_000_000,
			64_000_000,
			1,
			64_000_000,
		],
		['64,000,001: must split, halves', 64_000_001, 64_000_000, 32_000_000, 2, 32_000_001],
		['67,108,863: halves', 67_108_863, 64_000_000, 33_554_431, 2, 33_554_432],
		['67,108,864: halves', 67_108_864, 64_000_000, 33_554_432, 2, 33_554_432],
		['67,108,865: halves', 67_108_865, 64_000_000, 33_554_432, 2, 33_554_433],
		['67,108,864 at 32 MB: three', 67_108_864, 32_000_000, 22_369_621, 3, 22_369_622],
		['127,999,999: halves, the final at 64 MB', 127_999_999, 64_000_000, 63_999_999, 2, 64_000_000],
		['128,000,000: two', 128_000_000, 64_000_000, 64_000_000, 2, 64_000_000],
		[
			'191,999,999: three, the final just over the others',
			191_999_999,
			64_000_000,
			63_999_999,
			3,
			64_000_001,
		],
		[
			"4,000,000,000 (the node's maximum) at 64 MB",
			4_000_000_000,
			64_000_000,
			63_492_063,
			63,
			63_492_094,
		],
		[
			'4,000,000,000 at the minimum: 762 chunks, just over 5 MiB',
			4_000_000_000,
			MIN,
			5_249_343,
			762,
			5_249_977,
		],
	])('%s', (_name, size, preferred, chunkSize, count, final) => {
		const plan = planChunks(size, preferred);
		expect({
			chunkSize: plan.chunkSize,
			totalChunkCount: plan.totalChunkCount,
			final: plan.chunks[count - 1].length,
		}).toEqual({
			chunkSize,
			totalChunkCount: count,
			final,
		});
		expectLegal(plan);
	});

	test.each([
		['64 MiB clamps to 64,000,000', 67_108_864, 64_000_000],
		['a decimal 5 MB clamps up to 5 MiB', 5_000_000, MIN],
		['1 byte clamps up to 5 MiB', 1, MIN],
		['NaN falls back to the largest chunk', NaN, 64_000_000],
	])('preferred size %s', (_name, preferred, used) => {
		// A multiple of the chunk size, so the balanced plan uses it exactly
		expect(planChunks(20 * used, preferred).chunkSize).toBe(used);
	});

	test('sizes that would need more than 1000 chunks at the preferred size get larger chunks', () => {
		// With TikTok's limits 4 GB / 5 MiB is only 762 chunks; smaller limits make the guard reachable
		const limits = {
			...TIKTOK_CHUNK_LIMITS,
			minChunk: 1000,
			maxChunk: 1_000_000,
			maxFinalChunk: 2_000_000,
			maxChunkCount: 1000,
		};
		const plan = planChunks(5_000_000, 1000, limits);
		expect(plan.totalChunkCount).toBe(1000);
		expect(plan.chunkSize).toBe(5000);
		// 1000 chunks of more than the largest chunk: no legal plan
		expect(() => planChunks(1_000_001_000, 1000, limits)).toThrow(RangeError);
	});

	test.each([0, -1, 4_000_000_001, 4_294_967_296, 1.5])('refuses %p bytes', (size) => {
		expect(() => planChunks(size, DEFAULT)).toThrow(RangeError);
	});

	test('every size around every boundary, at several preferred sizes, is legal in every emulator mode', () => {
		const boundaries = [
			MIN,
			10_000_000,
			2 * MIN,
			64_000_000,
			67_108_864,
			128_000_000,
			134_217_728,
			1_000_000_000,
			4_000_000_000,
		];
		const preferred = [MIN, 8 * MIB, 10_000_000, 16 * MIB, DEFAULT, 32 * MIB, 60 * MIB, 64_000_000];
		let plans = 0;
		for (const boundary of [
			...boundaries,
			...preferred.map((p) => 2 * p),
			...preferred.map((p) => 3 * p),
		]) {
			for (const size of [boundary - 1, boundary, boundary + 1]) {
				if (size > TIKTOK_CHUNK_LIMITS.maxVideoSize) continue;
				for (const p of preferred) {
					expectLegal(planChunks(size, p));
					plans++;
				}
			}
		}
		expect(plans).toBeGreaterThan(500);
	});
});
