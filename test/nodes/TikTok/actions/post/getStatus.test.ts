/**
 * Get Status through n8n-core's real WorkflowExecute against the TikTok emulator: exact 19-digit post ids,
 * bounded waiting (complete, failed, timed out, 429 during the wait), publish ID checks, continue-on-fail.
 */
import { describePublishId } from '../../../../../nodes/TikTok/actions/post/getStatus.input';
import { logger, runNode } from '../../../../harness';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { apiCall } from '../../../../emulator/test-helpers';
import {
	expectNoSecrets,
	oAuth2Credential,
	tikTokNode,
	useEmulator,
} from '../../../../helpers/tikTok';
import type { TokenResponse } from '../../../../emulator/types';

const LIFECYCLE = { downloadMs: 300, processingMs: 300, moderationMs: 300 };
const context = useEmulator({ settings: { lifecycle: LIFECYCLE, pendingShareCap: 1000 } });

/** A TikTok-sized post id that JSON.parse rounds (to 7602997517160124000). */
const POST_ID = '7602997517160123666';

let tokens: TokenResponse;
beforeEach(() => {
	// A fresh token per test: TikTok's per-token rate limits never carry over between tests
	tokens = context.emu.issueTokens();
});

/** A photo post created straight on the emulator's API, as Publish Photos would. */
async function createPhotoPost(
	postMode: 'DIRECT_POST' | 'MEDIA_UPLOAD' = 'DIRECT_POST',
	privacy = 'PUBLIC_TO_EVERYONE',
): Promise<string> {
	const response = await apiCall(context.emu, '/v2/post/publish/content/init/', {
		token: tokens.access_token,
		body: {
			media_type: 'PHOTO',
			post_mode: postMode,
			post_info: postMode === 'DIRECT_POST' ? { privacy_level: privacy } : {},
			source_info: {
				source: 'PULL_FROM_URL',
				photo_images: ['https://media.example.com/1.jpg'],
				photo_cover_index: 0,
			},
		},
	});
	expect(response.json.error.code).toBe('ok');
	return response.json.data.publish_id as string;
}

async function getStatus(
	parameters: INodeParameters,
	options: { continueOnFail?: boolean; inputItems?: IDataObject[] } = {},
) {
	const { emu } = context;
	return await runNode({
		credentials: { cred: oAuth2Credential(emu, tokens) },
		node: {
			...tikTokNode({ resource: 'post', operation: 'getStatus', ...parameters }),
			continueOnFail: options.continueOnFail,
		},
		inputItems: options.inputItems,
	});
}

const waiting = (timeoutSeconds: number) => ({
	waitForCompletion: true,
	waitTimeoutSeconds: timeoutSeconds,
	pollIntervalSeconds: 2,
});

function statusRequests() {
	return context.emu.requests.filter((r) => r.path.startsWith('/v2/post/publish/status/fetch'));
}

function expectNoCredentialSecrets(run: Awaited<ReturnType<typeof getStatus>>): void {
	expectNoSecrets(run, [tokens.access_token, tokens.refresh_token, context.emu.app.clientSecret]);
}

