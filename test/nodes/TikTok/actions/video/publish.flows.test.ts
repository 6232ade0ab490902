/**
 * Publish Video end to end through the real node against the emulator: direct post and draft, binary and
 * URL, faults after the init (never a duplicate post), waiting, continueOnFail, secrets.
 */
import {
	runPublish,
	sampleFile,
	startTestEmulator,
	uploadTokenOf,
	visibleText,
} from './publishKit';
import type { SampleFile } from './publishKit';
import type { TikTokEmulator } from '../../../../emulator';
import { planChunks } from '../../../../../nodes/TikTok/upload';

let emu: TikTokEmulator;
/** 16 MB: three chunks at Chunk Size (MB) 5 */
let clip: SampleFile;
const THREE_CHUNKS = { chunkSizeMb: 5 };

beforeAll(async () => {
	emu = await startTestEmulator();
	clip = await sampleFile(16_000_000, { durationSec: 20 });
});

afterAll(async () => {
	await emu.close();
});

beforeEach(() => {
	emu.faults.clear();
	emu.setNextOutcome(undefined);
});

/** The publish ID of the newest task (for runs that fail after the init). */
function newestPublishId(): string {
	return emu.tasks[emu.tasks.length - 1].publishId;
}

describe('direct post from binary data', () => {
	test('creator info, then ONE init with the post info, then the chunks; the documented output', async () => {
		const requestsBefore = emu.requests.length;
		const result = await runPublish(emu, {
			file: clip,
			parameters: {
				title: 'Sunset over the harbour #travel @friend',
				privacyLevel: 'PUBLIC_TO_EVERYONE',
				options: {
					...THREE_CHUNKS,
					disableDuet: true,
					brandOrganicToggle: true,
					isAigc: true,
					videoCoverTimestampMs: 1500,
				},
			},
		});
		expect(result.errorText).toBe('');
		const plan = planChunks(clip.size, 5_000_000);
		const json = result.output[0].json;
		expect(json).toEqual({
			publishId: expect.stringMatching(/^v_pub_file~v2-1\.\d{19}$/),
			status: 'PENDING',
			postMode: 'directPost',
			source: 'binary',
			failReason: null,
			postIds: [],
			uploadedBytes: clip.size,
			upload: {
				bytes: clip.size,
				chunkSize: plan.chunkSize,
				chunks: 3,
				durationMs: expect.any(Number),
			},
		});
		expect(result.output[0].pairedItem).toEqual({ item: 0 });
		const publishId = String(json.publishId);
		const task = emu.getTask(publishId)!;
		expect(task.postInfo).toEqual({
			privacy_level: 'PUBLIC_TO_EVERYONE',
			title: 'Sunset over the harbour #travel @friend',
			disable_comment: false,
			disable_duet: true,
			disable_stitch: false,
			video_cover_timestamp_ms: 1500,
			brand_content_toggle: false,
			brand_organic_toggle: true,
			is_aigc: true,
		});
		expect(task.sourceInfo).toEqual({
			source: 'FILE_UPLOAD',
			video_size: clip.size,
			chunk_size: plan.chunkSize,
			total_chunk_count: 3,
		});
		const apiPaths = emu.requests
			.slice(requestsBefore)
			.filter((r) => r.server === 'api')
			.map((r) => r.path);
		expect(apiPaths).toEqual([
			'/v2/post/publish/creator_info/query/',
			'/v2/post/publish/video/init/',
		]);
		expect(emu.getUpload(publishId)).toMatchObject({
			complete: true,
			sha256: clip.sha256,
			putCount: 3,
			sawAuthorizationHeader: false,
		});
		// Progress is logged at debug level; no token of any kind reaches outputs or logs
		expect(result.logText).toContain('TikTok upload: chunk sent');
		const visible = visibleText(result);
		for (const secret of [
			result.tokens.access_token,
			result.tokens.refresh_token,
			uploadTokenOf(emu, publishId),
			emu.app.clientSecret,
		]) {
			expect(visible).not.toContain(secret);
		}
	});

	test('two 5xx and one dropped connection: byte-exact with exactly one init call', async () => {
		const initsBefore = emu.initCalls();
		emu.faults.add({ target: 'upload', chunkIndex: 0, status: 503 });
		emu.faults.add({ target: 'upload', chunkIndex: 1, status: 500 });
		emu.faults.add({
			target: 'upload',
			chunkIndex: 2,
			action: { drop: true, afterBytes: 1_000_000 },
		});
		const result = await runPublish(emu, {
			file: clip,
			parameters: { privacyLevel: 'SELF_ONLY', options: THREE_CHUNKS },
		});
		expect(result.errorText).toBe('');
		expect(emu.initCalls() - initsBefore).toBe(1);
		const upload = emu.getUpload(String(result.output[0].json.publishId))!;
		expect(upload).toMatchObject({ complete: true, sha256: clip.sha256, putCount: 6 });
		expect(upload.attempts.map((a) => a.outcome)).toEqual([
			'faulted',
			'committed',
			'faulted',
			'committed',
			'dropped',
			'committed',
		]);
		expect(result.output[0].json.upload).toMatchObject({ chunks: 3, bytes: clip.size });
	});

	test('in-memory binary data with a lost chunk answer: re-synced from the 416, byte-exact', async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 1, phase: 'after', status: 502 });
		const result = await runPublish(emu, {
			binaryMode: 'memory',
			file: clip,
			parameters: { privacyLevel: 'SELF_ONLY', options: THREE_CHUNKS },
		});
		expect(result.errorText).toBe('');
		const upload = emu.getUpload(String(result.output[0].json.publishId))!;
		expect(upload.attempts.map((a) => a.httpStatus)).toEqual([206, 206, 416, 201]);
		expect(upload).toMatchObject({ complete: true, sha256: clip.sha256 });
	});

	test('an expired upload URL: the error carries the publish ID, with one init call', async () => {
		const initsBefore = emu.initCalls();
		emu.faults.add({ target: 'upload', chunkIndex: 1, expireUploadUrl: true });
		const result = await runPublish(emu, {
			file: clip,
			parameters: { privacyLevel: 'SELF_ONLY', options: THREE_CHUNKS },
		});
		const publishId = newestPublishId();
		expect(emu.initCalls() - initsBefore).toBe(1);
		expect(result.error?.message).toBe(
			`Uploading chunk 2 of 3 (bytes 5333333-10666665) was refused: TikTok's upload URL has expired (publish ID ${publishId})`,
		);
		expect(result.error?.description).toContain(
			`TikTok already accepted this post as ${publishId}: check it with the Get Status operation before publishing again`,
		);
		expect(visibleText(result)).not.toContain(uploadTokenOf(emu, publishId));
	});

	test('with Continue On Fail, the failed item carries the publish ID too', async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 2, expireUploadUrl: true });
		const result = await runPublish(emu, {
			file: clip,
			continueOnFail: true,
			parameters: { privacyLevel: 'SELF_ONLY', options: THREE_CHUNKS },
		});
		expect(result.error).toBeUndefined();
		expect(result.output[0].json).toEqual({
			error: expect.stringContaining('Uploading chunk 3 of 3'),
			description: expect.stringContaining('Get Status'),
			code: 'upload_url_expired',
			logId: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/),
			publishId: newestPublishId(),
		});
	});

	test('a lost answer to the init is not retried: one init call, and the user is told a post may exist', async () => {
		const initsBefore = emu.initCalls('videoInit');
		const tasksBefore = emu.tasks.length;
		emu.faults.add({ target: 'videoInit', phase: 'after', drop: true });
		const result = await runPublish(emu, { file: clip, parameters: { privacyLevel: 'SELF_ONLY' } });
		expect(emu.initCalls('videoInit') - initsBefore).toBe(1);
		expect(emu.tasks.length - tasksBefore).toBe(1);
		expect(result.error?.message).toMatch(/so it is unknown whether TikTok created the post$/);
		expect(result.error?.description).toMatch(
			/^TikTok may have created the post even though its answer was lost\. The node never repeats a publish request/,
		);
	});

	test('429 on every try of the init: the user is told that no post was created', async () => {
		// The node sends a rate-limited init again (test/nodes/shared/api/publishGuard.test.ts): 3 tries at most
		emu.faults.add({ target: 'videoInit', status: 429, times: 3, headers: { 'Retry-After': '0' } });
		const initsBefore = emu.initCalls();
		const result = await runPublish(emu, { file: clip, parameters: { privacyLevel: 'SELF_ONLY' } });
		expect(emu.initCalls() - initsBefore).toBe(3);
		expect(result.error?.message).toMatch(/^TikTok's rate limit was reached/);
		expect(result.error?.description).toMatch(/^No post was created for this item/);
	});

	test('Wait for Completion ends in PUBLISH_COMPLETE with the post ID as a string', async () => {
		const result = await runPublish(emu, {
			file: clip,
			parameters: {
				privacyLevel: 'PUBLIC_TO_EVERYONE',
				options: { waitForCompletion: true, pollIntervalSeconds: 2, waitTimeoutSeconds: 60 },
			},
		});
		expect(result.errorText).toBe('');
		const json = result.output[0].json;
		expect(json).toMatchObject({
			status: 'PUBLISH_COMPLETE',
			postMode: 'directPost',
			source: 'binary',
			failReason: null,
			failReasonDescription: null,
			uploadedBytes: clip.size,
			downloadedBytes: null,
			isFinal: true,
			timedOut: false,
		});
		const task = emu.getTask(String(json.publishId))!;
		expect(json.postIds).toEqual(task.publicPostIds);
		for (const id of json.postIds as unknown[]) expect(id).toMatch(/^\d{19}$/);
	});

	test("Wait for Completion reports a failed post as data, with TikTok's reason explained", async () => {
		emu.setNextOutcome({ failReason: 'frame_rate_check_failed' });
		const result = await runPublish(emu, {
			file: clip,
			parameters: {
				privacyLevel: 'SELF_ONLY',
				options: { waitForCompletion: true, pollIntervalSeconds: 2 },
			},
		});
		expect(result.output[0].json).toMatchObject({
			status: 'FAILED',
			failReason: 'frame_rate_check_failed',
			failReasonDescription: expect.stringMatching(/frame rate/),
			isFinal: true,
			timedOut: false,
		});
	});

	test('interactions the account disabled are sent as disabled', async () => {
		const account = emu.addAccount({
			duetDisabled: true,
			stitchDisabled: true,
			dailyPostCap: 1000,
		});
		const result = await runPublish(emu, {
			file: clip,
			tokens: emu.issueTokens(account.openId),
			parameters: { privacyLevel: 'SELF_ONLY' },
		});
		expect(result.errorText).toBe('');
		expect(emu.getTask(String(result.output[0].json.publishId))!.postInfo).toMatchObject({
			disable_comment: false,
			disable_duet: true,
			disable_stitch: true,
		});
	});
});

