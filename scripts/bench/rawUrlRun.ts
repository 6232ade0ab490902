/**
 * The physical baseline of the URL leg: the same chunks, each a ranged GET from the media server piped
 * straight into its PUT to the same emulator, by a minimal node:http client (keep-alive on both sides).
 * No n8n. Argument: a JSON RunArgs with videoUrl. Prints one JSON line.
 */
import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';

import { planChunks } from '../../nodes/TikTok/upload/planChunks';
import { peakRssBytes, report } from './peakRss';
import { init } from './rawInit';
import type { UrlRunArgs } from './mediaServer';

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<IncomingMessage> {
	return new Promise((resolve, reject) => {
		const req = request(url, { agent, headers }, resolve);
		req.on('error', reject);
		req.end();
	});
}

function put(
	agent: Agent,
	url: URL,
	headers: Record<string, string>,
	body: IncomingMessage,
): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method: 'PUT', agent, headers }, (res) => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('error', reject);
		body.on('error', reject);
		body.pipe(req);
	});
}

async function main(): Promise<void> {
	const args = JSON.parse(process.argv[2]) as UrlRunArgs;
	const { videoUrl } = args;
	const mediaAgent = new Agent({ keepAlive: true, maxSockets: 1 });
	const uploadAgent = new Agent({ keepAlive: true, maxSockets: 1 });
	// The size, as the node learns it: Content-Range's total of a ranged GET of the first byte
	const first = await get(mediaAgent, videoUrl, { Range: 'bytes=0-0' });
	first.resume();
	const size = Number(/\/(\d+)$/.exec(String(first.headers['content-range']))?.[1]);
	const plan = planChunks(size, args.chunkSize);
	const { publishId, uploadUrl } = await init(args, plan);
	const url = new URL(uploadUrl);
	// Timed like the node's upload.durationMs: the chunks, after the init
	const started = process.hrtime.bigint();
	const cpu = process.cpuUsage();
	for (const chunk of plan.chunks) {
		const body = await get(mediaAgent, videoUrl, { Range: `bytes=${chunk.start}-${chunk.end}` });
		if (body.statusCode !== 206)
			throw new Error(`chunk ${chunk.index}: media server HTTP ${body.statusCode}`);
		const status = await put(
			uploadAgent,
			url,
			{
				'Content-Type': 'video/mp4',
				'Content-Length': String(chunk.length),
				'Content-Range': `bytes ${chunk.start}-${chunk.end}/${size}`,
			},
			body,
		);
		if (status !== (chunk.index === plan.totalChunkCount - 1 ? 201 : 206))
			throw new Error(`chunk ${chunk.index}: HTTP ${status}`);
	}
	const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
	const { user, system } = process.cpuUsage(cpu);
	mediaAgent.destroy();
	uploadAgent.destroy();
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
