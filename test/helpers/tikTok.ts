/**
 * Shared set-up for tests that run the package's nodes against the TikTok emulator through the harness:
 * credential fixtures pointing at the emulator, and the node definition. Import the harness first.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { CredentialFixture, HarnessNode } from '../harness';
import { startEmulator, type TikTokEmulator } from '../emulator';
import type { EmulatorOptions, TokenResponse } from '../emulator/types';

export const TIKTOK_NODE_TYPE = 'n8n-nodes-tiktok-publisher.tikTok';
export const N8N_INSTANCE = 'https://n8n.example.com';
export const N8N_REDIRECT_URI = `${N8N_INSTANCE}/rest/oauth2-credential/callback`;

export type Authentication = 'oAuth2' | 'refreshToken';

/** Starts an emulator for the file's tests and closes it afterwards. */
export function useEmulator(options?: EmulatorOptions): { readonly emu: TikTokEmulator } {
	const holder = {} as { emu: TikTokEmulator };
	beforeAll(async () => {
		holder.emu = await startEmulator(options);
	});
	afterAll(async () => {
		await holder.emu?.close();
	});
	return holder;
}

/** A connected TikTok OAuth2 API credential, as n8n stores it after the Connect flow. */
export function oAuth2Credential(
	emu: TikTokEmulator,
	tokens: TokenResponse = emu.issueTokens(),
): CredentialFixture {
	return {
		type: 'tikTokOAuth2Api',
		name: 'TikTok account',
		data: {
			clientId: emu.app.clientKey,
			clientSecret: emu.app.clientSecret,
			useCustomHost: true,
			customHost: emu.baseUrl,
			oauthTokenData: { ...tokens },
		},
	};
}

/** A TikTok Refresh Token API credential holding a refresh token (or an authorization code). */
export function refreshTokenCredential(
	emu: TikTokEmulator,
	grant: {
		refreshToken?: string;
		authorizationCode?: string;
		redirectUri?: string;
		accessToken?: string;
	},
): CredentialFixture {
	return {
		type: 'tikTokRefreshTokenApi',
		name: 'TikTok refresh token',
		data: {
			clientKey: emu.app.clientKey,
			clientSecret: emu.app.clientSecret,
			useCustomHost: true,
			customHost: emu.baseUrl,
			...grant,
		},
	};
}

/** The TikTok node with the given parameters, using credential `cred` of the chosen authentication. */
export function tikTokNode(
	parameters: INodeParameters,
	authentication: Authentication = 'oAuth2',
	credentialId = 'cred',
): Omit<HarnessNode, 'name'> {
	const credentialType = authentication === 'oAuth2' ? 'tikTokOAuth2Api' : 'tikTokRefreshTokenApi';
	return {
		type: TIKTOK_NODE_TYPE,
		parameters: authentication === 'oAuth2' ? parameters : { authentication, ...parameters },
		credentials: { [credentialType]: { id: credentialId, name: 'TikTok' } },
	};
}

/** Approves the app on the emulator's authorize page and returns the one-time code TikTok would redirect with. */
export async function authorizationCodeFrom(
	emu: TikTokEmulator,
	redirectUri = N8N_REDIRECT_URI,
	scopes = 'user.info.basic,video.publish,video.upload',
): Promise<string> {
	const url = new URL('/v2/auth/authorize/', emu.baseUrl);
	url.search = new URLSearchParams({
		client_key: emu.app.clientKey,
		response_type: 'code',
		scope: scopes,
		redirect_uri: redirectUri,
		state: 'test-state',
	}).toString();
	const response = await fetch(url, { redirect: 'manual' });
	const location = response.headers.get('location');
	const code = location ? new URL(location).searchParams.get('code') : null;
	if (!code)
		throw new Error(`The emulator's authorize page answered ${response.status} without a code`);
	return code;
}

/** What a harness run shows a user or logs: outputs, the error's message and description, n8n's log. */
export interface VisibleRun {
	output?: unknown;
	error?: { message: string; description?: string | null };
	logText: string;
}

/** Everything a user could see or that n8n logged: outputs, error, logs. */
export function visibleText(run: VisibleRun): string {
	return [
		JSON.stringify(run.output),
		run.error ? `${run.error.message} ${run.error.description}` : '',
		run.logText,
	].join('\n');
}

/** Nothing the node output, threw or logged contains any of `secrets`. */
export function expectNoSecrets(run: VisibleRun, secrets: string[]): void {
	const said = visibleText(run);
	for (const secret of secrets) expect(said).not.toContain(secret);
}
