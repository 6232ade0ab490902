/** POST /v2/post/publish/cancel/ (spec §7.4): best effort, PULL_FROM_URL tasks still downloading only. */
import { startEmulator, type TikTokEmulator, type TokenResponse } from './index';
import { apiCall, fileInitBody, makeBytes, putChunk, type HttpResult } from './test-helpers';

const CANCEL = '/v2/post/publish/cancel/';
let emu: TikTokEmulator;
let tokens: TokenResponse;

beforeEach(async () => {
	emu = await startEmulator({
		settings: {
			rateLimits: { videoInit: 1000, inboxInit: 1000, contentInit: 1000, status: 1000 },
			lifecycle: { downloadMs: 10_000 },
		},
	});
	tokens = emu.issueTokens();
});

afterEach(async () => {
	await emu.close();
});

const post = (path: string, body: unknown, token = tokens.access_token) =>
	apiCall(emu, path, { token, body });
const cancel = (publishId: string, token = tokens.access_token) =>
	post(CANCEL, { publish_id: publishId }, token);
const status = async (publishId: string) =>
	(await post('/v2/post/publish/status/fetch/', { publish_id: publishId })).json.data;

function expectCode(result: HttpResult, httpStatus: number, code: string): void {
	expect({ status: result.status, code: result.json.error.code }).toEqual({
		status: httpStatus,
		code,
	});
}

async function pull(
	path = '/v2/post/publish/video/init/',
	url = 'https://media.example.com/v.mp4',
): Promise<string> {
	const result = await post(path, {
		post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'Pulled' },
		source_info: { source: 'PULL_FROM_URL', video_url: url },
	});
	expect(result.json.error.code).toBe('ok');
	return result.json.data.publish_id;
}

async function photo(mode: 'DIRECT_POST' | 'MEDIA_UPLOAD'): Promise<string> {
	const result = await post('/v2/post/publish/content/init/', {
		media_type: 'PHOTO',
		post_mode: mode,
		post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'Photos' },
		source_info: {
			source: 'PULL_FROM_URL',
			photo_images: ['https://media.example.com/a.jpg'],
			photo_cover_index: 0,
		},
	});
	return result.json.data.publish_id;
}

test('while downloading: 200 with no data, then FAILED publish_cancelled, a post.publish.failed webhook, and no post ever', async () => {
	const publishId = await pull();
	emu.clock.advance(3000);
	const result = await cancel(publishId);
	expect(result.status).toBe(200);
	expect(result.json).toEqual({
		error: { code: 'ok', message: '', log_id: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/) },
	});
	expect(await status(publishId)).toMatchObject({
		status: 'FAILED',
		fail_reason: 'publish_cancelled',
		publicaly_available_post_id: [],
	});
	const failed = emu.webhooks.events.filter((e) => e.event === 'post.publish.failed');
	expect(failed.map((e) => e.content)).toEqual([
		{ publish_id: publishId, publish_type: 'DIRECT_PUBLISH', reason: 'publish_cancelled' },
	]);
	emu.clock.advance(60_000);
	expect(emu.getTask(publishId)?.postIds).toEqual([]);
	expect(emu.videosOf().map((v) => v.publishId)).not.toContain(publishId);
});

test('every pull task can be cancelled: direct and inbox video, direct and inbox photos', async () => {
	const ids = [
		await pull(),
		await pull('/v2/post/publish/inbox/video/init/'),
		await photo('DIRECT_POST'),
		await photo('MEDIA_UPLOAD'),
	];
	for (const publishId of ids) expectCode(await cancel(publishId), 200, 'ok');
	for (const publishId of ids)
		expect(await status(publishId)).toMatchObject({
			status: 'FAILED',
			fail_reason: 'publish_cancelled',
		});
});