describe('PULL_FROM_URL', () => {
	test('a direct post from a verified domain, waited for: no upload, downloaded bytes', async () => {
		const result = await runPublish(emu, {
			parameters: {
				source: 'url',
				videoUrl: 'https://cdn.media.example.com/videos/clip.mp4',
				privacyLevel: 'SELF_ONLY',
				options: { waitForCompletion: true, pollIntervalSeconds: 2 },
			},
		});
		expect(result.errorText).toBe('');
		const json = result.output[0].json;
		expect(json).toMatchObject({
			publishId: expect.stringMatching(/^v_pub_url~/),
			status: 'PUBLISH_COMPLETE',
			source: 'url',
			uploadedBytes: null,
			isFinal: true,
		});
		expect(json.downloadedBytes).toBeGreaterThan(0);
		expect(json).not.toHaveProperty('upload');
		expect(emu.getTask(String(json.publishId))!.sourceInfo).toEqual({
			source: 'PULL_FROM_URL',
			video_url: 'https://cdn.media.example.com/videos/clip.mp4',
		});
	});

	test('url_ownership_unverified explains domain and URL-prefix verification', async () => {
		const result = await runPublish(emu, {
			parameters: {
				source: 'url',
				videoUrl: 'https://videos.example.net/clip.mp4',
				privacyLevel: 'SELF_ONLY',
			},
		});
		expect(result.error?.message).toMatch(
			/^TikTok only pulls media from domains or URL prefixes verified for your app\b/,
		);
		expect(result.error?.message).toContain('videos.example.net');
		expect(result.error?.description).toMatch(
			/URL properties and verify the domain \(DNS record\) or the URL prefix \(signature file\)/,
		);
		expect(result.error?.description).toMatch(/binary data/);
	});
});

