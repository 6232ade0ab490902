import { startEmulator, type TikTokEmulator, type TokenResponse } from './index';
import {
	apiCall,
	eventually,
	fileInitBody,
	makeBytes,
	putChunk,
	type HttpResult,
} from './test-helpers';

const VIDEO_INIT = '/v2/post/publish/video/init/';
const INBOX_INIT = '/v2/post/publish/inbox/video/init/';
const CONTENT_INIT = '/v2/post/publish/content/init/';
const STATUS = '/v2/post/publish/status/fetch/';
const CANCEL = '/v2/post/publish/cancel/';

let emu: TikTokEmulator;
let tokens: TokenResponse;

beforeEach(async () => {
	emu = await startEmulator({
		settings: { rateLimits: { videoInit: 1000, inboxInit: 1000, contentInit: 1000, status: 1000 } },
	});
	tokens = emu.issueTokens(undefined, { accessTtlSec: 30 * 86_400 });
});

afterEach(async () => {
	await emu.close();
});

const post = (path: string, body: unknown, token = tokens.access_token) =>
	apiCall(emu, path, { token, body });
const status = (publishId: string, token = tokens.access_token) =>
	post(STATUS, { publish_id: publishId }, token);

async function directFileUpload(privacy = 'PUBLIC_TO_EVERYONE', size = 1000): Promise<string> {
	const init = await post(VIDEO_INIT, fileInitBody(size, size, 1, { privacy_level: privacy }));
	expect(
		(await putChunk(init.json.data.upload_url, makeBytes(size), `bytes 0-${size - 1}/${size}`))
			.status,
	).toBe(201);
	return init.json.data.publish_id;
}

async function pullInit(
	path = VIDEO_INIT,
	url = 'https://media.example.com/v.mp4',
	privacy = 'PUBLIC_TO_EVERYONE',
): Promise<string> {
	const result = await post(path, {
		post_info: { privacy_level: privacy },
		source_info: { source: 'PULL_FROM_URL', video_url: url },
	});
	expect(result.json.error.code).toBe('ok');
	return result.json.data.publish_id;
}

/** The raw digits inside publicaly_available_post_id, read from the response text (not JSON.parse). */
function rawPostIds(result: HttpResult): string[] {
	const match = /"publicaly_available_post_id":\[([^\]]*)\]/.exec(result.text);
	if (!match) throw new Error(`no publicaly_available_post_id in ${result.text}`);
	return match[1] === '' ? [] : match[1].split(',');
}

