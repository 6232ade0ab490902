/**
 * What the user is told when a request fails right after n8n renewed the access token: TikTok answered the
 * first attempt with 401, n8n refreshed (OAuth2 refresh, or the refresh-token credential's preAuthentication)
 * and sent the request again. The answer to that second request is what counts: a lost answer to a publish
 * init may mean the post exists, and TikTok's error code and log ID must reach the user.
 */
import { runNode } from '../../../harness';
import {
	oAuth2Credential,
	refreshTokenCredential,
	tikTokNode,
	type Authentication,
} from '../../../helpers/tikTok';
import { startTestEmulator } from '../../TikTok/actions/video/publishKit';
import type { TikTokEmulator } from '../../../emulator';

let emu: TikTokEmulator;
beforeAll(async () => {
	emu = await startTestEmulator();
	// TikTok reading client_key from the token URL's query string is what lets n8n's own OAuth2 refresh work
	emu.updateSettings({ oauth: { clientKeyFrom: 'bodyOrQuery' } });
});
afterAll(async () => {
	await emu.close();
});
afterEach(() => emu.faults.clear());

const DRAFT_FROM_URL = {
	resource: 'video',
	operation: 'publish',
	postMode: 'draft',
	source: 'url',
	videoUrl: 'https://media.example.com/videos/clip.mp4',
};

/** A draft publish whose access token has expired, so that the init is answered 401 first. */
async function publishWithExpiredToken(
	authentication: Authentication,
	continueOnFail = false,
	timeoutMs?: number,
) {
	const tokens = emu.issueTokens();
	emu.expireAccessToken(tokens.access_token);
	const credential =
		authentication === 'oAuth2'
			? oAuth2Credential(emu, tokens)
			: refreshTokenCredential(emu, {
					refreshToken: tokens.refresh_token,
					accessToken: tokens.access_token,
				});
	const tokenRequestsBefore = emu.tokenRequests.length;
	const result = await runNode({
		timeoutMs,
		credentials: { cred: credential },
		node: { ...tikTokNode(DRAFT_FROM_URL, authentication), continueOnFail },
	});
	return { result, refreshes: emu.tokenRequests.length - tokenRequestsBefore };
}

/**
 * The init sent with the renewed token, for both credentials: our attempt (401, kept for its body), n8n's
 * attempt with the old token (401, then the refresh), then the renewed one. The first two created nothing.
 */
const RENEWED_INIT = 3;

describe.each<Authentication>(['oAuth2', 'refreshToken'])(
	'with the %s credential',
	(authentication) => {
		test('the answer to an init re-sent after the token refresh is lost: the user is told a post may exist, not to reconnect', async () => {
			const tasksBefore = emu.tasks.length;
			emu.faults.add({ target: 'inboxInit', nth: RENEWED_INIT, phase: 'after', drop: true });
			const { result, refreshes } = await publishWithExpiredToken(authentication);
			expect(refreshes).toBe(1);
			expect(emu.tasks.length - tasksBefore).toBe(1);
			expect(result.error?.message).toMatch(/unknown whether TikTok created the post/);
			expect(result.error?.description).toMatch(
				/^TikTok may have created the post even though its answer was lost/,
			);
			expect(`${result.error?.message} ${result.error?.description}`).not.toMatch(
				/could not refresh|Reconnect/i,
			);
		});

		test('a refusal of an init re-sent after the token refresh says what happened instead of blaming the custom host', async () => {
			emu.faults.add({
				target: 'inboxInit',
				nth: RENEWED_INIT,
				status: 403,
				body: {
					data: {},
					error: {
						code: 'spam_risk_too_many_pending_share',
						message: '',
						log_id: '20260101000000ABCDEFABCDEFABCDEFABCD',
					},
				},
			});
			const { result, refreshes } = await publishWithExpiredToken(authentication, true);
			expect(refreshes).toBe(1);
			// n8n throws the re-sent request's answer, and its NodeApiError keeps no text body: TikTok's code is lost
			expect(result.output[0].json).toMatchObject({ code: 'http_403' });
			expect(result.output[0].json.error).toMatch(
				/^TikTok refused the request with HTTP 403 just after n8n renewed the access token/,
			);
			expect(result.output[0].json.description).toMatch(
				/run the item again to see TikTok's reason/,
			);
			expect(result.output[0].json.description).not.toMatch(/custom API host/);
		});

		test('a 429 on an init re-sent after the token refresh is waited out, and Stop during the wait sends nothing more', async () => {
			// n8n keeps no response headers on that path, so the node waits TikTok's one-minute window
			emu.faults.add({
				target: 'inboxInit',
				nth: RENEWED_INIT,
				status: 429,
				headers: { 'Retry-After': '0' },
			});
			const tasksBefore = emu.tasks.length;
			const initsBefore = emu.initCalls();
			const started = Date.now();
			await expect(publishWithExpiredToken(authentication, true, 2_000)).rejects.toThrow(
				/did not finish within 2000 ms/,
			);
			expect(Date.now() - started).toBeLessThan(10_000);
			await new Promise((resolve) => setTimeout(resolve, 1_000));
			expect(emu.initCalls() - initsBefore).toBe(RENEWED_INIT);
			expect(emu.tasks.length - tasksBefore).toBe(0);
		});
	},
);