describe('draft (creator inbox)', () => {
	test('binary draft: inbox init with source_info only, no creator info, works with only video.upload', async () => {
		const tokens = emu.issueTokens(undefined, { scopes: ['user.info.basic', 'video.upload'] });
		const requestsBefore = emu.requests.length;
		const result = await runPublish(emu, {
			tokens,
			file: clip,
			// Set while in direct post mode, then hidden: ignored, as TikTok's inbox endpoint takes no post info
			parameters: {
				postMode: 'draft',
				title: 'ignored',
				privacyLevel: 'PUBLIC_TO_EVERYONE',
				options: { waitForCompletion: true, pollIntervalSeconds: 2 },
			},
		});
		expect(result.errorText).toBe('');
		const json = result.output[0].json;
		expect(json).toMatchObject({
			publishId: expect.stringMatching(/^v_inbox_file~/),
			status: 'SEND_TO_USER_INBOX',
			postMode: 'draft',
			isFinal: true,
			uploadedBytes: clip.size,
		});
		expect(emu.getTask(String(json.publishId))!.body).toEqual({
			source_info: {
				source: 'FILE_UPLOAD',
				video_size: clip.size,
				chunk_size: clip.size,
				total_chunk_count: 1,
			},
		});
		const apiPaths = emu.requests
			.slice(requestsBefore)
			.filter((r) => r.server === 'api')
			.map((r) => r.path);
		expect(apiPaths).toEqual([
			'/v2/post/publish/inbox/video/init/',
			'/v2/post/publish/status/fetch/',
			'/v2/post/publish/status/fetch/',
		]);
		expect(emu.getUpload(String(json.publishId))).toMatchObject({
			complete: true,
			sha256: clip.sha256,
		});
	});

	test("the pending-draft cap: the 6th draft fails with TikTok's reason, the others go on", async () => {
		const account = emu.addAccount({});
		emu.updateSettings({ pendingShareCap: 5 });
		try {
			const result = await runPublish(emu, {
				tokens: emu.issueTokens(account.openId),
				continueOnFail: true,
				inputItems: [1, 2, 3, 4, 5, 6].map((n) => ({ n })),
				parameters: {
					postMode: 'draft',
					source: 'url',
					videoUrl: '={{ "https://media.example.com/v/" + $json.n + ".mp4" }}',
				},
			});
			expect(result.error).toBeUndefined();
			const jsons = result.output.map((item) => item.json);
			expect(jsons.slice(0, 5).map((j) => j.status)).toEqual([
				'PENDING',
				'PENDING',
				'PENDING',
				'PENDING',
				'PENDING',
			]);
			expect(jsons[5]).toEqual({
				error:
					'This account has too many drafts waiting in its TikTok inbox: At most 5 pending shares are allowed within 24 hours.',
				description: expect.stringMatching(
					/^TikTok allows 5 pending drafts per account within 24 hours\. Open the TikTok app and post or discard the waiting drafts/,
				),
				code: 'spam_risk_too_many_pending_share',
				logId: expect.any(String),
			});
			expect(result.output.map((item) => item.pairedItem)).toEqual(
				[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
			);
		} finally {
			emu.updateSettings({ pendingShareCap: 1000 });
		}
	});
});

test('Continue On Fail: an invalid item becomes an error item and the others publish', async () => {
	const result = await runPublish(emu, {
		file: clip,
		continueOnFail: true,
		inputItems: [{ title: 'first' }, { title: 'x'.repeat(2201) }, { title: 'third' }],
		parameters: { title: '={{ $json.title }}', privacyLevel: 'SELF_ONLY' },
	});
	expect(result.error).toBeUndefined();
	const [first, second, third] = result.output;
	expect(first.json.status).toBe('PENDING');
	expect(third.json.status).toBe('PENDING');
	expect(second.json).toEqual({
		error:
			'Invalid "Title": it is 2201 characters long and TikTok allows at most 2200 (counted in UTF-16 units: most emoji count as 2)',
		description: 'Shorten it by at least 1 characters.',
		code: 'invalid_input',
		logId: null,
	});
	expect(result.output.map((item) => item.pairedItem)).toEqual([
		{ item: 0 },
		{ item: 1 },
		{ item: 2 },
	]);
});
