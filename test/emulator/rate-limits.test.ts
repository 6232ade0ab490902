import { startEmulator, type TikTokEmulator, type TokenResponse } from './index';
import { apiCall, fileInitBody, type HttpResult } from './test-helpers';

const CREATOR_INFO = '/v2/post/publish/creator_info/query/';

let emu: TikTokEmulator;
let tokens: TokenResponse;

beforeEach(async () => {
	emu = await startEmulator();
	tokens = emu.issueTokens();
});

afterEach(async () => {
	await emu.close();
});

const call = (path: string, body: unknown = {}, token = tokens.access_token, method = 'POST') =>
	apiCall(emu, path, { token, body: method === 'GET' ? undefined : body, method });

async function callTimes(n: number, fn: () => Promise<HttpResult>): Promise<number[]> {
	const statuses: number[] = [];
	for (let i = 0; i < n; i++) statuses.push((await fn()).status);
	return statuses;
}

function expect429(result: HttpResult): void {
	expect(result.status).toBe(429);
	expect(result.json.error.code).toBe('rate_limit_exceeded');
	expect(result.json.error.log_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
}

test('documented defaults', () => {
	expect(emu.settings.rateLimits).toMatchObject({
		creatorInfo: 20,
		videoInit: 6,
		inboxInit: 6,
		contentInit: 6,
		status: 30,
		userInfo: 600,
		videoList: 600,
		videoQuery: 600,
	});
});

test('creator_info: 20 per minute per token, then 429 in the envelope', async () => {
	expect(await callTimes(20, () => call(CREATOR_INFO))).toEqual(Array(20).fill(200));
	expect429(await call(CREATOR_INFO));
	emu.clock.advance(60_000);
	expect((await call(CREATOR_INFO)).status).toBe(200);
});

test('the window slides on the virtual clock', async () => {
	await callTimes(10, () => call(CREATOR_INFO));
	emu.clock.advance(30_000);
	await callTimes(10, () => call(CREATOR_INFO));
	expect429(await call(CREATOR_INFO));
	emu.clock.advance(30_001);
	// The first ten left the window; the second ten are still in it.
	expect(await callTimes(10, () => call(CREATOR_INFO))).toEqual(Array(10).fill(200));
	expect429(await call(CREATOR_INFO));
});

test('buckets are per access token (a refreshed token starts fresh)', async () => {
	await callTimes(20, () => call(CREATOR_INFO));
	expect429(await call(CREATOR_INFO));
	const second = emu.issueTokens();
	expect((await call(CREATOR_INFO, {}, second.access_token)).status).toBe(200);
});

test('the three init endpoints have separate 6/min buckets; rejected bodies still count', async () => {
	const videoInit = () => call('/v2/post/publish/video/init/', fileInitBody(1000, 1000, 1));
	const inboxInit = () =>
		call('/v2/post/publish/inbox/video/init/', {
			source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
		});
	const badContentInit = () => call('/v2/post/publish/content/init/', { media_type: 'VIDEO' });
	expect(await callTimes(6, videoInit)).toEqual(Array(6).fill(200));
	expect429(await videoInit());
	expect(await callTimes(5, inboxInit)).toEqual(Array(5).fill(200));
	expect(await callTimes(6, badContentInit)).toEqual(Array(6).fill(400));
	// Over the limit, the rate limit answers before the body is even looked at.
	expect429(await badContentInit());
	expect(emu.initCalls()).toBe(6 + 1 + 5 + 7);
});

test('status fetch: 30 per minute', async () => {
	const statusCall = () =>
		call('/v2/post/publish/status/fetch/', { publish_id: 'v_pub_url~v2-1.1' });
	expect(await callTimes(30, statusCall)).toEqual(Array(30).fill(400));
	expect429(await statusCall());
});

test('auth and scope are checked before the rate limit, and failures do not count', async () => {
	emu.updateSettings({ rateLimits: { creatorInfo: 1 } });
	const noScope = emu.issueTokens(undefined, { scopes: ['video.upload'] });
	expect(await callTimes(3, () => call(CREATOR_INFO, {}, noScope.access_token))).toEqual([
		401, 401, 401,
	]);
	expect(await callTimes(3, () => call(CREATOR_INFO, {}, 'act.nope'))).toEqual([401, 401, 401]);
	expect((await call(CREATOR_INFO)).status).toBe(200);
	expect429(await call(CREATOR_INFO));
});

test('Display API limits are overridable (tests lower them)', async () => {
	emu.settings.rateLimits.userInfo = 2;
	emu.updateSettings({ rateLimits: { videoList: 1, videoQuery: 1 } });
	const info = () => call('/v2/user/info/?fields=open_id', undefined, tokens.access_token, 'GET');
	expect(await callTimes(2, info)).toEqual([200, 200]);
	expect429(await info());
	expect((await call('/v2/video/list/?fields=id')).status).toBe(200);
	expect429(await call('/v2/video/list/?fields=id'));
	const query = () => call('/v2/video/query/?fields=id', { filters: { video_ids: ['1'] } });
	expect((await query()).status).toBe(200);
	expect429(await query());
});

test('null means unlimited (JSON-friendly), as does Infinity', async () => {
	emu.updateSettings({ rateLimits: { creatorInfo: null } });
	expect(emu.settings.rateLimits.creatorInfo).toBe(Number.POSITIVE_INFINITY);
	expect(await callTimes(25, () => call(CREATOR_INFO))).toEqual(Array(25).fill(200));
});
