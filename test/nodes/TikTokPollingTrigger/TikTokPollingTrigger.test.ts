import type { CredentialFixtures } from '../../harness';
import { n8nLine, runWorkflow } from '../../harness';
import { activatePollingTrigger, type PollingTriggerHarness } from '../../harness/triggers';
import { startEmulator, type EmulatorVideo, type TikTokEmulator } from '../../emulator';
import { oAuth2Credential } from '../../helpers/tikTok';

/**
 * The TikTok Polling Trigger against the emulator's Display API: activated and polled as n8n's
 * ActiveWorkflows does (n8n-core's PollContext, mode 'trigger'), and run manually through WorkflowExecute.
 */

const POLLING_TYPE = 'n8n-nodes-tiktok-publisher.tikTokPollingTrigger';

let emu: TikTokEmulator;
let nextId = 7_602_997_517_160_123_000n;

beforeEach(async () => {
	emu = await startEmulator();
});

afterEach(async () => {
	await emu.close();
});

function credentials(scopes?: string[]): CredentialFixtures {
	return { c1: oAuth2Credential(emu, emu.issueTokens(undefined, scopes ? { scopes } : {})) };
}

const node = { type: POLLING_TYPE, credentials: { tikTokOAuth2Api: { id: 'c1', name: 'TikTok' } } };

async function activate(fixtures = credentials()): Promise<PollingTriggerHarness> {
	return await activatePollingTrigger({ node, credentials: fixtures });
}

/** Posts a video on the emulator's default account, `secondsAgo` before the emulator's now. */
function postVideo(secondsAgo = 0, partial: Partial<EmulatorVideo> = {}): EmulatorVideo {
	const video: EmulatorVideo = {
		id: String(nextId++),
		createTimeMs: Math.floor(emu.clock.now() / 1000 - secondsAgo) * 1000,
		title: 'New video',
		videoDescription: 'New video #n8n',
		durationSec: 12,
		width: 1080,
		height: 1920,
		likeCount: 3,
		commentCount: 2,
		shareCount: 1,
		viewCount: 40,
		isPublic: true,
		...partial,
	};
	emu.defaultAccount.videos.push(video);
	return video;
}

