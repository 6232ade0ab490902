/**
 * Creator > Get Profile and Stats through n8n-core's WorkflowExecute against the emulator: every field with
 * all scopes; without user.info.stats (or user.info.profile) the fields TikTok refuses are null and
 * missingScopes names the scope; without user.info.basic the error names it and how to add it.
 */
import { runNode } from '../../../../harness';
import type { IDataObject } from 'n8n-workflow';

import {
	oAuth2Credential,
	refreshTokenCredential,
	tikTokNode,
	useEmulator,
} from '../../../../helpers/tikTok';

const context = useEmulator();
const getProfile = { resource: 'creator', operation: 'getProfile' };

function userInfoRequests() {
	return context.emu.requests.filter((r) => r.path === '/v2/user/info/');
}

async function run(scopes?: string[], inputItems?: IDataObject[]) {
	const { emu } = context;
	return await runNode({
		credentials: {
			cred: oAuth2Credential(emu, emu.issueTokens(undefined, scopes ? { scopes } : {})),
		},
		node: tikTokNode(getProfile),
		inputItems,
	});
}

describe('Creator > Get Profile and Stats', () => {
	afterEach(() =>
		context.emu.updateSettings({ display: { fieldScopeError: 'scope_permission_missed' } }),
	);

	test('with the stats scope: profile and counts, one item (and one request) per input item', async () => {
		const { emu } = context;
		const account = emu.defaultAccount;
		const before = userInfoRequests().length;
		const run1 = await run(undefined, [{ n: 1 }, { n: 2 }]);
		expect(run1.error).toBeUndefined();
		expect(run1.output).toHaveLength(2);
		expect(run1.output[1].pairedItem).toEqual({ item: 1 });
		expect(run1.output[0].json).toEqual({
			openId: account.openId,
			unionId: account.unionId,
			displayName: account.nickname,
			username: account.username,
			avatarUrl: account.avatarUrl,
			bioDescription: account.bioDescription,
			profileDeepLink: expect.stringMatching(/^https:\/\//),
			isVerified: false,
			followerCount: account.followerCount,
			followingCount: account.followingCount,
			likesCount: account.likesCount,
			videoCount: account.videos.filter((video) => video.isPublic).length,
			missingScopes: [],
		});
		expect(userInfoRequests().length - before).toBe(2);
	});

	test('without user.info.stats: the counts are null and missingScopes names user.info.stats', async () => {
		const before = userInfoRequests().length;
		const run1 = await run(['user.info.basic', 'user.info.profile', 'video.publish']);
		// all fields (refused), then without the stats
		expect(userInfoRequests().length - before).toBe(2);
		expect(run1.error).toBeUndefined();
		expect(run1.output[0].json).toMatchObject({
			displayName: 'Emulator Creator',
			username: context.emu.defaultAccount.username,
			followerCount: null,
			followingCount: null,
			likesCount: null,
			videoCount: null,
			missingScopes: ['user.info.stats'],
		});
	});

	test('without user.info.profile: username and bio are null, the counts still come', async () => {
		const run1 = await run(['user.info.basic', 'user.info.stats']);
		expect(run1.output[0].json).toMatchObject({
			username: null,
			bioDescription: null,
			isVerified: null,
			followerCount: context.emu.defaultAccount.followerCount,
			missingScopes: ['user.info.profile'],
		});
	});

	test('a TikTok that leaves refused fields out (no error) gives the same output', async () => {
		context.emu.updateSettings({ display: { fieldScopeError: 'omit' } });
		const run1 = await run(['user.info.basic', 'user.info.profile']);
		expect(run1.output[0].json).toMatchObject({
			followerCount: null,
			missingScopes: ['user.info.stats'],
		});
	});

	test('a TikTok that refuses them with 401 scope_not_authorized: the same, and no token refresh', async () => {
		const { emu } = context;
		emu.updateSettings({ display: { fieldScopeError: 'scope_not_authorized' } });
		const tokenRequests = emu.tokenRequests.length;
		const run1 = await run(['user.info.basic', 'user.info.profile']);
		expect(run1.output[0].json).toMatchObject({
			followerCount: null,
			missingScopes: ['user.info.stats'],
		});
		expect(emu.tokenRequests.length).toBe(tokenRequests);
	});

	test('without user.info.basic the item fails naming the scope and how to add it', async () => {
		const run1 = await run(['video.publish']);
		expect(run1.error?.message).toContain('has not granted the scope this needs: user.info.basic');
		expect(run1.error?.description).toContain('Additional Scopes');
	});

	test('the refresh-token credential is told to add the scope to the authorize URL', async () => {
		const { emu } = context;
		const tokens = emu.issueTokens(undefined, { scopes: ['video.publish'] });
		const result = await runNode({
			credentials: {
				cred: refreshTokenCredential(emu, {
					refreshToken: tokens.refresh_token,
					accessToken: tokens.access_token,
				}),
			},
			node: tikTokNode(getProfile, 'refreshToken'),
		});
		expect(result.error?.message).toContain('user.info.basic');
		expect(result.error?.description).toContain('authorize URL');
	});
});
