/**
 * Publish Photos through n8n-core's real WorkflowExecute against the TikTok emulator: exact init bodies,
 * validation before any request, creator info before direct posts, waiting, continue-on-fail.
 */
import { runNode } from '../../../../harness';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	expectNoSecrets,
	oAuth2Credential,
	tikTokNode,
	useEmulator,
} from '../../../../helpers/tikTok';

// Short lifecycle so waits end at the second poll; drafts are not capped at TikTok's 5 pending per account
const context = useEmulator({
	settings: {
		lifecycle: { downloadMs: 300, processingMs: 300, moderationMs: 300 },
		pendingShareCap: 1000,
	},
});

const URLS = [
	'https://media.example.com/carousel/1.jpg',
	'https://cdn.media.example.com/carousel/2.webp',
	'https://cdn.example.org/verified/3.jpeg',
];

function photoNode(parameters: INodeParameters, options: { continueOnFail?: boolean } = {}) {
	return { ...tikTokNode({ resource: 'photo', operation: 'publish', ...parameters }), ...options };
}

async function publish(parameters: INodeParameters, inputItems?: IDataObject[], scopes?: string[]) {
	const { emu } = context;
	const tokens = emu.issueTokens(undefined, scopes ? { scopes } : undefined);
	const run = await runNode({
		credentials: { cred: oAuth2Credential(emu, tokens) },
		node: photoNode(parameters),
		inputItems,
	});
	return { ...run, tokens };
}

/** The init body TikTok received for a publish ID. */
function initBody(publishId: unknown): IDataObject | undefined {
	return context.emu.getTask(String(publishId))?.body as IDataObject | undefined;
}

function apiPaths(since: number): string[] {
	return context.emu.requests
		.filter((r) => r.id > since && r.server === 'api')
		.map((r) => r.path.replace(/\/$/, ''));
}

function lastRequestId(): number {
	return context.emu.requests.at(-1)?.id ?? 0;
}

/** Nothing the node says or logs contains the credential's secrets. */
function expectNoCredentialSecrets(run: Awaited<ReturnType<typeof publish>>): void {
	expectNoSecrets(run, [
		run.tokens.access_token,
		run.tokens.refresh_token,
		context.emu.app.clientSecret,
	]);
}

