import { createHash } from 'node:crypto';

import {
	binaryModeSupport,
	connectionsOf,
	describeEachBinaryMode,
	isBinaryModeSupported,
	MAKE_BINARY_NODE_TYPE,
	n8nLine,
	runNode,
	runWorkflow,
	SET_ITEMS_NODE_TYPE,
	START_NODE_TYPE,
	writeTempFile,
	type TempFile,
} from './index';
import { ECHO_TYPE, fixtureTypes } from './fixtures';

const CHUNK = 64 * 1024;
let file: TempFile;

beforeAll(async () => {
	// 3 MiB + 123 bytes: large enough that a whole-file read would show up as one huge piece
	file = await writeTempFile(3 * 1024 * 1024 + 123, 'clip.mp4');
});

describe('binary mode support', () => {
	it('reports the modes of the loaded n8n line', () => {
		expect(binaryModeSupport.default).toBe(n8nLine === 1 ? 'memory' : 'filesystem');
		expect(isBinaryModeSupported('filesystem')).toBe(true);
		// n8n-core 2.41.1 still implements the in-memory ("default") mode, opt-in; removal is announced for v3
		expect(binaryModeSupport.supported).toEqual(['filesystem', 'memory']);
	});
});

describeEachBinaryMode('binary data reaching a node', (mode) => {
	it('arrives with the right bytes, as a stream from the store (filesystem) or a buffer (memory)', async () => {
		const result = await runNode({
			...fixtureTypes(),
			binaryMode: mode,
			binary: { source: 'file', filePath: file.path, mimeType: 'video/mp4' },
			node: { type: ECHO_TYPE, parameters: { operation: 'inspectBinary', chunkSize: CHUNK } },
		});
		expect(result.error).toBeUndefined();
		const [out] = result.output;
		expect(out.json.sha256).toBe(file.sha256);
		expect(out.json.bytes).toBe(file.size);
		expect(out.json.fileName).toBe('clip.mp4');
		expect(out.json.mimeType).toBe('video/mp4');
		const made = result.items('Binary')[0].binary!.data;
		if (mode === 'filesystem') {
			expect(out.json.storage).toBe('stream');
			expect(made.id).toMatch(/^filesystem-v2:/);
			expect(made.storage).toBe('store');
			expect(out.json.id).toBe(made.id);
			expect(out.json.metadataSize).toBe(file.size);
			// read in pieces of at most the requested chunk size: never the whole file at once
			expect(out.json.maxChunk).toBeLessThanOrEqual(CHUNK);
			expect(out.json.chunks).toBeGreaterThanOrEqual(Math.ceil(file.size / CHUNK));
		} else {
			expect(out.json.storage).toBe('buffer');
			expect(made.id).toBeUndefined();
			expect(made.storage).toBe('inline');
			expect(out.json.maxChunk).toBe(file.size);
		}
		const bytes = await result.readBinary('Binary');
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
	});

	it('handles several items with their own binary data', async () => {
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE },
					{
						name: 'Items',
						type: SET_ITEMS_NODE_TYPE,
						parameters: { items: JSON.stringify([{ n: 10 }, { n: 2000 }, { n: 70000 }]) },
					},
					{
						name: 'Binary',
						type: MAKE_BINARY_NODE_TYPE,
						parameters: {
							source: 'pattern',
							sizeBytes: '={{ $json.n }}',
							propertyName: 'video',
							fileName: '={{ "v" + $json.n + ".mp4" }}',
							mimeType: 'video/mp4',
						},
					},
					{
						name: 'Echo',
						type: ECHO_TYPE,
						parameters: {
							operation: 'inspectBinary',
							binaryPropertyName: 'video',
							chunkSize: 1024,
						},
					},
				],
				connections: connectionsOf('Start', 'Items', 'Binary', 'Echo'),
			},
			{ ...fixtureTypes(), binaryMode: mode },
		);
		expect(result.error).toBeUndefined();
		const echo = result.items('Echo');
		expect(echo.map((i) => i.json.bytes)).toEqual([10, 2000, 70000]);
		expect(echo.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(echo.map((i) => i.json.storage)).toEqual(
			Array(3).fill(mode === 'filesystem' ? 'stream' : 'buffer'),
		);
		const binaries = result.items('Binary').map((i) => i.binary!.video);
		expect(new Set(binaries.map((b) => b.id ?? 'inline')).size).toBe(mode === 'filesystem' ? 3 : 1);
	});
});

it('switches binary modes between runs in one test file', async () => {
	const modes = binaryModeSupport.supported;
	const storages: string[] = [];
	for (const mode of [...modes, ...modes]) {
		const result = await runNode({
			...fixtureTypes(),
			binaryMode: mode,
			binary: { source: 'text', text: 'hello' },
			node: { type: ECHO_TYPE, parameters: { operation: 'inspectBinary' } },
		});
		storages.push(result.output[0].json.storage as string);
	}
	expect(storages).toEqual(
		modes
			.map((m) => (m === 'filesystem' ? 'stream' : 'buffer'))
			.concat(modes.map((m) => (m === 'filesystem' ? 'stream' : 'buffer'))),
	);
});
