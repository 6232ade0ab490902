/**
 * Video > Get Videos by ID through n8n-core's WorkflowExecute against the emulator: 25 IDs in two requests
 * (20 + 5), items in the order asked for, IDs TikTok does not return listed in notFound, numbers that lost
 * digits refused with the reason; plus the parsing of the Post IDs parameter.
 */
import { runNode } from '../../../../harness';
import type { INode } from 'n8n-workflow';

import { postIdsFrom } from '../../../../../nodes/TikTok/actions/video/get.input';
import { InputChecker } from '../../../../../nodes/TikTok/input/checker';
import type { TikTokEmulator } from '../../../../emulator';
import { oAuth2Credential, tikTokNode, useEmulator } from '../../../../helpers/tikTok';

const context = useEmulator();

function accountWithVideos(emu: TikTokEmulator, count: number) {
	const account = emu.addAccount({ videos: [] });
	const videos = emu.seedVideos(account.openId, { count, seed: 7 });
	return { account, videos, tokens: emu.issueTokens(account.openId) };
}

function queryRequests(openId: string) {
	return context.emu.requests.filter((r) => r.path === '/v2/video/query/' && r.openId === openId);
}

async function getVideos(
	tokens: ReturnType<TikTokEmulator['issueTokens']>,
	postIds: unknown,
	continueOnFail = false,
) {
	return await runNode({
		credentials: { cred: oAuth2Credential(context.emu, tokens) },
		node: {
			...tikTokNode({ resource: 'video', operation: 'get', postIds: postIds as string }),
			continueOnFail,
		},
	});
}

describe('Video > Get Videos by ID', () => {
	test('25 IDs as text: two requests (20 + 5), one item per video in the order asked for, with its stats', async () => {
		const { emu } = context;
		const { account, videos, tokens } = accountWithVideos(emu, 30);
		const wanted = [...videos.slice(5, 30)].reverse();
		emu.updateVideo(wanted[0].id, { viewCount: 424242 });
		const text = `${wanted
			.slice(0, 10)
			.map((v) => v.id)
			.join(', ')}\n${wanted
			.slice(10)
			.map((v) => v.id)
			.join(' ')}`;
		const run = await getVideos(tokens, text);
		expect(run.error).toBeUndefined();
		expect(run.output.map((item) => item.json.postId)).toEqual(wanted.map((v) => v.id));
		expect(run.output[0].json).toMatchObject({
			viewCount: 424242,
			likeCount: wanted[0].likeCount,
			notFound: [],
		});
		const requests = queryRequests(account.openId);
		expect(
			requests.map(
				(r) => (r.body as { filters: { video_ids: string[] } }).filters.video_ids.length,
			),
		).toEqual([20, 5]);
		expect(
			requests.flatMap((r) => (r.body as { filters: { video_ids: string[] } }).filters.video_ids),
		).toEqual(wanted.map((v) => v.id));
	});

	test('a list from an expression; repeated IDs asked for once; IDs TikTok does not return are in notFound', async () => {
		const { emu } = context;
		const { account, videos, tokens } = accountWithVideos(emu, 3);
		emu.deleteVideo(videos[1].id);
		const otherAccount = accountWithVideos(emu, 1);
		const ids = [videos[0].id, videos[1].id, otherAccount.videos[0].id, videos[2].id, videos[0].id];
		const run = await getVideos(tokens, `={{ ${JSON.stringify(ids)} }}`);
		expect(run.error).toBeUndefined();
		expect(run.output.map((item) => item.json.postId)).toEqual([videos[0].id, videos[2].id]);
		expect(run.output[0].json.notFound).toEqual([videos[1].id, otherAccount.videos[0].id]);
		expect(queryRequests(account.openId)).toHaveLength(1);
	});

	test('a post link is read for its ID', async () => {
		const { videos, tokens } = accountWithVideos(context.emu, 1);
		const run = await getVideos(
			tokens,
			`https://www.tiktok.com/@emu.creator/video/${videos[0].id}?lang=en`,
		);
		expect(run.output.map((item) => item.json.postId)).toEqual([videos[0].id]);
	});

	test('none of the IDs returned: the item fails with the IDs and the likely reasons (continue on fail: code videos_not_found)', async () => {
		const { emu } = context;
		const { account, tokens } = accountWithVideos(emu, 1);
		const run = await getVideos(tokens, '7602997517160123666', true);
		expect(run.output[0].json).toMatchObject({
			code: 'videos_not_found',
			error: expect.stringContaining('7602997517160123666'),
		});
		expect(run.output[0].json.description).toMatch(
			/deleted, not public to everyone, still in moderation/,
		);
		expect(queryRequests(account.openId)).toHaveLength(1);
	});

	test('a number from an expression that lost digits is refused with the reason, before any request', async () => {
		const { account, tokens } = accountWithVideos(context.emu, 1);
		const run = await getVideos(tokens, '={{ 7602997517160123666 }}');
		expect(run.error?.message).toMatch(
			/Invalid "Post IDs": 760299751716012\d+ is a number that has lost digits/,
		);
		expect(run.error?.description).toContain('as text');
		expect(queryRequests(account.openId)).toHaveLength(0);
	});
});

describe('Post IDs parameter', () => {
	const check = new InputChecker({ name: 'TikTok' } as INode, 0);
	const A = '7602997517160123666';
	const B = '7602997517160123667';

	test.each([
		[`${A},${B}`, [A, B]],
		[` ${A}\n\n${B} `, [A, B]],
		[`${A}; ${B}, ${A}`, [A, B]],
		[
			[A, [B]],
			[A, B],
		],
		[`[${A}, "${B}"]`, [A, B]],
		[BigInt(A), [A]],
		[`https://www.tiktok.com/@x/video/${A}`, [A]],
	])('%p gives %p', (value, expected) => {
		expect(postIdsFrom(check, value)).toEqual(expected);
	});

	test.each([
		['', /it holds no post ID/],
		[[], /it holds no post ID/],
		[7602997517160123666, /is a number that has lost digits/],
		[123456, /is a number of 6 digits, and TikTok post IDs have 19/],
		['7.602997517160124e+18', /is a rounded number, not a post ID/],
		['12345', /has 5 digits, and TikTok post IDs have 19/],
		['v_pub_url~v2.7602997517160123666', /is not a TikTok post ID/],
		[{ id: A }, /it holds an object/],
	])('%p is refused (%p)', (value, reason) => {
		expect(() => postIdsFrom(check, value)).toThrow(reason);
	});
});
