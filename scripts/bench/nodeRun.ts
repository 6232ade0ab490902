/**
 * One measurement of the real node, in a fresh process so that its peak RSS is this upload's. Two
 * workflow runs through n8n-core's WorkflowExecute (the harness), filesystem binary mode:
 *  1. Start -> Make Binary: streams the file into n8n's binary store;
 *  2. after `sync` (so the store copy's write-back does not compete with the upload, as it does not for
 *     the baseline's file), Start -> Make Binary (pinned: the stored item) -> TikTok (Publish Video,
 *     draft, binary source).
 * Argument: a JSON RunArgs. Prints one JSON line.
 */
import { execFileSync } from 'node:child_process';

import {
	connectionsOf,
	MAKE_BINARY_NODE_TYPE,
	runWorkflow,
	shutdownHarness,
	START_NODE_TYPE,
} from '../../test/harness';
import type { HarnessNode } from '../../test/harness';
import { peakRssBytes, report } from './peakRss';
import type { RunArgs } from './peakRss';

async function main(): Promise<void> {
	const args = JSON.parse(process.argv[2]) as RunArgs;
	const start: HarnessNode = { name: 'Start', type: START_NODE_TYPE };
	const binary: HarnessNode = {
		name: 'Binary',
		type: MAKE_BINARY_NODE_TYPE,
		parameters: { source: 'file', filePath: args.filePath, mimeType: 'video/mp4' },
	};
	const stored = await runWorkflow(
		{ nodes: [start, binary], connections: connectionsOf('Start', 'Binary') },
		{ binaryMode: 'filesystem', timeoutMs: 3600_000 },
	);
	if (stored.error) throw new Error(stored.error.message);
	execFileSync('sync');

	const tikTok: HarnessNode = {
		name: 'TikTok',
		type: 'n8n-nodes-tiktok-publisher.tikTok',
		parameters: {
			resource: 'video',
			operation: 'publish',
			postMode: 'draft',
			source: 'binary',
			// The option is in MB of 10^6 bytes; fractions reach binary sizes exactly (8 MiB = 8.388608)
			options: { chunkSizeMb: args.chunkSize / 1_000_000 },
		},
		credentials: { tikTokOAuth2Api: { id: 'c1', name: 'TikTok' } },
	};
	const cpu = process.cpuUsage();
	const result = await runWorkflow(
		{
			nodes: [start, binary, tikTok],
			connections: connectionsOf('Start', 'Binary', 'TikTok'),
			pinData: { Binary: stored.run.data.resultData.runData.Binary[0].data!.main[0]! },
		},
		{
			binaryMode: 'filesystem',
			timeoutMs: 3600_000,
			credentials: {
				c1: {
					type: 'tikTokOAuth2Api',
					data: {
						clientId: args.clientKey,
						clientSecret: args.clientSecret,
						useCustomHost: true,
						customHost: args.baseUrl,
						oauthTokenData: {
							access_token: args.accessToken,
							refresh_token: args.refreshToken,
							token_type: 'Bearer',
						},
					},
				},
			},
		},
	);
	const { user, system } = process.cpuUsage(cpu);
	const json = result.nodes.TikTok?.items[0]?.json ?? {};
	report({
		error: result.error?.message,
		publishId: json.publishId,
		upload: json.upload,
		nodeExecutionMs: result.run.data.resultData.runData.TikTok?.[0]?.executionTime,
		// The whole second run (the TikTok node, mostly the upload): CPU time of this process
		cpuMs: (user + system) / 1000,
		peakRssBytes: peakRssBytes(),
	});
	await shutdownHarness();
}

main().catch((error: unknown) => {
	report({ error: (error as Error).stack ?? String(error) });
	process.exitCode = 1;
});