describe('Publish Photos', () => {
	test("a 3-photo direct post: creator info first, then one init whose body matches TikTok's API", async () => {
		const { emu } = context;
		emu.defaultAccount.commentDisabled = true;
		const since = lastRequestId();
		const initsBefore = emu.initCalls('contentInit');
		try {
			const run = await publish({
				photoUrls: URLS,
				photoCoverIndex: 1,
				title: 'Weekend 🌊',
				description: 'Three photos #beach @friend',
				privacyLevel: 'MUTUAL_FOLLOW_FRIENDS',
				options: { autoAddMusic: true, brandOrganicToggle: true, isAigc: true },
			});
			expect(run.error).toBeUndefined();
			const [item] = run.output;
			expect(item.json).toEqual({
				publishId: expect.stringMatching(/^p_pub_url~v2\.\d{19}$/),
				status: 'PENDING',
				postMode: 'directPost',
				source: 'url',
				failReason: null,
				postIds: [],
				uploadedBytes: null,
			});
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(emu.initCalls('contentInit')).toBe(initsBefore + 1);
			expect(apiPaths(since)).toEqual([
				'/v2/post/publish/creator_info/query',
				'/v2/post/publish/content/init',
			]);
			expect(initBody(item.json.publishId)).toEqual({
				media_type: 'PHOTO',
				post_mode: 'DIRECT_POST',
				post_info: {
					title: 'Weekend 🌊',
					description: 'Three photos #beach @friend',
					privacy_level: 'MUTUAL_FOLLOW_FRIENDS',
					// the account has comments off: sent as TikTok applies it
					disable_comment: true,
					auto_add_music: true,
					brand_content_toggle: false,
					brand_organic_toggle: true,
				},
				source_info: { source: 'PULL_FROM_URL', photo_images: URLS, photo_cover_index: 1 },
				is_aigc: true,
			});
			expectNoCredentialSecrets(run);
		} finally {
			emu.defaultAccount.commentDisabled = false;
		}
	});

	test('a draft sends only what TikTok documents for drafts (title, description, AI label), without creator info', async () => {
		const since = lastRequestId();
		// a drafts-only app: video.upload without video.publish
		const run = await publish(
			{
				postMode: 'draft',
				photoUrls: URLS.slice(0, 2),
				title: 'For later',
				description: '',
				options: { isAigc: true },
			},
			undefined,
			['user.info.basic', 'video.upload'],
		);
		expect(run.error).toBeUndefined();
		const { json } = run.output[0];
		expect(json).toMatchObject({
			publishId: expect.stringMatching(/^p_inbox_url~v2\.\d{19}$/),
			status: 'PENDING',
			postMode: 'draft',
			source: 'url',
		});
		expect(apiPaths(since)).toEqual(['/v2/post/publish/content/init']);
		expect(initBody(json.publishId)).toEqual({
			media_type: 'PHOTO',
			post_mode: 'MEDIA_UPLOAD',
			post_info: { title: 'For later' },
			source_info: {
				source: 'PULL_FROM_URL',
				photo_images: URLS.slice(0, 2),
				photo_cover_index: 0,
			},
			is_aigc: true,
		});
	});

	test('Photo URLs from an expression returning a list, from one entry, or as text with one URL per line', async () => {
		const run = await publish({ postMode: 'draft', photoUrls: '={{ $json.urls }}' }, [
			{ urls: URLS },
			{ urls: [URLS[0], [URLS[1]]] },
			{ urls: `${URLS[0]}\n ${URLS[1]} ,${URLS[2]}\n` },
			{ urls: 'https://media.example.com/w_1080,h_1350/x.jpg' },
		]);
		expect(run.error).toBeUndefined();
		const sent = run.output.map(
			(item) => (initBody(item.json.publishId)?.source_info as IDataObject).photo_images,
		);
		expect(sent).toEqual([
			URLS,
			URLS.slice(0, 2),
			URLS,
			['https://media.example.com/w_1080,h_1350/x.jpg'],
		]);
		// no title, no description, no AI label: nothing but the required fields
		expect(initBody(run.output[0].json.publishId)).toMatchObject({ post_info: {} });
		expect(initBody(run.output[0].json.publishId)).not.toHaveProperty('is_aigc');

		const perEntry = await publish(
			{ postMode: 'draft', photoUrls: ['={{ $json.urls }}', URLS[2]] },
			[{ urls: URLS.slice(0, 2) }],
		);
		expect(initBody(perEntry.output[0].json.publishId)?.source_info).toMatchObject({
			photo_images: URLS,
		});
	});

	const long = (units: number) => 'a'.repeat(units - 2) + '🌊';
	const badInputs: Array<[string, INodeParameters, RegExp]> = [
		['no URL', { photoUrls: [] }, /"Photo URLs": there is no URL/],
		[
			'36 URLs',
			{ photoUrls: Array.from({ length: 36 }, (_, i) => `https://media.example.com/${i}.jpg`) },
			/36 URLs and TikTok takes at most 35/,
		],
		[
			'a PNG',
			{ photoUrls: [URLS[0], 'https://media.example.com/shot.PNG?v=2'] },
			/"Photo URL 2": .* PNG image, and TikTok accepts only JPEG and WEBP/,
		],
		[
			'a video',
			{ photoUrls: ['https://media.example.com/clip.mp4'] },
			/"Photo URL 1": .* is a video/,
		],
		['http', { photoUrls: ['http://media.example.com/1.jpg'] }, /only pulls photos over https/],
		['not a URL', { photoUrls: ['media.example.com/1.jpg'] }, /is not a URL/],
		[
			'credentials in the URL',
			{ photoUrls: ['https://user:pw@media.example.com/1.jpg'] },
			/user name or password/,
		],
		[
			'an object in the list',
			{ photoUrls: '={{ [{ url: "https://media.example.com/1.jpg" }] }}' },
			/holds an object where a URL should be/,
		],
		[
			'cover index past the end',
			{ photoUrls: URLS, photoCoverIndex: 3 },
			/"Photo Cover Index": 3 is outside 0 to 2/,
		],
		[
			'negative cover index',
			{ photoUrls: URLS, photoCoverIndex: -1 },
			/"Photo Cover Index": -1 is outside 0 to 2/,
		],
		[
			'fractional cover index',
			{ photoUrls: URLS, photoCoverIndex: 1.5 },
			/1.5 is not a whole number/,
		],
		[
			'a 91-unit title',
			{ photoUrls: URLS, title: long(91) },
			/"Title": it is 91 characters long and TikTok allows at most 90/,
		],
		[
			'a 4001-unit description',
			{ photoUrls: URLS, description: 'd'.repeat(4001) },
			/"Description": it is 4001 characters long/,
		],
		[
			'an empty privacy level',
			{ photoUrls: URLS, privacyLevel: '={{ $json.missing ?? "" }}' },
			/"Privacy Level": it is empty/,
		],
		[
			'an unknown privacy level',
			{ photoUrls: URLS, privacyLevel: 'PUBLIC' },
			/"PUBLIC" is not a TikTok privacy level/,
		],
		[
			'branded content that is private',
			{ photoUrls: URLS, options: { brandContentToggle: true } },
			/branded content .* cannot be private/,
		],
		[
			'a wait timeout beyond an hour',
			{ photoUrls: URLS, options: { waitForCompletion: true, waitTimeoutSeconds: '={{ 7200 }}' } },
			/"Wait Timeout \(Seconds\)": 7200 is outside 0 to 3600/,
		],
		[
			'an unknown post mode',
			{ postMode: '={{ "later" }}', photoUrls: URLS },
			/"Post Mode": "later" is not one of its values/,
		],
	];

	test.each(badInputs)('%s fails before any request', async (_name, parameters, message) => {
		const { emu } = context;
		const since = lastRequestId();
		const initsBefore = emu.initCalls();
		const run = await publish({ privacyLevel: 'SELF_ONLY', ...parameters });
		expect(run.error?.message).toMatch(message);
		expect(run.error?.error.name).toBe('NodeOperationError');
		expect(run.error?.description).toBeTruthy();
		expect(emu.initCalls()).toBe(initsBefore);
		expect(apiPaths(since)).toEqual([]);
		expectNoCredentialSecrets(run);
	});

	test('checks against the account come after creator info and still before the init', async () => {
		const { emu } = context;
		const privateAccount = emu.addAccount({
			isPrivate: true,
			commentDisabled: true,
			nickname: 'Quiet',
		});
		const initsBefore = emu.initCalls();
		const credentials = { cred: oAuth2Credential(emu, emu.issueTokens(privateAccount.openId)) };
		const notOffered = await runNode({
			credentials,
			node: photoNode({ photoUrls: URLS, privacyLevel: 'PUBLIC_TO_EVERYONE' }),
		});
		expect(notOffered.error?.message).toMatch(
			/the account "Quiet" does not offer PUBLIC_TO_EVERYONE/,
		);
		const commentsOff = await runNode({
			credentials,
			node: photoNode({
				photoUrls: URLS,
				privacyLevel: 'SELF_ONLY',
				options: { disableComment: false },
			}),
		});
		expect(commentsOff.error?.message).toMatch(/"Disable Comment".*comments disabled/);
		expect(emu.initCalls()).toBe(initsBefore);
	});

	test('an unverified domain reads right for photos: verify the domain, no binary alternative offered', async () => {
		const run = await publish({
			photoUrls: ['https://photos.unverified.example/1.jpg'],
			privacyLevel: 'SELF_ONLY',
		});
		expect(run.error?.message).toMatch(
			/TikTok only pulls media from domains or URL prefixes verified for your app/,
		);
		expect(run.error?.description).toMatch(/URL properties/);
		expect(run.error?.description).toMatch(/Photos can only be pulled from a verified URL/);
		expect((run.error?.error.context as IDataObject).tikTok).toMatchObject({
			code: 'url_ownership_unverified',
		});
	});

	test('waiting ends in PUBLISH_COMPLETE with the status fields', async () => {
		const run = await publish({
			photoUrls: URLS,
			privacyLevel: 'SELF_ONLY',
			options: { waitForCompletion: true, waitTimeoutSeconds: 20, pollIntervalSeconds: 2 },
		});
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({
			publishId: expect.stringMatching(/^p_pub_url~/),
			status: 'PUBLISH_COMPLETE',
			postMode: 'directPost',
			source: 'url',
			failReason: null,
			postIds: [],
			uploadedBytes: null,
			downloadedBytes: 3 * context.emu.settings.lifecycle.pullPhotoSize,
			isFinal: true,
			timedOut: false,
		});
	});

	test('a failure after the init carries the publish ID, in errors and continue-on-fail items', async () => {
		const { emu } = context;
		emu.faults.add({
			target: 'status',
			status: 400,
			body: {
				error: {
					code: 'token_not_authorized_for_specified_publish_id',
					message: '',
					log_id: '20260101000000ABCDEF0123456789ABCDEF',
				},
			},
		});
		const run = await publish({
			photoUrls: URLS,
			privacyLevel: 'SELF_ONLY',
			options: { waitForCompletion: true },
		});
		const publishId = emu.tasks.at(-1)?.publishId;
		expect(run.error?.message).toContain(`(publish ID ${publishId})`);
		expect(run.error?.description).toMatch(
			/check it with the Get Status operation before publishing again/,
		);
		expect((run.error?.error.context as IDataObject).tikTok).toMatchObject({ publishId });
	});

	test('continue on fail: a bad item becomes an error item and the others are published', async () => {
		const { emu } = context;
		const tokens = emu.issueTokens();
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, tokens) },
			node: photoNode(
				{ photoUrls: '={{ $json.urls }}', privacyLevel: 'SELF_ONLY' },
				{ continueOnFail: true },
			),
			inputItems: [{ urls: ['https://media.example.com/a.png'] }, { urls: URLS }],
		});
		expect(run.error).toBeUndefined();
		const [failed, published] = run.output;
		expect(failed.json).toEqual({
			error: expect.stringMatching(/PNG image/),
			description: expect.stringMatching(/Edit Image/),
			code: 'invalid_input',
			logId: null,
		});
		expect(failed.pairedItem).toEqual({ item: 0 });
		expect(published.json).toMatchObject({
			publishId: expect.stringMatching(/^p_pub_url~/),
			status: 'PENDING',
		});
		expect(published.pairedItem).toEqual({ item: 1 });
		expect(JSON.stringify(run.output) + run.logText).not.toContain(tokens.access_token);
	});
});