describe('Direct Post FILE_UPLOAD lifecycle', () => {
	test('PROCESSING_UPLOAD -> PUBLISH_COMPLETE -> public post id as a raw 19-digit JSON number', async () => {
		const init = await post(
			VIDEO_INIT,
			fileInitBody(1000, 1000, 1, { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'Cat #fyp' }),
		);
		const publishId: string = init.json.data.publish_id;
		const before = await status(publishId);
		expect(before.json.data).toEqual({
			status: 'PROCESSING_UPLOAD',
			publicaly_available_post_id: [],
			uploaded_bytes: 0,
		});
		expect(
			(await putChunk(init.json.data.upload_url, makeBytes(1000), 'bytes 0-999/1000')).status,
		).toBe(201);

		// Processing after the last chunk keeps PROCESSING_UPLOAD (TikTok documents no other state).
		const processing = await status(publishId);
		expect(processing.json.data).toEqual({
			status: 'PROCESSING_UPLOAD',
			publicaly_available_post_id: [],
			uploaded_bytes: 1000,
		});
		// Real time also passes, so stay clear of the exact boundary.
		emu.clock.advance(2500);
		expect((await status(publishId)).json.data.status).toBe('PROCESSING_UPLOAD');
		emu.clock.advance(500);
		const complete = await status(publishId);
		expect(complete.json.data).toEqual({
			status: 'PUBLISH_COMPLETE',
			publicaly_available_post_id: [],
			uploaded_bytes: 1000,
		});

		emu.clock.advance(2000);
		const published = await status(publishId);
		const [raw] = rawPostIds(published);
		expect(raw).toMatch(/^\d{19}$/);
		expect(BigInt(raw) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
		// Written unquoted: JSON.parse yields a (rounded) number, not the string.
		expect(typeof published.json.data.publicaly_available_post_id[0]).toBe('number');
		expect(String(published.json.data.publicaly_available_post_id[0])).not.toBe(raw);
		expect(published.text).not.toContain(`"${raw}"`);
		expect(emu.getTask(publishId)?.publicPostIds).toEqual([raw]);

		// The post shows up in the creator's public video list.
		const list = await post(`/v2/video/list/?fields=id,title,share_url,create_time`, {});
		expect(list.json.data.videos[0]).toEqual({
			id: raw,
			title: 'Cat #fyp',
			share_url: `https://www.tiktok.com/@${emu.defaultAccount.username}/video/${raw}`,
			create_time: expect.any(Number),
		});
		expect(emu.getTask(publishId)?.history.map((h) => h.status)).toEqual([
			'PROCESSING_UPLOAD',
			'PUBLISH_COMPLETE',
		]);
	});

	test('non-public privacy completes without ever exposing a post id', async () => {
		const publishId = await directFileUpload('SELF_ONLY');
		emu.clock.advance(3_600_000);
		const result = await status(publishId);
		expect(result.json.data.status).toBe('PUBLISH_COMPLETE');
		expect(rawPostIds(result)).toEqual([]);
		expect(emu.getTask(publishId)?.postIds).toHaveLength(1);
		const list = await post(`/v2/video/list/?fields=id`, {});
		expect(list.json.data.videos.map((v: { id: string }) => v.id)).not.toContain(
			emu.getTask(publishId)?.postIds[0],
		);
	});

	test('uploaded_bytes grows chunk by chunk', async () => {
		const chunk = 5_242_880;
		const size = 2 * chunk + 10;
		const init = await post(VIDEO_INIT, fileInitBody(size, chunk, 2));
		const file = makeBytes(size);
		await putChunk(
			init.json.data.upload_url,
			file.subarray(0, chunk),
			`bytes 0-${chunk - 1}/${size}`,
		);
		expect((await status(init.json.data.publish_id)).json.data.uploaded_bytes).toBe(chunk);
	});

	test('transitions happen in real time too (a polling client sees them without clock jumps)', async () => {
		emu.updateSettings({ lifecycle: { processingMs: 150, moderationMs: 150 } });
		const publishId = await directFileUpload();
		await eventually(async () => rawPostIds(await status(publishId)).length === 1, 3000);
		expect(emu.getTask(publishId)?.status).toBe('PUBLISH_COMPLETE');
	});

	test('default delays suit a demo: 3 s processing, 2 s download, 2 s moderation', () => {
		expect(emu.settings.lifecycle).toMatchObject({
			processingMs: 3000,
			downloadMs: 2000,
			moderationMs: 2000,
		});
	});
});

describe('PULL_FROM_URL lifecycle and cancel', () => {
	test('PROCESSING_DOWNLOAD with growing downloaded_bytes, then PUBLISH_COMPLETE', async () => {
		const publishId = await pullInit();
		const start = await status(publishId);
		expect(start.json.data.status).toBe('PROCESSING_DOWNLOAD');
		expect(start.json.data.uploaded_bytes).toBeUndefined();
		emu.clock.advance(1000);
		const half = (await status(publishId)).json.data.downloaded_bytes;
		expect(half).toBeGreaterThan(0);
		expect(half).toBeLessThan(emu.settings.lifecycle.pullVideoSize);
		emu.clock.advance(1000);
		const downloaded = await status(publishId);
		expect(downloaded.json.data).toMatchObject({
			status: 'PROCESSING_DOWNLOAD',
			downloaded_bytes: emu.settings.lifecycle.pullVideoSize,
		});
		emu.clock.advance(3000);
		expect((await status(publishId)).json.data.status).toBe('PUBLISH_COMPLETE');
	});

	test('cancel while downloading: ok without data, then FAILED publish_cancelled', async () => {
		const publishId = await pullInit();
		const result = await post(CANCEL, { publish_id: publishId });
		expect(result.status).toBe(200);
		expect(result.json).toEqual({ error: { code: 'ok', message: '', log_id: expect.any(String) } });
		expect((await status(publishId)).json.data).toMatchObject({
			status: 'FAILED',
			fail_reason: 'publish_cancelled',
		});
		const again = await post(CANCEL, { publish_id: publishId });
		expect(again.status).toBe(400);
		expect(again.json.error.code).toBe('publish_not_cancellable');
	});

	test('not cancellable near the end of the download, after it, or for FILE_UPLOAD', async () => {
		const nearlyDone = await pullInit();
		emu.clock.advance(1900);
		expect((await post(CANCEL, { publish_id: nearlyDone })).json.error.code).toBe(
			'publish_not_cancellable',
		);
		const file = await directFileUpload();
		expect((await post(CANCEL, { publish_id: file })).json.error.code).toBe(
			'publish_not_cancellable',
		);
	});

	test('cancel and status check the publish id and its owner', async () => {
		const publishId = await pullInit();
		const other = emu.addAccount({});
		const otherToken = emu.issueTokens(other.openId).access_token;
		for (const path of [STATUS, CANCEL]) {
			const foreign = await post(path, { publish_id: publishId }, otherToken);
			expect({ status: foreign.status, code: foreign.json.error.code }).toEqual({
				status: 400,
				code: 'token_not_authorized_for_specified_publish_id',
			});
			const unknown = await post(path, { publish_id: 'v_pub_url~v2-1.1234567890123456789' });
			expect({ status: unknown.status, code: unknown.json.error.code }).toEqual({
				status: 400,
				code: 'invalid_publish_id',
			});
			const missing = await post(path, {});
			expect({ status: missing.status, code: missing.json.error.code }).toEqual({
				status: 400,
				code: 'invalid_params',
			});
		}
		// Another app's token for the same user does not own it either.
		const otherApp = emu.addApp();
		const appToken = emu.issueTokens(undefined, { clientKey: otherApp.clientKey }).access_token;
		expect((await status(publishId, appToken)).json.error.code).toBe(
			'token_not_authorized_for_specified_publish_id',
		);
	});

	test('status accepts video.upload or video.publish, nothing else', async () => {
		const publishId = await pullInit();
		const uploadOnly = emu.issueTokens(undefined, { scopes: ['video.upload'] }).access_token;
		expect((await status(publishId, uploadOnly)).json.error.code).toBe('ok');
		const basic = emu.issueTokens(undefined, { scopes: ['user.info.basic'] }).access_token;
		const denied = await status(publishId, basic);
		expect({ status: denied.status, code: denied.json.error.code }).toEqual({
			status: 401,
			code: 'scope_not_authorized',
		});
	});
});

describe('inbox lifecycle', () => {
	test('SEND_TO_USER_INBOX until the creator posts; then PUBLISH_COMPLETE and public ids', async () => {
		const init = await post(INBOX_INIT, {
			source_info: {
				source: 'FILE_UPLOAD',
				video_size: 1000,
				chunk_size: 1000,
				total_chunk_count: 1,
			},
		});
		const publishId: string = init.json.data.publish_id;
		await putChunk(init.json.data.upload_url, makeBytes(1000), 'bytes 0-999/1000');
		emu.clock.advance(3000);
		expect((await status(publishId)).json.data.status).toBe('SEND_TO_USER_INBOX');
		emu.clock.advance(7 * 86_400_000);
		expect((await status(publishId)).json.data.status).toBe('SEND_TO_USER_INBOX');

		emu.completeInbox(publishId, { postIds: ['7602997517160123666', '7602997517160123667'] });
		const done = await status(publishId);
		expect(done.json.data.status).toBe('PUBLISH_COMPLETE');
		expect(rawPostIds(done)).toEqual([]);
		emu.clock.advance(2000);
		const published = await status(publishId);
		expect(rawPostIds(published)).toEqual(['7602997517160123666', '7602997517160123667']);
		expect(published.text).toContain(
			'"publicaly_available_post_id":[7602997517160123666,7602997517160123667]',
		);
	});

	test('completeInbox refuses tasks that are not in the inbox yet', async () => {
		const publishId = await pullInit(INBOX_INIT);
		expect(() => emu.completeInbox(publishId)).toThrow(/not SEND_TO_USER_INBOX/);
	});

	test('photo MEDIA_UPLOAD goes to the inbox; photo DIRECT_POST publishes', async () => {
		const photo = (mode: string) =>
			post(CONTENT_INIT, {
				media_type: 'PHOTO',
				post_mode: mode,
				post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'p' },
				source_info: {
					source: 'PULL_FROM_URL',
					photo_images: ['https://media.example.com/a.jpg'],
					photo_cover_index: 0,
				},
			});
		const inbox = (await photo('MEDIA_UPLOAD')).json.data.publish_id;
		const direct = (await photo('DIRECT_POST')).json.data.publish_id;
		emu.clock.advance(5000);
		expect((await status(inbox)).json.data).toMatchObject({
			status: 'SEND_TO_USER_INBOX',
			downloaded_bytes: emu.settings.lifecycle.pullPhotoSize,
		});
		expect((await status(direct)).json.data.status).toBe('PUBLISH_COMPLETE');
	});
});