describe('Get Status', () => {
	test("a public completed post: TikTok's unquoted 19-digit post id comes out as the exact string", async () => {
		const { emu } = context;
		const publishId = await createPhotoPost('MEDIA_UPLOAD');
		emu.clock.advance(LIFECYCLE.downloadMs + LIFECYCLE.processingMs);
		emu.completeInbox(publishId, { postIds: [POST_ID], public: true });
		emu.clock.advance(LIFECYCLE.moderationMs);

		// On the wire the id is a bare JSON number that JSON.parse would round
		const raw = await apiCall(emu, '/v2/post/publish/status/fetch/', {
			token: tokens.access_token,
			body: { publish_id: publishId },
		});
		expect(raw.text).toContain(`"publicaly_available_post_id":[${POST_ID}]`);
		expect(String(JSON.parse(raw.text).data.publicaly_available_post_id[0])).not.toBe(POST_ID);

		const run = await getStatus({ publishId: `  ${publishId}\n` });
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toEqual({
			publishId,
			status: 'PUBLISH_COMPLETE',
			failReason: null,
			failReasonDescription: null,
			postIds: [POST_ID],
			uploadedBytes: null,
			downloadedBytes: emu.settings.lifecycle.pullPhotoSize,
			isFinal: true,
			// From the publish ID's kind (p_inbox_url: a photo draft, pulled from URLs)
			postMode: 'draft',
			source: 'url',
		});
		expectNoCredentialSecrets(run);
	});

	test('a public direct post gets the id the emulator assigned, digit for digit', async () => {
		const { emu } = context;
		const publishId = await createPhotoPost();
		emu.clock.advance(LIFECYCLE.downloadMs + LIFECYCLE.processingMs + LIFECYCLE.moderationMs);
		const run = await getStatus({ publishId });
		const [postId] = emu.getTask(publishId)?.publicPostIds ?? [];
		expect(postId).toMatch(/^\d{19}$/);
		expect(run.output[0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', postIds: [postId] });
	});

	test('waiting ends in PUBLISH_COMPLETE', async () => {
		const publishId = await createPhotoPost('DIRECT_POST', 'SELF_ONLY');
		const run = await getStatus({ publishId, ...waiting(20) });
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({
			publishId,
			status: 'PUBLISH_COMPLETE',
			isFinal: true,
			timedOut: false,
			postIds: [],
		});
	});

	test('waiting for a draft stops at SEND_TO_USER_INBOX: the creator may never act', async () => {
		const publishId = await createPhotoPost('MEDIA_UPLOAD');
		context.emu.clock.advance(LIFECYCLE.downloadMs + LIFECYCLE.processingMs);
		const before = statusRequests().length;
		const run = await getStatus({ publishId, ...waiting(20) });
		expect(run.output[0].json).toMatchObject({
			status: 'SEND_TO_USER_INBOX',
			isFinal: true,
			timedOut: false,
		});
		expect(statusRequests().length - before).toBe(1);
	});

	test('waiting ends in FAILED: output data with the explained reason, not an error', async () => {
		const { emu } = context;
		emu.setNextOutcome({ failReason: 'photo_pull_failed' });
		const publishId = await createPhotoPost();
		const run = await getStatus({ publishId, ...waiting(20) });
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({
			publishId,
			status: 'FAILED',
			failReason: 'photo_pull_failed',
			failReasonDescription: expect.stringMatching(/could not download a photo/),
			isFinal: true,
			timedOut: false,
		});
	});

	test('Error on Failure turns FAILED into an error with the explained reason and the publish ID', async () => {
		const { emu } = context;
		emu.setNextOutcome({ failReason: 'spam_risk_text' });
		const publishId = await createPhotoPost();
		emu.clock.advance(LIFECYCLE.downloadMs + LIFECYCLE.processingMs);
		const run = await getStatus({ publishId, options: { errorOnFailure: true } });
		expect(run.error?.message).toBe(`TikTok could not publish ${publishId}: spam_risk_text`);
		expect(run.error?.description).toMatch(/title or description risky/);
		expect(run.error?.error.name).toBe('NodeOperationError');

		const items = await getStatus(
			{ publishId, options: { errorOnFailure: true } },
			{ continueOnFail: true },
		);
		expect(items.output[0].json).toMatchObject({
			code: 'publish_failed',
			publishId,
			error: expect.stringContaining('spam_risk_text'),
		});
	});

	test('a wait that times out returns the last status with timedOut, as success; unknown statuses are not final', async () => {
		const { emu } = context;
		const publishId = await createPhotoPost();
		// a status TikTok does not document (seen in client code): never final
		emu.setOutcome(publishId, { status: 'SENDING_TO_USER_INBOX' });
		const before = statusRequests().length;
		const started = Date.now();
		const run = await getStatus({ publishId, ...waiting(3) });
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({
			publishId,
			status: 'SENDING_TO_USER_INBOX',
			isFinal: false,
			timedOut: true,
		});
		expect(statusRequests().length - before).toBe(2);
		expect(Date.now() - started).toBeLessThan(3500);
	});

	test('a 429 from the status endpoint costs one poll, not the wait', async () => {
		const { emu } = context;
		const publishId = await createPhotoPost('DIRECT_POST', 'SELF_ONLY');
		emu.faults.add({ target: 'status', publishId, status: 429 });
		const run = await getStatus({ publishId, ...waiting(20) });
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({ status: 'PUBLISH_COMPLETE', timedOut: false });
		const answers = statusRequests()
			.slice(-2)
			.map((r) => r.status);
		expect(answers).toEqual([429, 200]);
	});

	const badIds: Array<[string, unknown, RegExp]> = [
		['an empty ID', '={{ $json.nothing ?? "" }}', /"Publish ID": it is empty/],
		['a post ID', POST_ID, /7602997517160123666 is a post ID .*, not a publish ID/],
		['an object', '={{ $json }}', /it is an object or a list, not a publish ID/],
		[
			'text that is not an ID',
			'publish id please',
			/"publish id please" does not look like a TikTok publish ID/,
		],
		['an overlong ID', `p_pub_url~v2.${'1'.repeat(60)}`, /does not look like a TikTok publish ID/],
	];

	test.each(badIds)(
		'%s fails before any request, with the fix',
		async (_name, publishId, message) => {
			const before = context.emu.requests.length;
			const run = await getStatus(
				{ publishId: publishId as string },
				{ inputItems: [{ publishId: 'x' }] },
			);
			expect(run.error?.message).toMatch(message);
			expect(run.error?.description).toMatch(/Map the publishId field/);
			expect(context.emu.requests.length).toBe(before);
		},
	);

	test('a wait timeout beyond an hour fails before any request', async () => {
		const before = context.emu.requests.length;
		const run = await getStatus({
			publishId: 'p_pub_url~v2.1',
			waitForCompletion: true,
			waitTimeoutSeconds: '={{ 3601 }}',
		});
		expect(run.error?.message).toMatch(/"Wait Timeout \(Seconds\)": 3601 is outside 0 to 3600/);
		expect(context.emu.requests.length).toBe(before);
	});

	test("an ID TikTok does not know: TikTok's error with the fix", async () => {
		const run = await getStatus({ publishId: 'p_pub_url~v2.1234567890123456789' });
		expect(run.error?.message).toMatch(/^TikTok does not know this publish ID/);
		expect(run.error?.description).toMatch(/copied exactly as the publish operation returned it/);
		expectNoCredentialSecrets(run);
	});

	test('continue on fail: failed items carry code and log ID, the others their status', async () => {
		const publishId = await createPhotoPost('MEDIA_UPLOAD');
		const run = await getStatus(
			{ publishId: '={{ $json.id }}' },
			{
				continueOnFail: true,
				inputItems: [{ id: 'p_inbox_url~v2.1111111111111111111' }, { id: publishId }, { id: '' }],
			},
		);
		expect(run.error).toBeUndefined();
		const [unknown, known, empty] = run.output;
		expect(unknown.json).toEqual({
			error: expect.stringMatching(/^TikTok does not know this publish ID/),
			description: expect.stringMatching(/TikTok log ID: \w{34}/),
			code: 'invalid_publish_id',
			logId: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/),
		});
		expect(known.json).toMatchObject({ publishId, status: 'PROCESSING_DOWNLOAD', isFinal: false });
		expect(known.pairedItem).toEqual({ item: 1 });
		expect(empty.json).toMatchObject({ code: 'invalid_input', logId: null });
		expect(JSON.stringify(run.output) + run.logText).not.toContain(tokens.access_token);
	});
});

describe('Get Status, stopped while waiting', () => {
	test('a stopped execution ends the wait: no status request after the stop', async () => {
		const { emu } = context;
		const publishId = await createPhotoPost();
		emu.setOutcome(publishId, { status: 'PROCESSING_DOWNLOAD' });
		const mark = logger.lines.length;
		// The harness cancels the run after timeoutMs, as n8n does when the user stops an execution
		const stopped = runNode({
			credentials: { cred: oAuth2Credential(emu, tokens) },
			node: tikTokNode({ resource: 'post', operation: 'getStatus', publishId, ...waiting(60) }),
			timeoutMs: 500,
		});
		await expect(stopped).rejects.toThrow(/did not finish within 500 ms/);
		// Without the stop, the next poll would come 2 s after the first. Once stopped, n8n aborts the
		// node's requests, so they never reach the emulator; the node's own log shows each attempt.
		await new Promise((resolve) => setTimeout(resolve, 2_600));
		const attempts = logger.lines
			.slice(mark)
			.filter((line) => line.message === 'TikTok API request');
		expect(attempts).toHaveLength(1);
	});
});

describe('describePublishId', () => {
	test.each([
		['v_pub_file~v2-1.7602997070760331285', 'directPost', 'binary'],
		['v_pub_url~v2-1.7261463769757501445', 'directPost', 'url'],
		['v_inbox_file~v2.123456789', 'draft', 'binary'],
		['v_inbox_url~v2.123456789', 'draft', 'url'],
		['p_pub_url~v2.7602997070760331285', 'directPost', 'url'],
		['p_inbox_url~v2.7655426304623413270', 'draft', 'url'],
		['x_new_kind~v3.1', null, null],
	])('%s is %s from %s', (publishId, postMode, source) => {
		expect(describePublishId(publishId)).toEqual({ postMode, source });
	});
});
