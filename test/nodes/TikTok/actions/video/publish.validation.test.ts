/**
 * Bad input: every case fails with a message naming the field (as the user sees it in n8n) and a
 * description saying how to fix it, and TikTok's emulator records no init call: nothing was posted.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { runPublish, sampleFile, startTestEmulator } from './publishKit';
import type { PublishRun, SampleFile } from './publishKit';
import type { Account, TikTokEmulator } from '../../../../emulator';
import { harnessUserFolder } from '../../../../harness';
import { webmHead } from '../../../../fixtures/sampleVideo';
import type { INodeParameters } from 'n8n-workflow';

let emu: TikTokEmulator;
let clip: SampleFile;
let long: SampleFile;
let twoMinutes: SampleFile;
let strictAccount: Account;
let bannedAccount: Account;
const files: Record<string, string> = {};

async function rawFile(name: string, bytes: Buffer): Promise<string> {
	const path = join(harnessUserFolder, name);
	await writeFile(path, bytes);
	return path;
}

beforeAll(async () => {
	emu = await startTestEmulator();
	clip = await sampleFile(300_000, { durationSec: 20 });
	long = await sampleFile(300_000, { durationSec: 700 });
	twoMinutes = await sampleFile(300_000, { durationSec: 120 });
	strictAccount = emu.addAccount({
		nickname: 'Strict Creator',
		maxVideoPostDurationSec: 60,
		commentDisabled: true,
		dailyPostCap: 1000,
	});
	bannedAccount = emu.addAccount({ bannedFromPosting: true });
	files.png = await rawFile(
		'image.png',
		Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(2000)]),
	);
	files.html = await rawFile(
		'page.mp4',
		Buffer.from('<!DOCTYPE html><html><body>Not found</body></html>'),
	);
	files.empty = await rawFile('empty.mp4', Buffer.alloc(0));
	files.oneByte = await rawFile('one.mp4', Buffer.from([0]));
	files.mkv = await rawFile(
		'clip.mkv',
		Buffer.concat([webmHead(10, 'matroska'), Buffer.alloc(5000)]),
	);
});

afterAll(async () => {
	// Nothing was posted by any case in this file
	expect(emu.initCalls()).toBe(0);
	await emu.close();
});

const DIRECT: INodeParameters = { privacyLevel: 'SELF_ONLY' };

interface Case {
	name: string;
	parameters: INodeParameters;
	/** Default: the 20-second sample clip */
	file?: () => string | undefined;
	account?: () => Account;
	field: string;
	problem: RegExp;
	fix: RegExp;
}

const fileCases: Case[] = [
	{
		name: 'binary field missing',
		parameters: { ...DIRECT, binaryPropertyName: 'video' },
		field: 'Input Binary Field',
		problem: /item 0 has no binary field "video"; its binary fields are "data"/,
		fix: /Binary tab of the previous node's output/,
	},
	{
		name: 'no binary data at all',
		parameters: DIRECT,
		file: () => undefined,
		field: 'Input Binary Field',
		problem: /item 0 has no binary data at all/,
		fix: /outputs the video as binary data/,
	},
	{
		name: 'binary field name empty',
		parameters: { ...DIRECT, binaryPropertyName: ' ' },
		field: 'Input Binary Field',
		problem: /it is empty/,
		fix: /usually "data"/,
	},
	{
		name: 'empty file',
		parameters: DIRECT,
		file: () => files.empty,
		field: 'Input Binary Field',
		problem: /the file "empty.mp4" is empty \(0 bytes\)/,
		fix: /wrote no bytes/,
	},
	{
		name: 'a PNG image',
		parameters: DIRECT,
		file: () => files.png,
		field: 'Input Binary Field',
		problem:
			/the file "image.png" \(binary field "data"\) looks like a PNG image, not a video TikTok accepts \(MP4, MOV or WebM\)/,
		fix: /convert other formats first/,
	},
	{
		name: 'a 1-byte file',
		parameters: DIRECT,
		file: () => files.oneByte,
		field: 'Input Binary Field',
		problem: /looks like no known video format/,
		fix: /MP4 \(H\.264 recommended\), MOV or WebM/,
	},
	{
		name: 'an HTML page saved as .mp4',
		parameters: DIRECT,
		file: () => files.html,
		field: 'Input Binary Field',
		problem: /looks like an HTML page/,
		fix: /MP4/,
	},
	{
		name: 'a Matroska file',
		parameters: DIRECT,
		file: () => files.mkv,
		field: 'Input Binary Field',
		problem: /looks like a Matroska \(MKV\) file/,
		fix: /FFmpeg/,
	},
];

