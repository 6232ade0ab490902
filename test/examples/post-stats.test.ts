/**
 * examples/post-stats.json runs as shipped (only the credential filled in, and a shorter poll interval):
 * Publish Video from a URL, wait, find the post in the video list when TikTok's status names no post ID,
 * then read its stats with Get Videos by ID.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runWorkflow, START_NODE_TYPE, type HarnessNode, type HarnessWorkflow } from '../harness';
import { harnessNodeTypes } from '../harness/test-nodes';
import { oAuth2Credential, TIKTOK_NODE_TYPE, useEmulator } from '../helpers/tikTok';

const context = useEmulator({
	settings: {
		lifecycle: { downloadMs: 300, processingMs: 300, moderationMs: 2500, statusPostIds: 'never' },
	},
});

/** n8n's Manual Trigger is not installed in the harness; its stand-in does the same (one empty item). */
const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';

test('examples/post-stats.json publishes, finds the post TikTok did not name, and reads its stats', async () => {
	const { emu } = context;
	const workflow = JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'examples', 'post-stats.json'), 'utf8'),
	) as HarnessWorkflow & {
		nodes: HarnessNode[];
	};
	expect(workflow.nodes.map((node) => node.type)).toEqual([
		MANUAL_TRIGGER,
		TIKTOK_NODE_TYPE,
		TIKTOK_NODE_TYPE,
	]);
	for (const node of workflow.nodes) {
		if (node.type === TIKTOK_NODE_TYPE)
			node.credentials = { tikTokOAuth2Api: { id: 'cred', name: 'TikTok account' } };
	}
	// the shortest interval, so the test takes seconds
	(workflow.nodes[1].parameters?.options as { pollIntervalSeconds: number }).pollIntervalSeconds =
		2;

	const run = await runWorkflow(workflow, {
		credentials: { cred: oAuth2Credential(emu) },
		nodeTypes: { [MANUAL_TRIGGER]: harnessNodeTypes()[START_NODE_TYPE] },
	});
	expect(run.error).toBeUndefined();
	const [published] = run.items('Publish Video');
	const task = emu.getTask(String(published.json.publishId));
	const [postId] = task?.postIds ?? [];
	expect(postId).toMatch(/^\d{19}$/);
	expect(published.json).toMatchObject({
		status: 'PUBLISH_COMPLETE',
		postIds: [postId],
		postIdSource: 'videoList',
		shareUrl: `https://www.tiktok.com/@${emu.defaultAccount.username}/video/${postId}`,
	});

	const [stats] = run.items('Get Video Stats');
	const video = emu.findVideo(postId)?.video;
	expect(stats.json).toMatchObject({
		postId,
		title: "Behind the scenes of this week's shoot #n8n #automation",
		viewCount: video?.viewCount,
		likeCount: video?.likeCount,
		commentCount: video?.commentCount,
		shareCount: video?.shareCount,
		notFound: [],
	});
});
