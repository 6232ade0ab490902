import { startEmulator, type TikTokEmulator, type TokenResponse } from './index';
import { apiCall, fileInitBody, type HttpResult } from './test-helpers';

const CREATOR_INFO = '/v2/post/publish/creator_info/query/';
const VIDEO_INIT = '/v2/post/publish/video/init/';
const INBOX_INIT = '/v2/post/publish/inbox/video/init/';
const CONTENT_INIT = '/v2/post/publish/content/init/';
const LOG_ID = /^\d{14}[0-9A-F]{20}$/;

let emu: TikTokEmulator;
let tokens: TokenResponse;

beforeEach(async () => {
	// Rate limits are exercised in rate-limits.test.ts; here they would only get in the way.
	emu = await startEmulator({
		settings: {
			rateLimits: { videoInit: 1000, inboxInit: 1000, contentInit: 1000, creatorInfo: 1000 },
		},
	});
	tokens = emu.issueTokens();
});

afterEach(async () => {
	await emu.close();
});

const post = (path: string, body?: unknown, token: string = tokens.access_token) =>
	apiCall(emu, path, { token, body });

function expectError(
	result: HttpResult,
	status: number,
	code: string,
	message?: string | RegExp,
): void {
	expect({ status: result.status, code: result.json?.error?.code }).toEqual({ status, code });
	expect(result.json.error.log_id).toMatch(LOG_ID);
	if (message !== undefined) expect(result.json.error.message).toMatch(message);
}

const pullBody = (url: string, privacy = 'SELF_ONLY') => ({
	post_info: { privacy_level: privacy },
	source_info: { source: 'PULL_FROM_URL', video_url: url },
});

const photoBody = (
	overrides: Record<string, unknown> = {},
	postInfo: Record<string, unknown> = {},
	sourceInfo: Record<string, unknown> = {},
) => ({
	media_type: 'PHOTO',
	post_mode: 'DIRECT_POST',
	post_info: {
		title: 'Photos',
		description: 'A carousel',
		privacy_level: 'SELF_ONLY',
		...postInfo,
	},
	source_info: {
		source: 'PULL_FROM_URL',
		photo_images: ['https://media.example.com/a.jpg', 'https://media.example.com/b.webp'],
		photo_cover_index: 1,
		...sourceInfo,
	},
	...overrides,
});

