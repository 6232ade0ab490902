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
	START_NODE_TYPE,
} from '../../test/harness';
import type { HarnessNode } from '../../test/harness';
import { measureRun, publishNode, runMeasurement } from './measureRun';
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

	const tikTok = publishNode(args, { source: 'binary' });
	const pinData = { Binary: stored.run.data.resultData.runData.Binary[0].data!.main[0]! };
	await measureRun(
		{
			nodes: [start, binary, tikTok],
			connections: connectionsOf('Start', 'Binary', 'TikTok'),
			pinData,
		},
		args,
	);
}

runMeasurement(main);
