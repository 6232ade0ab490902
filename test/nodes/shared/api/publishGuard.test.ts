/**
 * Never twice, also when n8n runs the node again: the same execution run a second time (n8n's queue after a
 * worker stopped), n8n's Retry On Fail, and 429s on the publish request waited out. Real WorkflowExecute,
 * n8n-core's DataDeduplicationService over the harness's in-memory store, the emulator counting inits.
 */
import { runPublish, sampleFile, startTestEmulator } from '../../TikTok/actions/video/publishKit';
import type { SampleFile } from '../../TikTok/actions/video/publishKit';
import { deduplicationStore } from '../../../harness';
import type { TikTokEmulator } from '../../../emulator';

let emu: TikTokEmulator;
let clip: SampleFile;
let twoChunks: SampleFile;

beforeAll(async () => {
	emu = await startTestEmulator();
	clip = await sampleFile(1_000_000);
	twoChunks = await sampleFile(11_000_000);
});
afterAll(async () => {
	await emu.close();
});
afterEach(() => emu.faults.clear());

const DIRECT = { privacyLevel: 'SELF_ONLY' };
const DRAFT_FROM_URL = {
	postMode: 'draft',
	source: 'url',
	videoUrl: 'https://media.example.com/videos/clip.mp4',
};
let executions = 0;
const newExecutionId = () => `guard-${++executions}`;

function counts() {
	const inits = emu.initCalls();
	const tasks = emu.tasks.length;
	return () => ({ inits: emu.initCalls() - inits, tasks: emu.tasks.length - tasks });
}

describe('the same execution run again (n8n re-queues a job whose worker stopped)', () => {
	test('after a complete upload: no second init, publish_already_attempted with the first publish ID', async () => {
		const executionId = newExecutionId();
		const since = counts();
		const first = await runPublish(emu, { file: clip, parameters: DIRECT, executionId });
		expect(first.errorText).toBe('');
		const { publishId } = first.output[0].json;

		const again = await runPublish(emu, {
			file: clip,
			parameters: DIRECT,
			executionId,
			continueOnFail: true,
		});
		expect(since()).toEqual({ inits: 1, tasks: 1 });
		expect(again.output[0].json).toMatchObject({
			code: 'publish_already_attempted',
			firstAttemptUploaded: true,
			publishId,
		});
		expect(again.output[0].json.error).toMatch(
			new RegExp(
				`^This item's publish request was already sent in this execution \\(${executionId}\\), at \\d{4}-\\d\\d-\\d\\dT`,
			),
		);
		expect(again.output[0].json.description).toMatch(
			`Check the post with Get Status (publish ID ${publishId})`,
		);
		expect(again.output[0].json.description).toMatch(/publishing again would post it twice/);
	});

	test("a new execution of the same workflow publishes again: the key is the execution's", async () => {
		const since = counts();
		await runPublish(emu, { file: clip, parameters: DIRECT, executionId: newExecutionId() });
		const second = await runPublish(emu, {
			file: clip,
			parameters: DIRECT,
			executionId: newExecutionId(),
		});
		expect(second.errorText).toBe('');
		expect(since()).toEqual({ inits: 2, tasks: 2 });
	});

	test('a video TikTok pulls from a URL counts as sent once the init was', async () => {
		const executionId = newExecutionId();
		const since = counts();
		await runPublish(emu, { parameters: DRAFT_FROM_URL, executionId });
		const again = await runPublish(emu, {
			parameters: DRAFT_FROM_URL,
			executionId,
			continueOnFail: true,
		});
		expect(since()).toEqual({ inits: 1, tasks: 1 });
		expect(again.output[0].json).toMatchObject({
			code: 'publish_already_attempted',
			firstAttemptUploaded: true,
		});
	});

	test('stopped during the upload: the repeat says the upload was unfinished and that publishing again is safe', async () => {
		const executionId = newExecutionId();
		emu.faults.add({ target: 'upload', chunkIndex: 1, delayMs: 8_000 });
		const since = counts();
		// The harness stops the execution after timeoutMs, as n8n does when the user presses Stop
		const stopped = runPublish(emu, {
			file: twoChunks,
			parameters: { ...DIRECT, options: { chunkSizeMb: 5 } },
			executionId,
			timeoutMs: 2_500,
		});
		await expect(stopped).rejects.toThrow(/did not finish within 2500 ms/);
		const again = await runPublish(emu, {
			file: twoChunks,
			parameters: { ...DIRECT, options: { chunkSizeMb: 5 } },
			executionId,
		});
		expect(since()).toEqual({ inits: 1, tasks: 1 });
		expect(again.error?.message).toMatch(/already sent in this execution/);
		expect(again.error?.description).toMatch(
			/n8n stopped the first attempt during the upload\. TikTok discards an unfinished upload/,
		);
		expect(emu.getUpload(emu.tasks[emu.tasks.length - 1].publishId)?.complete).toBe(false);
	});

	test("the key is recorded in n8n's deduplication store before the init, per node and item", async () => {
		const executionId = newExecutionId();
		const callsBefore = deduplicationStore.calls.length;
		await runPublish(emu, { file: clip, parameters: DIRECT, executionId, inputItems: [{}, {}] });
		const calls = deduplicationStore.calls
			.slice(callsBefore)
			.filter((call) => call.method === 'checkProcessedAndRecord');
		// Each record is read back until two reads in a row find it; the second also restores the first key
		const sent = (item: number) => [`${executionId}:Node Under Test:${item}`];
		const uploaded = (item: number) => [
			`${executionId}:Node Under Test:${item}:uploaded`,
			`${executionId}:Node Under Test:${item}`,
		];
		expect(calls.map((call) => call.items)).toEqual([
			...[sent(0), sent(0), sent(0)],
			...[uploaded(0), uploaded(0), uploaded(0)],
			...[sent(1), sent(1), sent(1)],
			...[uploaded(1), uploaded(1), uploaded(1)],
		]);
		expect(new Set(calls.map((call) => call.context)).size).toBe(1);
	});
});

