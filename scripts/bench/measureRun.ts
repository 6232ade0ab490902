/**
 * The measured part of a node measurement: one workflow run through n8n-core's WorkflowExecute (the
 * harness, filesystem binary mode) with the emulator's OAuth2 credential, and the JSON line it reports:
 * the TikTok node's output, its execution time, this process's CPU time and peak RSS.
 */
import { runWorkflow, shutdownHarness } from '../../test/harness';
import type { HarnessNode } from '../../test/harness';
import { peakRssBytes, report } from './peakRss';
import type { RunArgs } from './peakRss';

type Workflow = Parameters<typeof runWorkflow>[0];

/** A Publish Video (draft) node with the benchmark's chunk size and credential. */
export function publishNode(args: RunArgs, parameters: Record<string, unknown>): HarnessNode {
	return {
		name: 'TikTok',
		type: 'n8n-nodes-tiktok-publisher.tikTok',
		parameters: {
			resource: 'video',
			operation: 'publish',
			postMode: 'draft',
			...parameters,
			// The option is in MB of 10^6 bytes; fractions reach binary sizes exactly (8 MiB = 8.388608)
			options: { chunkSizeMb: args.chunkSize / 1_000_000 },
		},
		credentials: { tikTokOAuth2Api: { id: 'c1', name: 'TikTok' } },
	};
}

export async function measureRun(workflow: Workflow, args: RunArgs): Promise<void> {
	const cpu = process.cpuUsage();
	const result = await runWorkflow(workflow, {
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
	});
	// The whole run (the TikTok node, mostly the upload): CPU time of this process
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

/** Runs `main`, reporting a crash as the measurement's error. */
export function runMeasurement(main: () => Promise<void>): void {
	main().catch((error: unknown) => {
		report({ error: (error as Error).stack ?? String(error) });
		process.exitCode = 1;
	});
}
