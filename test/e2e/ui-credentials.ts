/**
 * The TikTok credentials the way a user meets them: the real n8n editor, served by `n8n start`, in Debian's
 * chromium driven by playwright-core, against the TikTok emulator. Run once per n8n line, after the CLI
 * suite (n8n1.e2e.ts, n8n2.e2e.ts), in its own user folder and with its own emulator.
 *
 * - TikTok OAuth2 API: created from Credentials > Create credential, Client Key/Secret and the custom API
 *   host typed in, n8n's OAuth Redirect URL (read from the dialog) registered with the emulator's app, then
 *   "Connect my account" (1.x) / "Connect" (2.x): the popup goes to the emulator's authorize page, which
 *   302s to n8n's /rest/oauth2-credential/callback with the browser's session, n8n exchanges the code and
 *   the popup closes. Then a Get Creator Info workflow runs from the editor with that credential.
 * - TikTok Refresh Token API: a one-time code pasted, Save, the connection test n8n runs after saving; then
 *   a later edit-and-save in a dialog opened before the refresh token rotated elsewhere.
 * - The two editor behaviours the Refresh Token credential is built around (see below): a second Save in
 *   the creating dialog, and a code pasted while the access token is still valid.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`, or CHROMIUM=/path): without it the cases are
 * listed as skipped. E2E_UPDATE_SCREENSHOTS=1 writes the connected OAuth2 dialog to docs/connect-tiktok.png.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	chromium,
	type BrowserContext,
	type Locator,
	type Page,
	type Request,
} from 'playwright-core';

import type { EmulatorAccount, EmulatorProcess } from '../../scripts/e2e/emulator';
import { setUpEnvironment, type Environment } from '../../scripts/e2e/environment';
import { REPO_ROOT, type LineKey } from '../../scripts/e2e/install-n8n';
import { nodeOutput, runError, type ExecutionRun, type N8n } from '../../scripts/e2e/n8n';
import { tail, waitFor } from '../../scripts/e2e/processes';
import { template } from '../../scripts/e2e/templates';
import {
	CHROMIUM_LAUNCH_OPTIONS,
	CHROMIUM_PATH as CHROMIUM,
	escapeRegExp,
	isLoopback,
} from '../../scripts/e2e/chromium';

/** Registered for the emulator's default app: the redirect URI of a code pasted into the Refresh Token credential */
const PASTED_CODE_REDIRECT_URI = 'https://n8n.example.com/rest/oauth2-credential/callback';
const SCOPES = ['user.info.basic', 'video.publish', 'video.upload'];
/** What n8n sends back in place of a stored password field it redacted (n8n-workflow's CREDENTIAL_BLANKING_VALUE) */
const REDACTED = '__n8n_BLANK_VALUE_e5362baf-c777-4d57-a609-6eaf1f9e87f6';
const TESTED_OK = 'Connection tested successfully';
const TESTED_FAILED = /Couldn.t connect with these settings/;

/**
 * Two editor behaviours the Refresh Token credential is built around (1.x and 2.x alike):
 *
 * n8n's editor never reloads the form after Save and sends only non-default values, so a second Save in the
 * dialog that created the credential writes back the code typed there (already exchanged) and no refresh
 * or access token. The credential keeps its live grant in oauthTokenData, which n8n carries over on every
 * save, and remembers the codes it has spent.
 *
 * n8n runs preAuthentication in a credential test only when the form's access token is empty or the test
 * request answers 401. While a pasted code waits, the credential's authenticate sends a token TikTok
 * refuses, so the code is exchanged on Save rather than hours later, when it has expired.
 */

interface TokenRequestRecord {
	grantType: string;
	clientKeyFrom: 'body' | 'query' | 'none';
	result: string;
}

interface TestResult {
	status: 'OK' | 'Error';
	message: string;
}

type CredentialData = Record<string, unknown>;

