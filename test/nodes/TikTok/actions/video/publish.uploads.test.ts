/**
 * Boundary-size uploads through the real node (n8n-core's WorkflowExecute), in both binary modes: the
 * emulator (strict chunk rules: both readings of "MB") accepts the plan and confirms every byte.
 */
import { runPublish, sampleFile, startTestEmulator } from './publishKit';
import type { SampleFile } from './publishKit';
import { checkChunkPlan } from '../../../../emulator';
import type { TikTokEmulator } from '../../../../emulator';
import { describeEachBinaryMode } from '../../../../harness';
import { DEFAULT_CHUNK_SIZE_MB, planChunks } from '../../../../../nodes/TikTok/upload';

const MIN = 5 * 1024 * 1024;
const DEFAULT = DEFAULT_CHUNK_SIZE_MB * 1_000_000;
const SMALL_MB = 6;

/** [size, Chunk Size (MB) option or undefined for the default] */
const CASES: Array<[number, number | undefined]> = [
	[MIN - 1, undefined],
	[MIN, undefined],
	[MIN + 1, undefined],
	[2 * SMALL_MB * 1_000_000 - 1, SMALL_MB],
	[2 * SMALL_MB * 1_000_000, SMALL_MB],
	[2 * SMALL_MB * 1_000_000 + 1, SMALL_MB],
	...[
		2 * DEFAULT - 1,
		2 * DEFAULT,
		2 * DEFAULT + 1,
		63_999_999,
		64_000_000,
		64_000_001,
		67_108_863,
		67_108_864,
		67_108_865,
	]
		.filter((size, index, all) => all.indexOf(size) === index)
		.map((size): [number, undefined] => [size, undefined]),
];

let emu: TikTokEmulator;
const files = new Map<number, SampleFile>();

beforeAll(async () => {
	emu = await startTestEmulator();
	for (const [size] of CASES)
		if (!files.has(size)) files.set(size, await sampleFile(size, { durationSec: 30 }));
}, 300_000);

afterAll(async () => {
	await emu.close();
});

describeEachBinaryMode('Publish Video uploads at the chunk boundaries', (binaryMode) => {
	test.each(
		CASES.map(
			([size, chunkSizeMb]) =>
				[
					size,
					chunkSizeMb === undefined ? 'the default chunk size' : `Chunk Size (MB) ${chunkSizeMb}`,
					chunkSizeMb,
				] as const,
		),
	)('%d bytes at %s', async (size, _label, chunkSizeMb) => {
		const file = files.get(size)!;
		const result = await runPublish(emu, {
			binaryMode,
			file,
			parameters: {
				privacyLevel: 'SELF_ONLY',
				options: chunkSizeMb === undefined ? {} : { chunkSizeMb },
			},
		});
		expect(result.errorText).toBe('');
		const json = result.output[0].json;
		const expected = planChunks(size, (chunkSizeMb ?? DEFAULT_CHUNK_SIZE_MB) * 1_000_000);
		expect(json.upload).toEqual({
			bytes: size,
			chunkSize: expected.chunkSize,
			chunks: expected.totalChunkCount,
			durationMs: expect.any(Number),
		});
		const upload = emu.getUpload(String(json.publishId))!;
		expect(upload).toMatchObject({
			complete: true,
			sha256: file.sha256,
			putCount: expected.totalChunkCount,
			videoSize: size,
		});
		expect(upload.attempts.every((attempt) => attempt.outcome === 'committed')).toBe(true);
		for (const mode of ['strict', 'decimal', 'binary'] as const) {
			expect(
				checkChunkPlan(
					{ videoSize: size, chunkSize: upload.chunkSize, totalChunkCount: upload.totalChunkCount },
					mode,
				),
			).toBeUndefined();
		}
	});
});
