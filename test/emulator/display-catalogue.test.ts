import {
	startEmulator,
	type EmulatorVideo,
	type TikTokEmulator,
	type TokenResponse,
} from './index';
import {
	apiCall,
	fileInitBody,
	makeBytes,
	putChunk,
	request,
	type HttpResult,
} from './test-helpers';

let emu: TikTokEmulator;
let tokens: TokenResponse;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const ALL_VIDEO_FIELDS =
	'id,create_time,title,video_description,view_count,like_count,comment_count,share_count,share_url';

beforeEach(async () => {
	emu = await startEmulator({
		clockOffsetMs: NOW - Date.now(),
		settings: {
			rateLimits: { videoInit: 1000, status: 1000 },
			lifecycle: { processingMs: 1000, moderationMs: 5000 },
		},
	});
	tokens = emu.issueTokens();
});

afterEach(async () => {
	await emu.close();
});

const videoList = (
	body: unknown = {},
	fields = 'id,create_time,title',
	token = tokens.access_token,
) => apiCall(emu, `/v2/video/list/?fields=${fields}`, { token, body });
const videoQuery = (ids: unknown, fields = 'id,title', token = tokens.access_token) =>
	apiCall(emu, `/v2/video/query/?fields=${fields}`, {
		token,
		body: { filters: { video_ids: ids } },
	});
const status = (publishId: string) =>
	apiCall(emu, '/v2/post/publish/status/fetch/', {
		token: tokens.access_token,
		body: { publish_id: publishId },
	});
const idsOf = (result: HttpResult): string[] =>
	result.json.data.videos.map((v: { id: string }) => v.id);

/** Pages through the whole list the way a client does; returns every page. */
async function allPages(maxCount?: number): Promise<HttpResult[]> {
	const pages: HttpResult[] = [];
	let cursor: number | undefined;
	for (;;) {
		const page = await videoList({
			...(cursor === undefined ? {} : { cursor }),
			...(maxCount === undefined ? {} : { max_count: maxCount }),
		});
		expect(page.json.error.code).toBe('ok');
		pages.push(page);
		if (!page.json.data.has_more) return pages;
		cursor = page.json.data.cursor;
	}
}

