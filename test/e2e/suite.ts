/**
 * The end-to-end suite, run once per n8n line (n8n1.e2e.ts, n8n2.e2e.ts): a real n8n installed from its
 * pinned manifest, this package packed and installed like n8n's community-package installer does, the
 * TikTok emulator as its own process, and workflows imported and executed with n8n's CLI.
 *
 * Adding a case: a workflow template under templates/workflows/ (or reuse one with other variables), one
 * `workflow(...)` entry in the import list of beforeAll, and a test that executes it and asserts on the
 * node output (nodeOutput), the stored credential (n8n.exportCredential) and what the emulator saw
 * (emulator.get('requests/'), 'token-requests/', 'uploads/<publishId>/', 'tasks/<publishId>/').
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { EmulatorAccount, EmulatorProcess } from '../../scripts/e2e/emulator';
import { capabilities, setUpEnvironment, type Environment } from '../../scripts/e2e/environment';
import type { LineKey } from '../../scripts/e2e/install-n8n';
import { PACKAGE_NAME } from '../../scripts/e2e/package';
import { nodeOutput, runError, type ExecuteResult, type N8n } from '../../scripts/e2e/n8n';
import { tail, waitFor } from '../../scripts/e2e/processes';
import { emulatorOAuth2Credential, id16, template } from '../../scripts/e2e/templates';
import { writeSampleMp4 } from '../fixtures/sampleVideo';

/** Registered for the emulator's default app; any registered URI works for a pasted code */
const REDIRECT_URI = 'https://n8n.example.com/rest/oauth2-credential/callback';
const SCOPES = ['user.info.basic', 'video.publish', 'video.upload'];
/** The large-file case: read by n8n's Read/Write Files node into its filesystem binary store, then streamed */
const BIG_VIDEO_BYTES = 300_000_000;
const SMALL_VIDEO_BYTES = 12_000_000;
const TRIGGER_WEBHOOK_ID = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const SAMPLE_PUBLISH_ID = 'v_pub_file~v2-1.7602997070760331285';

interface TokenPair {
	access_token: string;
	refresh_token: string;
	open_id: string;
}

interface TokenRequestRecord {
	grantType: string;
	clientKeyFrom: 'body' | 'query' | 'none';
	clientKeyInQuery: boolean;
	clientIdSent: boolean;
	result: string;
	httpStatus: number;
}

const ID = {
	oauthValid: id16('CredOAuthValid'),
	oauthRefresh: id16('CredOAuthRefresh'),
	oauthRefreshFail: id16('CredOAuthRefFail'),
	refreshTokenCode: id16('CredRTCode'),
	refreshTokenDead: id16('CredRTDead'),
	wfCreatorOAuth: id16('WfCreatorOAuth'),
	wfCreatorRefresh: id16('WfCreatorRefresh'),
	wfCreatorRefFail: id16('WfCreatorRefFail'),
	wfCreatorRT: id16('WfCreatorRT'),
	wfCreatorRTDead: id16('WfCreatorRTDead'),
	wfVideoBig: id16('WfVideoBig'),
	wfVideoStatus: id16('WfVideoStatus'),
	wfPhotos: id16('WfPhotos'),
	wfPostStats: id16('WfPostStats'),
	wfTrigger: id16('WfTrigger'),
};

interface UploadInspection {
	videoSize: number;
	totalChunkCount: number;
	bytesReceived: number;
	sha256: string;
	complete: boolean;
	sawAuthorizationHeader: boolean;
}

