/**
 * Video > Get Many Videos through n8n-core's WorkflowExecute against the emulator's catalogues: Return All
 * follows TikTok's cursor over several pages (each video once, 19-digit ids exact), Limit asks for no more
 * than it needs and stops as soon as it has them, a missing video.list scope is named.
 */
import { runNode } from '../../../../harness';
import type { TikTokEmulator } from '../../../../emulator';
import { oAuth2Credential, tikTokNode, useEmulator } from '../../../../helpers/tikTok';

const context = useEmulator();

/** A fresh account with `count` public videos (plus the given private ones), newest first. */
function accountWithVideos(emu: TikTokEmulator, count: number, privateIndexes: number[] = []) {
	const account = emu.addAccount({ videos: [] });
	const videos = emu.seedVideos(account.openId, { count, privateIndexes, seed: 13 });
	return {
		account,
		videos,
		publicVideos: videos.filter((video) => video.isPublic),
		tokens: emu.issueTokens(account.openId),
	};
}

function listRequests(openId: string) {
	return context.emu.requests.filter((r) => r.path === '/v2/video/list/' && r.openId === openId);
}

async function getMany(
	tokens: ReturnType<TikTokEmulator['issueTokens']>,
	parameters: Record<string, unknown>,
) {
	return await runNode({
		credentials: { cred: oAuth2Credential(context.emu, tokens) },
		node: tikTokNode({ resource: 'video', operation: 'getMany', ...parameters } as never),
	});
}

describe('Video > Get Many Videos', () => {
	test('Return All over four pages: every public video exactly once, newest first, ids digit for digit', async () => {
		const { account, publicVideos, tokens } = accountWithVideos(context.emu, 67, [3, 40]);
		const run = await getMany(tokens, { returnAll: true });
		expect(run.error).toBeUndefined();
		const ids = run.output.map((item) => item.json.postId);
		expect(ids).toEqual(publicVideos.map((video) => video.id));
		expect(new Set(ids).size).toBe(65);
		for (const id of ids) expect(id).toMatch(/^\d{19}$/);
		const requests = listRequests(account.openId);
		expect(requests).toHaveLength(4);
		expect(requests.map((r) => (r.body as { max_count: number }).max_count)).toEqual([
			20, 20, 20, 20,
		]);
		// the cursor of each page is the one TikTok returned: the last video's create_time in ms
		expect((requests[1].body as { cursor: number }).cursor).toBe(publicVideos[19].createTimeMs);
	});

	test('one item per video with the design fields, every ID a string', async () => {
		const { emu } = context;
		const { videos, tokens } = accountWithVideos(emu, 2);
		const run = await getMany(tokens, { limit: 1 });
		const [video] = videos;
		expect(run.output).toHaveLength(1);
		expect(run.output[0].json).toEqual({
			postId: video.id,
			title: video.title,
			description: video.videoDescription,
			createTime: Math.floor(video.createTimeMs / 1000),
			createdAt: new Date(Math.floor(video.createTimeMs / 1000) * 1000).toISOString(),
			durationSeconds: video.durationSec,
			width: video.width,
			height: video.height,
			coverImageUrl: expect.stringMatching(/^https:\/\//),
			shareUrl: expect.stringContaining(`/video/${video.id}`),
			embedLink: expect.stringContaining(video.id),
			viewCount: video.viewCount,
			likeCount: video.likeCount,
			commentCount: video.commentCount,
			shareCount: video.shareCount,
		});
	});

	test('Limit 25 of 65: two requests (20, then the 5 still missing), and no third', async () => {
		const { account, publicVideos, tokens } = accountWithVideos(context.emu, 65);
		const run = await getMany(tokens, { returnAll: false, limit: 25 });
		expect(run.output.map((item) => item.json.postId)).toEqual(
			publicVideos.slice(0, 25).map((video) => video.id),
		);
		const requests = listRequests(account.openId);
		expect(requests.map((r) => (r.body as { max_count: number }).max_count)).toEqual([20, 5]);
	});

	test('the default Limit (50) is three requests (20, 20, 10), and a limit of 20 exactly does not ask for a next page', async () => {
		const { account, tokens } = accountWithVideos(context.emu, 65);
		const run = await getMany(tokens, {});
		expect(run.output).toHaveLength(50);
		expect(
			listRequests(account.openId).map((r) => (r.body as { max_count: number }).max_count),
		).toEqual([20, 20, 10]);
		const exact = accountWithVideos(context.emu, 65);
		const twenty = await getMany(exact.tokens, { limit: 20 });
		expect(twenty.output).toHaveLength(20);
		expect(listRequests(exact.account.openId)).toHaveLength(1);
	});

	test('a limit above the catalogue stops when TikTok says has_more false', async () => {
		const { account, tokens } = accountWithVideos(context.emu, 23);
		const run = await getMany(tokens, { limit: 100 });
		expect(run.output).toHaveLength(23);
		expect(
			listRequests(account.openId).map((r) => (r.body as { max_count: number }).max_count),
		).toEqual([20, 20]);
	});

	test('TikTok ids written as bare 19-digit numbers stay exact', async () => {
		const { emu } = context;
		emu.updateSettings({ display: { videoIdFormat: 'number' } });
		try {
			const { publicVideos, tokens } = accountWithVideos(emu, 3);
			const run = await getMany(tokens, { returnAll: true });
			expect(run.output.map((item) => item.json.postId)).toEqual(
				publicVideos.map((video) => video.id),
			);
		} finally {
			emu.updateSettings({ display: { videoIdFormat: 'string' } });
		}
	});

	test('an account without public videos gives no items, not an error', async () => {
		const { tokens } = accountWithVideos(context.emu, 0);
		const run = await getMany(tokens, { returnAll: true });
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(0);
	});

	test('without video.list the error names the scope and how to add it', async () => {
		const { emu } = context;
		const tokens = emu.issueTokens(undefined, { scopes: ['user.info.basic', 'video.publish'] });
		const run = await getMany(tokens, { returnAll: true });
		expect(run.error?.message).toContain('has not granted the scope this needs: video.list');
		expect(run.error?.description).toMatch(/select video\.list in Additional Scopes/);
	});

	test('a limit that is not a whole number of at least 1 is refused before any request', async () => {
		const { account, tokens } = accountWithVideos(context.emu, 3);
		const run = await getMany(tokens, { limit: 0 });
		expect(run.error?.message).toContain('Invalid "Limit"');
		expect(listRequests(account.openId)).toHaveLength(0);
	});
});
