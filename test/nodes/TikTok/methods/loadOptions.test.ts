import { runLoadOptions } from '../../../harness';
import {
	oAuth2Credential,
	refreshTokenCredential,
	TIKTOK_NODE_TYPE,
	useEmulator,
} from '../../../helpers/tikTok';

const context = useEmulator();

describe('loadOptions.getPrivacyLevels', () => {
	test("lists exactly the levels the account offers, through n8n's LoadOptionsContext", async () => {
		const { emu } = context;
		const account = emu.addAccount({ nickname: 'Bo', isPrivate: true });
		const { options } = await runLoadOptions({
			nodeType: TIKTOK_NODE_TYPE,
			method: 'getPrivacyLevels',
			parameters: { resource: 'video', operation: 'publish' },
			nodeCredentials: { tikTokOAuth2Api: { id: 'cred', name: 'TikTok' } },
			credentials: { cred: oAuth2Credential(emu, emu.issueTokens(account.openId)) },
		});
		expect(options).toEqual([
			{
				name: 'Followers',
				value: 'FOLLOWER_OF_CREATOR',
				description: "FOLLOWER_OF_CREATOR on Bo's account",
			},
			{
				name: 'Friends (Mutual Followers)',
				value: 'MUTUAL_FOLLOW_FRIENDS',
				description: "MUTUAL_FOLLOW_FRIENDS on Bo's account",
			},
			{ name: 'Only Me', value: 'SELF_ONLY', description: "SELF_ONLY on Bo's account" },
		]);
	});

	test('works with the refresh-token credential, whose token is fetched on first use', async () => {
		const { emu } = context;
		const { options, store } = await runLoadOptions({
			nodeType: TIKTOK_NODE_TYPE,
			method: 'getPrivacyLevels',
			parameters: { authentication: 'refreshToken', resource: 'video', operation: 'publish' },
			nodeCredentials: { tikTokRefreshTokenApi: { id: 'cred', name: 'TikTok' } },
			credentials: {
				cred: refreshTokenCredential(emu, { refreshToken: emu.issueTokens().refresh_token }),
			},
		});
		expect(options.map((o) => o.value)).toEqual([
			'PUBLIC_TO_EVERYONE',
			'MUTUAL_FOLLOW_FRIENDS',
			'SELF_ONLY',
		]);
		expect(store.data('cred').accessToken).toMatch(/^act\./);
	});

	test("a creator who cannot post gets TikTok's reason instead of a list", async () => {
		const { emu } = context;
		const account = emu.addAccount({ bannedFromPosting: true });
		await expect(
			runLoadOptions({
				nodeType: TIKTOK_NODE_TYPE,
				method: 'getPrivacyLevels',
				nodeCredentials: { tikTokOAuth2Api: { id: 'cred', name: 'TikTok' } },
				credentials: { cred: oAuth2Credential(emu, emu.issueTokens(account.openId)) },
			}),
		).rejects.toThrow(/banned this account from posting/);
	});
});
