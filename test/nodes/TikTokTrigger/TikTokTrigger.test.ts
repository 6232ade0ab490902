import type { IDataObject } from 'n8n-workflow';

import type { CredentialFixtures } from '../../harness';
import { logger, n8nLine } from '../../harness';
import { startWebhookTrigger, type WebhookTriggerHarness } from '../../harness/triggers';
import { startEmulator, type TikTokEmulator, type WebhookDeliverOptions } from '../../emulator';
import { oAuth2Credential, refreshTokenCredential } from '../../helpers/tikTok';

/**
 * The TikTok Trigger as n8n's server runs it: activated through its webhook methods, then every request
 * the emulator signs and posts goes through n8n-core's WebhookContext and n8n's response rules.
 */

const TRIGGER_TYPE = 'n8n-nodes-tiktok-publisher.tikTokTrigger';
const PUBLISH_ID = 'v_pub_file~v2-1.7602997070760331285';
const POST_ID = '7602997517160123666';
const PUBLIC_CONTENT = { publish_id: PUBLISH_ID, publish_type: 'DIRECT_PUBLISH', post_id: POST_ID };

let emu: TikTokEmulator;
let trigger: WebhookTriggerHarness | undefined;

beforeEach(async () => {
	emu = await startEmulator({ webhookRetry: { baseDelayMs: 20, factor: 1, maxAttempts: 3 } });
});

afterEach(async () => {
	await trigger?.close();
	trigger = undefined;
	await emu.close();
});

function oauth2Credentials(
	options: { scopes?: string[]; withOpenId?: boolean } = {},
): CredentialFixtures {
	const fixture = oAuth2Credential(
		emu,
		emu.issueTokens(undefined, options.scopes ? { scopes: options.scopes } : {}),
	);
	if (options.withOpenId === false) delete (fixture.data.oauthTokenData as IDataObject).open_id;
	return { c1: fixture };
}

async function activate(
	parameters: Record<string, unknown> = {},
	credentials = oauth2Credentials(),
) {
	const authentication =
		Object.values(credentials)[0].type === 'tikTokRefreshTokenApi' ? 'refreshToken' : 'oAuth2';
	trigger = await startWebhookTrigger({
		node: {
			type: TRIGGER_TYPE,
			parameters: { authentication, ...parameters },
			credentials: { [Object.values(credentials)[0].type]: { id: 'c1', name: 'TikTok' } },
		},
		credentials,
	});
	return trigger;
}

async function deliver(options: Partial<WebhookDeliverOptions> & { event?: string } = {}) {
	if (!trigger) throw new Error('activate first');
	const result = await emu.webhooks.deliver({
		url: trigger.productionUrl,
		event: 'post.publish.publicly_available',
		content: PUBLIC_CONTENT,
		...options,
	});
	await trigger.idle();
	return result;
}

/** The items of every workflow run the trigger started so far. */
function startedItems() {
	return (trigger?.deliveries ?? []).flatMap((delivery) => delivery.items ?? []);
}