describe("a failing deduplication store (n8n's database)", () => {
	afterEach(() => deduplicationStore.failWith([]));

	test.each([
		['the first record fails once (another execution created the row): tried again', [1]],
		['a read-back fails: the record written before it stands', [2]],
	])('%s; published once, and a repeat is refused', async (_, failing) => {
		const executionId = newExecutionId();
		const since = counts();
		deduplicationStore.failWith(failing);
		const first = await runPublish(emu, { file: clip, parameters: DIRECT, executionId });
		expect(first.errorText).toBe('');
		expect(first.logText).not.toContain('without the repeat guard');
		const again = await runPublish(emu, {
			file: clip,
			parameters: DIRECT,
			executionId,
			continueOnFail: true,
		});
		expect(again.output[0].json.code).toBe('publish_already_attempted');
		expect(since()).toEqual({ inits: 1, tasks: 1 });
	});

	test('the record fails twice: published without the guard, with a warning', async () => {
		const since = counts();
		deduplicationStore.failWith([1, 2]);
		const run = await runPublish(emu, {
			file: clip,
			parameters: DIRECT,
			executionId: newExecutionId(),
		});
		expect(run.errorText).toBe('');
		expect(run.logText).toContain('publishing without the repeat guard');
		expect(since()).toEqual({ inits: 1, tasks: 1 });
	});
});

describe('Retry On Fail', () => {
	const RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 };

	test('the upload URL expires after the first chunk: one init, the retries stop at the guard', async () => {
		emu.faults.add({ target: 'upload', chunkIndex: 1, expireUploadUrl: true });
		const since = counts();
		const result = await runPublish(emu, {
			file: twoChunks,
			parameters: { ...DIRECT, options: { chunkSizeMb: 5 } },
			settings: RETRY,
			continueOnFail: true,
		});
		expect(since()).toEqual({ inits: 1, tasks: 1 });
		expect(result.output[0].json).toMatchObject({
			code: 'publish_already_attempted',
			firstAttemptUploaded: false,
		});
		expect(result.output[0].json.publishId).toBe(emu.tasks[emu.tasks.length - 1].publishId);
	});

	test('a refusal that created nothing releases the key: the retry publishes, once', async () => {
		emu.faults.add({
			target: 'videoInit',
			status: 400,
			body: { error: { code: 'invalid_params', message: 'Injected', log_id: '1' } },
		});
		const since = counts();
		const result = await runPublish(emu, { file: clip, parameters: DIRECT, settings: RETRY });
		expect(result.errorText).toBe('');
		expect(result.output[0].json).toMatchObject({ status: 'PENDING', uploadedBytes: clip.size });
		expect(since()).toEqual({ inits: 2, tasks: 1 });
	});

	test('an init whose answer was lost may have created the post: the retry does not send it again', async () => {
		emu.faults.add({ target: 'videoInit', phase: 'after', drop: true });
		const since = counts();
		const result = await runPublish(emu, {
			file: clip,
			parameters: DIRECT,
			settings: RETRY,
			continueOnFail: true,
		});
		expect(since()).toEqual({ inits: 1, tasks: 1 });
		expect(result.output[0].json).toMatchObject({ code: 'publish_already_attempted' });
	});
});

