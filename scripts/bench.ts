/**
 * Upload benchmark (not a test): the real node against a raw client, same bytes, same chunks, same emulator.
 *
 *   node -r ts-node/register/transpile-only scripts/bench.ts [--sizes 100MB,1GB] [--chunks 8MiB,16MiB,32MiB,64MB] [--with-4gb] [--repeat N]
 *        [--legs binary,url] [--url-chunks 64MB]
 *
 * The emulator runs in its own process (its SHA-256 of every byte stays out of the node's numbers). Every
 * measurement runs in a fresh child process: the node through the harness (n8n-core's WorkflowExecute,
 * filesystem binary mode), the baseline with node:http and one reused buffer. Prints one table.
 *
 * The URL leg (Source "URL (Uploaded by This Node)") serves generated media from the media server CLI in a process
 * of its own and measures the node (ranged GETs streamed into the PUTs, through n8n's HTTP helper) against a
 * raw pipeline: node:http keep-alive clients piping each chunk's ranged GET into its PUT. Prints a second table.
 *
 * The ratio is the median of each back-to-back pair's ratio (raw time / node time): on a shared machine the
 * speed drifts between pairs more than within one. BENCH_NODE_FLAGS adds Node.js flags to every measured
 * process, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EmulatorProcess } from './e2e/emulator';
import { run, tail } from './e2e/processes';
import type { RunArgs } from './bench/peakRss';
import { MediaServerProcess } from './bench/mediaServer';
import type { UrlRunArgs } from './bench/mediaServer';
import { writeSampleMp4 } from '../test/fixtures/sampleVideo';

const REPO = join(__dirname, '..');
const UNITS: Record<string, number> = {
	B: 1,
	KB: 1e3,
	MB: 1e6,
	GB: 1e9,
	KIB: 1024,
	MIB: 1024 ** 2,
	GIB: 1024 ** 3,
};

interface Options {
	sizes: number[];
	chunks: number[];
	repeat: number;
	legs: string[];
	/** Chunk sizes of the URL leg (default: the node's default chunk size) */
	urlChunks: number[];
}

function parseSize(text: string): number {
	const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
	const unit = UNITS[(match?.[2] || 'B').toUpperCase()];
	if (!match || !unit) throw new Error(`Not a size: ${text} (use e.g. 100MB, 1GB, 16MiB)`);
	return Math.round(Number(match[1]) * unit);
}

function parseArgs(argv: string[]): Options {
	const options: Options = {
		sizes: [100e6, 1e9],
		chunks: [8, 16, 32].map((m) => m * 1024 ** 2).concat(64e6),
		repeat: 1,
		legs: ['binary', 'url'],
		urlChunks: [64e6],
	};
	for (let i = 0; i < argv.length; i++) {
		const next = () => argv[++i] ?? '';
		if (argv[i] === '--sizes') options.sizes = next().split(',').map(parseSize);
		else if (argv[i] === '--chunks') options.chunks = next().split(',').map(parseSize);
		else if (argv[i] === '--with-4gb') options.sizes.push(4e9);
		else if (argv[i] === '--repeat') options.repeat = Number(next());
		else if (argv[i] === '--legs') options.legs = next().split(',');
		else if (argv[i] === '--url-chunks') options.urlChunks = next().split(',').map(parseSize);
		else throw new Error(`Unknown argument ${argv[i]}`);
	}
	return options;
}

interface Measurement {
	error?: string;
	publishId?: string;
	upload?: { bytes: number; chunkSize: number; chunks: number; durationMs: number };
	nodeExecutionMs?: number;
	cpuMs: number;
	peakRssBytes: number;
}

/** One measurement in a fresh child process; a child that hangs (seen once on a loaded machine) is killed and run again. */
async function measure(
	script: 'nodeRun' | 'rawRun' | 'nodeUrlRun' | 'rawUrlRun',
	args: RunArgs | UrlRunArgs,
	timeoutMs: number,
	attempts = 2,
): Promise<Measurement> {
	const result = await run(
		script,
		process.execPath,
		[
			...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
			'-r',
			'ts-node/register/transpile-only',
			join(__dirname, 'bench', `${script}.ts`),
			JSON.stringify(args),
		],
		{
			cwd: REPO,
			env: {
				...process.env,
				TS_NODE_PROJECT: join(REPO, 'tsconfig.test.json'),
				N8N_LOG_LEVEL: 'warn',
			},
			timeoutMs,
		},
	);
	// The JSON line; flags such as --trace-gc may print lines of their own
	const last =
		result.stdout
			.trim()
			.split('\n')
			.filter((line) => line.startsWith('{'))
			.pop() ?? '';
	try {
		if (result.timedOut) throw new Error(`no result within ${timeoutMs / 1000} s`);
		const parsed = JSON.parse(last) as Measurement;
		if (parsed.error) throw new Error(parsed.error);
		return parsed;
	} catch (error) {
		const failure = `${script} failed: ${(error as Error).message}\n${tail(result.stderr)}`;
		if (attempts <= 1) throw new Error(failure);
		console.error(`${failure}\n(running it again)`);
		return await measure(script, args, timeoutMs, attempts - 1);
	}
}