describe(`TikTok Trigger on n8n ${n8nLine}.x`, () => {
	describe('activation', () => {
		test('registers nothing at TikTok: prepares the connected account and reports the production URL', async () => {
			const t = await activate();
			expect(t.activation).toEqual({ existed: false, created: true });
			expect(t.staticData()['node:Trigger']).toEqual({
				webhookUrl: t.productionUrl,
				connectedAccount: {
					credentialId: 'c1',
					openId: emu.defaultAccount.openId,
					username: 'emu.creator',
				},
			});
			// No TikTok endpoint exists for callback URLs: only the account lookups reached the API
			expect(emu.requests.map((request) => request.path)).toEqual([
				'/v2/post/publish/creator_info/query/',
			]);
		});

		test('a later activation (n8n restart) with the same URL and credential skips create', async () => {
			const first = await activate();
			const port = Number(new URL(first.productionUrl).port);
			const webhookId = first.productionUrl.split('/webhook/')[1].split('/')[0];
			const staticData = first.staticData();
			await first.close();
			const requestsBefore = emu.requests.length;
			trigger = await startWebhookTrigger({
				node: {
					type: TRIGGER_TYPE,
					webhookId,
					credentials: { tikTokOAuth2Api: { id: 'c1', name: 'TikTok' } },
				},
				credentials: oauth2Credentials(),
				staticData,
				port,
			});
			expect(trigger.productionUrl).toBe(first.productionUrl);
			expect(trigger.activation).toEqual({ existed: true, created: undefined });
			expect(emu.requests.length).toBe(requestsBefore);
			await deliver();
			expect(startedItems()[0].shareUrl).toBe(
				`https://www.tiktok.com/@emu.creator/video/${POST_ID}`,
			);
		});

		test('deactivating forgets the account and stops answering, so TikTok would redeliver later', async () => {
			const t = await activate();
			expect(await t.deactivate()).toBe(true);
			expect(t.staticData()['node:Trigger']).toEqual({});
			const result = await deliver();
			expect(result.status).toBe(404);
		});
	});

	describe('signature verification', () => {
		test('a valid event answers 200 and starts exactly one run with one item', async () => {
			await activate();
			const result = await deliver();
			expect(result.status).toBe(200);
			// The node answers itself, before n8n starts the run
			expect(JSON.parse(result.body)).toEqual({ received: true });
			expect(trigger?.deliveries[0].result?.noWebhookResponse).toBe(true);
			expect(trigger?.deliveries).toHaveLength(1);
			expect(startedItems()).toEqual([
				{
					event: 'post.publish.publicly_available',
					eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
					publishId: PUBLISH_ID,
					postId: POST_ID,
					publishType: 'DIRECT_PUBLISH',
					reason: null,
					reasonDescription: null,
					shareUrl: `https://www.tiktok.com/@emu.creator/video/${POST_ID}`,
					userOpenId: emu.defaultAccount.openId,
					clientKey: emu.app.clientKey,
					createTime: expect.any(Number),
					content: PUBLIC_CONTENT,
				},
			]);
			const run = await trigger?.deliveries[0].run?.done;
			expect(run?.data.resultData.error).toBeUndefined();
			expect(run?.data.resultData.runData.Trigger[0].data?.main[0]).toHaveLength(1);
		});

		const nowSeconds = () => Math.floor(Date.now() / 1000);
		test.each([
			['a flipped signature digit', () => ({ tamper: 'signature' as const }), 'signature_mismatch'],
			['a body changed after signing', () => ({ tamper: 'body' as const }), 'signature_mismatch'],
			["another app's secret", () => ({ secret: 'not-the-client-secret' }), 'signature_mismatch'],
			['no TikTok-Signature header', () => ({ omitHeader: true }), 'missing_signature'],
			['a timestamp 301 s old', () => ({ timestamp: nowSeconds() - 301 }), 'stale_timestamp'],
			['a timestamp 310 s ahead', () => ({ timestamp: nowSeconds() + 310 }), 'stale_timestamp'],
		])('%s answers 401 and starts nothing', async (_label, options, reason) => {
			await activate();
			const result = await deliver(options());
			expect(result.status).toBe(401);
			expect(JSON.parse(result.body)).toEqual({ error: 'unauthorized', reason });
			expect(trigger?.deliveries[0].result).toEqual({ noWebhookResponse: true });
			expect(startedItems()).toEqual([]);
		});

		test('the tolerance is adjustable', async () => {
			await activate({ options: { timestampToleranceSeconds: 3600 } });
			expect((await deliver({ timestamp: Math.floor(Date.now() / 1000) - 1800 })).status).toBe(200);
			expect(startedItems()).toHaveLength(1);
		});

		test('a rejected request leaves the duplicate memory alone: the genuine delivery still gets through', async () => {
			await activate();
			expect((await deliver({ tamper: 'signature' })).status).toBe(401);
			expect((await deliver()).status).toBe(200);
			expect(startedItems()).toHaveLength(1);
		});
	});

	describe('duplicates', () => {
		test('an identical redelivery answers 200 and starts nothing', async () => {
			await activate();
			const result = await deliver({ duplicate: 2 });
			expect([result.status, ...result.duplicates.map((d) => d.status)]).toEqual([200, 200, 200]);
			expect(JSON.parse(result.duplicates[0].body)).toEqual({
				received: true,
				ignored: 'duplicate',
			});
			expect(startedItems()).toHaveLength(1);
		});

		test('a retry re-signed with a fresh timestamp is still the same event', async () => {
			await activate();
			const createTime = Math.floor(Date.now() / 1000) - 120;
			await deliver({ createTime, timestamp: createTime });
			const retry = await deliver({ createTime, timestamp: Math.floor(Date.now() / 1000) });
			expect(retry.status).toBe(200);
			expect(JSON.parse(retry.body)).toEqual({ received: true, ignored: 'duplicate' });
			expect(startedItems()).toHaveLength(1);
		});

		test("TikTok's own at-least-once deliveries (lifecycle events sent twice) start one run", async () => {
			await activate({ events: ['authorization.removed'] });
			emu.webhooks.callbackUrl = trigger?.productionUrl;
			emu.webhooks.retry.duplicate = 1;
			emu.revoke({ openId: emu.defaultAccount.openId, reason: 1 });
			await emu.webhooks.idle();
			await trigger?.idle();
			expect(emu.webhooks.deliveries.map((d) => d.status)).toEqual([200, 200]);
			expect(startedItems()).toEqual([
				expect.objectContaining({
					event: 'authorization.removed',
					reason: 1,
					reasonDescription: 'The user disconnected the app in TikTok',
					publishId: null,
					postId: null,
				}),
			]);
		});

		test('different events for the same post are not duplicates', async () => {
			await activate();
			await deliver({
				event: 'post.publish.complete',
				content: { publish_id: PUBLISH_ID, publish_type: 'DIRECT_PUBLISH' },
			});
			await deliver();
			expect(startedItems().map((item) => item.event)).toEqual([
				'post.publish.complete',
				'post.publish.publicly_available',
			]);
		});
	});

	describe('event filter', () => {
		test('by default only post.publish.complete and publicly_available start the workflow', async () => {
			await activate();
			const failed = await deliver({
				event: 'post.publish.failed',
				content: { publish_id: PUBLISH_ID, reason: 'internal', publish_type: 'DIRECT_PUBLISH' },
			});
			expect(failed.status).toBe(200);
			expect(JSON.parse(failed.body)).toEqual({ received: true, ignored: 'event_not_selected' });
			const ping = await emu.webhooks.ping(trigger?.productionUrl);
			await trigger?.idle();
			expect(ping.status).toBe(200);
			await deliver({
				event: 'post.publish.complete',
				content: { publish_id: PUBLISH_ID, publish_type: 'DIRECT_PUBLISH' },
			});
			expect(startedItems().map((item) => item.event)).toEqual(['post.publish.complete']);
		});

		test('chosen events, with TikTok\'s "publicaly" spelling', async () => {
			await activate({
				events: ['post.publish.failed', 'post.publish.no_longer_publicaly_available'],
			});
			await deliver({
				event: 'post.publish.failed',
				content: {
					publish_id: PUBLISH_ID,
					reason: 'spam_risk_text',
					publish_type: 'DIRECT_PUBLISH',
				},
			});
			await deliver({
				event: 'post.publish.no_longer_publicaly_available',
				content: PUBLIC_CONTENT,
			});
			await deliver();
			expect(startedItems()).toEqual([
				expect.objectContaining({
					event: 'post.publish.failed',
					reason: 'spam_risk_text',
					reasonDescription: expect.stringMatching(/risky/),
				}),
				expect.objectContaining({
					event: 'post.publish.no_longer_publicaly_available',
					postId: POST_ID,
				}),
			]);
		});

		test('"All Events" also lets the portal\'s test ping through', async () => {
			await activate({ events: ['*'] });
			await emu.webhooks.ping(trigger?.productionUrl);
			await trigger?.idle();
			expect(startedItems()).toEqual([
				expect.objectContaining({ event: 'tiktok.ping', reason: 'testing Webhook', postId: null }),
			]);
		});

		test('a signed body that is not an event is acknowledged and ignored', async () => {
			await activate({ events: ['*'] });
			// webhooks.deliver always builds an envelope: an empty event name is the closest to "not an event"
			const result = await deliver({ event: '' });
			expect(JSON.parse(result.body)).toEqual({ received: true, ignored: 'not_an_event' });
			expect(startedItems()).toEqual([]);
		});
	});

	describe('connected account filter', () => {
		test('ignores events of other accounts of the same app', async () => {
			await activate({ options: { onlyConnectedAccount: true } });
			const other = await deliver({ userOpenId: 'some-other-open-id' });
			expect(JSON.parse(other.body)).toEqual({ received: true, ignored: 'other_account' });
			await deliver();
			expect(startedItems()).toEqual([
				expect.objectContaining({ userOpenId: emu.defaultAccount.openId }),
			]);
		});

		test("without the filter, other accounts' events start the workflow, without a share URL", async () => {
			await activate();
			await deliver({ userOpenId: 'some-other-open-id' });
			expect(startedItems()).toEqual([
				expect.objectContaining({
					userOpenId: 'some-other-open-id',
					postId: POST_ID,
					shareUrl: null,
				}),
			]);
		});

		test('finds the open_id through user info when the OAuth2 token data lacks it', async () => {
			await activate(
				{ options: { onlyConnectedAccount: true } },
				oauth2Credentials({ withOpenId: false }),
			);
			expect(emu.requests.map((request) => request.path)).toContain('/v2/user/info/');
			await deliver();
			expect(startedItems()).toHaveLength(1);
		});

		test('works with the Refresh Token credential (client secret and open_id from it)', async () => {
			const credentials = {
				c1: refreshTokenCredential(emu, { refreshToken: emu.issueTokens().refresh_token }),
			};
			await activate({ options: { onlyConnectedAccount: true } }, credentials);
			await deliver({ userOpenId: 'someone-else' });
			await deliver();
			expect(startedItems()).toEqual([
				expect.objectContaining({
					userOpenId: emu.defaultAccount.openId,
					shareUrl: `https://www.tiktok.com/@emu.creator/video/${POST_ID}`,
				}),
			]);
		});
	});

	describe('content and share URL', () => {
		test('keeps a 19-digit post_id exact even when content carries it as a bare number', async () => {
			await activate();
			await deliver({
				content: `{"publish_id":"${PUBLISH_ID}","publish_type":"DIRECT_PUBLISH","post_id":${POST_ID}}`,
			});
			expect(startedItems()[0]).toMatchObject({ postId: POST_ID, content: { post_id: POST_ID } });
		});

		test('without a scope that reveals the username, events still flow, with shareUrl null', async () => {
			await activate({}, oauth2Credentials({ scopes: ['user.info.basic'] }));
			expect(trigger?.staticData()['node:Trigger']).toMatchObject({
				connectedAccount: { username: null },
			});
			await deliver();
			expect(startedItems()).toEqual([
				expect.objectContaining({ postId: POST_ID, shareUrl: null }),
			]);
		});

		test('falls back to user info (user.info.profile) for the username without video.publish', async () => {
			await activate({}, oauth2Credentials({ scopes: ['user.info.basic', 'user.info.profile'] }));
			await deliver();
			expect(startedItems()[0].shareUrl).toBe(
				`https://www.tiktok.com/@emu.creator/video/${POST_ID}`,
			);
		});
	});

	describe('logs', () => {
		test('say why a request was rejected and that nothing was registered at TikTok, never a secret', async () => {
			const mark = logger.lines.length;
			const credentials = oauth2Credentials();
			await activate({}, credentials);
			await deliver({ tamper: 'signature' });
			await deliver();
			const lines = logger.since(mark);
			expect(lines).toContainEqual(
				expect.objectContaining({
					level: 'warn',
					message: 'TikTok Trigger rejected a request: signature_mismatch',
				}),
			);
			expect(lines).toContainEqual(
				expect.objectContaining({
					level: 'info',
					message: expect.stringContaining('n8n cannot register it at TikTok'),
				}),
			);
			const text = lines.map((line) => line.text).join('\n');
			const tokenData = credentials.c1.data.oauthTokenData as {
				access_token: string;
				refresh_token: string;
			};
			for (const secret of [emu.app.clientSecret, tokenData.access_token, tokenData.refresh_token])
				expect(text).not.toContain(secret);
		});
	});

	describe('setup errors', () => {
		test('the open_id filter fails activation loudly when the account cannot be identified', async () => {
			const credentials = oauth2Credentials({ withOpenId: false });
			emu.faults.add({
				target: 'userInfo',
				status: 400,
				times: 5,
				body: { data: {}, error: { code: 'invalid_params', message: 'no', log_id: 'L' } },
			});
			await expect(
				activate({ options: { onlyConnectedAccount: true } }, credentials),
			).rejects.toThrow('Could not find out which TikTok account the credential belongs to');
		});

		test('a credential without a client secret fails the request (n8n answers 500, TikTok redelivers)', async () => {
			const credentials = oauth2Credentials();
			credentials.c1.data.clientSecret = '';
			await activate({}, credentials);
			const result = await deliver();
			expect(result.status).toBe(500);
			expect(trigger?.deliveries[0].error?.message).toBe(
				'The TikTok credential has no Client Secret',
			);
			expect(startedItems()).toEqual([]);
		});
	});
});