describe('creator_info', () => {
	test('returns the account fixture in the v2 envelope', async () => {
		emu.defaultAccount.stitchDisabled = true;
		emu.defaultAccount.maxVideoPostDurationSec = 300;
		const result = await post(CREATOR_INFO);
		expect(result.status).toBe(200);
		expect(result.json.error).toEqual({
			code: 'ok',
			message: '',
			log_id: expect.stringMatching(LOG_ID),
		});
		expect(result.headers['x-tt-logid']).toBe(result.json.error.log_id);
		const { creator_avatar_url, ...data } = result.json.data;
		expect(data).toEqual({
			creator_username: emu.defaultAccount.username,
			creator_nickname: emu.defaultAccount.nickname,
			privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
			comment_disabled: false,
			duet_disabled: false,
			stitch_disabled: true,
			max_video_post_duration_sec: 300,
		});
		// The avatar URL carries a 2 h expiry.
		const expires = Number(new URL(creator_avatar_url).searchParams.get('x-expires'));
		expect(expires - Math.floor(emu.clock.now() / 1000)).toBeGreaterThanOrEqual(7199);
	});

	test('a private account gets the private options and forced-off duet/stitch', async () => {
		const priv = emu.addAccount({ isPrivate: true });
		const result = await post(CREATOR_INFO, {}, emu.issueTokens(priv.openId).access_token);
		expect(result.json.data.privacy_level_options).toEqual([
			'FOLLOWER_OF_CREATOR',
			'MUTUAL_FOLLOW_FRIENDS',
			'SELF_ONLY',
		]);
		expect(result.json.data.duet_disabled).toBe(true);
		expect(result.json.data.stitch_disabled).toBe(true);
	});

	test('"cannot post now" is HTTP 200 with an error code (intentional, per the doc)', async () => {
		emu.defaultAccount.bannedFromPosting = true;
		expectError(await post(CREATOR_INFO), 200, 'spam_risk_user_banned_from_posting');
		emu.defaultAccount.bannedFromPosting = false;
		emu.defaultAccount.postsToday = emu.defaultAccount.dailyPostCap;
		expectError(await post(CREATOR_INFO), 200, 'spam_risk_too_many_posts');
		emu.defaultAccount.postsToday = 0;
		emu.settings.activeUserCap = 0;
		expectError(await post(CREATOR_INFO), 200, 'reached_active_user_cap');
	});

	test('auth: missing, garbage and wrong-scope tokens', async () => {
		const none = await apiCall(emu, CREATOR_INFO, {});
		expectError(none, 401, 'access_token_invalid');
		expectError(await post(CREATOR_INFO, {}, 'act.garbage'), 401, 'access_token_invalid');
		const uploadOnly = emu.issueTokens(undefined, { scopes: ['user.info.basic', 'video.upload'] });
		expectError(await post(CREATOR_INFO, {}, uploadOnly.access_token), 401, 'scope_not_authorized');
	});

	test('accepts no body or {}; rejects a non-JSON body', async () => {
		expect((await post(CREATOR_INFO)).status).toBe(200);
		expect((await post(CREATOR_INFO, {})).status).toBe(200);
		expectError(await post(CREATOR_INFO, '{not json'), 400, 'invalid_params');
		const form = await apiCall(emu, CREATOR_INFO, {
			token: tokens.access_token,
			body: 'a=1',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		expectError(form, 400, 'invalid_params', /JSON/);
	});
});

describe('video/init (Direct Post)', () => {
	test('FILE_UPLOAD returns a TikTok-shaped publish_id and an upload_url on the separate upload host', async () => {
		const result = await post(VIDEO_INIT, fileInitBody(50_000_123, 10_000_000, 5));
		expect(result.status).toBe(200);
		const { publish_id: publishId, upload_url: uploadUrl } = result.json.data;
		expect(publishId).toMatch(/^v_pub_file~v2-1\.\d{19}$/);
		expect(publishId.length).toBeLessThanOrEqual(64);
		expect(uploadUrl.length).toBeLessThanOrEqual(256);
		const url = new URL(uploadUrl);
		expect(url.origin).toBe(emu.uploadBaseUrl);
		expect(url.origin).not.toBe(emu.baseUrl);
		expect(url.searchParams.get('upload_id')).toMatch(/^\d+$/);
		expect(url.searchParams.get('upload_token')).toBeTruthy();
		expect(emu.getTask(publishId)).toMatchObject({
			status: 'PROCESSING_UPLOAD',
			postMode: 'DIRECT_POST',
			source: 'FILE_UPLOAD',
			privacyLevel: 'SELF_ONLY',
			title: 'Test #emulator',
		});
		expect(emu.initCalls('videoInit')).toBe(1);
	});

	test('PULL_FROM_URL returns a v_pub_url id and no upload_url', async () => {
		const result = await post(VIDEO_INIT, pullBody('https://media.example.com/v/clip.mp4'));
		expect(result.json.data.publish_id).toMatch(/^v_pub_url~v2-1\.\d{19}$/);
		expect(result.json.data.upload_url).toBeUndefined();
	});

	test('records post_info/source_info as received and the interactions TikTok would force', async () => {
		const priv = emu.addAccount({ isPrivate: true, commentDisabled: true });
		const body = fileInitBody(1000, 1000, 1, {
			privacy_level: 'FOLLOWER_OF_CREATOR',
			disable_duet: false,
			video_cover_timestamp_ms: 1500,
			is_aigc: true,
			unknown_field: 'kept',
		});
		const result = await post(VIDEO_INIT, body, emu.issueTokens(priv.openId).access_token);
		expect(result.status).toBe(200);
		const task = emu.getTask(result.json.data.publish_id);
		expect(task?.postInfo).toEqual(body.post_info);
		expect(task?.sourceInfo).toEqual(body.source_info);
		expect(task?.effectiveInteractions).toEqual({
			disableComment: true,
			disableDuet: true,
			disableStitch: true,
		});
	});

	test.each<[string, unknown, RegExp]>([
		['no body', undefined, /post_info is required/],
		['post_info not an object', { post_info: 'x', source_info: {} }, /post_info must be an object/],
		[
			'source_info missing',
			{ post_info: { privacy_level: 'SELF_ONLY' } },
			/source_info is required/,
		],
		[
			'source missing',
			{ post_info: { privacy_level: 'SELF_ONLY' }, source_info: {} },
			/source_info.source is required/,
		],
		[
			'unknown source',
			{ post_info: { privacy_level: 'SELF_ONLY' }, source_info: { source: 'BASE64' } },
			/FILE_UPLOAD or PULL_FROM_URL/,
		],
		['title not a string', fileInitBody(1000, 1000, 1, { title: 5 }), /title must be a string/],
		[
			'boolean as a string',
			fileInitBody(1000, 1000, 1, { disable_comment: 'true' }),
			/disable_comment must be a boolean/,
		],
		[
			'is_aigc as a number',
			fileInitBody(1000, 1000, 1, { is_aigc: 1 }),
			/is_aigc must be a boolean/,
		],
		[
			'privacy_level not a string',
			fileInitBody(1000, 1000, 1, { privacy_level: 3 }),
			/privacy_level must be a string/,
		],
		[
			'cover timestamp not an integer',
			fileInitBody(1000, 1000, 1, { video_cover_timestamp_ms: 'x' }),
			/video_cover_timestamp_ms/,
		],
		[
			'video_size as a string',
			{
				post_info: { privacy_level: 'SELF_ONLY' },
				source_info: {
					source: 'FILE_UPLOAD',
					video_size: '1000',
					chunk_size: 1000,
					total_chunk_count: 1,
				},
			},
			/video_size must be an integer/,
		],
		[
			'chunk_size missing',
			{
				post_info: { privacy_level: 'SELF_ONLY' },
				source_info: { source: 'FILE_UPLOAD', video_size: 1000, total_chunk_count: 1 },
			},
			/chunk_size is required/,
		],
		['video_size zero', fileInitBody(0, 0, 1), /video_size must be at least 1/],
		[
			'video_url missing',
			{ post_info: { privacy_level: 'SELF_ONLY' }, source_info: { source: 'PULL_FROM_URL' } },
			/video_url is required/,
		],
		['video_url over http', pullBody('http://media.example.com/a.mp4'), /https/],
		['video_url not a URL', pullBody('media.example.com/a.mp4'), /not a valid URL/],
	])('schema: %s -> 400 invalid_params', async (_name, body, message) => {
		expectError(await post(VIDEO_INIT, body), 400, 'invalid_params', message);
	});

	test('title limit is 2200 UTF-16 code units (an emoji counts 2)', async () => {
		const emoji = '\u{1F600}';
		expect(
			(await post(VIDEO_INIT, fileInitBody(1000, 1000, 1, { title: emoji.repeat(1100) }))).status,
		).toBe(200);
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1, { title: `${emoji.repeat(1100)}a` })),
			400,
			'invalid_params',
			/2200 UTF-16/,
		);
	});

	test('branded content cannot be SELF_ONLY (strict choice: 400 invalid_params)', async () => {
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1, { brand_content_toggle: true })),
			400,
			'invalid_params',
			/Branded content cannot be private/,
		);
		expect(
			(
				await post(
					VIDEO_INIT,
					fileInitBody(1000, 1000, 1, {
						brand_content_toggle: true,
						privacy_level: 'PUBLIC_TO_EVERYONE',
					}),
				)
			).status,
		).toBe(200);
		expect(
			(await post(VIDEO_INIT, fileInitBody(1000, 1000, 1, { brand_organic_toggle: true }))).status,
		).toBe(200);
	});

	test('video_cover_timestamp_ms is accepted in source_info too', async () => {
		const body = fileInitBody(1000, 1000, 1);
		(body.source_info as Record<string, unknown>).video_cover_timestamp_ms = 1000;
		expect((await post(VIDEO_INIT, body)).status).toBe(200);
	});

	test('privacy_level must be one of the creator options (missing counts too): 403', async () => {
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1, { privacy_level: undefined })),
			403,
			'privacy_level_option_mismatch',
		);
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1, { privacy_level: 'FOLLOWER_OF_CREATOR' })),
			403,
			'privacy_level_option_mismatch',
		);
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1, { privacy_level: 'EVERYONE' })),
			403,
			'privacy_level_option_mismatch',
		);
		const priv = emu.addAccount({ isPrivate: true });
		const privToken = emu.issueTokens(priv.openId).access_token;
		expectError(
			await post(
				VIDEO_INIT,
				fileInitBody(1000, 1000, 1, { privacy_level: 'PUBLIC_TO_EVERYONE' }),
				privToken,
			),
			403,
			'privacy_level_option_mismatch',
		);
	});

	test('unaudited client: public accounts refused even with SELF_ONLY; private accounts only SELF_ONLY', async () => {
		emu.app.audited = false;
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1)),
			403,
			'unaudited_client_can_only_post_to_private_accounts',
		);
		const priv = emu.addAccount({ isPrivate: true });
		const privToken = emu.issueTokens(priv.openId).access_token;
		expectError(
			await post(
				VIDEO_INIT,
				fileInitBody(1000, 1000, 1, { privacy_level: 'FOLLOWER_OF_CREATOR' }),
				privToken,
			),
			403,
			'unaudited_client_can_only_post_to_private_accounts',
		);
		expect((await post(VIDEO_INIT, fileInitBody(1000, 1000, 1), privToken)).status).toBe(200);
		// Inbox uploads are not Direct Post and stay allowed.
		expect(
			(
				await post(INBOX_INIT, {
					source_info: {
						source: 'FILE_UPLOAD',
						video_size: 1000,
						chunk_size: 1000,
						total_chunk_count: 1,
					},
				})
			).status,
		).toBe(200);
	});

	test('unaudited client: at most 5 creators per 24 h', async () => {
		emu.app.audited = false;
		const creators = Array.from({ length: 6 }, () => emu.addAccount({ isPrivate: true }));
		for (const creator of creators.slice(0, 5)) {
			expect(
				(
					await post(
						VIDEO_INIT,
						fileInitBody(1000, 1000, 1),
						emu.issueTokens(creator.openId).access_token,
					)
				).status,
			).toBe(200);
		}
		const sixth = emu.issueTokens(creators[5].openId).access_token;
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1), sixth),
			403,
			'reached_active_user_cap',
		);
		// An already-active creator may keep posting.
		expect(
			(
				await post(
					VIDEO_INIT,
					fileInitBody(1000, 1000, 1),
					emu.issueTokens(creators[0].openId).access_token,
				)
			).status,
		).toBe(200);
		emu.clock.advance(86_400_000);
		expect(
			(
				await post(
					VIDEO_INIT,
					fileInitBody(1000, 1000, 1),
					emu.issueTokens(creators[5].openId).access_token,
				)
			).status,
		).toBe(200);
	});

	test.each<[string, boolean]>([
		['https://media.example.com/v.mp4', true],
		['https://video.media.example.com/deep/path/v.mp4', true],
		['https://MEDIA.EXAMPLE.COM/v.mp4', true],
		['https://example.com/v.mp4', false],
		['https://evilmedia.example.com/v.mp4', false],
		['https://media.example.com.evil.net/v.mp4', false],
		['https://cdn.example.org/verified/user/1/v.mp4', true],
		['https://cdn.example.org/verified/v.mp4', true],
		['https://cdn.example.org/other/verified/v.mp4', false],
		['https://cdn.example.org/verifiedX/v.mp4', false],
		['https://sub.cdn.example.org/verified/v.mp4', false],
	])('URL ownership: %s verified=%s', async (url, verified) => {
		const result = await post(VIDEO_INIT, pullBody(url));
		if (verified) expect(result.status).toBe(200);
		else expectError(result, 403, 'url_ownership_unverified');
	});

	test('caps: banned, daily post cap (15, resets after 24 h), configurable active-user cap', async () => {
		emu.defaultAccount.bannedFromPosting = true;
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1)),
			403,
			'spam_risk_user_banned_from_posting',
		);
		emu.defaultAccount.bannedFromPosting = false;

		emu.defaultAccount.postsToday = 14;
		expect((await post(VIDEO_INIT, fileInitBody(1000, 1000, 1))).status).toBe(200);
		expect(emu.defaultAccount.postsToday).toBe(15);
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1)),
			403,
			'spam_risk_too_many_posts',
		);
		emu.clock.advance(86_400_000);
		tokens = emu.issueTokens(); // the old access token expired meanwhile
		expect((await post(VIDEO_INIT, fileInitBody(1000, 1000, 1))).status).toBe(200);

		emu.settings.activeUserCap = 1;
		const other = emu.addAccount({});
		expectError(
			await post(
				VIDEO_INIT,
				fileInitBody(1000, 1000, 1),
				emu.issueTokens(other.openId).access_token,
			),
			403,
			'reached_active_user_cap',
		);
	});

	test('validation order: schema, privacy, unaudited, URL ownership, caps', async () => {
		emu.app.audited = false;
		emu.defaultAccount.bannedFromPosting = true;
		const bad = pullBody('https://unverified.example.net/v.mp4', 'FOLLOWER_OF_CREATOR');
		(bad.post_info as Record<string, unknown>).title = 'x'.repeat(2201);
		expectError(await post(VIDEO_INIT, bad), 400, 'invalid_params');
		(bad.post_info as Record<string, unknown>).title = 'ok';
		expectError(await post(VIDEO_INIT, bad), 403, 'privacy_level_option_mismatch');
		bad.post_info.privacy_level = 'SELF_ONLY';
		expectError(
			await post(VIDEO_INIT, bad),
			403,
			'unaudited_client_can_only_post_to_private_accounts',
		);
		emu.app.audited = true;
		expectError(await post(VIDEO_INIT, bad), 403, 'url_ownership_unverified');
		bad.source_info.video_url = 'https://media.example.com/v.mp4';
		expectError(await post(VIDEO_INIT, bad), 403, 'spam_risk_user_banned_from_posting');
		expect(emu.initCalls('videoInit')).toBe(5);
		expect(emu.tasks).toHaveLength(0);
	});

	test('scope video.publish is required', async () => {
		const uploadOnly = emu.issueTokens(undefined, { scopes: ['video.upload'] });
		expectError(
			await post(VIDEO_INIT, fileInitBody(1000, 1000, 1), uploadOnly.access_token),
			401,
			'scope_not_authorized',
		);
	});
});

