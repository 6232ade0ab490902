import { startEmulator, type Account, type TikTokEmulator, type TokenResponse } from './index';
import { apiCall, type HttpResult } from './test-helpers';

let emu: TikTokEmulator;
let tokens: TokenResponse;
let creator: Account;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

beforeEach(async () => {
	emu = await startEmulator({ clockOffsetMs: NOW - Date.now() });
	// 25 public videos one hour apart (newest first: index 0) plus two private ones.
	creator = emu.addAccount({
		username: 'list.creator',
		videos: [
			...Array.from({ length: 25 }, (_, i) => ({
				id: `70000000000000000${String(i).padStart(2, '0')}`,
				createTimeMs: NOW - (i + 1) * 3_600_000,
				title: `Video ${i}`,
			})),
			{ id: '7100000000000000001', createTimeMs: NOW - 1000, isPublic: false },
			{ id: '7100000000000000002', createTimeMs: NOW - 30 * 3_600_000, isPublic: false },
		],
	});
	tokens = emu.issueTokens(creator.openId);
});

afterEach(async () => {
	await emu.close();
});

const userInfo = (fields: string | undefined, token = tokens.access_token) =>
	apiCall(emu, `/v2/user/info/${fields === undefined ? '' : `?fields=${fields}`}`, {
		method: 'GET',
		token,
	});
const videoList = (body: unknown = {}, fields = 'id,create_time', token = tokens.access_token) =>
	apiCall(emu, `/v2/video/list/?fields=${fields}`, { token, body });
const videoQuery = (ids: unknown, fields = 'id,title', token = tokens.access_token) =>
	apiCall(emu, `/v2/video/query/?fields=${fields}`, {
		token,
		body: { filters: { video_ids: ids } },
	});

function expectError(result: HttpResult, status: number, code: string): void {
	expect({ status: result.status, code: result.json.error.code }).toEqual({ status, code });
}

