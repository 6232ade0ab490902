/**
 * An OAuth2 credential saved without clicking "Connect my account". n8n fills the missing token data with its
 * default `{}`, so n8n-core never raises its own "OAuth credentials not connected": its OAuth2 client fails to
 * sign the request instead ("Unable to sign without access token"), before anything is sent to TikTok.
 */
import { runNode } from '../../../harness';
import { oAuth2Credential, tikTokNode } from '../../../helpers/tikTok';
import { startTestEmulator } from '../../TikTok/actions/video/publishKit';
import type { TikTokEmulator } from '../../../emulator';

let emu: TikTokEmulator;
beforeAll(async () => {
	emu = await startTestEmulator();
});
afterAll(async () => {
	await emu.close();
});

function notConnectedCredential() {
	const credential = oAuth2Credential(emu);
	delete (credential.data as Record<string, unknown>).oauthTokenData;
	return credential;
}

test('Get Creator Info says to connect the credential, at once, not that TikTok is unreachable', async () => {
	const requestsBefore = emu.requests.length;
	const started = Date.now();
	const run = await runNode({
		credentials: { cred: notConnectedCredential() },
		node: tikTokNode({ resource: 'creator', operation: 'getInfo' }),
	});
	expect(run.error?.message).toBe(
		'The TikTok OAuth2 API credential is not connected to a TikTok account yet',
	);
	expect(run.error?.description).toMatch(/click "Connect my account"/);
	expect(emu.requests.length - requestsBefore).toBe(0);
	// Not retried with backoff like a network error
	expect(Date.now() - started).toBeLessThan(1_000);
});

test('a draft publish says to connect the credential and does not claim that a post may exist', async () => {
	const initsBefore = emu.initCalls();
	const run = await runNode({
		credentials: { cred: notConnectedCredential() },
		node: {
			...tikTokNode({
				resource: 'video',
				operation: 'publish',
				postMode: 'draft',
				source: 'url',
				videoUrl: 'https://media.example.com/videos/clip.mp4',
			}),
			continueOnFail: true,
		},
	});
	expect(emu.initCalls() - initsBefore).toBe(0);
	expect(run.output[0].json).toMatchObject({ code: 'credential_not_connected' });
	expect(run.output[0].json.description).not.toMatch(/may have created the post/);
});