describe('chunk plan rules at init', () => {
	const MIB = 1_048_576;
	type Row = [string, number, number, number, 'ok' | RegExp];
	const SIZE = /The chunk size is invalid/;
	const COUNT = /The total chunk count is invalid/;
	const VIDEO = /The video size is invalid/;

	const strict: Row[] = [
		['doc example 4 MiB whole', 4 * MIB, 4 * MIB, 1, 'ok'],
		['doc example 50,000,123 / 10,000,000 x5', 50_000_123, 10_000_000, 5, 'ok'],
		['below 5 MiB must be whole', 5 * MIB - 1, 5_000_000, 1, SIZE],
		['below 5 MiB whole', 5 * MIB - 1, 5 * MIB - 1, 1, 'ok'],
		['below 5 MiB, count 2', 5 * MIB - 1, 5 * MIB - 1, 2, COUNT],
		['exactly 5 MiB whole', 5 * MIB, 5 * MIB, 1, 'ok'],
		['chunk 5,000,000 (decimal min) refused', 20_000_000, 5_000_000, 4, SIZE],
		['chunk 5 MiB - 1 refused', 20_000_000, 5 * MIB - 1, 3, SIZE],
		['chunk 5 MiB accepted', 20_000_000, 5 * MIB, 3, 'ok'],
		['chunk 64,000,000 accepted', 200_000_000, 64_000_000, 3, 'ok'],
		['chunk 64,000,001 refused', 200_000_000, 64_000_001, 3, SIZE],
		['chunk 64 MiB refused', 200_000_000, 64 * MIB, 2, SIZE],
		['count must be floor (6)', 50_000_123, 10_000_000, 6, COUNT],
		['count must be floor (4)', 50_000_123, 10_000_000, 4, COUNT],
		['chunk larger than the file', 20_000_000, 30_000_000, 1, SIZE],
		['64,000,000 in one chunk', 64_000_000, 64_000_000, 1, 'ok'],
		['64,000,001 in one chunk refused (must chunk)', 64_000_001, 64_000_000, 1, SIZE],
		['one chunk absorbing the remainder (< 2x chunk, <= 64 MB)', 15_000_000, 10_000_000, 1, 'ok'],
		['over 64 MB with floor count 1 refused', 100_000_000, 60_000_000, 1, SIZE],
		['4,000,000,000 accepted', 4_000_000_000, 64_000_000, 62, 'ok'],
		['4,000,000,001 refused (GB read as decimal)', 4_000_000_001, 64_000_000, 62, VIDEO],
	];
	const decimal: Row[] = [
		['chunk 5,000,000 accepted', 20_000_000, 5_000_000, 4, 'ok'],
		['chunk 4,999,999 refused', 20_000_000, 4_999_999, 4, SIZE],
		['5,100,000 as one 5,000,000 chunk + remainder', 5_100_000, 5_000_000, 1, 'ok'],
		['below 5,000,000 must be whole', 4_999_999, 4_000_000, 1, SIZE],
		['chunk 64,000,001 refused', 200_000_000, 64_000_001, 3, SIZE],
		['66,000,000 in one chunk refused', 66_000_000, 66_000_000, 1, SIZE],
	];
	const binary: Row[] = [
		['chunk 5,000,000 refused', 20_000_000, 5_000_000, 4, SIZE],
		['chunk 5 MiB accepted', 20_000_000, 5 * MIB, 3, 'ok'],
		['chunk 64 MiB accepted', 200_000_000, 64 * MIB, 2, 'ok'],
		['chunk 64 MiB + 1 refused', 200_000_000, 64 * MIB + 1, 2, SIZE],
		['66,000,000 in one chunk accepted (<= 64 MiB)', 66_000_000, 66_000_000, 1, 'ok'],
		['64 MiB + 1 in one chunk refused', 64 * MIB + 1, 64 * MIB + 1, 1, SIZE],
		['5,100,000 must be whole (< 5 MiB)', 5_100_000, 5_000_000, 1, SIZE],
		['4 GiB accepted', 4 * 1024 * MIB, 64 * MIB, 64, 'ok'],
		['4 GiB + 1 refused', 4 * 1024 * MIB + 1, 64 * MIB, 64, VIDEO],
	];
	const lenient: Row[] = [
		['chunk 5,000,000 accepted', 20_000_000, 5_000_000, 4, 'ok'],
		['chunk 64 MiB accepted', 200_000_000, 64 * MIB, 2, 'ok'],
		['chunk 64 MiB + 1 refused', 200_000_000, 64 * MIB + 1, 2, SIZE],
		['chunk 4,999,999 refused', 20_000_000, 4_999_999, 4, SIZE],
		['4,000,000,001 accepted', 4_000_000_001, 64_000_000, 62, 'ok'],
	];

	const modes: Array<['strict' | 'decimal' | 'binary' | 'lenient', Row[]]> = [
		['strict', strict],
		['decimal', decimal],
		['binary', binary],
		['lenient', lenient],
	];
	for (const [mode, rows] of modes) {
		test.each(rows)(`${mode}: %s`, async (_name, videoSize, chunkSize, count, expected) => {
			emu.settings.chunkRules = mode;
			const result = await post(VIDEO_INIT, fileInitBody(videoSize, chunkSize, count));
			if (expected === 'ok') expect(result.json.error.code).toBe('ok');
			else expectError(result, 400, 'invalid_params', expected);
		});
	}

	test('the inbox endpoint applies the same rules', async () => {
		const result = await post(INBOX_INIT, {
			source_info: {
				source: 'FILE_UPLOAD',
				video_size: 20_000_000,
				chunk_size: 5_000_000,
				total_chunk_count: 4,
			},
		});
		expectError(result, 400, 'invalid_params', SIZE);
	});
});

