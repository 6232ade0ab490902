import { runNode } from '../../../../harness';
import { oAuth2Credential, tikTokNode, useEmulator } from '../../../../helpers/tikTok';

const context = useEmulator();
const getInfo = { resource: 'creator', operation: 'getInfo' };

describe('Creator > Get Info', () => {
	afterEach(() => context.emu.faults.clear());

	test('describes a public account, one item per input item with pairedItem', async () => {
		const { emu } = context;
		const account = emu.addAccount({
			nickname: 'Ada',
			username: 'ada',
			isPrivate: false,
			commentDisabled: true,
			maxVideoPostDurationSec: 300,
		});
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, emu.issueTokens(account.openId)) },
			inputItems: [{ n: 1 }, { n: 2 }],
			node: tikTokNode(getInfo),
		});
		expect(run.error).toBeUndefined();
		expect(run.output).toHaveLength(2);
		expect(run.output[1].pairedItem).toEqual({ item: 1 });
		expect(run.output[0].json).toEqual({
			canPost: true,
			nickname: 'Ada',
			username: 'ada',
			avatarUrl: expect.stringMatching(/^https:\/\//),
			privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
			commentDisabled: true,
			duetDisabled: false,
			stitchDisabled: false,
			maxVideoPostDurationSec: 300,
		});
	});

	test('a private account offers follower levels and has duet and stitch disabled', async () => {
		const { emu } = context;
		const account = emu.addAccount({ isPrivate: true });
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, emu.issueTokens(account.openId)) },
			node: tikTokNode(getInfo),
		});
		expect(run.output[0].json).toMatchObject({
			privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
			duetDisabled: true,
			stitchDisabled: true,
		});
	});

	test('a creator who cannot post now is data (canPost false with the reason), not an error', async () => {
		const { emu } = context;
		const account = emu.addAccount({ bannedFromPosting: true });
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, emu.issueTokens(account.openId)) },
			node: tikTokNode(getInfo),
		});
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({
			canPost: false,
			cannotPostReason: 'spam_risk_user_banned_from_posting',
			cannotPostMessage: expect.stringMatching(/banned/),
		});
	});

	test('a 429 and a 503 are retried (reads are safe to repeat), honouring Retry-After', async () => {
		const { emu } = context;
		emu.faults.add({ target: 'creatorInfo', status: 429, headers: { 'Retry-After': '0' } });
		emu.faults.add({ target: 'creatorInfo', status: 503, headers: { 'Retry-After': '0' } });
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu) },
			node: tikTokNode(getInfo),
		});
		expect(run.error).toBeUndefined();
		expect(run.output[0].json.canPost).toBe(true);
	});

	test('a missing scope is explained, and continueOnFail turns it into an item with code and log ID', async () => {
		const { emu } = context;
		const tokens = emu.issueTokens(undefined, { scopes: ['user.info.basic', 'video.upload'] });
		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, tokens) },
			node: { ...tikTokNode(getInfo), continueOnFail: true },
		});
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toEqual({
			error: expect.stringMatching(
				/^The TikTok account has not granted the scope this operation needs: .*video.publish/,
			),
			description: expect.stringMatching(
				/select it in the credential's Posting Scopes or Additional Scopes, and reconnect/,
			),
			code: 'scope_not_authorized',
			logId: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/),
		});
		// A missing scope is not an expired token: n8n must not have refreshed
		expect(run.credentials.updates).toHaveLength(0);
	});
});