describe('catalogues: seedVideos', () => {
	test('65 videos: distinct create_time (whole seconds), titles, stats and 19-digit ids, newest first', () => {
		const videos = emu.seedVideos(undefined, { count: 65, replace: true });
		expect(videos).toHaveLength(65);
		expect(emu.defaultAccount.videos).toHaveLength(65);
		const seconds = videos.map((v) => Math.floor(v.createTimeMs / 1000));
		expect(new Set(seconds).size).toBe(65);
		expect([...seconds].sort((a, b) => b - a)).toEqual(seconds);
		expect(new Set(videos.map((v) => v.title)).size).toBe(65);
		expect(videos[0].title).toBe('Catalogue video 65');
		expect(videos[64].title).toBe('Catalogue video 1');
		expect(new Set(videos.map((v) => v.viewCount)).size).toBe(65);
		for (const video of videos) {
			expect(video.id).toMatch(/^[1-9]\d{18}$/);
			expect(BigInt(video.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
			// TikTok's shape: create_time seconds in the high bits.
			expect(Number(BigInt(video.id) >> BigInt(32))).toBe(Math.floor(video.createTimeMs / 1000));
			expect(video.isPublic).toBe(true);
		}
		expect(videos[0].createTimeMs).toBeLessThan(emu.clock.now());
	});

	test('seed makes a catalogue reproducible; spacing, newest time, title prefix and private positions are options', async () => {
		const options = {
			count: 5,
			seed: 42,
			newestAtMs: NOW - 60_000,
			spacingMs: 1000,
			titlePrefix: 'Clip',
			privateIndexes: [1],
		};
		const first = emu.seedVideos(undefined, { ...options, replace: true });
		const other = await startEmulator({ clockOffsetMs: NOW - Date.now() });
		try {
			expect(other.seedVideos(undefined, { ...options, replace: true })).toEqual(first);
		} finally {
			await other.close();
		}
		expect(first.map((v) => v.createTimeMs)).toEqual(
			[0, 1, 2, 3, 4].map((i) => NOW - 60_000 - i * 1000),
		);
		expect(first.map((v) => v.title)).toEqual(['Clip 5', 'Clip 4', 'Clip 3', 'Clip 2', 'Clip 1']);
		expect(first.map((v) => v.isPublic)).toEqual([true, false, true, true, true]);
		expect(idsOf(await videoList())).toEqual([first[0].id, first[2].id, first[3].id, first[4].id]);
		const info = await apiCall(emu, '/v2/user/info/?fields=video_count', {
			method: 'GET',
			token: tokens.access_token,
		});
		expect(info.json.data.user.video_count).toBe(4);
		expect(() => emu.seedVideos(undefined, { count: 2, spacingMs: 999 })).toThrow(/spacingMs/);
	});

	test('without replace the catalogue joins the existing videos; other accounts by open_id', () => {
		expect(emu.defaultAccount.videos).toHaveLength(3);
		emu.seedVideos(undefined, 4);
		expect(emu.defaultAccount.videos).toHaveLength(7);
		const other = emu.addAccount({ videos: [] });
		emu.seedVideos(other.openId, 2);
		expect(emu.videosOf(other.openId).map((v) => v.title)).toEqual([
			'Catalogue video 2',
			'Catalogue video 1',
		]);
		expect(() => emu.seedVideos('-000nobody', 1)).toThrow(/Unknown account/);
	});
});

describe('video list over a catalogue: cursor paging', () => {
	test('65 videos at max_count 20: pages of 20, 20, 20, 5; each video exactly once, newest first; cursor = last create_time in ms', async () => {
		const seeded = emu.seedVideos(undefined, { count: 65, replace: true });
		const pages = await allPages(20);
		expect(pages.map((p) => p.json.data.videos.length)).toEqual([20, 20, 20, 5]);
		expect(pages.map((p) => p.json.data.has_more)).toEqual([true, true, true, false]);
		for (const page of pages.slice(0, 3)) {
			const last = page.json.data.videos[page.json.data.videos.length - 1];
			// create_time is seconds and the catalogue's times are whole seconds, so cursor = create_time * 1000.
			expect(page.json.data.cursor).toBe(last.create_time * 1000);
		}
		const ids = pages.flatMap(idsOf);
		expect(ids).toEqual(seeded.map((v) => v.id));
		const times = pages.flatMap((p) =>
			p.json.data.videos.map((v: { create_time: number }) => v.create_time),
		);
		expect([...times].sort((a, b) => b - a)).toEqual(times);
	});

	test('default max_count is 10 (7 pages for 65); more than 20 is refused', async () => {
		emu.seedVideos(undefined, { count: 65, replace: true });
		const pages = await allPages();
		expect(pages.map((p) => p.json.data.videos.length)).toEqual([10, 10, 10, 10, 10, 10, 5]);
		expect(new Set(pages.flatMap(idsOf)).size).toBe(65);
		expect((await videoList({ max_count: 21 })).json.error.code).toBe('invalid_params');
	});

	test('any ms timestamp works as a cursor ("posted before"); a page past the end is empty with has_more false', async () => {
		const seeded = emu.seedVideos(undefined, { count: 30, replace: true, spacingMs: 60_000 });
		const result = await videoList({ cursor: seeded[10].createTimeMs + 1, max_count: 3 });
		expect(idsOf(result)).toEqual([seeded[10].id, seeded[11].id, seeded[12].id]);
		const end = await videoList({ cursor: seeded[29].createTimeMs, max_count: 20 });
		expect(end.json.data).toMatchObject({ videos: [], has_more: false });
	});

	test('videos pushed with a create_time in the future still come first without a cursor', async () => {
		emu.addVideos(undefined, [
			{ id: '7999999999999999999', createTimeMs: emu.clock.now() + 10_000, title: 'Scheduled' },
		]);
		expect(idsOf(await videoList({ max_count: 1 }))).toEqual(['7999999999999999999']);
	});
});

describe('video query over a catalogue', () => {
	test('at most 20 ids; 25 ids take two requests; foreign, private and deleted ids are left out; repeats answered once', async () => {
		const seeded = emu.seedVideos(undefined, { count: 25, replace: true, privateIndexes: [3] });
		const ids = seeded.map((v) => v.id);
		expect((await videoQuery(ids)).json.error).toMatchObject({ code: 'invalid_params' });
		expect((await videoQuery(ids)).status).toBe(400);
		const deleted = ids[5];
		emu.deleteVideo(deleted);
		const foreign = emu.addAccount({}).videos[0].id;
		const first = await videoQuery([...ids.slice(0, 19), foreign]);
		const second = await videoQuery([...ids.slice(19), ids[19], foreign]);
		const found = [...idsOf(first), ...idsOf(second)];
		expect(found).toEqual(ids.filter((id) => id !== ids[3] && id !== deleted));
		expect(found).not.toContain(foreign);
	});

	test('stats are read live: updateVideo changes what query answers', async () => {
		const [video] = emu.seedVideos(undefined, { count: 1, replace: true });
		emu.updateVideo(video.id, { viewCount: 123_456, likeCount: 789 });
		const result = await videoQuery([video.id], 'id,view_count,like_count');
		expect(result.json.data.videos).toEqual([
			{ id: video.id, view_count: 123_456, like_count: 789 },
		]);
		expect(() => emu.updateVideo('7000000000000000000', {})).toThrow(/Unknown video/);
	});
});

describe('published posts in the video list', () => {
	async function publish(title: string, privacy = 'PUBLIC_TO_EVERYONE'): Promise<string> {
		const init = await apiCall(emu, '/v2/post/publish/video/init/', {
			token: tokens.access_token,
			body: fileInitBody(1000, 1000, 1, { title, privacy_level: privacy }),
		});
		expect(
			(await putChunk(init.json.data.upload_url, makeBytes(1000), 'bytes 0-999/1000')).status,
		).toBe(201);
		return init.json.data.publish_id;
	}

	test('a PUBLIC_TO_EVERYONE post appears after processing and moderation, newest, with its caption as title and video_description', async () => {
		emu.seedVideos(undefined, { count: 25, replace: true });
		const sentAt = Math.floor(emu.clock.now() / 1000);
		const caption = 'Sunset over the harbour #travel';
		const publishId = await publish(caption);
		emu.clock.advance(1000);
		expect((await status(publishId)).json.data.status).toBe('PUBLISH_COMPLETE');
		// Still in moderation: not listed yet.
		expect((await videoList({ max_count: 1 }, ALL_VIDEO_FIELDS)).json.data.videos[0].title).toBe(
			'Catalogue video 25',
		);
		emu.clock.advance(5000);
		const [postId] = emu.getTask(publishId)?.postIds ?? [];
		const [top] = (await videoList({ max_count: 1 }, ALL_VIDEO_FIELDS)).json.data.videos;
		expect(top).toMatchObject({
			id: postId,
			title: caption,
			video_description: caption,
			share_url: `https://www.tiktok.com/@${emu.defaultAccount.username}/video/${postId}`,
		});
		expect(top.create_time).toBeGreaterThanOrEqual(sentAt);
	});

	test('captions longer than 150 characters are cut to 150 in title and video_description', async () => {
		const caption = `${'x'.repeat(149)}yz and more`;
		await publish(caption);
		emu.clock.advance(6000);
		const [top] = (await videoList({ max_count: 1 }, 'title,video_description')).json.data.videos;
		expect(top).toEqual({ title: caption.slice(0, 150), video_description: caption.slice(0, 150) });
	});

	test('statusPostIds "never": PUBLISH_COMPLETE with publicaly_available_post_id [] for good, while the video list shows the post', async () => {
		emu.updateSettings({ lifecycle: { statusPostIds: 'never' } });
		const publishId = await publish('Find me #n8n');
		emu.clock.advance(3_600_000);
		const result = await status(publishId);
		expect(result.json.data).toEqual({
			status: 'PUBLISH_COMPLETE',
			publicaly_available_post_id: [],
			uploaded_bytes: 1000,
		});
		const [postId] = emu.getTask(publishId)?.publicPostIds ?? [];
		expect(postId).toMatch(/^\d{19}$/);
		expect(idsOf(await videoList({ max_count: 1 }))).toEqual([postId]);
	});

	test('statusPostIds "omitted": the key is absent; per-task overrides win over the setting', async () => {
		emu.updateSettings({ lifecycle: { statusPostIds: 'omitted' } });
		const hidden = await publish('A');
		const shown = await publish('B');
		emu.setStatusPostIds(shown, 'afterModeration');
		emu.clock.advance(6000);
		const hiddenStatus = await status(hidden);
		expect(hiddenStatus.json.data).toEqual({ status: 'PUBLISH_COMPLETE', uploaded_bytes: 1000 });
		expect(hiddenStatus.text).not.toContain('publicaly_available_post_id');
		expect((await status(shown)).text).toMatch(/"publicaly_available_post_id":\[\d{19}\]/);
		emu.updateSettings({ lifecycle: { statusPostIds: 'afterModeration' } });
		emu.setStatusPostIds(shown, 'never');
		expect((await status(shown)).json.data.publicaly_available_post_id).toEqual([]);
		expect((await status(hidden)).json.data.publicaly_available_post_id).toHaveLength(1);
	});

	test('deleting a published post removes it from the list and from its status, with the webhook event', async () => {
		const publishId = await publish('Gone soon');
		emu.clock.advance(6000);
		const [postId] = emu.getTask(publishId)?.publicPostIds ?? [];
		emu.deleteVideo(postId);
		expect(idsOf(await videoList())).not.toContain(postId);
		expect(idsOf(await videoQuery([postId]))).toEqual([]);
		expect((await status(publishId)).json.data.publicaly_available_post_id).toEqual([]);
		expect(emu.webhooks.events.map((e) => e.event)).toContain(
			'post.publish.no_longer_publicaly_available',
		);
	});
});

describe('control API for catalogues', () => {
	const control = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
		request(`${emu.baseUrl}/__emulator/${path}`, {
			method,
			headers: { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});

	test('seed, list, add, update, delete videos; per-task status-post-ids', async () => {
		const seeded = await control('accounts/default/videos', { count: 65, seed: 7, replace: true });
		expect(seeded.status).toBe(200);
		expect(seeded.json).toHaveLength(65);
		expect(seeded.json[0]).toMatchObject({
			id: expect.stringMatching(/^\d{19}$/),
			title: 'Catalogue video 65',
			isPublic: true,
		});
		const other = emu.addAccount({ videos: [] });
		await control(`accounts/${encodeURIComponent(other.openId)}/videos`, { count: 3 });
		expect(
			(await control(`accounts/${encodeURIComponent(other.openId)}/videos`)).json.map(
				(v: EmulatorVideo) => v.title,
			),
		).toEqual(['Catalogue video 3', 'Catalogue video 2', 'Catalogue video 1']);
		const added = await control('accounts/default/videos', {
			videos: [{ id: '7600000000000000001', createTimeMs: NOW - 1000, title: 'Same caption' }],
		});
		expect(added.json[0]).toMatchObject({
			id: '7600000000000000001',
			title: 'Same caption',
			isPublic: true,
		});
		expect(
			(await control('accounts/default/videos', { videos: [{ id: '7600000000000000001' }] }))
				.status,
		).toBe(400);
		expect((await control('accounts/default/videos', { nope: 1 })).status).toBe(400);

		const updated = await control('videos/7600000000000000001', { viewCount: 42 });
		expect(updated.json.viewCount).toBe(42);
		expect((await control('videos/7600000000000000001', undefined, 'DELETE')).json).toEqual({
			deleted: true,
		});
		expect(emu.findVideo('7600000000000000001')).toBeUndefined();
		expect((await control('videos/7600000000000000001', undefined, 'DELETE')).status).toBe(400);

		const init = await apiCall(emu, '/v2/post/publish/video/init/', {
			token: tokens.access_token,
			body: fileInitBody(1000, 1000, 1),
		});
		const publishId: string = init.json.data.publish_id;
		const set = await control(`tasks/${encodeURIComponent(publishId)}/status-post-ids`, {
			mode: 'never',
		});
		expect(set.json.statusPostIds).toBe('never');
		await control(`tasks/${encodeURIComponent(publishId)}/status-post-ids`, { mode: null });
		expect(emu.getTask(publishId)?.statusPostIds).toBeUndefined();
	});
});
