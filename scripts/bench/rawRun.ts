/**
 * The physical baseline: the same bytes, in the same chunks, PUT to the same emulator by a minimal client
 * (node:http with a keep-alive agent, one reused buffer read straight from the file). No n8n.
 * Argument: a JSON RunArgs. Prints one JSON line.
 */
import { request, Agent } from 'node:http';
import { open, stat } from 'node:fs/promises';

import { planChunks } from '../../nodes/TikTok/upload/planChunks';
import { peakRssBytes, report } from './peakRss';
import { init } from './rawInit';
import type { RunArgs } from './peakRss';

function put(
	agent: Agent,
	url: URL,
	headers: Record<string, string>,
	body: Buffer,
): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method: 'PUT', agent, headers }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('error', reject);
		req.end(body);
	});
}

async function main(): Promise<void> {
	const args = JSON.parse(process.argv[2]) as RunArgs;
	const { size } = await stat(args.filePath);
	const plan = planChunks(size, args.chunkSize);
	const { publishId, uploadUrl } = await init(args, plan);
	const url = new URL(uploadUrl);
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	const file = await open(args.filePath, 'r');
	const buffer = Buffer.allocUnsafeSlow(plan.chunks[plan.chunks.length - 1].length);
	const started = process.hrtime.bigint();
	const cpu = process.cpuUsage();
	for (const chunk of plan.chunks) {
		const bytes = buffer.subarray(0, chunk.length);
		const { bytesRead } = await file.read(bytes, 0, chunk.length, chunk.start);
		if (bytesRead !== chunk.length) throw new Error('short read');
		const status = await put(
			agent,
			url,
			{
				'Content-Type': 'video/mp4',
				'Content-Length': String(chunk.length),
				'Content-Range': `bytes ${chunk.start}-${chunk.end}/${size}`,
			},
			bytes,
		);
		if (status !== (chunk.index === plan.totalChunkCount - 1 ? 201 : 206))
			throw new Error(`chunk ${chunk.index}: HTTP ${status}`);
	}
	const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
	const { user, system } = process.cpuUsage(cpu);
	await file.close();
	agent.destroy();
	report({
		publishId,
		upload: { bytes: size, chunkSize: plan.chunkSize, chunks: plan.totalChunkCount, durationMs },
		cpuMs: (user + system) / 1000,
		peakRssBytes: peakRssBytes(),
	});
}

main().catch((error: unknown) => {
	report({ error: (error as Error).stack ?? String(error) });
	process.exitCode = 1;
});