export function defineUiCredentialsSuite(line: LineKey): void {
	const available = existsSync(CHROMIUM);
	if (!available)
		process.stderr.write(
			`[e2e] no chromium at ${CHROMIUM}: the editor cases are skipped (apt-get install -y chromium)\n`,
		);

	(available ? describe : describe.skip)(
		`TikTok credentials in the real n8n editor (${line}, chromium)`,
		() => {
			let env: Environment;
			let n8n: N8n;
			let emulator: EmulatorProcess;
			let base: string;
			let browser: BrowserContext;
			let page: Page;
			let profile: string;
			let account: EmulatorAccount;
			/** Every /rest/credentials request the editor sent (method, path, body), for assertions on what it sends */
			const sent: Array<{ method: string; path: string; body: string }> = [];
			const state: { oauthId?: string; rtId?: string; rtWorkflowId?: string } = {};

			const tokenRequestCount = async () =>
				(await emulator.get<TokenRequestRecord[]>('token-requests/')).length;
			const tokenRequestsSince = async (count: number) =>
				(await emulator.get<TokenRequestRecord[]>('token-requests/')).slice(count);
			const stored = async (id: string): Promise<CredentialData> =>
				(await n8n.exportCredential(id)).data;
			const dialog = (): Locator => page.locator('[data-test-id="editCredential-modal"]');
			const input = (name: string): Locator =>
				dialog().locator(`[data-test-id="parameter-input-${name}"] input`).first();

			/** On failure: a screenshot of the page and the server's output tail in the error. */
			async function step<T>(what: string, body: () => Promise<T>): Promise<T> {
				try {
					return await body();
				} catch (error) {
					const shot = join(tmpdir(), `tiktok-ui-e2e-${line}-${Date.now()}.png`);
					const saved = await page?.screenshot({ path: shot, fullPage: true }).then(
						() => `\nThe page at the failure: ${shot}`,
						() => '',
					);
					const { stdout, stderr } = n8n?.serverOutput() ?? { stdout: '', stderr: '' };
					(error as Error).message =
						`${what}: ${(error as Error).message}${saved}\n--- n8n server output (tail) ---\n${tail(`${stdout}\n${stderr}`, 30)}`;
					throw error;
				}
			}

			/** Credentials > Create credential > pick the type > Continue, as a user does; returns when the form shows. */
			async function openNewCredential(typeDisplayName: string, firstField: string): Promise<void> {
				await page.goto(`${base}home/credentials`, { waitUntil: 'load', timeout: 60_000 });
				await page
					.locator('[data-test-id="add-resource-credential"]')
					.first()
					.click({ timeout: 60_000 });
				await page
					.locator('[data-test-id="new-credential-type-select"] input')
					.first()
					.fill(typeDisplayName.split(' ').slice(0, 2).join(' '));
				// 1.x lists .el-select-dropdown__item, 2.x [data-test-id=new-credential-type-select-option]
				await page
					.locator(
						'[data-test-id="new-credential-type-select-option"]:visible, .el-select-dropdown__item:visible',
					)
					.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(typeDisplayName)}\\s*$`) })
					.first()
					.click({ timeout: 15_000 });
				await page.locator('[data-test-id="new-credential-type-button"]').click();
				await input(firstField).waitFor({ state: 'visible', timeout: 30_000 });
			}

			/** Opens a saved credential from the Credentials list (n8n tests it on opening); returns that test's result. */
			async function openSavedCredential(name: string, firstField: string): Promise<TestResult> {
				await page.goto(`${base}home/credentials`, { waitUntil: 'load', timeout: 60_000 });
				return await credentialTestAfter(async () => {
					await page.getByText(name, { exact: true }).first().click({ timeout: 30_000 });
					await input(firstField).waitFor({ state: 'visible', timeout: 30_000 });
				});
			}

			/** The connection test n8n runs after `action` (opening or saving a credential), once the dialog shows its outcome. */
			async function credentialTestAfter(action: () => Promise<void>): Promise<TestResult> {
				const tested = page.waitForResponse((r) => r.url().endsWith('/rest/credentials/test'), {
					timeout: 60_000,
				});
				await action();
				const result = ((await (await tested).json()) as { data: TestResult }).data;
				await dialog()
					.getByText(result.status === 'OK' ? TESTED_OK : TESTED_FAILED)
					.first()
					.waitFor({ timeout: 30_000 });
				return result;
			}

			async function switchOn(name: string): Promise<void> {
				const toggle = dialog()
					.locator(`[data-test-id="parameter-input-${name}"] .el-switch`)
					.first();
				if (!/\bis-checked\b/.test((await toggle.getAttribute('class')) ?? ''))
					await toggle.click();
				await waitFor(
					`${name} to be on`,
					async () =>
						/\bis-checked\b/.test((await toggle.getAttribute('class')) ?? '') ? true : undefined,
					{
						timeoutMs: 5_000,
					},
				);
			}

			/** A new TikTok Refresh Token API credential, filled as a user fills it: app keys, pasted code, emulator host. */
			async function fillNewRefreshTokenCredential(code: string): Promise<void> {
				const { info } = emulator;
				await openNewCredential('TikTok Refresh Token API', 'clientKey');
				await input('clientKey').fill(info.clientKey);
				await input('clientSecret').fill(info.clientSecret);
				await input('authorizationCode').fill(code);
				await input('redirectUri').fill(PASTED_CODE_REDIRECT_URI);
				await switchOn('useCustomHost');
				await input('customHost').fill(info.baseUrl);
			}

			/** Clicks Save and returns the connection test n8n runs after saving, once the dialog shows its outcome. */
			async function saveAndTest(): Promise<TestResult> {
				return await credentialTestAfter(
					async () => await dialog().locator('[data-test-id="credential-save-button"]').click(),
				);
			}

			async function closeDialog(): Promise<void> {
				await page.keyboard.press('Escape');
				await dialog().waitFor({ state: 'hidden', timeout: 10_000 });
			}

			/** The id of the newest credential of a type (the one just created in the UI). */
			async function newestCredentialId(type: string): Promise<string> {
				const list =
					await n8n.restGet<Array<{ id: string; type: string; createdAt: string }>>('credentials');
				const ofType = list
					.filter((c) => c.type === type)
					.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
				if (!ofType[0]) throw new Error(`No ${type} credential was saved`);
				return ofType[0].id;
			}

			/** A Get Creator Info workflow using a credential, saved through n8n's REST API as the editor saves one. */
			async function creatorInfoWorkflow(
				name: string,
				authentication: 'oAuth2' | 'refreshToken',
				credentialId: string,
			): Promise<string> {
				const type = authentication === 'oAuth2' ? 'tikTokOAuth2Api' : 'tikTokRefreshTokenApi';
				const { id: _fixedId, ...workflow } = template<Record<string, unknown>>(
					'workflows/creator-info.json',
					{
						id: 'unused',
						name,
						authentication,
						credentials: { [type]: { id: credentialId, name } },
					},
				);
				return (await n8n.restPost<{ id: string }>('workflows', workflow)).id;
			}

			/**
			 * Opens the workflow in a second tab, clicks "Execute workflow" and waits for the execution n8n stores;
			 * returns its status and run data.
			 */
			async function executeInEditor(
				workflowId: string,
			): Promise<{ status: string; run: ExecutionRun }> {
				const known = new Set((await n8n.executionsOf(workflowId)).map((e) => e.id));
				const tab = await browser.newPage();
				try {
					await tab.goto(`${base}workflow/${workflowId}`, { waitUntil: 'load', timeout: 60_000 });
					const button = tab.locator('[data-test-id="execute-workflow-button"]').first();
					await button.waitFor({ state: 'visible', timeout: 60_000 });
					await button.click();
					const execution = await waitFor(
						`an execution of workflow ${workflowId} to finish`,
						async () => {
							const fresh = (await n8n.executionsOf(workflowId)).find((e) => !known.has(e.id));
							return fresh && !['running', 'new', 'waiting'].includes(fresh.status)
								? fresh
								: undefined;
						},
						{ timeoutMs: 60_000, intervalMs: 500 },
					);
					return { status: execution.status, run: await n8n.executionRun(execution.id) };
				} finally {
					await tab.close();
				}
			}

			const errorText = (run: ExecutionRun): string => {
				const error = runError(run);
				return error ? `${error.message ?? ''}\n${error.description ?? ''}` : '';
			};

			beforeAll(async () => {
				// The CLI suite of the same line built dist/ just before: rebuild only if sources changed since
				env = await setUpEnvironment({
					line,
					build: 'ifStale',
					emulatorArgs: ['--port', '0', '--upload-port', '0'],
				});
				n8n = env.n8n;
				emulator = env.emulator!;
				account = await emulator.defaultAccount();
				const started = Date.now();
				base = await n8n.startServer();
				env.timings.server = Math.round((Date.now() - started) / 100) / 10;
				const cookie = await n8n.ownerSession();

				profile = mkdtempSync(join(tmpdir(), 'tiktok-ui-e2e-chromium-'));
				browser = await chromium.launchPersistentContext(profile, CHROMIUM_LAUNCH_OPTIONS);
				await browser.route(
					'**/*',
					async (route) =>
						await (isLoopback(route.request().url()) ? route.continue() : route.abort()),
				);
				await browser.addCookies([{ name: 'n8n-auth', value: cookie, url: base }]);
				browser.setDefaultTimeout(30_000);
				page = await browser.newPage();
				page.on('request', (request: Request) => {
					const url = new URL(request.url());
					if (url.pathname.startsWith('/rest/credentials'))
						sent.push({
							method: request.method(),
							path: url.pathname,
							body: request.postData() ?? '',
						});
				});
				process.stderr.write(
					`[e2e] ${line} editor ready: ${JSON.stringify(env.timings)} (seconds)\n`,
				);
			}, 15 * 60_000);

			afterAll(async () => {
				await browser?.close().catch(() => undefined);
				await env?.dispose();
				if (profile) rmSync(profile, { recursive: true, force: true });
			}, 60_000);

			test(
				'TikTok OAuth2 API: "Connect my account" in the editor goes through TikTok\'s authorize page and n8n\'s callback, and the account is connected',
				async () => {
					const { info } = emulator;
					const popupUrls: string[] = [];
					await step('creating the OAuth2 credential in the editor', async () => {
						await openNewCredential('TikTok OAuth2 API', 'clientId');
						await input('clientId').fill(info.clientKey);
						await input('clientSecret').fill(info.clientSecret);
						await switchOn('useCustomHost');
						await input('customHost').fill(info.baseUrl);
					});

					// The redirect URL n8n shows is the one to register in the TikTok app: register it with the emulator's
					const redirectUrl = (
						await dialog().locator('[data-test-id="copy-input"]').first().innerText()
					).trim();
					expect(redirectUrl).toBe(`${base}rest/oauth2-credential/callback`);
					const app = (await emulator.get<{ apps: Array<{ redirectUris: string[] }> }>('state/'))
						.apps[0];
					await emulator.post('app/', { redirectUris: [...app.redirectUris, redirectUrl] });

					const before = await tokenRequestCount();
					await step('connecting the account', async () => {
						const record = (request: Request) => {
							if (/\/v2\/auth\/authorize\/|\/rest\/oauth2-credential\/callback/.test(request.url()))
								popupUrls.push(request.url());
						};
						browser.on('request', record);
						try {
							const popup = browser.waitForEvent('page', { timeout: 30_000 });
							popup.catch(() => undefined);
							// 1.x: "Connect my account"; 2.x: "Connect" in the not-connected banner
							await dialog()
								.locator(
									'[data-test-id="oauth-connect-button"], [data-test-id="quick-connect-button"]',
								)
								.first()
								.click();
							const window = await popup;
							await window.waitForEvent('close', { timeout: 60_000 }).catch(async () => {
								throw new Error(
									`The OAuth popup did not close; it shows ${window.url()}:\n${(await window.content().catch(() => '')).slice(0, 2000)}`,
								);
							});
						} finally {
							browser.off('request', record);
						}
						await dialog().getByText('Account connected').first().waitFor({ timeout: 30_000 });
					});

					// The popup went to TikTok's (the emulator's) authorize page with client_key, then to n8n's callback with a code
					const authorize = new URL(
						popupUrls.find((u) => u.startsWith(`${info.baseUrl}/v2/auth/authorize/`))!,
					);
					expect(authorize.searchParams.get('client_key')).toBe(info.clientKey);
					expect(authorize.searchParams.get('redirect_uri')).toBe(redirectUrl);
					expect(authorize.searchParams.get('scope')).toBe(SCOPES.join(','));
					const callback = new URL(popupUrls.find((u) => u.startsWith(redirectUrl))!);
					expect(callback.searchParams.get('code')).toBeTruthy();

					// n8n exchanged the code with client_key in the form body
					expect(await tokenRequestsSince(before)).toEqual([
						expect.objectContaining({
							grantType: 'authorization_code',
							clientKeyFrom: 'body',
							result: 'ok',
						}),
					]);
					state.oauthId = await newestCredentialId('tikTokOAuth2Api');
					const tokens = (await stored(state.oauthId)).oauthTokenData as Record<string, unknown>;
					expect(tokens).toMatchObject({
						access_token: expect.stringMatching(/^act\./),
						refresh_token: expect.stringMatching(/^rft\./),
						open_id: account.openId,
					});

					const shot = join(n8n.userFolder, 'connect-tiktok.png');
					await page.mouse.move(5, 5);
					await dialog().screenshot({ path: shot, timeout: 15_000 });
					if (process.env.E2E_UPDATE_SCREENSHOTS === '1')
						copyFileSync(shot, join(REPO_ROOT, 'docs', 'connect-tiktok.png'));
					await closeDialog();
				},
				3 * 60_000,
			);

			test(
				'TikTok OAuth2 API: a Get Creator Info workflow with the connected credential runs from the editor',
				async () => {
					expect(state.oauthId).toBeDefined();
					const workflowId = await creatorInfoWorkflow(
						'Creator info (connected in the editor)',
						'oAuth2',
						state.oauthId!,
					);
					const { status, run } = await step('executing the workflow in the editor', () =>
						executeInEditor(workflowId),
					);
					expect(errorText(run)).toBe('');
					expect(status).toBe('success');
					expect(nodeOutput(run, 'Get Creator Info')[0]).toMatchObject({
						canPost: true,
						nickname: account.nickname,
					});
				},
				3 * 60_000,
			);

			test(
				"TikTok Refresh Token API: Save with a pasted code runs n8n's connection test, which exchanges the code (client_key in the body) and stores the tokens",
				async () => {
					const code = await emulator.authorizationCode({
						redirectUri: PASTED_CODE_REDIRECT_URI,
						scopes: SCOPES,
					});
					await step('creating the Refresh Token credential in the editor', async () => {
						await fillNewRefreshTokenCredential(code);
					});
					const before = await tokenRequestCount();
					const result = await step('saving', saveAndTest);
					// What the user sees: n8n's test after saving, run with the form's data (access token empty: preAuthentication runs)
					expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
					expect(await tokenRequestsSince(before)).toEqual([
						expect.objectContaining({
							grantType: 'authorization_code',
							clientKeyFrom: 'body',
							result: 'ok',
						}),
					]);

					state.rtId = await newestCredentialId('tikTokRefreshTokenApi');
					const data = await stored(state.rtId);
					expect(data).toMatchObject({ authorizationCode: '', openId: account.openId });
					expect(data.accessToken).toMatch(/^act\./);
					expect(data.refreshToken).toMatch(/^rft\./);
					await closeDialog();
				},
				3 * 60_000,
			);

			test(
				'TikTok Refresh Token API: editing and saving a dialog opened before the refresh token rotated keeps the rotated refresh token',
				async () => {
					expect(state.rtId).toBeDefined();
					const id = state.rtId!;
					state.rtWorkflowId = await creatorInfoWorkflow(
						'Creator info (Refresh Token credential from the editor)',
						'refreshToken',
						id,
					);

					// Opening the credential tests it: with a stored access token, no token request (preAuthentication not run)
					let before = await tokenRequestCount();
					const onOpen = await step('opening the saved credential', () =>
						openSavedCredential('TikTok Refresh Token account', 'clientKey'),
					);
					expect(onOpen).toEqual({ status: 'OK', message: 'Connection successful!' });
					expect(await tokenRequestsSince(before)).toEqual([]);

					// While the dialog stays open, the access token expires and a run elsewhere refreshes: the refresh token rotates
					const atOpen = await stored(id);
					await emulator.post('tokens/expire/', { token: atOpen.accessToken });
					before = await tokenRequestCount();
					const elsewhere = await step('running the workflow in another tab', () =>
						executeInEditor(state.rtWorkflowId!),
					);
					expect(errorText(elsewhere.run)).toBe('');
					expect(elsewhere.status).toBe('success');
					expect(await tokenRequestsSince(before)).toEqual([
						expect.objectContaining({
							grantType: 'refresh_token',
							clientKeyFrom: 'body',
							result: 'ok',
						}),
					]);
					const rotated = await stored(id);
					expect(rotated.refreshToken).not.toBe(atOpen.refreshToken);

					// Now the user edits another field in the stale dialog and saves
					await input('customHost').fill(`${emulator.info.baseUrl}/`);
					sent.length = 0;
					before = await tokenRequestCount();
					const result = await step('saving the edited credential', saveAndTest);
					expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });

					// The editor sent both tokens redacted (the access token is a password field, as n8n's scanner
					// requires): n8n puts the stored, rotated ones back, so the stale dialog overwrites neither
					const patch = sent.find((r) => r.method === 'PATCH');
					const form = (JSON.parse(patch!.body) as { data: CredentialData }).data;
					expect(form.refreshToken).toBe(REDACTED);
					expect(form.accessToken).toBe(REDACTED);
					// So the test's request went out with the live access token: no refresh was needed
					expect(await tokenRequestsSince(before)).toEqual([]);
					const after = await stored(id);
					expect(after.refreshToken).toBe(rotated.refreshToken);
					expect(after.accessToken).toBe(rotated.accessToken);
					expect(after.customHost).toBe(`${emulator.info.baseUrl}/`);
					// No code pending (the form's empty field may be stored as '' or left out)
					expect(after.authorizationCode ?? '').toBe('');
					await closeDialog();
				},
				4 * 60_000,
			);

			test(
				`TikTok Refresh Token API, ${'grant kept'}: a second Save in the dialog that created the credential keeps it working`,
				async () => {
					const { info } = emulator;
					const code = await emulator.authorizationCode({
						redirectUri: PASTED_CODE_REDIRECT_URI,
						scopes: SCOPES,
					});
					await step('creating a second Refresh Token credential', async () => {
						await fillNewRefreshTokenCredential(code);
					});
					expect(await step('saving', saveAndTest)).toEqual({
						status: 'OK',
						message: 'Connection successful!',
					});
					const id = await newestCredentialId('tikTokRefreshTokenApi');
					const first = await stored(id);
					expect(first.refreshToken).toMatch(/^rft\./);

					// Same dialog, one more edit, Save again
					await input('customHost').fill(`${info.baseUrl}/`);
					sent.length = 0;
					const before = await tokenRequestCount();
					const second = await step('saving again', saveAndTest);
					const atSecondSave = await tokenRequestsSince(before);
					const patch = (
						JSON.parse(sent.find((r) => r.method === 'PATCH')!.body) as { data: CredentialData }
					).data;
					// The form still holds what was typed: the (exchanged) code in clear, no refresh or access token
					expect(patch.authorizationCode).toBe(code);
					expect(patch).not.toHaveProperty('refreshToken');
					const data = await stored(id);
					const workflowId = await creatorInfoWorkflow(
						'Creator info (saved twice)',
						'refreshToken',
						id,
					);
					const { status, run } = await step('running a workflow with it', () =>
						executeInEditor(workflowId),
					);

					// The dialog's own test sees only the stale form (the used code): it says so, and why
					expect(second.status).toBe('Error');
					expect(second.message).toMatch(
						/Saved twice from the same dialog\? The first save already exchanged the code/,
					);
					expect(atSecondSave).toEqual([
						expect.objectContaining({ grantType: 'authorization_code', result: 'invalid_grant' }),
					]);
					// ...but the credential keeps its grant, and the workflow runs
					expect(data.oauthTokenData).toEqual(
						expect.objectContaining({ refresh_token: expect.stringMatching(/^rft\./) }),
					);
					expect(status).toBe('success');
					expect(nodeOutput(run, 'Get Creator Info')[0]).toMatchObject({ canPost: true });
					await closeDialog();
				},
				4 * 60_000,
			);

			// Last: it moves the emulator's clock 2 hours on
			test(
				`TikTok Refresh Token API, code exchanged on Save: a new code pasted into a credential whose access token is still valid is exchanged at once`,
				async () => {
					expect(state.rtId).toBeDefined();
					const id = state.rtId!;
					await step('opening the credential', () =>
						openSavedCredential('TikTok Refresh Token account', 'clientKey'),
					);
					// For example to grant one more scope (video.list for the TikTok Polling Trigger)
					const code = await emulator.authorizationCode({
						redirectUri: PASTED_CODE_REDIRECT_URI,
						scopes: [...SCOPES, 'video.list'],
					});
					await input('authorizationCode').fill(code);
					let before = await tokenRequestCount();
					const saved = await step('saving the new code', saveAndTest);
					expect(saved).toEqual({ status: 'OK', message: 'Connection successful!' });
					const atSave = await tokenRequestsSince(before);
					const data = await stored(id);
					await closeDialog();

					// Two hours later: the access token has expired (and the code, after 10 minutes)
					await emulator.post('clock/advance/', { ms: 2 * 3600_000 + 60_000 });
					before = await tokenRequestCount();
					const { status, run } = await step('running the workflow two hours later', () =>
						executeInEditor(state.rtWorkflowId!),
					);
					const later = await tokenRequestsSince(before);

					expect(atSave).toEqual([
						expect.objectContaining({
							grantType: 'authorization_code',
							clientKeyFrom: 'body',
							result: 'ok',
						}),
					]);
					expect(data.authorizationCode).toBe('');
					expect(status).toBe('success');
					expect(nodeOutput(run, 'Get Creator Info')[0]).toMatchObject({ canPost: true });
					expect(later).toEqual([
						expect.objectContaining({ grantType: 'refresh_token', result: 'ok' }),
					]);
				},
				4 * 60_000,
			);
		},
	);
}