export function defineE2ESuite(line: LineKey): void {
	// Cases for operations the built package does not have yet are skipped (and listed as skipped)
	const caps = capabilities();

	describe(`${PACKAGE_NAME} in a real n8n (${line}), installed from its npm tarball`, () => {
		let env: Environment;
		let n8n: N8n;
		let emulator: EmulatorProcess;
		let account: EmulatorAccount;

		/** Executes a workflow; on an unexpected outcome the error shows n8n's output tail. */
		async function execute(workflowId: string, expectOk = true): Promise<ExecuteResult> {
			const result = await n8n.execute(workflowId);
			if (result.ok !== expectOk) {
				const error = runError(result.run);
				throw new Error(
					[
						`n8n execute --id=${workflowId} ${result.ok ? 'succeeded' : 'failed'}, expected ${expectOk ? 'success' : 'failure'} (exit ${result.cli.code})`,
						error ? `error: ${error.message}\n${error.description ?? ''}` : '',
						'--- n8n stdout (tail) ---',
						tail(result.cli.stdout, 60),
						'--- n8n stderr (tail) ---',
						tail(result.cli.stderr, 60),
						'--- emulator output (tail) ---',
						tail(emulator.output(), 20),
					].join('\n'),
				);
			}
			return result;
		}

		async function tokenRequestsSince(count: number): Promise<TokenRequestRecord[]> {
			const all = await emulator.get<TokenRequestRecord[]>('token-requests/');
			return all.slice(count);
		}

		async function tokenRequestCount(): Promise<number> {
			return (await emulator.get<TokenRequestRecord[]>('token-requests/')).length;
		}

		beforeAll(async () => {
			env = await setUpEnvironment({ line, emulatorArgs: ['--port', '0', '--upload-port', '0'] });
			n8n = env.n8n;
			emulator = env.emulator!;
			account = await emulator.defaultAccount();

			const { info } = emulator;
			const base = {
				clientKey: info.clientKey,
				clientSecret: info.clientSecret,
				baseUrl: info.baseUrl,
			};
			const pair = async (): Promise<TokenPair> => await emulator.post<TokenPair>('tokens/', {});
			const oauth2 = (id: string, name: string, tokens: TokenPair) =>
				emulatorOAuth2Credential(info, id, name, {
					accessToken: tokens.access_token,
					refreshToken: tokens.refresh_token,
					openId: tokens.open_id,
				});
			const refreshToken = (
				id: string,
				name: string,
				fields: { authorizationCode?: string; refreshToken?: string },
			) =>
				template('credentials/refresh-token.json', {
					...base,
					id,
					name,
					authorizationCode: fields.authorizationCode ?? '',
					redirectUri: REDIRECT_URI,
					refreshToken: fields.refreshToken ?? '',
				});

			// Tokens whose access token has expired (the emulator's clock says so), refresh token still valid
			const expired = async (): Promise<TokenPair> => {
				const tokens = await pair();
				await emulator.post('tokens/expire/', { token: tokens.access_token });
				return tokens;
			};

			await n8n.importCredentials([
				emulatorOAuth2Credential(info, ID.oauthValid, 'TikTok OAuth2 (valid token)'),
				oauth2(ID.oauthRefresh, 'TikTok OAuth2 (expired token)', await expired()),
				oauth2(
					ID.oauthRefreshFail,
					'TikTok OAuth2 (expired token, strict TikTok)',
					await expired(),
				),
				refreshToken(ID.refreshTokenCode, 'TikTok Refresh Token (authorization code)', {
					authorizationCode: await emulator.authorizationCode({
						redirectUri: REDIRECT_URI,
						scopes: SCOPES,
					}),
				}),
				refreshToken(ID.refreshTokenDead, 'TikTok Refresh Token (revoked)', {
					refreshToken: 'rft.e2e-revoked-long-ago',
				}),
			]);

			const creatorInfo = (
				id: string,
				name: string,
				authentication: 'oAuth2' | 'refreshToken',
				credentialId: string,
			) =>
				template('workflows/creator-info.json', {
					id,
					name,
					authentication,
					credentials:
						authentication === 'oAuth2'
							? { tikTokOAuth2Api: { id: credentialId, name: 'TikTok' } }
							: { tikTokRefreshTokenApi: { id: credentialId, name: 'TikTok' } },
				});
			const oauth = { tikTokOAuth2Api: { id: ID.oauthValid, name: 'TikTok' } };
			const operationWorkflows = (): object[] => [
				...(caps.videoPublish
					? [
							template('workflows/publish-video-file.json', {
								id: ID.wfVideoBig,
								name: 'Publish a 300 MB video from disk',
								authentication: 'oAuth2',
								credentials: oauth,
								filePath: join(env.dataDir, 'e2e-big.mp4'),
								postMode: 'directPost',
								title: 'e2e: 300 MB through n8n #n8n',
								privacyLevel: 'PUBLIC_TO_EVERYONE',
								options: {
									waitForCompletion: true,
									waitTimeoutSeconds: 300,
									pollIntervalSeconds: 2,
								},
							}),
						]
					: []),
				...(caps.videoPublish && caps.postGetStatus
					? [
							template('workflows/publish-then-status.json', {
								id: ID.wfVideoStatus,
								name: 'Publish, then Get Status with waiting',
								authentication: 'oAuth2',
								credentials: oauth,
								filePath: join(env.dataDir, 'e2e-small.mp4'),
								title: 'e2e: status',
								privacyLevel: 'PUBLIC_TO_EVERYONE',
							}),
						]
					: []),
				...(caps.photoPublish
					? [
							template('workflows/publish-photos.json', {
								id: ID.wfPhotos,
								name: 'Publish photos',
								authentication: 'oAuth2',
								credentials: oauth,
								photoUrls: [
									'https://media.example.com/e2e/1.jpg',
									'https://media.example.com/e2e/2.webp',
								],
								title: 'e2e photos',
								description: 'Two photos from n8n #n8n',
								privacyLevel: 'PUBLIC_TO_EVERYONE',
								options: {
									waitForCompletion: true,
									waitTimeoutSeconds: 120,
									pollIntervalSeconds: 2,
								},
							}),
						]
					: []),
				...(caps.videoGet ? [postStatsExample(ID.wfPostStats, oauth)] : []),
				...(caps.trigger
					? [
							template('workflows/trigger.json', {
								id: ID.wfTrigger,
								name: 'TikTok Trigger',
								webhookId: TRIGGER_WEBHOOK_ID,
								authentication: 'oAuth2',
								events: ['post.publish.complete', 'post.publish.publicly_available'],
								credentials: oauth,
							}),
						]
					: []),
			];
			await n8n.importWorkflows([
				creatorInfo(ID.wfCreatorOAuth, 'Creator info (OAuth2)', 'oAuth2', ID.oauthValid),
				creatorInfo(
					ID.wfCreatorRefresh,
					'Creator info (OAuth2, refresh)',
					'oAuth2',
					ID.oauthRefresh,
				),
				creatorInfo(
					ID.wfCreatorRefFail,
					'Creator info (OAuth2, refresh refused)',
					'oAuth2',
					ID.oauthRefreshFail,
				),
				creatorInfo(
					ID.wfCreatorRT,
					'Creator info (Refresh Token credential)',
					'refreshToken',
					ID.refreshTokenCode,
				),
				creatorInfo(
					ID.wfCreatorRTDead,
					'Creator info (Refresh Token credential, revoked)',
					'refreshToken',
					ID.refreshTokenDead,
				),
				...operationWorkflows(),
			]);
			process.stderr.write(`[e2e] ${line} ready: ${JSON.stringify(env.timings)} (seconds)\n`);
		}, 45 * 60_000);

		afterAll(async () => {
			await env?.dispose();
		}, 60_000);

		test('Get Creator Info with the TikTok OAuth2 API credential (node type n8n-nodes-tiktok-publisher.tikTok)', async () => {
			const { run } = await execute(ID.wfCreatorOAuth);
			const [item] = nodeOutput(run, 'Get Creator Info');
			expect(item).toMatchObject({
				canPost: true,
				nickname: account.nickname,
				username: account.username,
			});
			expect(item.privacyLevelOptions).toEqual(expect.arrayContaining(['SELF_ONLY']));
		});

		test('Refresh Token credential, first use: n8n exchanges the pasted authorization code and stores the tokens', async () => {
			const before = await tokenRequestCount();
			const { run } = await execute(ID.wfCreatorRT);
			expect(nodeOutput(run, 'Get Creator Info')[0]).toMatchObject({
				canPost: true,
				nickname: account.nickname,
			});

			const exchanges = await tokenRequestsSince(before);
			expect(exchanges).toEqual([
				expect.objectContaining({
					grantType: 'authorization_code',
					clientKeyFrom: 'body',
					result: 'ok',
				}),
			]);

			const stored = (await n8n.exportCredential(ID.refreshTokenCode)).data;
			expect(stored.authorizationCode).toBe('');
			expect(stored.refreshToken).toMatch(/^rft\./);
			expect(stored.accessToken).toMatch(/^act\./);
			expect(stored.openId).toBe(account.openId);
		});

		test('Refresh Token credential, later: an expired access token is refreshed (client_key in the body) and the rotated refresh token is stored', async () => {
			const first = (await n8n.exportCredential(ID.refreshTokenCode)).data;
			await emulator.post('tokens/expire/', { token: first.accessToken });
			const before = await tokenRequestCount();

			const { run } = await execute(ID.wfCreatorRT);
			expect(nodeOutput(run, 'Get Creator Info')[0]).toMatchObject({
				canPost: true,
				nickname: account.nickname,
			});
			expect(await tokenRequestsSince(before)).toEqual([
				expect.objectContaining({
					grantType: 'refresh_token',
					clientKeyFrom: 'body',
					result: 'ok',
				}),
			]);

			const second = (await n8n.exportCredential(ID.refreshTokenCode)).data;
			expect(second.refreshToken).toMatch(/^rft\./);
			expect(second.refreshToken).not.toBe(first.refreshToken);
			expect(second.accessToken).not.toBe(first.accessToken);

			// The stored tokens are the live ones: the next run needs no refresh
			const again = await tokenRequestCount();
			await execute(ID.wfCreatorRT);
			expect(await tokenRequestCount()).toBe(again);
		});

		test('Refresh Token credential: a refresh token TikTok refuses gives one attempt and an error that says to paste a new code', async () => {
			const before = await tokenRequestCount();
			const { run } = await execute(ID.wfCreatorRTDead, false);
			const error = runError(run)!;
			const text = `${error.message}\n${error.description ?? ''}`;
			expect(text).toMatch(/TikTok refused to refresh the access token \(invalid_grant/);
			expect(text).toMatch(/Authorization Code/);
			expect(text).not.toMatch(/Could not reach TikTok/);
			expect(text).not.toContain(emulator.info.clientSecret);
			// Exactly one token request: a refused refresh is not retried
			expect(await tokenRequestsSince(before)).toEqual([
				expect.objectContaining({
					grantType: 'refresh_token',
					clientKeyFrom: 'body',
					result: 'invalid_grant',
				}),
			]);
		});

		test('OAuth2 credential: n8n refreshes an expired token, TikTok reading client_key from the query accepts, n8n stores the rotated refresh token', async () => {
			await emulator.post('settings/', { oauth: { clientKeyFrom: 'bodyOrQuery' } });
			try {
				const original = (await n8n.exportCredential(ID.oauthRefresh)).data
					.oauthTokenData as Record<string, string>;
				const before = await tokenRequestCount();
				const { run } = await execute(ID.wfCreatorRefresh);
				expect(nodeOutput(run, 'Get Creator Info')[0]).toMatchObject({
					canPost: true,
					nickname: account.nickname,
				});

				expect(await tokenRequestsSince(before)).toEqual([
					expect.objectContaining({
						grantType: 'refresh_token',
						clientKeyFrom: 'query',
						clientKeyInQuery: true,
						result: 'ok',
					}),
				]);
				const stored = (await n8n.exportCredential(ID.oauthRefresh)).data.oauthTokenData as Record<
					string,
					string
				>;
				expect(stored.refresh_token).toMatch(/^rft\./);
				expect(stored.refresh_token).not.toBe(original.refresh_token);
				expect(stored.access_token).not.toBe(original.access_token);
			} finally {
				await emulator.post('settings/', { oauth: { clientKeyFrom: 'body' } });
			}
		});

		test('OAuth2 credential: when TikTok reads client_key only from the body, the refresh fails and the error says what to do', async () => {
			const before = await tokenRequestCount();
			const { run } = await execute(ID.wfCreatorRefFail, false);
			const error = runError(run)!;
			const text = `${error.message}\n${error.description ?? ''}`;
			expect(text).toMatch(/refresh/i);
			expect(text).toMatch(/Reconnect/);
			expect(text).toMatch(/Refresh Token/);
			// No secret leaks into what the user sees
			expect(text).not.toMatch(/rft\.|act\./);
			expect(text).not.toContain(emulator.info.clientSecret);
			// Exactly one token request: a refused refresh is not retried
			expect(await tokenRequestsSince(before)).toEqual([
				expect.objectContaining({
					grantType: 'refresh_token',
					clientKeyFrom: 'none',
					clientKeyInQuery: true,
				}),
			]);
		});

		(caps.videoPublish ? test : test.skip)(
			'Publish Video: a 300 MB file read by the Read/Write Files node (filesystem binary mode) reaches TikTok byte-exact',
			async () => {
				const file = join(env.dataDir, 'e2e-big.mp4');
				const sha256 = await writeSampleMp4(file, BIG_VIDEO_BYTES, { durationSec: 30 });
				try {
					const { run } = await execute(ID.wfVideoBig);
					const binary = run?.data.resultData.runData['Read Video File']?.[0]?.data?.main[0]?.[0]
						?.binary?.data as { id?: string } | undefined;
					expect(binary?.id).toMatch(/^filesystem/);

					const [item] = nodeOutput(run, 'Publish Video');
					expect(item).toMatchObject({ status: 'PUBLISH_COMPLETE' });
					const upload = item.upload as { bytes: number; chunks: number };
					expect(upload.bytes).toBe(BIG_VIDEO_BYTES);

					const received = await emulator.get<UploadInspection>(
						`uploads/${encodeURIComponent(String(item.publishId))}/`,
					);
					expect(received).toMatchObject({
						complete: true,
						videoSize: BIG_VIDEO_BYTES,
						bytesReceived: BIG_VIDEO_BYTES,
						sha256,
						sawAuthorizationHeader: false,
					});
					expect(upload.chunks).toBe(received.totalChunkCount);
				} finally {
					rmSync(file, { force: true });
				}
			},
			10 * 60_000,
		);

		(caps.videoPublish && caps.postGetStatus ? test : test.skip)(
			'Get Status with waiting: publish without waiting, then wait for the final status',
			async () => {
				await writeSampleMp4(join(env.dataDir, 'e2e-small.mp4'), SMALL_VIDEO_BYTES, {
					durationSec: 10,
				});
				const { run } = await execute(ID.wfVideoStatus);
				const [published] = nodeOutput(run, 'Publish Video');
				const [status] = nodeOutput(run, 'Get Status');
				expect(status).toMatchObject({
					publishId: published.publishId,
					status: 'PUBLISH_COMPLETE',
					isFinal: true,
				});
				const task = await emulator.get<{ status: string; postIds: string[] }>(
					`tasks/${encodeURIComponent(String(published.publishId))}/`,
				);
				expect(task.status).toBe('PUBLISH_COMPLETE');
			},
		);

		(caps.photoPublish ? test : test.skip)(
			'Publish Photos: a two-photo carousel from verified URLs, waiting for the final status',
			async () => {
				const { run } = await execute(ID.wfPhotos);
				const [item] = nodeOutput(run, 'Publish Photos');
				expect(item).toMatchObject({ status: 'PUBLISH_COMPLETE' });
				const task = await emulator.get<{ kind: string; mediaUrls: string[] }>(
					`tasks/${encodeURIComponent(String(item.publishId))}/`,
				);
				expect(task).toMatchObject({
					kind: 'photo',
					mediaUrls: [
						'https://media.example.com/e2e/1.jpg',
						'https://media.example.com/e2e/2.webp',
					],
				});
			},
		);

		(caps.videoGet ? test : test.skip)(
			'examples/post-stats.json: publish, wait, find the post TikTok does not name in the video list, read its stats',
			async () => {
				// TikTok often reports PUBLISH_COMPLETE without post IDs: the example must find the post itself
				await emulator.post('settings/', { lifecycle: { statusPostIds: 'never' } });
				try {
					const { run } = await execute(ID.wfPostStats);
					const [published] = nodeOutput(run, 'Publish Video');
					const task = await emulator.get<{ postIds: string[] }>(
						`tasks/${encodeURIComponent(String(published.publishId))}/`,
					);
					const [postId] = task.postIds;
					expect(postId).toMatch(/^\d{19}$/);
					expect(published).toMatchObject({
						status: 'PUBLISH_COMPLETE',
						postIds: [postId],
						postIdSource: 'videoList',
						shareUrl: `https://www.tiktok.com/@${account.username}/video/${postId}`,
					});
					const [stats] = nodeOutput(run, 'Get Video Stats');
					expect(stats).toMatchObject({
						postId,
						viewCount: expect.any(Number),
						likeCount: expect.any(Number),
						notFound: [],
					});
				} finally {
					await emulator.post('settings/', { lifecycle: { statusPostIds: 'afterModeration' } });
				}
			},
			5 * 60_000,
		);

		// Last: it starts n8n as a server on the same database
		(caps.trigger ? test : test.skip)(
			'TikTok Trigger in a running n8n: a signed event at the production URL runs the workflow once, a forged one runs nothing',
			async () => {
				await n8n.activateWorkflow(ID.wfTrigger);
				const base = await n8n.startServer();
				try {
					const url = `${base}webhook/${TRIGGER_WEBHOOK_ID}/webhook`;
					// n8n registers an active workflow's webhooks after its REST API answers (2.x can take seconds
					// longer): until then the URL is a 404. An unsigned probe is refused by the node and runs
					// nothing, as the forged event below.
					await waitFor(
						'the production webhook to be registered',
						async () => {
							const probe = await fetch(url, {
								method: 'POST',
								headers: { 'Content-Type': 'application/json' },
								body: '{}',
							}).catch(() => undefined);
							return probe && probe.status !== 404 ? true : undefined;
						},
						{ timeoutMs: 60_000, intervalMs: 500 },
					);
					const event = {
						url,
						event: 'post.publish.complete',
						userOpenId: emulator.info.openId,
						content: { publish_id: SAMPLE_PUBLISH_ID, publish_type: 'DIRECT_PUBLISH' },
					};
					const valid = await emulator.post<{ status: number; body: string }>(
						'webhooks/deliver/',
						event,
					);
					expect(valid.status).toBe(200);
					const forged = await emulator.post<{ status: number; body: string }>(
						'webhooks/deliver/',
						{ ...event, tamper: 'signature' },
					);
					expect(forged.status).toBe(401);

					const executions = await waitFor(
						"the trigger's execution to be stored",
						async () => {
							const list = await n8n.executionsOf(ID.wfTrigger);
							return list.length > 0 &&
								list.every((e) => e.status !== 'running' && e.status !== 'new')
								? list
								: undefined;
						},
						{ timeoutMs: 30_000, intervalMs: 500 },
					);
					// Give a wrongly accepted forged event time to show up too
					await new Promise((r) => setTimeout(r, 2000));
					expect(await n8n.executionsOf(ID.wfTrigger)).toHaveLength(1);
					expect(executions[0]).toMatchObject({ status: 'success', mode: 'webhook' });
					const [item] = nodeOutput(await n8n.executionRun(executions[0].id), 'TikTok Trigger');
					expect(item).toMatchObject({
						event: 'post.publish.complete',
						publishId: SAMPLE_PUBLISH_ID,
						userOpenId: emulator.info.openId,
					});
				} catch (error) {
					const { stdout, stderr } = n8n.serverOutput();
					throw new Error(
						`${(error as Error).message}\n--- n8n server stdout (tail) ---\n${tail(stdout)}\n--- n8n server stderr (tail) ---\n${tail(stderr)}`,
					);
				} finally {
					await n8n.stopServer();
				}
			},
			5 * 60_000,
		);
	});
}

/** examples/post-stats.json as shipped, with an id, the emulator credential and a 2-second poll interval. */
function postStatsExample(id: string, credentials: object): object {
	const workflow = JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'examples', 'post-stats.json'), 'utf8'),
	) as {
		nodes: Array<{
			type: string;
			parameters: { options?: { pollIntervalSeconds?: number } };
			credentials?: object;
		}>;
	};
	for (const node of workflow.nodes) {
		if (node.type !== 'n8n-nodes-tiktok-publisher.tikTok') continue;
		node.credentials = credentials;
		if (node.parameters.options?.pollIntervalSeconds)
			node.parameters.options.pollIntervalSeconds = 2;
	}
	return { ...workflow, id, active: false };
}
