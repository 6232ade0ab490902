/**
 * Post > Cancel through n8n-core's WorkflowExecute against the emulator: a post TikTok is still downloading
 * is cancelled ({ publishId, cancelled: true }, then FAILED publish_cancelled, no post ever); cancelling it
 * again is still cancelled; a post past downloading fails with what happened to it.
 */
import { runNode } from '../../../../harness';

import { apiCall, fileInitBody } from '../../../../emulator/test-helpers';
import type { TokenResponse } from '../../../../emulator/types';
import { oAuth2Credential, tikTokNode, useEmulator } from '../../../../helpers/tikTok';

const LIFECYCLE = { downloadMs: 60_000, processingMs: 300, moderationMs: 300 };
const context = useEmulator({ settings: { lifecycle: LIFECYCLE } });

let tokens: TokenResponse;
beforeEach(() => {
	tokens = context.emu.issueTokens();
});

async function pullVideo(): Promise<string> {
	const response = await apiCall(context.emu, '/v2/post/publish/video/init/', {
		token: tokens.access_token,
		body: {
			post_info: { privacy_level: 'SELF_ONLY', title: 'Pulled' },
			source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/clip.mp4' },
		},
	});
	expect(response.json.error.code).toBe('ok');
	return response.json.data.publish_id as string;
}

async function cancel(publishId: string, continueOnFail = false) {
	return await runNode({
		credentials: { cred: oAuth2Credential(context.emu, tokens) },
		node: { ...tikTokNode({ resource: 'post', operation: 'cancel', publishId }), continueOnFail },
	});
}

function cancelRequests() {
	return context.emu.requests.filter((r) => r.path === '/v2/post/publish/cancel/');
}

describe('Post > Cancel', () => {
	test('while TikTok downloads: cancelled, the post ends FAILED publish_cancelled and is never made', async () => {
		const { emu } = context;
		const publishId = await pullVideo();
		emu.clock.advance(10_000);
		const run = await cancel(publishId);
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toEqual({ publishId, cancelled: true });
		expect(emu.getTask(publishId)).toMatchObject({
			status: 'FAILED',
			failReason: 'publish_cancelled',
		});
		emu.clock.advance(LIFECYCLE.downloadMs + 10_000);
		expect(emu.videosOf().map((video) => video.publishId)).not.toContain(publishId);

		// Running the node again (Retry On Fail, a second execution) is harmless: the post is cancelled
		const again = await cancel(publishId);
		expect(again.output[0].json).toEqual({ publishId, cancelled: true });
	});

	test('after the download: publish_not_cancellable, with what happened (published) and what to do', async () => {
		const { emu } = context;
		const publishId = await pullVideo();
		emu.clock.advance(LIFECYCLE.downloadMs + LIFECYCLE.processingMs + 1);
		expect(emu.getTask(publishId)?.status).toBe('PUBLISH_COMPLETE');
		const before = cancelRequests().length;
		const run = await cancel(publishId, true);
		expect(run.output[0].json).toMatchObject({
			code: 'publish_not_cancellable',
			error: 'TikTok can no longer cancel this post: it is already published',
			description: expect.stringContaining('Delete the post in the TikTok app'),
		});
		// a refusal is not retried
		expect(cancelRequests().length - before).toBe(1);
	});

	test('nearly downloaded (past 90 %): TikTok says it is past downloading', async () => {
		const { emu } = context;
		const publishId = await pullVideo();
		emu.clock.advance(LIFECYCLE.downloadMs * 0.95);
		const run = await cancel(publishId);
		expect(run.error?.message).toMatch(
			/TikTok can no longer cancel this post: TikTok has finished downloading it, or nearly \(status PROCESSING_DOWNLOAD\)/,
		);
	});

	test('an uploaded video (FILE_UPLOAD) is not cancellable, and the error says why', async () => {
		const response = await apiCall(context.emu, '/v2/post/publish/video/init/', {
			token: tokens.access_token,
			body: fileInitBody(1000, 1000, 1),
		});
		const run = await cancel(response.json.data.publish_id as string);
		expect(run.error?.message).toContain('TikTok only cancels posts it downloads from a URL');
	});

	test('an unknown publish ID: TikTok does not know it', async () => {
		const run = await cancel('v_pub_url~v2-1.7602997517160123666');
		expect(run.error?.message).toContain('TikTok does not know this publish ID');
	});

	test('a post ID instead of a publish ID is refused before any request', async () => {
		const before = cancelRequests().length;
		const run = await cancel('7602997517160123666');
		expect(run.error?.message).toContain('Invalid "Publish ID"');
		expect(cancelRequests().length).toBe(before);
	});
});