test('publish_not_cancellable (400): after cancel, near the end of the download, in processing, complete, failed, and FILE_UPLOAD', async () => {
	const twice = await pull();
	await cancel(twice);
	expectCode(await cancel(twice), 400, 'publish_not_cancellable');

	const nearEnd = await pull();
	emu.clock.advance(9_200);
	expectCode(await cancel(nearEnd), 400, 'publish_not_cancellable');
	expect((await status(nearEnd)).status).toBe('PROCESSING_DOWNLOAD');

	const processing = await pull();
	emu.clock.advance(10_500);
	expectCode(await cancel(processing), 400, 'publish_not_cancellable');
	emu.clock.advance(5_000);
	expect((await status(processing)).status).toBe('PUBLISH_COMPLETE');
	expectCode(await cancel(processing), 400, 'publish_not_cancellable');

	emu.setNextOutcome({ failReason: 'video_pull_failed' });
	const failed = await pull();
	emu.clock.advance(10_000);
	expect((await status(failed)).fail_reason).toBe('video_pull_failed');
	expectCode(await cancel(failed), 400, 'publish_not_cancellable');

	const init = await post('/v2/post/publish/video/init/', fileInitBody(1000, 1000, 1));
	expectCode(await cancel(init.json.data.publish_id), 400, 'publish_not_cancellable');
	await putChunk(init.json.data.upload_url, makeBytes(1000), 'bytes 0-999/1000');
	expectCode(await cancel(init.json.data.publish_id), 400, 'publish_not_cancellable');
});

test('lifecycle.cancellableBelowProgress moves the best-effort cut-off', async () => {
	emu.updateSettings({ lifecycle: { cancellableBelowProgress: 0.25 } });
	const late = await pull();
	emu.clock.advance(3_000);
	expectCode(await cancel(late), 400, 'publish_not_cancellable');
	emu.updateSettings({ lifecycle: { cancellableBelowProgress: 1 } });
	const veryLate = await pull();
	emu.clock.advance(9_900);
	expectCode(await cancel(veryLate), 200, 'ok');
});

test('invalid_publish_id, token_not_authorized_for_specified_publish_id, invalid_params', async () => {
	const publishId = await pull();
	expectCode(await cancel('v_pub_url~v2-1.7000000000000000000'), 400, 'invalid_publish_id');
	const other = emu.issueTokens(emu.addAccount({}).openId).access_token;
	expectCode(await cancel(publishId, other), 400, 'token_not_authorized_for_specified_publish_id');
	expectCode(await post(CANCEL, {}), 400, 'invalid_params');
	expectCode(await post(CANCEL, { publish_id: 7 }), 400, 'invalid_params');
	expect((await status(publishId)).status).toBe('PROCESSING_DOWNLOAD');
});

test('url_ownership_unverified (403) when the URL is no longer verified for the app', async () => {
	const publishId = await pull();
	emu.updateApp({ verifiedDomains: [] });
	expectCode(await cancel(publishId), 403, 'url_ownership_unverified');
	expect((await status(publishId)).status).toBe('PROCESSING_DOWNLOAD');
});

test('401 access_token_invalid and scope_not_authorized; either posting scope is enough', async () => {
	const publishId = await pull();
	expectCode(await cancel(publishId, 'act.unknown'), 401, 'access_token_invalid');
	expectCode(
		await cancel(
			publishId,
			emu.issueTokens(undefined, { scopes: ['user.info.basic', 'video.list'] }).access_token,
		),
		401,
		'scope_not_authorized',
	);
	expectCode(
		await cancel(publishId, emu.issueTokens(undefined, { scopes: ['video.upload'] }).access_token),
		200,
		'ok',
	);
});

test('429 when a limit is set (TikTok documents none, so unlimited by default); injected 5xx is internal_error', async () => {
	expect(emu.settings.rateLimits.cancel).toBe(Number.POSITIVE_INFINITY);
	emu.updateSettings({ rateLimits: { cancel: 1 } });
	const publishId = await pull();
	expectCode(await cancel('v_pub_url~v2-1.7000000000000000000'), 400, 'invalid_publish_id');
	expectCode(await cancel(publishId), 429, 'rate_limit_exceeded');
	emu.updateSettings({ rateLimits: { cancel: null } });
	emu.faults.add({ target: 'cancel', status: 500 });
	expectCode(await cancel(publishId), 500, 'internal_error');
	expectCode(await cancel(publishId), 200, 'ok');
});
