/**
 * The example workflows of Publish Photos and Get Status run as shipped (only the credential and, for Get
 * Status, the publish ID filled in), so their parameter names stay in step with the node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runWorkflow, START_NODE_TYPE, type HarnessNode, type HarnessWorkflow } from '../harness';
import { harnessNodeTypes } from '../harness/test-nodes';
import { oAuth2Credential, TIKTOK_NODE_TYPE, useEmulator } from '../helpers/tikTok';

const context = useEmulator({
	settings: { lifecycle: { downloadMs: 300, processingMs: 300, moderationMs: 300 } },
});

/** n8n's Manual Trigger is not installed in the harness; its stand-in does the same (one empty item). */
const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';

function loadExample(file: string): HarnessWorkflow & { nodes: HarnessNode[] } {
	return JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'));
}

async function runExample(workflow: HarnessWorkflow & { nodes: HarnessNode[] }) {
	for (const node of workflow.nodes) {
		if (node.type === TIKTOK_NODE_TYPE)
			node.credentials = { tikTokOAuth2Api: { id: 'cred', name: 'TikTok account' } };
	}
	return await runWorkflow(workflow, {
		credentials: { cred: oAuth2Credential(context.emu) },
		nodeTypes: { [MANUAL_TRIGGER]: harnessNodeTypes()[START_NODE_TYPE] },
	});
}

test('examples/publish-photos.json publishes three photos and waits for them', async () => {
	const workflow = loadExample('publish-photos.json');
	expect(workflow.nodes.map((node) => node.type)).toEqual([MANUAL_TRIGGER, TIKTOK_NODE_TYPE]);
	// the shortest interval, so the wait ends at the second poll
	(workflow.nodes[1].parameters?.options as { pollIntervalSeconds: number }).pollIntervalSeconds =
		2;
	const run = await runExample(workflow);
	expect(run.error).toBeUndefined();
	const [item] = run.items('Publish Photos');
	expect(item.json).toMatchObject({
		status: 'PUBLISH_COMPLETE',
		postMode: 'directPost',
		source: 'url',
		timedOut: false,
	});
	const body = context.emu.getTask(String(item.json.publishId))?.body as {
		source_info: { photo_images: string[] };
	};
	expect(body.source_info.photo_images).toHaveLength(3);
});

test('examples/get-status.json waits for the post it is given', async () => {
	const { emu } = context;
	const workflow = loadExample('get-status.json');
	const getStatus = workflow.nodes.find((node) => node.type === TIKTOK_NODE_TYPE)!;
	expect(getStatus.parameters?.publishId).toMatch(/^p_pub_url~v2\.\d{19}$/);
	const tokens = emu.issueTokens();
	const init = await fetch(`${emu.baseUrl}/v2/post/publish/content/init/`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${tokens.access_token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({
			media_type: 'PHOTO',
			post_mode: 'MEDIA_UPLOAD',
			post_info: {},
			source_info: {
				source: 'PULL_FROM_URL',
				photo_images: ['https://media.example.com/1.jpg'],
				photo_cover_index: 0,
			},
		}),
	});
	getStatus.parameters = {
		...getStatus.parameters,
		publishId: ((await init.json()) as { data: { publish_id: string } }).data.publish_id,
	};
	emu.clock.advance(600); // delivered to the inbox: the first poll is final
	const run = await runExample(workflow);
	expect(run.error).toBeUndefined();
	expect(run.items('Get Status')[0].json).toMatchObject({
		status: 'SEND_TO_USER_INBOX',
		isFinal: true,
		timedOut: false,
	});
});