describe('inbox/video/init (upload to inbox)', () => {
	test('FILE_UPLOAD and PULL_FROM_URL ids; post_info is ignored even when malformed', async () => {
		const file = await post(INBOX_INIT, {
			post_info: { title: 42 },
			source_info: {
				source: 'FILE_UPLOAD',
				video_size: 1000,
				chunk_size: 1000,
				total_chunk_count: 1,
			},
		});
		expect(file.status).toBe(200);
		expect(file.json.data.publish_id).toMatch(/^v_inbox_file~v2\.\d{19}$/);
		expect(file.json.data.upload_url).toContain(emu.uploadBaseUrl);
		const pull = await post(INBOX_INIT, {
			source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
		});
		expect(pull.json.data.publish_id).toMatch(/^v_inbox_url~v2\.\d{19}$/);
		expect(emu.getTask(pull.json.data.publish_id)).toMatchObject({
			postMode: 'MEDIA_UPLOAD',
			publishType: 'INBOX_SHARE',
		});
	});

	test('needs video.upload; video.publish alone is not enough', async () => {
		const publishOnly = emu.issueTokens(undefined, { scopes: ['video.publish'] });
		expectError(
			await post(
				INBOX_INIT,
				{ source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' } },
				publishOnly.access_token,
			),
			401,
			'scope_not_authorized',
		);
	});

	test('URL ownership and banned users apply; the daily Direct Post cap does not', async () => {
		expectError(
			await post(INBOX_INIT, {
				source_info: { source: 'PULL_FROM_URL', video_url: 'https://elsewhere.example.net/a.mp4' },
			}),
			403,
			'url_ownership_unverified',
		);
		emu.defaultAccount.postsToday = 99;
		expect(
			(
				await post(INBOX_INIT, {
					source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
				})
			).status,
		).toBe(200);
		emu.defaultAccount.bannedFromPosting = true;
		expectError(
			await post(INBOX_INIT, {
				source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
			}),
			403,
			'spam_risk_user_banned_from_posting',
		);
	});

	test('at most 5 pending shares in 24 h; posting a draft frees a slot; old ones stop counting', async () => {
		const body = {
			source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
		};
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push((await post(INBOX_INIT, body)).json.data.publish_id);
		expectError(await post(INBOX_INIT, body), 403, 'spam_risk_too_many_pending_share');
		// Photo drafts share the same cap.
		expectError(
			await post(CONTENT_INIT, photoBody({ post_mode: 'MEDIA_UPLOAD' })),
			403,
			'spam_risk_too_many_pending_share',
		);
		emu.clock.advance(10_000);
		emu.completeInbox(ids[0]);
		expect((await post(INBOX_INIT, body)).status).toBe(200);
		expectError(await post(INBOX_INIT, body), 403, 'spam_risk_too_many_pending_share');
		emu.clock.advance(86_400_000);
		tokens = emu.issueTokens();
		expect((await post(INBOX_INIT, body)).status).toBe(200);
	});
});

describe('content/init (photos)', () => {
	test('DIRECT_POST and MEDIA_UPLOAD ids', async () => {
		const direct = await post(CONTENT_INIT, photoBody());
		expect(direct.status).toBe(200);
		expect(direct.json.data).toEqual({
			publish_id: expect.stringMatching(/^p_pub_url~v2\.\d{19}$/),
		});
		const inbox = await post(
			CONTENT_INIT,
			photoBody({ post_mode: 'MEDIA_UPLOAD' }, { privacy_level: undefined }),
		);
		expect(inbox.json.data.publish_id).toMatch(/^p_inbox_url~v2\.\d{19}$/);
		expect(emu.initCalls('contentInit')).toBe(2);
		expect(emu.initCalls()).toBe(2);
	});

	test('scope follows post_mode', async () => {
		const uploadOnly = emu.issueTokens(undefined, { scopes: ['video.upload'] }).access_token;
		const publishOnly = emu.issueTokens(undefined, { scopes: ['video.publish'] }).access_token;
		expectError(await post(CONTENT_INIT, photoBody(), uploadOnly), 401, 'scope_not_authorized');
		expectError(
			await post(CONTENT_INIT, photoBody({ post_mode: 'MEDIA_UPLOAD' }), publishOnly),
			401,
			'scope_not_authorized',
		);
		expect(
			(await post(CONTENT_INIT, photoBody({ post_mode: 'MEDIA_UPLOAD' }), uploadOnly)).status,
		).toBe(200);
	});

	const manyImages = (n: number) =>
		Array.from({ length: n }, (_, i) => `https://media.example.com/p${i}.jpg`);
	test.each<[string, Record<string, unknown>, RegExp]>([
		['media_type VIDEO', photoBody({ media_type: 'VIDEO' }), /media_type must be PHOTO/],
		['post_mode with a space', photoBody({ post_mode: 'DIRECT POST' }), /post_mode/],
		['FILE_UPLOAD source', photoBody({}, {}, { source: 'FILE_UPLOAD' }), /PULL_FROM_URL/],
		['no images', photoBody({}, {}, { photo_images: [], photo_cover_index: 0 }), /1 to 35/],
		[
			'36 images',
			photoBody({}, {}, { photo_images: manyImages(36), photo_cover_index: 0 }),
			/1 to 35/,
		],
		[
			'cover index = count',
			photoBody({}, {}, { photo_cover_index: 2 }),
			/photo_cover_index must be between 0 and 1/,
		],
		['cover index negative', photoBody({}, {}, { photo_cover_index: -1 }), /photo_cover_index/],
		[
			'cover index missing',
			photoBody({}, {}, { photo_cover_index: undefined }),
			/photo_cover_index is required/,
		],
		['title 91 units', photoBody({}, { title: 'x'.repeat(91) }), /90 UTF-16/],
		['description 4001 units', photoBody({}, { description: 'x'.repeat(4001) }), /4000 UTF-16/],
		[
			'image not https',
			photoBody({}, {}, { photo_images: ['http://media.example.com/a.jpg'], photo_cover_index: 0 }),
			/https/,
		],
		['is_aigc as a string', photoBody({ is_aigc: 'yes' }), /is_aigc must be a boolean/],
		[
			'auto_add_music as a string',
			photoBody({}, { auto_add_music: 'true' }),
			/auto_add_music must be a boolean/,
		],
		['branded + SELF_ONLY', photoBody({}, { brand_content_toggle: true }), /Branded content/],
	])('schema: %s -> 400 invalid_params', async (_name, body, message) => {
		expectError(await post(CONTENT_INIT, body), 400, 'invalid_params', message);
	});

	test('boundaries: 35 images, 90-unit title, 4000-unit description, is_aigc top-level or in post_info', async () => {
		expect(
			(
				await post(
					CONTENT_INIT,
					photoBody(
						{ is_aigc: true },
						{ title: 'x'.repeat(90), description: 'y'.repeat(4000) },
						{ photo_images: manyImages(35), photo_cover_index: 34 },
					),
				)
			).status,
		).toBe(200);
		expect((await post(CONTENT_INIT, photoBody({}, { is_aigc: true }))).status).toBe(200);
	});

	test('DIRECT_POST needs a valid privacy_level; images must be under verified domains; unaudited rules apply', async () => {
		expectError(
			await post(CONTENT_INIT, photoBody({}, { privacy_level: undefined })),
			403,
			'privacy_level_option_mismatch',
		);
		expectError(
			await post(
				CONTENT_INIT,
				photoBody(
					{},
					{},
					{ photo_images: ['https://media.example.com/a.jpg', 'https://other.example.net/b.jpg'] },
				),
			),
			403,
			'url_ownership_unverified',
		);
		emu.app.audited = false;
		expectError(
			await post(CONTENT_INIT, photoBody()),
			403,
			'unaudited_client_can_only_post_to_private_accounts',
		);
		expect((await post(CONTENT_INIT, photoBody({ post_mode: 'MEDIA_UPLOAD' }))).status).toBe(200);
	});

	test('MEDIA_UPLOAD needs TikTok app >= 31.8 on the phone', async () => {
		emu.defaultAccount.tiktokAppVersion = '31.7.9';
		expectError(
			await post(CONTENT_INIT, photoBody({ post_mode: 'MEDIA_UPLOAD' })),
			400,
			'app_version_check_failed',
		);
		emu.defaultAccount.tiktokAppVersion = '31.10';
		expect((await post(CONTENT_INIT, photoBody({ post_mode: 'MEDIA_UPLOAD' }))).status).toBe(200);
	});

	test('photo Direct Posts count toward the daily cap', async () => {
		emu.defaultAccount.postsToday = 14;
		expect((await post(CONTENT_INIT, photoBody())).status).toBe(200);
		expectError(await post(CONTENT_INIT, photoBody()), 403, 'spam_risk_too_many_posts');
	});
});

describe('routing', () => {
	test('paths work without the trailing slash; unknown paths 404; wrong methods 405', async () => {
		expect((await post(CREATOR_INFO.slice(0, -1))).status).toBe(200);
		const unknown = await post('/v2/post/publish/nope/');
		expect(unknown.status).toBe(404);
		const wrongMethod = await apiCall(emu, CREATOR_INFO, {
			method: 'GET',
			token: tokens.access_token,
		});
		expect(wrongMethod.status).toBe(405);
	});
});