/** Generous: two minutes plus 20 s per 100 MB (the upload itself runs at several hundred MB/s here). */
function timeoutFor(size: number): number {
	return 120_000 + Math.ceil(size / 100e6) * 20_000;
}

interface Row {
	size: number;
	chunkSize: number;
	chunks: number;
	nodeS: number;
	baselineS: number;
	nodeCpuS: number;
	baselineCpuS: number;
	nodePeak: number;
	idlePeak: number;
	baselinePeak: number;
	nodeConnections: number;
	baselineConnections: number;
	/** Raw time / node time: of one pair, or the median of the pairs' */
	ratio: number;
	runs: number;
}

/** Medians of repeated measurements (times and peaks), so one noisy run on a shared machine does not decide. */
function medianRow(samples: Row[]): Row {
	const median = (pick: (row: Row) => number) => {
		const sorted = samples.map(pick).sort((a, b) => a - b);
		const middle = Math.floor(sorted.length / 2);
		return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	};
	return {
		...samples[0],
		nodeS: median((r) => r.nodeS),
		baselineS: median((r) => r.baselineS),
		nodeCpuS: median((r) => r.nodeCpuS),
		baselineCpuS: median((r) => r.baselineCpuS),
		nodePeak: median((r) => r.nodePeak),
		baselinePeak: median((r) => r.baselinePeak),
		ratio: median((r) => r.ratio),
		runs: samples.length,
	};
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

function sizeLabel(bytes: number): string {
	if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`;
	return bytes >= 1e9 ? `${bytes / 1e9} GB` : `${bytes / 1e6} MB`;
}

function printTable(rows: Row[]): void {
	const header = [
		'size',
		'chunk',
		'n',
		'runs',
		'node s',
		'baseline s',
		'ratio',
		'node MB/s',
		'CPU s node/base',
		'node peak RSS',
		'idle RSS',
		'peak - idle',
		'< 2x chunk?',
		'baseline peak',
		'TCP node/base',
	];
	const lines = rows.map((r) => {
		const extra = r.nodePeak - r.idlePeak;
		return [
			sizeLabel(r.size),
			sizeLabel(r.chunkSize),
			String(r.chunks),
			String(r.runs),
			r.nodeS.toFixed(2),
			r.baselineS.toFixed(2),
			r.ratio.toFixed(2),
			mb(r.size / r.nodeS),
			`${r.nodeCpuS.toFixed(2)}/${r.baselineCpuS.toFixed(2)}`,
			mib(r.nodePeak),
			mib(r.idlePeak),
			mib(extra),
			extra < 2 * r.chunkSize
				? `yes (${(extra / r.chunkSize).toFixed(2)}x)`
				: `NO (${(extra / r.chunkSize).toFixed(2)}x)`,
			mib(r.baselinePeak),
			`${r.nodeConnections}/${r.baselineConnections}`,
		];
	});
	const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
	const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log(format(header));
	console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
	for (const line of lines) console.log(format(line));
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const dir = await mkdtemp(join(tmpdir(), 'tiktok-bench-'));
	const emulator = await EmulatorProcess.start({
		args: [
			'--port',
			'0',
			'--upload-port',
			'0',
			'--settings',
			JSON.stringify({
				pendingShareCap: 1e9,
				rateLimits: { inboxInit: null },
				uploadBodyTimeoutMs: 120_000,
			}),
		],
	});
	try {
		const runArgs = async (filePath: string, chunkSize: number): Promise<RunArgs> => {
			const tokens = await emulator.post<{ access_token: string; refresh_token: string }>(
				'tokens',
				{},
			);
			return {
				filePath,
				chunkSize,
				baseUrl: emulator.baseUrl,
				clientKey: emulator.info.clientKey,
				clientSecret: emulator.info.clientSecret,
				accessToken: tokens.access_token,
				refreshToken: tokens.refresh_token,
			};
		};
		const connections = async () =>
			(await emulator.get<{ connectionCount: { upload: number } }>('summary')).connectionCount
				.upload;
		const checkUpload = async (m: Measurement, sha256: string, what: string) => {
			const upload = await emulator.get<{ sha256: string; complete: boolean }>(
				`uploads/${encodeURIComponent(m.publishId!)}`,
			);
			if (!upload.complete || upload.sha256 !== sha256)
				throw new Error(`${what}: the emulator did not receive the file byte-exact`);
		};

		// Idle: the same process and workflow with a 1 MB video (one tiny chunk): what n8n + the harness cost
		const idleFile = join(dir, 'idle.mp4');
		await writeSampleMp4(idleFile, 1_000_000);
		const idlePeak = options.legs.includes('binary')
			? (await measure('nodeRun', await runArgs(idleFile, options.chunks[0]), timeoutFor(0)))
					.peakRssBytes
			: 0;
		console.error(`idle peak RSS ${mib(idlePeak)}`);
		let urlIdlePeak = 0;

		/** The node, then the baseline, on the same file and chunk size; each in a fresh process. */
		const measurePair = async (
			file: string,
			sha256: string,
			size: number,
			chunkSize: number,
			url?: string,
		): Promise<Row> => {
			const args = async () =>
				url ? { ...(await runArgs('', chunkSize)), videoUrl: url } : await runArgs(file, chunkSize);
			let before = await connections();
			const node = await measure(url ? 'nodeUrlRun' : 'nodeRun', await args(), timeoutFor(size));
			const nodeConnections = (await connections()) - before;
			await checkUpload(node, sha256, 'node');
			before = await connections();
			const baseline = await measure(url ? 'rawUrlRun' : 'rawRun', await args(), timeoutFor(size));
			const baselineConnections = (await connections()) - before;
			await checkUpload(baseline, sha256, 'baseline');
			return {
				size,
				chunkSize: node.upload!.chunkSize,
				chunks: node.upload!.chunks,
				nodeS: node.upload!.durationMs / 1000,
				baselineS: baseline.upload!.durationMs / 1000,
				ratio: baseline.upload!.durationMs / node.upload!.durationMs,
				nodeCpuS: node.cpuMs / 1000,
				baselineCpuS: baseline.cpuMs / 1000,
				nodePeak: node.peakRssBytes,
				idlePeak: url ? urlIdlePeak : idlePeak,
				baselinePeak: baseline.peakRssBytes,
				nodeConnections,
				baselineConnections,
				runs: 1,
			};
		};

		const rows: Row[] = [];
		for (const size of options.legs.includes('binary') ? options.sizes : []) {
			const file = join(dir, `video-${size}.mp4`);
			console.error(`writing ${sizeLabel(size)} sample...`);
			const sha256 = await writeSampleMp4(file, size);
			// Written back to disk before anything reads it, as the node's store copy is (see bench/nodeRun.ts)
			execFileSync('sync');
			for (const chunkSize of options.chunks) {
				const samples: Row[] = [];
				for (let repeat = 0; repeat < options.repeat; repeat++) {
					samples.push(await measurePair(file, sha256, size, chunkSize));
					const last = samples[samples.length - 1];
					console.error(
						`${sizeLabel(size)} @ ${sizeLabel(chunkSize)}: node ${last.nodeS.toFixed(2)} s, baseline ${last.baselineS.toFixed(2)} s, ratio ${last.ratio.toFixed(2)}, node peak ${mib(last.nodePeak)}`,
					);
				}
				rows.push(medianRow(samples));
			}
			await rm(file, { force: true });
		}
		if (rows.length) printTable(rows);

		if (options.legs.includes('url')) {
			const media = await MediaServerProcess.start();
			try {
				// Idle: the same process and workflow publishing a 1 MB video from the media server
				const idleUrl = await media.add('/idle.mp4', 1_000_000);
				urlIdlePeak = (
					await measure(
						'nodeUrlRun',
						{ ...(await runArgs('', options.urlChunks[0])), videoUrl: idleUrl },
						timeoutFor(0),
					)
				).peakRssBytes;
				console.error(`URL leg: idle peak RSS ${mib(urlIdlePeak)}`);
				const urlRows: Row[] = [];
				for (const size of options.sizes) {
					const path = `/video-${size}.mp4`;
					const url = await media.add(path, size);
					const sha256 = await media.sha256(path);
					for (const chunkSize of options.urlChunks) {
						const samples: Row[] = [];
						for (let repeat = 0; repeat < options.repeat; repeat++) {
							samples.push(await measurePair('', sha256, size, chunkSize, url));
							const last = samples[samples.length - 1];
							console.error(
								`URL ${sizeLabel(size)} @ ${sizeLabel(chunkSize)}: node ${last.nodeS.toFixed(2)} s, raw ${last.baselineS.toFixed(2)} s, ratio ${last.ratio.toFixed(2)}, node peak ${mib(last.nodePeak)}`,
							);
						}
						urlRows.push(medianRow(samples));
					}
					await media.remove(path);
				}
				console.log(
					'\nURL leg (Source "URL (Uploaded by This Node)"; baseline: ranged GETs piped into PUTs, node:http keep-alive):',
				);
				printTable(urlRows);
			} finally {
				await media.stop();
			}
		}
	} finally {
		await emulator.stop();
		await rm(dir, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error((error as Error).stack ?? error);
	process.exitCode = 1;
});
