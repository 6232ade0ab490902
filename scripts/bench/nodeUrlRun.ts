/**
 * One measurement of the real node's URL upload (Source "URL (Uploaded by This Node)"), in a fresh process so
 * that its peak RSS is this upload's: Start -> TikTok (Publish Video, draft) through n8n-core's
 * WorkflowExecute (the harness), the media served by the media server in its own process.
 * Argument: a JSON RunArgs with videoUrl. Prints one JSON line.
 */
import { connectionsOf, runWorkflow, shutdownHarness, START_NODE_TYPE } from '../../test/harness';
import type { HarnessNode } from '../../test/harness';
import { peakRssBytes, report } from './peakRss';
import type { UrlRunArgs } from './mediaServer';

async function main(): Promise<void> {
	const args = JSON.parse(process.argv[2]) as UrlRunArgs;
	const start: HarnessNode = { name: 'Start', type: START_NODE_TYPE };
	const tikTok: HarnessNode = {
		name: 'TikTok',
		type: 'n8n-nodes-tiktok-publisher.tikTok',
		parameters: {
			resource: 'video',
			operation: 'publish',
			postMode: 'draft',
			source: 'urlUpload',
			videoUrl: args.videoUrl,
			options: { chunkSizeMb: args.chunkSize / 1_000_000 },
		},
		credentials: { tikTokOAuth2Api: { id: 'c1', name: 'TikTok' } },
	};
	const cpu = process.cpuUsage();
	const result = await runWorkflow(
		{ nodes: [start, tikTok], connections: connectionsOf('Start', 'TikTok') },
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
		cpuMs: (user + system) / 1000,
		peakRssBytes: peakRssBytes(),
	});
	await shutdownHarness();
}

main().catch((error: unknown) => {
	report({ error: (error as Error).stack ?? String(error) });
	process.exitCode = 1;
});
