/**
 * Find Post in Video List through n8n-core's WorkflowExecute against the emulator, when TikTok reports
 * PUBLISH_COMPLETE without post IDs (statusPostIds "never"): one candidate gives postIdSource videoList,
 * two give null and the reason, an ID already in the status gives postIdSource status; on Get Status and
 * on both publish operations when they wait (where the search keeps looking while moderation runs).
 */
import { runNode } from '../../../../harness';
import type { INodeParameters } from 'n8n-workflow';

import { apiCall } from '../../../../emulator/test-helpers';
import type { TokenResponse } from '../../../../emulator/types';
import { oAuth2Credential, tikTokNode, useEmulator } from '../../../../helpers/tikTok';

const LIFECYCLE = { downloadMs: 300, processingMs: 300, moderationMs: 300 };
const context = useEmulator({
	settings: { lifecycle: LIFECYCLE },
	defaultAccount: { dailyPostCap: 100_000 },
});

let tokens: TokenResponse;
beforeEach(() => {
	tokens = context.emu.issueTokens();
	context.emu.updateSettings({
		lifecycle: { statusPostIds: 'never', ...LIFECYCLE },
		display: { captionFields: 'both' },
	});
});

let captions = 0;
/** A caption no other test uses, so each test has its own candidates. */
const uniqueCaption = (text = 'Sunset over the harbour #n8n') => `${text} ${++captions}`;

async function pullVideo(caption: string, privacy = 'PUBLIC_TO_EVERYONE'): Promise<string> {
	const response = await apiCall(context.emu, '/v2/post/publish/video/init/', {
		token: tokens.access_token,
		body: {
			post_info: { privacy_level: privacy, title: caption },
			source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/clip.mp4' },
		},
	});
	expect(response.json.error.code).toBe('ok');
	return response.json.data.publish_id as string;
}

/** Published, past moderation: public in the video list, no post ID in the status. */
async function publishedVideo(
	caption: string,
	privacy?: string,
): Promise<{ publishId: string; postId: string | undefined }> {
	const publishId = await pullVideo(caption, privacy);
	context.emu.clock.advance(
		LIFECYCLE.downloadMs + LIFECYCLE.processingMs + LIFECYCLE.moderationMs + 10,
	);
	const task = context.emu.getTask(publishId);
	expect(task?.status).toBe('PUBLISH_COMPLETE');
	return { publishId, postId: task?.postIds[0] };
}

async function getStatus(parameters: INodeParameters, scopes?: string[]) {
	const { emu } = context;
	const credentialTokens = scopes ? emu.issueTokens(undefined, { scopes }) : tokens;
	return await runNode({
		credentials: { cred: oAuth2Credential(emu, credentialTokens) },
		node: tikTokNode({ resource: 'post', operation: 'getStatus', ...parameters }),
	});
}

const find = (title: string) => ({ options: { findPostInVideoList: true, title } });
const shareUrlOf = (postId: string) =>
	`https://www.tiktok.com/@${context.emu.defaultAccount.username}/video/${postId}`;

