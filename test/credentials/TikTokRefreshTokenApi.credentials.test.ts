import { runNode } from '../harness';
import {
	authorizationCodeFrom,
	N8N_REDIRECT_URI,
	refreshTokenCredential,
	tikTokNode,
	useEmulator,
} from '../helpers/tikTok';

const context = useEmulator();
const getInfo = tikTokNode({ resource: 'creator', operation: 'getInfo' }, 'refreshToken');

describe('TikTok Refresh Token API credential', () => {
	beforeEach(() => {
		// TikTok's current docs: client_key only in the body, strict rotation
		context.emu.updateSettings({ oauth: { clientKeyFrom: 'body', rotation: 'strict' } });
	});

	test('exchanges a pasted authorization code on first use and stores the tokens, clearing the code', async () => {
		const { emu } = context;
		const code = await authorizationCodeFrom(emu);
		const before = emu.tokenRequests.length;

		const run = await runNode({
			credentials: {
				cred: refreshTokenCredential(emu, {
					authorizationCode: code,
					redirectUri: N8N_REDIRECT_URI,
				}),
			},
			node: getInfo,
		});

		expect(run.error).toBeUndefined();
		expect(run.output[0].json).toMatchObject({
			canPost: true,
			nickname: emu.defaultAccount.nickname,
		});
		expect(emu.tokenRequests.slice(before)).toEqual([
			expect.objectContaining({
				grantType: 'authorization_code',
				clientKeyFrom: 'body',
				result: 'ok',
			}),
		]);
		const stored = run.credentials.store.data('cred');
		expect(stored.accessToken).toMatch(/^act\./);
		expect(stored.refreshToken).toMatch(/^rft\./);
		expect(stored.authorizationCode).toBe('');
		expect(stored.openId).toBe(emu.defaultAccount.openId);
		for (const secret of [
			code,
			stored.accessToken as string,
			stored.refreshToken as string,
			emu.app.clientSecret,
		]) {
			expect(run.logText).not.toContain(secret);
		}

		// A second execution reuses the stored access token: no token request at all
		const again = await runNode({ credentials: run.credentials.store, node: getInfo });
		expect(again.error).toBeUndefined();
		expect(emu.tokenRequests.slice(before)).toHaveLength(1);
	});

	test('refreshes an expired access token with client_key in the body and stores the rotated refresh token', async () => {
		const { emu } = context;
		const tokens = emu.issueTokens();
		const credential = refreshTokenCredential(emu, {
			refreshToken: tokens.refresh_token,
			accessToken: tokens.access_token,
		});
		emu.expireAccessToken(tokens.access_token);
		const before = emu.tokenRequests.length;

		const run = await runNode({ credentials: { cred: credential }, node: getInfo });

		expect(run.error).toBeUndefined();
		expect(emu.tokenRequests.slice(before)).toEqual([
			expect.objectContaining({ grantType: 'refresh_token', clientKeyFrom: 'body', result: 'ok' }),
		]);
		const stored = run.credentials.store.data('cred');
		expect(stored.refreshToken).toMatch(/^rft\./);
		expect(stored.refreshToken).not.toBe(tokens.refresh_token);
		expect(stored.accessToken).not.toBe(tokens.access_token);
		expect(run.credentials.preAuthenticationCalls).toContainEqual(
			expect.objectContaining({ credentialsExpired: true, persisted: true }),
		);

		// The old refresh token is dead (strict rotation); the stored one works for the next refresh
		emu.expireAccessToken(stored.accessToken as string);
		const next = await runNode({ credentials: run.credentials.store, node: getInfo });
		expect(next.error).toBeUndefined();
		expect(emu.tokenRequests.slice(before).map((r) => r.result)).toEqual(['ok', 'ok']);
	});

	test('a refused refresh token gives a message that says how to get a new grant, without secrets', async () => {
		const { emu } = context;
		const tokens = emu.issueTokens();
		emu.expireRefreshToken(tokens.refresh_token);

		const run = await runNode({
			credentials: { cred: refreshTokenCredential(emu, { refreshToken: tokens.refresh_token }) },
			node: getInfo,
		});

		expect(run.error?.message).toMatch(
			/^TikTok refused to refresh the access token \(invalid_grant/,
		);
		expect(run.error?.message).toMatch(/paste it into "Authorization Code"/);
		const text = `${run.error?.message} ${run.error?.description ?? ''}`;
		expect(text).not.toContain(tokens.refresh_token);
		expect(text).not.toContain(emu.app.clientSecret);
	});

	test('a used authorization code is refused with a clear message', async () => {
		const { emu } = context;
		const code = await authorizationCodeFrom(emu);
		const credential = refreshTokenCredential(emu, {
			authorizationCode: code,
			redirectUri: N8N_REDIRECT_URI,
		});
		const first = await runNode({ credentials: { cred: credential }, node: getInfo });
		expect(first.error).toBeUndefined();

		const reused = await runNode({ credentials: { cred: credential }, node: getInfo });
		expect(reused.error?.message).toMatch(
			/^TikTok refused to exchange the authorization code \(invalid_grant/,
		);
		expect(reused.error?.message).toMatch(/single-use/);
		expect(reused.error?.message).not.toContain(code);
	});

	test('a credential with neither a refresh token nor a code says what to paste', async () => {
		const { emu } = context;
		const before = emu.tokenRequests.length;
		const run = await runNode({
			credentials: { cred: refreshTokenCredential(emu, {}) },
			node: getInfo,
		});
		expect(run.error?.message).toMatch(/neither a Refresh Token nor an Authorization Code/);
		expect(emu.tokenRequests.length).toBe(before);
	});

	test('a stale editor form (used code, no tokens) saved over the credential does not lose the grant', async () => {
		const { emu } = context;
		const code = await authorizationCodeFrom(emu);
		const first = await runNode({
			credentials: {
				cred: refreshTokenCredential(emu, {
					authorizationCode: code,
					redirectUri: N8N_REDIRECT_URI,
				}),
			},
			node: getInfo,
		});
		expect(first.error).toBeUndefined();
		const saved = first.credentials.store.data('cred');

		// What n8n stores when the dialog that created the credential is saved again: the form's fields (the
		// used code in clear, no refresh or access token), with n8n keeping only oauthTokenData from before
		const staleForm = refreshTokenCredential(emu, {
			authorizationCode: code,
			redirectUri: N8N_REDIRECT_URI,
		});
		staleForm.data.oauthTokenData = saved.oauthTokenData;
		const before = emu.tokenRequests.length;

		const run = await runNode({ credentials: { cred: staleForm }, node: getInfo });

		expect(run.error).toBeUndefined();
		expect(emu.tokenRequests.slice(before)).toEqual([
			expect.objectContaining({ grantType: 'refresh_token', clientKeyFrom: 'body', result: 'ok' }),
		]);
		expect(JSON.stringify(saved.oauthTokenData)).not.toContain(code);
	});

	test('a new code pasted while the access token is still valid is exchanged on the next request, not hours later', async () => {
		const { emu } = context;
		const tokens = emu.issueTokens();
		const credential = refreshTokenCredential(emu, {
			refreshToken: tokens.refresh_token,
			accessToken: tokens.access_token,
		});
		const code = await authorizationCodeFrom(
			emu,
			N8N_REDIRECT_URI,
			'user.info.basic,video.publish,video.upload,video.list',
		);
		credential.data.authorizationCode = code;
		credential.data.redirectUri = N8N_REDIRECT_URI;
		const before = emu.tokenRequests.length;

		const run = await runNode({ credentials: { cred: credential }, node: getInfo });

		expect(run.error).toBeUndefined();
		expect(emu.tokenRequests.slice(before)).toEqual([
			expect.objectContaining({
				grantType: 'authorization_code',
				clientKeyFrom: 'body',
				result: 'ok',
			}),
		]);
		const stored = run.credentials.store.data('cred');
		expect(stored.authorizationCode).toBe('');
		expect(stored.accessToken).not.toBe(tokens.access_token);
		expect(run.logText).not.toContain('pending-authorization-code');
	});
});