describe('GET /v2/user/info/', () => {
	test('returns only the requested fields under data.user', async () => {
		const result = await userInfo('open_id,union_id,display_name,avatar_url');
		expect(result.status).toBe(200);
		expect(result.json.data).toEqual({
			user: {
				open_id: creator.openId,
				union_id: creator.unionId,
				display_name: creator.nickname,
				avatar_url: creator.avatarUrl,
			},
		});
	});

	test('profile and stats fields (video_count counts public videos)', async () => {
		const result = await userInfo(
			'username,bio_description,is_verified,profile_web_link,profile_deep_link,follower_count,following_count,likes_count,video_count,avatar_url_100,avatar_large_url',
		);
		const { user } = result.json.data;
		expect(user).toMatchObject({
			username: 'list.creator',
			is_verified: false,
			profile_web_link: 'https://www.tiktok.com/@list.creator',
			video_count: 25,
			follower_count: creator.followerCount,
		});
		expect(user.profile_deep_link).toMatch(/^https:\/\/vm\.tiktok\.com\//);
		expect(Object.keys(user)).toHaveLength(11);
	});

	test('fields is required; unknown names are invalid_params', async () => {
		expectError(await userInfo(undefined), 400, 'invalid_params');
		expectError(await userInfo(''), 400, 'invalid_params');
		const unknown = await userInfo('open_id,follower');
		expectError(unknown, 400, 'invalid_params');
		expect(unknown.json.error.message).toContain('follower');
	});

	test('per-field scopes: a field whose scope was not granted is scope_permission_missed (400)', async () => {
		const basic = emu.issueTokens(creator.openId, { scopes: ['user.info.basic'] }).access_token;
		expect((await userInfo('open_id,display_name', basic)).status).toBe(200);
		const username = await userInfo('open_id,username', basic);
		expectError(username, 400, 'scope_permission_missed');
		expect(username.json.error.message).toContain('user.info.profile');
		expectError(await userInfo('follower_count', basic), 400, 'scope_permission_missed');
		const noBasic = emu.issueTokens(creator.openId, { scopes: ['video.publish'] }).access_token;
		expectError(await userInfo('open_id', noBasic), 401, 'scope_not_authorized');
	});
});

describe('POST /v2/video/list/', () => {
	test('public videos only, newest first, 10 by default, paginated by a ms cursor', async () => {
		const first = await videoList();
		expect(first.json.data.videos).toHaveLength(10);
		expect(first.json.data.videos[0]).toEqual({
			id: '7000000000000000000',
			create_time: Math.floor((NOW - 3_600_000) / 1000),
		});
		expect(first.json.data.has_more).toBe(true);
		expect(first.json.data.cursor).toBe(NOW - 10 * 3_600_000);

		const second = await videoList({ cursor: first.json.data.cursor, max_count: 20 });
		expect(second.json.data.videos).toHaveLength(15);
		expect(second.json.data.videos[0].id).toBe('7000000000000000010');
		expect(second.json.data.has_more).toBe(false);
		const ids = [...first.json.data.videos, ...second.json.data.videos].map(
			(v: { id: string }) => v.id,
		);
		expect(new Set(ids).size).toBe(25);
		expect(ids).not.toContain('7100000000000000001');
		expect(ids).not.toContain('7100000000000000002');
	});

	test('a cursor is "created before this ms timestamp"', async () => {
		const result = await videoList({ cursor: NOW - 2 * 3_600_000, max_count: 2 });
		expect(result.json.data.videos.map((v: { id: string }) => v.id)).toEqual([
			'7000000000000000002',
			'7000000000000000003',
		]);
	});

	test('max_count 1..20; cursor and max_count must be integers', async () => {
		expect((await videoList({ max_count: 20 })).json.data.videos).toHaveLength(20);
		expectError(await videoList({ max_count: 21 }), 400, 'invalid_params');
		expectError(await videoList({ max_count: 0 }), 400, 'invalid_params');
		expectError(await videoList({ cursor: '123' }), 400, 'invalid_params');
	});

	test('video objects: share_url, cover with a 6 h expiry, embed link with the client key', async () => {
		const fields =
			'id,share_url,cover_image_url,embed_link,embed_html,title,video_description,duration,width,height,like_count,comment_count,share_count,view_count';
		const [video] = (await videoList({ max_count: 1 }, fields)).json.data.videos;
		expect(video.share_url).toBe('https://www.tiktok.com/@list.creator/video/7000000000000000000');
		const expiresIn =
			Number(new URL(video.cover_image_url).searchParams.get('x-expires')) - emu.clock.now() / 1000;
		expect(expiresIn).toBeGreaterThan(6 * 3600 - 2);
		expect(expiresIn).toBeLessThanOrEqual(6 * 3600);
		expect(video.embed_link).toContain(`utm_source=${emu.app.clientKey}`);
		expect(video.embed_html).toContain('data-video-id="7000000000000000000"');
		expect(Object.keys(video).sort()).toEqual(fields.split(',').sort());
	});

	test('needs video.list and fields', async () => {
		const noList = emu.issueTokens(creator.openId, { scopes: ['user.info.basic'] }).access_token;
		expectError(await videoList({}, 'id', noList), 401, 'scope_not_authorized');
		expectError(
			await apiCall(emu, '/v2/video/list/', { token: tokens.access_token, body: {} }),
			400,
			'invalid_params',
		);
		expectError(await videoList({}, 'id,fps'), 400, 'invalid_params');
	});
});

describe('POST /v2/video/query/', () => {
	test('returns owned public videos in request order; others are left out', async () => {
		const other = emu.addAccount({});
		const foreignId = other.videos[0].id;
		const result = await videoQuery([
			'7000000000000000005',
			foreignId,
			'7100000000000000001',
			'7000000000000000001',
			'9999999999999999999',
		]);
		expect(result.json.data).toEqual({
			videos: [
				{ id: '7000000000000000005', title: 'Video 5' },
				{ id: '7000000000000000001', title: 'Video 1' },
			],
			cursor: 0,
			has_more: false,
		});
	});

	test('1..20 string ids', async () => {
		const ids = Array.from(
			{ length: 21 },
			(_, i) => `70000000000000000${String(i).padStart(2, '0')}`,
		);
		expect((await videoQuery(ids.slice(0, 20))).json.data.videos).toHaveLength(20);
		expectError(await videoQuery(ids), 400, 'invalid_params');
		expectError(await videoQuery([]), 400, 'invalid_params');
		expectError(await videoQuery([7000000000000000000]), 400, 'invalid_params');
		expectError(
			await apiCall(emu, '/v2/video/query/?fields=id', { token: tokens.access_token, body: {} }),
			400,
			'invalid_params',
		);
	});
});