describe(`TikTok Polling Trigger on n8n ${n8nLine}.x`, () => {
	test('activation remembers the newest video and replays nothing', async () => {
		const trigger = await activate();
		expect(trigger.activation).toEqual({ items: null });
		const newest = Math.max(
			...emu.defaultAccount.videos.map((v) => Math.floor(v.createTimeMs / 1000)),
		);
		expect(trigger.staticData()['node:Trigger']).toEqual({
			videoMemory: { floor: newest, seen: [[expect.any(String), newest]] },
		});
	});

	test('emits a new public video once, with its share URL and stats; nothing when nothing is new', async () => {
		const trigger = await activate();
		expect(await trigger.poll()).toEqual({ items: null });

		const video = postVideo();
		const outcome = await trigger.poll();
		expect(outcome.items).toEqual([
			{
				postId: video.id,
				shareUrl: `https://www.tiktok.com/@emu.creator/video/${video.id}`,
				title: 'New video',
				description: 'New video #n8n',
				createTime: video.createTimeMs / 1000,
				createdAt: new Date(video.createTimeMs).toISOString(),
				durationSeconds: 12,
				width: 1080,
				height: 1920,
				coverImageUrl: expect.stringContaining(video.id),
				embedLink: expect.stringContaining(video.id),
				likeCount: 3,
				commentCount: 2,
				shareCount: 1,
				viewCount: 40,
			},
		]);
		const run = await outcome.run?.done;
		expect(run?.data.resultData.error).toBeUndefined();
		expect(run?.data.resultData.runData.Trigger[0].data?.main[0]).toHaveLength(1);

		expect(await trigger.poll()).toEqual({ items: null });
		expect(await trigger.poll()).toEqual({ items: null });
	});

	test("pages through TikTok's cursor when more than one page is new, oldest first", async () => {
		const trigger = await activate();
		const posted = Array.from({ length: 27 }, (_, i) => postVideo(100 - i));
		const outcome = await trigger.poll();
		expect(outcome.items?.map((item) => item.postId)).toEqual(posted.map((v) => v.id));
		const listCalls = emu.requests.filter((r) => r.path === '/v2/video/list/');
		// activation + 2 pages of 20
		expect(listCalls).toHaveLength(3);
		expect(await trigger.poll()).toEqual({ items: null });
	});

	test('a video that turns public after a newer one was emitted is still emitted, once', async () => {
		const trigger = await activate();
		const moderated = postVideo(60, { isPublic: false });
		const quick = postVideo(0);
		expect((await trigger.poll()).items?.map((item) => item.postId)).toEqual([quick.id]);
		moderated.isPublic = true;
		expect((await trigger.poll()).items?.map((item) => item.postId)).toEqual([moderated.id]);
		expect(await trigger.poll()).toEqual({ items: null });
	});

	test('what it has seen survives an n8n restart: static data is saved with each emission', async () => {
		const trigger = await activate();
		postVideo();
		expect((await trigger.poll()).items).toHaveLength(1);
		trigger.restart();
		expect(await trigger.poll()).toEqual({ items: null });
		const later = postVideo();
		trigger.restart();
		expect((await trigger.poll()).items?.map((item) => item.postId)).toEqual([later.id]);
	});

	test('an account with no public video yet: its first video is new', async () => {
		emu.defaultAccount.videos.length = 0;
		const trigger = await activate();
		expect(trigger.staticData()['node:Trigger']).toEqual({ videoMemory: { floor: 0, seen: [] } });
		const first = postVideo(0, { viewCount: 0 });
		expect((await trigger.poll()).items).toEqual([
			expect.objectContaining({ postId: first.id, viewCount: 0 }),
		]);
	});

	test('private videos are never emitted', async () => {
		const trigger = await activate();
		postVideo(0, { isPublic: false });
		expect(await trigger.poll()).toEqual({ items: null });
	});

	describe('errors', () => {
		test('activation fails with the scope to add when the credential lacks video.list', async () => {
			await expect(
				activate(credentials(['user.info.basic', 'video.publish'])),
			).rejects.toMatchObject({
				message: expect.stringContaining('has not granted the scope'),
				description: expect.stringContaining('needs the video.list scope'),
			});
		});

		test('a failing scheduled poll is reported as an error (n8n records a failed execution) and forgets nothing', async () => {
			const trigger = await activate();
			const before = trigger.staticData();
			emu.revoke({ openId: emu.defaultAccount.openId });
			postVideo();
			const outcome = await trigger.poll();
			expect(outcome.items).toBeNull();
			expect(outcome.error?.message).toBeDefined();
			expect(trigger.staticData()).toEqual(before);
		});
	});

	describe('manual "Fetch Test Event"', () => {
		test('returns the latest public video and leaves the memory alone', async () => {
			const latest = postVideo(5);
			const staticData = {};
			const result = await runWorkflow(
				{ nodes: [{ name: 'Trigger', ...node }], connections: {}, staticData },
				{ credentials: credentials(), startNode: 'Trigger' },
			);
			expect(result.error).toBeUndefined();
			expect(result.items('Trigger').map((item) => item.json)).toEqual([
				expect.objectContaining({ postId: latest.id, likeCount: 3 }),
			]);
			expect(staticData).toEqual({});
		});

		test('explains an account without public videos', async () => {
			emu.defaultAccount.videos.length = 0;
			const result = await runWorkflow(
				{ nodes: [{ name: 'Trigger', ...node }], connections: {} },
				{ credentials: credentials(), startNode: 'Trigger' },
			);
			expect(result.error?.message).toBe('The connected TikTok account has no public video yet');
		});

		test('names the missing scope', async () => {
			const result = await runWorkflow(
				{ nodes: [{ name: 'Trigger', ...node }], connections: {} },
				{ credentials: credentials(['user.info.basic']), startNode: 'Trigger' },
			);
			expect(result.error?.description).toContain('needs the video.list scope');
		});
	});
});
