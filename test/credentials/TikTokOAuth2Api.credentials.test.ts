import { completeOAuth2Callback, runNode, simulateOAuth2Connect } from '../harness';
import {
	N8N_INSTANCE,
	N8N_REDIRECT_URI,
	oAuth2Credential,
	tikTokNode,
	useEmulator,
} from '../helpers/tikTok';

const context = useEmulator();
const getInfo = { resource: 'creator', operation: 'getInfo' };

function connect(extra: Record<string, unknown> = {}) {
	const { emu } = context;
	return simulateOAuth2Connect({
		credentialType: 'tikTokOAuth2Api',
		data: {
			clientId: emu.app.clientKey,
			clientSecret: emu.app.clientSecret,
			useCustomHost: true,
			customHost: `${emu.baseUrl}/`,
			...extra,
		},
		instanceBaseUrl: N8N_INSTANCE,
	});
}

describe("TikTok OAuth2 API credential through n8n's OAuth2 flow", () => {
	beforeEach(() => {
		context.emu.updateSettings({ oauth: { clientKeyFrom: 'body' } });
	});

	test('the authorize URL carries client_key, comma-separated scopes and disable_auto_auth', async () => {
		const session = await connect();
		const url = new URL(session.authorizeUrl);
		expect(`${url.origin}${url.pathname}`).toBe(`${context.emu.baseUrl}/v2/auth/authorize/`);
		expect(url.searchParams.get('client_key')).toBe(context.emu.app.clientKey);
		expect(url.searchParams.get('scope')).toBe('user.info.basic,video.publish,video.upload');
		expect(url.searchParams.get('disable_auto_auth')).toBe('1');
		expect(url.searchParams.get('redirect_uri')).toBe(N8N_REDIRECT_URI);
	});

	test('the scopes the user picks are the scopes requested', async () => {
		const draftsOnly = await connect({
			postingScopes: 'video.upload',
			additionalScopes: ['video.list'],
		});
		expect(new URL(draftsOnly.authorizeUrl).searchParams.get('scope')).toBe(
			'user.info.basic,video.upload,video.list',
		);
		// A form saved with nothing picked still asks for what the node needs
		const empty = await connect({ postingScopes: '', additionalScopes: [] });
		expect(new URL(empty.authorizeUrl).searchParams.get('scope')).toBe(
			'user.info.basic,video.publish,video.upload',
		);
	});

	test('the code exchange sends client_key in the body and TikTok accepts it', async () => {
		const { emu } = context;
		const before = emu.tokenRequests.length;
		const session = await connect();
		await completeOAuth2Callback(session);

		const [exchange] = emu.tokenRequests.slice(before);
		expect(exchange).toMatchObject({
			grantType: 'authorization_code',
			clientKeyFrom: 'body',
			result: 'ok',
		});
		const stored = session.store.data(session.credentialId).oauthTokenData as Record<
			string,
			string
		>;
		expect(stored.access_token).toMatch(/^act\./);
		expect(stored.refresh_token).toMatch(/^rft\./);
		expect(stored.open_id).toBe(emu.defaultAccount.openId);

		// The connected credential works: Get Creator Info
		const run = await runNode({
			credentials: session.store,
			node: { ...tikTokNode(getInfo, 'oAuth2', session.credentialId) },
		});
		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({
			canPost: true,
			nickname: emu.defaultAccount.nickname,
		});
	});
});

describe('TikTok OAuth2 API credential refresh by n8n-core', () => {
	test('when TikTok reads client_key from the query string, n8n-core refreshes and stores the rotated token', async () => {
		const { emu } = context;
		emu.updateSettings({ oauth: { clientKeyFrom: 'bodyOrQuery', rotation: 'strict' } });
		const tokens = emu.issueTokens();
		emu.expireAccessToken(tokens.access_token);
		const before = emu.tokenRequests.length;

		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, tokens) },
			node: tikTokNode(getInfo),
		});

		expect(run.error).toBeUndefined();
		expect(run.output[0].json.canPost).toBe(true);
		const refreshes = emu.tokenRequests.slice(before);
		expect(refreshes).toHaveLength(1);
		expect(refreshes[0]).toMatchObject({
			grantType: 'refresh_token',
			clientKeyFrom: 'query',
			result: 'ok',
		});
		const stored = run.credentials.store.data('cred').oauthTokenData as Record<string, string>;
		expect(stored.refresh_token).toMatch(/^rft\./);
		expect(stored.refresh_token).not.toBe(tokens.refresh_token);
		expect(stored.access_token).not.toBe(tokens.access_token);

		// The next execution uses the stored tokens without refreshing again
		const next = await runNode({ credentials: run.credentials.store, node: tikTokNode(getInfo) });
		expect(next.error).toBeUndefined();
		expect(emu.tokenRequests.slice(before)).toHaveLength(1);
		for (const secret of [
			tokens.access_token,
			tokens.refresh_token,
			stored.refresh_token,
			emu.app.clientSecret,
		]) {
			expect(run.logText).not.toContain(secret);
		}
	});

	test('when TikTok reads client_key only from the body, the refresh fails and the error says what to do', async () => {
		const { emu } = context;
		emu.updateSettings({ oauth: { clientKeyFrom: 'body' } });
		const tokens = emu.issueTokens();
		emu.expireAccessToken(tokens.access_token);
		const before = emu.tokenRequests.length;

		const run = await runNode({
			credentials: { cred: oAuth2Credential(emu, tokens) },
			node: tikTokNode(getInfo),
		});

		expect(emu.tokenRequests.slice(before)).toEqual([
			expect.objectContaining({
				grantType: 'refresh_token',
				clientKeyFrom: 'none',
				clientKeyInQuery: true,
			}),
		]);
		expect(run.error).toBeDefined();
		const text = `${run.error!.message} ${run.error!.description ?? ''}`;
		expect(run.error!.message).toMatch(
			/^n8n could not refresh the TikTok access token: Client authentication failed/,
		);
		expect(run.error!.description).toMatch(/click "Reconnect"/);
		expect(run.error!.description).toMatch(/use the TikTok Refresh Token API credential/);
		expect(text).not.toContain(tokens.refresh_token);
		expect(text).not.toContain(emu.app.clientSecret);
	});
});