const parameterCases: Case[] = [
	{
		name: 'caption over 2200 characters',
		parameters: { ...DIRECT, title: 'a'.repeat(2201) },
		field: 'Title',
		problem: /2201 characters long and TikTok allows at most 2200/,
		fix: /Shorten it by at least 1 characters/,
	},
	{
		name: 'caption over 2200 UTF-16 units with emoji',
		parameters: { ...DIRECT, title: '\u{1F600}'.repeat(1101) },
		field: 'Title',
		problem: /2202 characters long .* most emoji count as 2/,
		fix: /Shorten it by at least 2 characters/,
	},
	// Required fields left empty stop n8n before it runs the node; an expression can still yield nothing
	{
		name: 'privacy level empty',
		parameters: { privacyLevel: '={{ $json.privacy ?? "" }}' },
		field: 'Privacy Level',
		problem: /it is empty, and TikTok requires the creator to choose it/,
		fix: /Pick a Privacy Level/,
	},
	{
		name: 'privacy level unknown',
		parameters: { privacyLevel: 'EVERYONE' },
		field: 'Privacy Level',
		problem: /"EVERYONE" is not a TikTok privacy level/,
		fix: /PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR, SELF_ONLY/,
	},
	{
		name: 'branded content set to private',
		parameters: { privacyLevel: 'SELF_ONLY', options: { brandContentToggle: true } },
		field: 'Privacy Level',
		problem: /branded content \(a paid partnership\) cannot be private/,
		fix: /turn off "Branded Content"/,
	},
	{
		name: 'chunk size below 5 MB',
		parameters: { ...DIRECT, options: { chunkSizeMb: 4 } },
		field: 'Chunk Size (MB)',
		problem: /4 is outside 5 to 64/,
		fix: /5 to 64 MB/,
	},
	{
		name: 'chunk size above 64 MB',
		parameters: { ...DIRECT, options: { chunkSizeMb: 65 } },
		field: 'Chunk Size (MB)',
		problem: /65 is outside 5 to 64/,
		fix: /remove the option to use the default/,
	},
	{
		name: 'negative cover timestamp',
		parameters: { ...DIRECT, options: { videoCoverTimestampMs: -1 } },
		field: 'Cover Timestamp (Ms)',
		problem: /-1 is outside 0 to 2147483647/,
		fix: /whole milliseconds/,
	},
	{
		name: 'fractional cover timestamp',
		parameters: { ...DIRECT, options: { videoCoverTimestampMs: 1.5 } },
		field: 'Cover Timestamp (Ms)',
		problem: /1\.5 is not a whole number/,
		fix: /0 is the first frame/,
	},
	{
		name: 'video URL over http',
		parameters: { ...DIRECT, source: 'url', videoUrl: 'http://media.example.com/a.mp4' },
		file: () => undefined,
		field: 'Video URL',
		problem: /TikTok only pulls videos over https, and this URL uses http/,
		fix: /verified for your TikTok app/,
	},
	{
		name: 'video URL not a URL',
		parameters: { ...DIRECT, source: 'url', videoUrl: 'media.example.com/a.mp4' },
		file: () => undefined,
		field: 'Video URL',
		problem: /"media\.example\.com\/a\.mp4" is not a URL/,
		fix: /full https:\/\/ URL/,
	},
	{
		name: 'video URL with a password',
		parameters: { ...DIRECT, source: 'url', videoUrl: 'https://me:secret@media.example.com/a.mp4' },
		file: () => undefined,
		field: 'Video URL',
		problem: /contains a user name or password/,
		fix: /without credentials/,
	},
	{
		name: 'video URL of an image',
		parameters: { ...DIRECT, source: 'url', videoUrl: 'https://media.example.com/cover.PNG' },
		file: () => undefined,
		field: 'Video URL',
		problem: /points to a \.png file/,
		fix: /not to an image, a page or another format/,
	},
	{
		name: 'video URL empty',
		parameters: { ...DIRECT, source: 'url', videoUrl: '={{ $json.url ?? "" }}' },
		file: () => undefined,
		field: 'Video URL',
		problem: /it is empty/,
		fix: /https URL TikTok should download/,
	},
	{
		name: 'wait timeout over an hour',
		parameters: { ...DIRECT, options: { waitForCompletion: true, waitTimeoutSeconds: 5000 } },
		field: 'Wait Timeout (Seconds)',
		problem: /5000 is outside 0 to 3600/,
		fix: /loop this node with a Wait node/,
	},
	{
		name: 'poll interval over 5 minutes',
		parameters: { ...DIRECT, options: { waitForCompletion: true, pollIntervalSeconds: 301 } },
		field: 'Poll Interval (Seconds)',
		problem: /301 is outside 0 to 300/,
		fix: /30 status checks a minute/,
	},
	{
		name: 'unknown post mode',
		parameters: { ...DIRECT, postMode: 'publishNow' },
		field: 'Post Mode',
		problem: /"publishNow" is not one of its values/,
		fix: /directPost, draft/,
	},
	{
		name: 'unknown source',
		parameters: { ...DIRECT, source: 'ftp' },
		field: 'Source',
		problem: /"ftp" is not one of its values/,
		fix: /binary, url/,
	},
];