describe('429 on the publish request', () => {
	test('is waited out and sent again: published once', async () => {
		emu.faults.add({ target: 'videoInit', status: 429, headers: { 'Retry-After': '1' } });
		const since = counts();
		const started = Date.now();
		const result = await runPublish(emu, { file: clip, parameters: DIRECT });
		expect(result.errorText).toBe('');
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
		expect(since()).toEqual({ inits: 2, tasks: 1 });
		expect(emu.getUpload(result.output[0].json.publishId as string)?.sha256).toBe(clip.sha256);
	});

	test('at most 3 tries: then the user is told that no post was created, and the key is released', async () => {
		emu.faults.add({ target: 'videoInit', status: 429, times: 3, headers: { 'Retry-After': '0' } });
		const executionId = newExecutionId();
		const since = counts();
		const result = await runPublish(emu, { file: clip, parameters: DIRECT, executionId });
		expect(since()).toEqual({ inits: 3, tasks: 0 });
		expect(result.error?.message).toMatch(/^TikTok's rate limit was reached/);
		expect(result.error?.description).toMatch(
			/^No post was created for this item: TikTok refused the request before creating anything, also when the node sent it again \(3 tries within 3 minutes at most\)/,
		);
		const again = await runPublish(emu, { file: clip, parameters: DIRECT, executionId });
		expect(again.errorText).toBe('');
		expect(since()).toEqual({ inits: 4, tasks: 1 });
	});

	test('a wait longer than the 3 minutes is not started', async () => {
		emu.faults.add({ target: 'videoInit', status: 429, headers: { 'Retry-After': '600' } });
		const since = counts();
		const started = Date.now();
		const result = await runPublish(emu, { file: clip, parameters: DIRECT });
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(since()).toEqual({ inits: 1, tasks: 0 });
		expect(result.error?.description).toMatch(/^No post was created/);
	});

	test('Stop during the wait: nothing more is sent', async () => {
		emu.faults.add({ target: 'videoInit', status: 429, headers: { 'Retry-After': '30' } });
		const since = counts();
		const started = Date.now();
		const stopped = runPublish(emu, { file: clip, parameters: DIRECT, timeoutMs: 1_500 });
		await expect(stopped).rejects.toThrow(/did not finish within 1500 ms/);
		expect(Date.now() - started).toBeLessThan(10_000);
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		expect(since()).toEqual({ inits: 1, tasks: 0 });
	});
});

describe("n8n's store, read and rewritten without a lock, under executions of the node at the same instant", () => {
	const DRAFT = { postMode: 'draft' };
	const keysOf = (executionId: string) => [
		`${executionId}:Node Under Test:0`,
		`${executionId}:Node Under Test:0:uploaded`,
	];

	beforeEach(() => {
		deduplicationStore.unlocked = true;
		emu.updateSettings({ rateLimits: { inboxInit: Number.POSITIVE_INFINITY } });
	});
	afterEach(() => {
		deduplicationStore.unlocked = false;
		emu.updateSettings({ rateLimits: { inboxInit: 6 } });
	});

	test.each([
		['the row exists', false],
		['the first records create the row', true],
	])(
		'ten executions, %s: every record is read back and kept, and a repeat of each is refused',
		async (_, freshRow) => {
			if (freshRow) deduplicationStore.clear();
			deduplicationStore.unlocked = true;
			const ids = Array.from({ length: 10 }, newExecutionId);
			const since = counts();
			const runs = await Promise.all(
				ids.map(
					async (executionId) =>
						await runPublish(emu, { file: clip, parameters: DRAFT, executionId }),
				),
			);
			expect(runs.map((run) => run.errorText)).toEqual(ids.map(() => ''));
			// No run fell back to publishing without the guard
			expect(runs.some((run) => run.logText.includes('without the repeat guard'))).toBe(false);
			expect(since()).toEqual({ inits: 10, tasks: 10 });
			expect(ids.flatMap(keysOf).filter((key) => !deduplicationStore.holds(key))).toEqual([]);
			const again = await Promise.all(
				ids.map(
					async (executionId) =>
						await runPublish(emu, {
							file: clip,
							parameters: DRAFT,
							executionId,
							continueOnFail: true,
						}),
				),
			);
			expect(again.map((run) => run.output[0].json.code)).toEqual(
				ids.map(() => 'publish_already_attempted'),
			);
			expect(since()).toEqual({ inits: 10, tasks: 10 });
		},
	);
});
