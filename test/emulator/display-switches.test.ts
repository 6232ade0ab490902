/** Display API rules where TikTok's docs are unsure, each behind a setting (settings.display, settings.rateLimitHeaders). */
import { startEmulator, type TikTokEmulator, type TokenResponse } from './index';
import { apiCall, type HttpResult } from './test-helpers';

let emu: TikTokEmulator;
let tokens: TokenResponse;

beforeEach(async () => {
	emu = await startEmulator();
	tokens = emu.issueTokens();
});

afterEach(async () => {
	await emu.close();
});

const userInfo = (fields: string, token = tokens.access_token) =>
	apiCall(emu, `/v2/user/info/?fields=${fields}`, { method: 'GET', token });
const videoList = (fields = 'id', token = tokens.access_token, body: unknown = {}) =>
	apiCall(emu, `/v2/video/list/?fields=${fields}`, { token, body });
const videoQuery = (ids: string[], token = tokens.access_token) =>
	apiCall(emu, '/v2/video/query/?fields=id', { token, body: { filters: { video_ids: ids } } });

function expectError(result: HttpResult, status: number, code: string): void {
	expect({ status: result.status, code: result.json.error.code }).toEqual({ status, code });
	expect(result.json.error.log_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
	expect(result.headers['x-tt-logid']).toBe(result.json.error.log_id);
}

test('defaults', () => {
	expect(emu.settings.display).toEqual({
		unknownFields: 'error',
		fieldScopeError: 'scope_permission_missed',
		videoIdFormat: 'string',
		captionFields: 'both',
		rateLimitKey: 'token',
	});
	expect(emu.settings.rateLimitHeaders).toBe('none');
	expect(emu.settings.lifecycle).toMatchObject({
		statusPostIds: 'afterModeration',
		cancellableBelowProgress: 0.9,
	});
});

describe('scopes per field', () => {
	const basicOnly = () => emu.issueTokens(undefined, { scopes: ['user.info.basic'] }).access_token;

	test('each user field is gated by its scope: basic, profile, stats', async () => {
		const profile = emu.issueTokens(undefined, {
			scopes: ['user.info.basic', 'user.info.profile'],
		}).access_token;
		expect(
			(
				await userInfo(
					'open_id,union_id,avatar_url,avatar_url_100,avatar_large_url,display_name',
					basicOnly(),
				)
			).status,
		).toBe(200);
		expect(
			(
				await userInfo(
					'bio_description,profile_deep_link,profile_web_link,is_verified,username',
					profile,
				)
			).status,
		).toBe(200);
		for (const field of [
			'bio_description',
			'profile_deep_link',
			'profile_web_link',
			'is_verified',
			'username',
		]) {
			expectError(await userInfo(field, basicOnly()), 400, 'scope_permission_missed');
		}
		for (const field of ['follower_count', 'following_count', 'likes_count', 'video_count']) {
			const result = await userInfo(`open_id,${field}`, profile);
			expectError(result, 400, 'scope_permission_missed');
			expect(result.json.error.message).toContain('user.info.stats');
		}
	});

	test('the error keeps the envelope: data {} and error {code, message, log_id}', async () => {
		const result = await userInfo('follower_count', basicOnly());
		expect(result.json).toEqual({
			data: {},
			error: {
				code: 'scope_permission_missed',
				message: expect.stringContaining('user.info.stats'),
				log_id: expect.any(String),
			},
		});
		const noList = await videoList('id', basicOnly());
		expect(noList.json).toEqual({
			data: {},
			error: {
				code: 'scope_not_authorized',
				message: expect.any(String),
				log_id: expect.any(String),
			},
		});
		expectError(noList, 401, 'scope_not_authorized');
		expectError(await videoQuery(['1'], basicOnly()), 401, 'scope_not_authorized');
	});

	test('fieldScopeError "scope_not_authorized": 401 instead', async () => {
		emu.updateSettings({ display: { fieldScopeError: 'scope_not_authorized' } });
		expectError(await userInfo('open_id,follower_count', basicOnly()), 401, 'scope_not_authorized');
	});

	test('fieldScopeError "omit": the ungranted fields are left out of data.user', async () => {
		emu.updateSettings({ display: { fieldScopeError: 'omit' } });
		const result = await userInfo('open_id,username,follower_count', basicOnly());
		expect(result.json.data).toEqual({ user: { open_id: emu.defaultAccount.openId } });
	});
});

describe('unknown fields', () => {
	test('"error" (default): 400 invalid_params naming them, on all three endpoints', async () => {
		expectError(await userInfo('open_id,nickname'), 400, 'invalid_params');
		expectError(await videoList('id,fps'), 400, 'invalid_params');
		const query = await apiCall(emu, '/v2/video/query/?fields=id,fps', {
			token: tokens.access_token,
			body: { filters: { video_ids: ['1'] } },
		});
		expectError(query, 400, 'invalid_params');
		expect(query.json.error.message).toContain('fps');
	});

	test('"ignore": dropped silently', async () => {
		emu.updateSettings({ display: { unknownFields: 'ignore' } });
		expect((await userInfo('open_id,nickname')).json.data.user).toEqual({
			open_id: emu.defaultAccount.openId,
		});
		const [video] = (await videoList('id,fps')).json.data.videos;
		expect(Object.keys(video)).toEqual(['id']);
	});
});

describe('video id format', () => {
	test('"string" (default, the doc type): quoted digits', async () => {
		const [video] = emu.seedVideos(undefined, { count: 1, replace: true });
		const result = await videoList();
		expect(result.text).toContain(`"id":"${video.id}"`);
	});

	test('"number": bare 19-digit numbers, so only a lossless parser keeps them', async () => {
		emu.updateSettings({ display: { videoIdFormat: 'number' } });
		const [video] = emu.seedVideos(undefined, { count: 1, replace: true });
		for (const result of [await videoList(), await videoQuery([video.id])]) {
			expect(result.text).toContain(`"id":${video.id}`);
			expect(typeof result.json.data.videos[0].id).toBe('number');
			expect(String(result.json.data.videos[0].id)).not.toBe(video.id);
		}
	});
});

test('captionFields: the caption in title only, or in video_description only', async () => {
	emu.addVideos(undefined, [
		{ title: 'Caption', videoDescription: 'Caption', createTimeMs: emu.clock.now() + 1000 },
	]);
	const top = async () =>
		(
			await apiCall(emu, '/v2/video/list/?fields=title,video_description', {
				token: tokens.access_token,
				body: { max_count: 1 },
			})
		).json.data.videos[0];
	expect(await top()).toEqual({ title: 'Caption', video_description: 'Caption' });
	emu.updateSettings({ display: { captionFields: 'title' } });
	expect(await top()).toEqual({ title: 'Caption', video_description: '' });
	emu.updateSettings({ display: { captionFields: 'videoDescription' } });
	expect(await top()).toEqual({ title: '', video_description: 'Caption' });
});

describe('rate limits (600 per minute per endpoint, sliding window)', () => {
	test('the documented 600: the 601st request within a minute is 429 in the envelope; each endpoint has its own bucket', async () => {
		for (let i = 0; i < 600; i++) {
			const result = await videoQuery(['1']);
			if (result.status !== 200) throw new Error(`request ${i + 1} answered ${result.status}`);
		}
		const limited = await videoQuery(['1']);
		expectError(limited, 429, 'rate_limit_exceeded');
		expect(limited.json.data).toEqual({});
		expect(limited.headers['retry-after']).toBeUndefined();
		expect(limited.headers['x-ratelimit-reset']).toBeUndefined();
		expect((await videoList()).status).toBe(200);
		expect((await userInfo('open_id')).status).toBe(200);
		emu.clock.advance(60_000);
		expect((await videoQuery(['1'])).status).toBe(200);
	});

	test('rateLimitKey "token" (default): a second token has its own bucket; "app": all tokens of the app share one', async () => {
		emu.updateSettings({ rateLimits: { userInfo: 2 } });
		const other = emu.addAccount({});
		const otherToken = emu.issueTokens(other.openId).access_token;
		await userInfo('open_id');
		await userInfo('open_id');
		expectError(await userInfo('open_id'), 429, 'rate_limit_exceeded');
		expect((await userInfo('open_id', otherToken)).status).toBe(200);

		emu.limiter.reset();
		emu.updateSettings({ display: { rateLimitKey: 'app' } });
		await userInfo('open_id');
		await userInfo('open_id', otherToken);
		const limited = await userInfo('open_id', emu.issueTokens().access_token);
		expectError(limited, 429, 'rate_limit_exceeded');
		expect(limited.json.error.message).toContain('per app');
		// Another app is not affected; posting endpoints stay per token.
		const app2 = emu.addApp();
		expect(
			(
				await userInfo(
					'open_id',
					emu.issueTokens(undefined, { clientKey: app2.clientKey }).access_token,
				)
			).status,
		).toBe(200);
	});

	test('rateLimitHeaders: Retry-After (seconds to wait), x-ratelimit-reset (wall-clock unix seconds), both', async () => {
		emu.updateSettings({ rateLimits: { videoList: 1 }, rateLimitHeaders: 'retryAfter' });
		await videoList();
		emu.clock.advance(20_000);
		const retry = await videoList();
		expect(retry.status).toBe(429);
		expect(Number(retry.headers['retry-after'])).toBeGreaterThanOrEqual(39);
		expect(Number(retry.headers['retry-after'])).toBeLessThanOrEqual(40);
		expect(retry.headers['x-ratelimit-reset']).toBeUndefined();

		emu.updateSettings({ rateLimitHeaders: 'xRateLimitReset' });
		const reset = await videoList();
		const resetAt = Number(reset.headers['x-ratelimit-reset']);
		expect(resetAt * 1000 - Date.now()).toBeGreaterThan(38_000);
		expect(resetAt * 1000 - Date.now()).toBeLessThanOrEqual(41_000);
		expect(reset.headers['retry-after']).toBeUndefined();

		emu.updateSettings({ rateLimitHeaders: 'both' });
		const both = await videoList();
		expect(both.headers['retry-after']).toBeDefined();
		expect(both.headers['x-ratelimit-reset']).toBeDefined();
		// The switch applies to every limited endpoint.
		emu.updateSettings({ rateLimits: { status: 0 } });
		const status = await apiCall(emu, '/v2/post/publish/status/fetch/', {
			token: tokens.access_token,
			body: { publish_id: 'x' },
		});
		expect(status.status).toBe(429);
	});
});