describe('outcomes and failures', () => {
	test('setNextOutcome({ failReason }) fails the next task after processing', async () => {
		emu.setNextOutcome({ failReason: 'duration_check_failed' });
		const failed = await directFileUpload();
		emu.clock.advance(3000);
		expect((await status(failed)).json.data).toEqual({
			status: 'FAILED',
			fail_reason: 'duration_check_failed',
			publicaly_available_post_id: [],
			uploaded_bytes: 1000,
		});
		// Only the next task.
		const fine = await directFileUpload();
		emu.clock.advance(3000);
		expect((await status(fine)).json.data.status).toBe('PUBLISH_COMPLETE');
	});

	test('per-task outcomes: a fail reason, or any status (even an undocumented one) to pin', async () => {
		const a = await directFileUpload();
		const b = await directFileUpload();
		emu.setOutcome(a, { failReason: 'spam_risk_text' });
		emu.setOutcome(b, { status: 'SOMETHING_NEW' });
		emu.clock.advance(60_000);
		expect((await status(a)).json.data).toMatchObject({
			status: 'FAILED',
			fail_reason: 'spam_risk_text',
		});
		expect((await status(b)).json.data.status).toBe('SOMETHING_NEW');
	});

	test('video_pull_failed ends the download; unsupported media formats fail the format check', async () => {
		emu.setNextOutcome({ failReason: 'video_pull_failed' });
		const pulled = await pullInit();
		emu.clock.advance(2000);
		expect((await status(pulled)).json.data).toMatchObject({
			status: 'FAILED',
			fail_reason: 'video_pull_failed',
		});

		const avi = await pullInit(VIDEO_INIT, 'https://media.example.com/v.avi');
		const png = (
			await post(CONTENT_INIT, {
				media_type: 'PHOTO',
				post_mode: 'DIRECT_POST',
				post_info: { privacy_level: 'SELF_ONLY' },
				source_info: {
					source: 'PULL_FROM_URL',
					photo_images: ['https://media.example.com/a.png'],
					photo_cover_index: 0,
				},
			})
		).json.data.publish_id;
		emu.clock.advance(5000);
		expect((await status(avi)).json.data.fail_reason).toBe('file_format_check_failed');
		expect((await status(png)).json.data.fail_reason).toBe('file_format_check_failed');
	});

	test('revoking the app during processing fails in-flight posts with auth_removed', async () => {
		const publishId = await directFileUpload();
		emu.revoke({ openId: emu.defaultAccount.openId, reason: 1 });
		expect(emu.getTask(publishId)).toMatchObject({ status: 'FAILED', failReason: 'auth_removed' });
	});

	test('makePostPrivate / makePostPublic change the public ids and the video list', async () => {
		const publishId = await directFileUpload();
		emu.clock.advance(5000);
		const [postId] = emu.getTask(publishId)?.publicPostIds ?? [];
		emu.makePostPrivate(postId);
		expect(rawPostIds(await status(publishId))).toEqual([]);
		const listed = async () =>
			(await post('/v2/video/list/?fields=id', {})).json.data.videos.map(
				(v: { id: string }) => v.id,
			);
		expect(await listed()).not.toContain(postId);
		emu.makePostPublic(postId);
		expect(rawPostIds(await status(publishId))).toEqual([postId]);
		expect(await listed()).toContain(postId);
	});
});