/** Found after asking TikTok for the creator's info (which posts nothing), before the init. */
const accountCases: Case[] = [
	{
		name: 'a privacy level the account does not offer',
		parameters: { privacyLevel: 'FOLLOWER_OF_CREATOR' },
		field: 'Privacy Level',
		problem:
			/the account "Emulator Creator" does not offer FOLLOWER_OF_CREATOR; it offers PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY/,
		fix: /Pick one of the levels the account offers/,
	},
	{
		name: 'comments allowed on an account that disabled them',
		parameters: { ...DIRECT, options: { disableComment: false } },
		account: () => strictAccount,
		field: 'Disable Comment',
		problem: /has comments disabled in its TikTok settings/,
		fix: /change the account's settings in the TikTok app/,
	},
	{
		name: 'a video longer than the account may post',
		parameters: DIRECT,
		file: () => twoMinutes.path,
		account: () => strictAccount,
		field: 'Input Binary Field',
		problem:
			/the video lasts 120 seconds and the account "Strict Creator" may post at most 60 seconds/,
		fix: /Trim the video to 60 seconds or less/,
	},
	{
		name: 'a cover after the end of the video',
		parameters: { ...DIRECT, options: { videoCoverTimestampMs: 25_000 } },
		field: 'Cover Timestamp (Ms)',
		problem: /25000 ms is after the end of the video \(20000 ms\)/,
		fix: /Pick a time within the video/,
	},
	{
		name: "a draft longer than TikTok's API accepts",
		parameters: { postMode: 'draft' },
		file: () => long.path,
		field: 'Input Binary Field',
		problem: /the video lasts 700 seconds and TikTok's API accepts drafts at most 600 seconds/,
		fix: /Trim the video to 600 seconds or less/,
	},
];

async function expectRejected(
	testCase: Case,
	binaryMode: PublishRun['binaryMode'] = 'memory',
): Promise<void> {
	const initsBefore = emu.initCalls();
	const filePath = testCase.file ? testCase.file() : clip.path;
	const result = await runPublish(emu, {
		binaryMode,
		parameters: testCase.parameters,
		file: filePath ? { path: filePath } : undefined,
		tokens: testCase.account ? emu.issueTokens(testCase.account().openId) : undefined,
	});
	const field = testCase.field.replace(/[()]/g, '\\$&');
	expect(result.error?.message).toMatch(new RegExp(`^Invalid "${field}": `));
	expect(result.error?.message).toMatch(testCase.problem);
	expect(result.error?.description).toMatch(testCase.fix);
	expect(emu.initCalls()).toBe(initsBefore);
}

describe.each(['filesystem', 'memory'] as const)('bad binary data (%s mode)', (binaryMode) => {
	test.each(fileCases.map((c) => [c.name, c]))(
		'%s',
		async (_name, testCase) => await expectRejected(testCase, binaryMode),
	);
});

describe('bad parameters', () => {
	test.each(parameterCases.map((c) => [c.name, c]))(
		'%s',
		async (_name, testCase) => await expectRejected(testCase),
	);
});

describe('checks against the account (after creator info, before any post)', () => {
	test.each(accountCases.map((c) => [c.name, c]))(
		'%s',
		async (_name, testCase) => await expectRejected(testCase, 'filesystem'),
	);

	test("a creator TikTok says cannot post now: TikTok's reason, no init", async () => {
		const result = await runPublish(emu, {
			binaryMode: 'memory',
			file: { path: clip.path },
			parameters: DIRECT,
			tokens: emu.issueTokens(bannedAccount.openId),
		});
		expect(result.error?.message).toBe(
			'TikTok has banned this account from posting, so TikTok does not accept posts from it right now',
		);
		expect(result.error?.description).toMatch(/Retrying will not help/);
		expect(emu.initCalls()).toBe(0);
	});
});

test('at least 20 bad-input cases', () => {
	expect(fileCases.length + parameterCases.length + accountCases.length).toBeGreaterThanOrEqual(20);
});
