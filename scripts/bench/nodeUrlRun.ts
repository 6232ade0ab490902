/**
 * One measurement of the real node's URL upload (Source "URL (Uploaded by This Node)"), in a fresh process so
 * that its peak RSS is this upload's: Start -> TikTok (Publish Video, draft) through n8n-core's
 * WorkflowExecute (the harness), the media served by the media server in its own process.
 * Argument: a JSON RunArgs with videoUrl. Prints one JSON line.
 */
import { connectionsOf, START_NODE_TYPE } from '../../test/harness';
import type { HarnessNode } from '../../test/harness';
import type { UrlRunArgs } from './mediaServer';
import { measureRun, publishNode, runMeasurement } from './measureRun';

async function main(): Promise<void> {
	const args = JSON.parse(process.argv[2]) as UrlRunArgs;
	const start: HarnessNode = { name: 'Start', type: START_NODE_TYPE };
	const tikTok = publishNode(args, { source: 'urlUpload', videoUrl: args.videoUrl });
	await measureRun({ nodes: [start, tikTok], connections: connectionsOf('Start', 'TikTok') }, args);
}

runMeasurement(main);