describe('Find Post in Video List (Get Status)', () => {
	test('one candidate: the post ID from the video list, with its share URL', async () => {
		const caption = uniqueCaption();
		// An older video with the same caption, from before the publish request, is not a candidate
		context.emu.addVideos(undefined, [
			{
				title: caption,
				videoDescription: caption,
				createTimeMs: context.emu.clock.now() - 3_600_000,
			},
		]);
		const { publishId, postId } = await publishedVideo(caption);
		const run = await getStatus({ publishId, ...find(`  ${caption}\n`) });
		expect(run.error).toBeUndefined();
		expect(postId).toMatch(/^\d{19}$/);
		expect(run.output[0].json).toMatchObject({
			publishId,
			status: 'PUBLISH_COMPLETE',
			postIds: [postId],
			postIdSource: 'videoList',
			shareUrl: shareUrlOf(postId!),
			findPostReason: null,
		});
	});

	test('two candidates: no guess, postIdSource null and the reason', async () => {
		const caption = uniqueCaption();
		const { publishId, postId } = await publishedVideo(caption);
		const [other] = context.emu.addVideos(undefined, [
			{ title: caption, videoDescription: caption, createTimeMs: context.emu.clock.now() },
		]);
		const run = await getStatus({ publishId, ...find(caption) });
		expect(run.output[0].json).toMatchObject({
			status: 'PUBLISH_COMPLETE',
			postIds: [],
			postIdSource: null,
			shareUrl: null,
		});
		const reason = String(run.output[0].json.findPostReason);
		expect(reason).toContain('2 public videos with this caption');
		expect(reason).toContain(postId!);
		expect(reason).toContain(other.id);
		expect(reason).toContain('does not guess');
	});

	test('an ID already in the status: postIdSource status, and the video list is not read', async () => {
		context.emu.updateSettings({ lifecycle: { statusPostIds: 'afterModeration' } });
		const caption = uniqueCaption();
		const { publishId, postId } = await publishedVideo(caption);
		const listBefore = context.emu.requests.filter((r) => r.path === '/v2/video/list/').length;
		const run = await getStatus({ publishId, ...find(caption) });
		expect(run.output[0].json).toMatchObject({
			postIds: [postId],
			postIdSource: 'status',
			shareUrl: shareUrlOf(postId!),
			findPostReason: null,
		});
		expect(context.emu.requests.filter((r) => r.path === '/v2/video/list/').length).toBe(
			listBefore,
		);
	});

	test('without the option the output is as before: no postIdSource', async () => {
		const { publishId } = await publishedVideo(uniqueCaption());
		const run = await getStatus({ publishId });
		expect(run.output[0].json).not.toHaveProperty('postIdSource');
		expect(run.output[0].json.postIds).toEqual([]);
	});

	test('a long caption that TikTok cut to 150 characters in video_description still matches', async () => {
		context.emu.updateSettings({ display: { captionFields: 'videoDescription' } });
		const caption = uniqueCaption(`${'A long caption with #hashtags and emoji 🌅 '.repeat(8)}end`);
		expect(caption.length).toBeGreaterThan(300);
		const { publishId, postId } = await publishedVideo(caption);
		const run = await getStatus({ publishId, ...find(caption) });
		expect(run.output[0].json).toMatchObject({ postIds: [postId], postIdSource: 'videoList' });
	});

	test('another caption is no candidate: none found, with the reason (moderation, public posts only)', async () => {
		const { publishId } = await publishedVideo(uniqueCaption());
		const run = await getStatus({ publishId, ...find('Not the caption that was posted') });
		expect(run.output[0].json).toMatchObject({ postIds: [], postIdSource: null, shareUrl: null });
		expect(run.output[0].json.findPostReason).toMatch(
			/No public video with this caption.*moderation/,
		);
	});

	test('a private post never shows in the video list: none found', async () => {
		const caption = uniqueCaption();
		const { publishId } = await publishedVideo(caption, 'SELF_ONLY');
		const run = await getStatus({ publishId, ...find(caption) });
		expect(run.output[0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', postIdSource: null });
	});

	test('without video.list: the status still comes, and the reason names the scope', async () => {
		const caption = uniqueCaption();
		const { publishId } = await publishedVideo(caption);
		const run = await getStatus({ publishId, ...find(caption) }, [
			'user.info.basic',
			'video.publish',
		]);
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', postIdSource: null });
		expect(run.output[0].json.findPostReason).toMatch(
			/Could not read the video list: .*video\.list.*Additional Scopes/,
		);
	});

	test('a post not published yet: the reason says so', async () => {
		const publishId = await pullVideo(uniqueCaption());
		const run = await getStatus({ publishId, ...find('x') });
		expect(run.output[0].json).toMatchObject({ status: 'PROCESSING_DOWNLOAD', postIdSource: null });
		expect(run.output[0].json.findPostReason).toContain(
			'not published the post yet (status PROCESSING_DOWNLOAD)',
		);
	});
});

describe('Find Post in Video List (publish operations, when waiting)', () => {
	const waitOptions = {
		waitForCompletion: true,
		waitTimeoutSeconds: 30,
		pollIntervalSeconds: 2,
		findPostInVideoList: true,
	};

	test('Publish Video from a URL: waits, then keeps looking while moderation runs, and finds the post', async () => {
		const { emu } = context;
		emu.updateSettings({ lifecycle: { moderationMs: 3000 } });
		const caption = uniqueCaption();
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, tokens) },
			node: tikTokNode({
				resource: 'video',
				operation: 'publish',
				source: 'url',
				videoUrl: 'https://media.example.com/clip.mp4',
				title: caption,
				privacyLevel: 'PUBLIC_TO_EVERYONE',
				options: waitOptions,
			}),
		});
		expect(run.error).toBeUndefined();
		const output = run.output[0].json;
		const postId = emu.getTask(String(output.publishId))?.postIds[0];
		expect(output).toMatchObject({
			status: 'PUBLISH_COMPLETE',
			postIds: [postId],
			postIdSource: 'videoList',
			shareUrl: shareUrlOf(postId!),
			timedOut: false,
		});
	});

	test('Publish Photos: matched by the title', async () => {
		const { emu } = context;
		const title = uniqueCaption('Three photos');
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, tokens) },
			node: tikTokNode({
				resource: 'photo',
				operation: 'publish',
				photoUrls: ['https://media.example.com/1.jpg', 'https://media.example.com/2.jpg'],
				title,
				description: 'A longer description #photos',
				privacyLevel: 'PUBLIC_TO_EVERYONE',
				options: waitOptions,
			}),
		});
		expect(run.error).toBeUndefined();
		const output = run.output[0].json;
		const postId = emu.getTask(String(output.publishId))?.postIds[0];
		expect(output).toMatchObject({
			status: 'PUBLISH_COMPLETE',
			postIds: [postId],
			postIdSource: 'videoList',
		});
	});
});
