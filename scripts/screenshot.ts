/**
 * `npm run screenshot`: opens the real n8n editor served by the e2e install in Debian's chromium (driven by
 * playwright-core, no downloaded browser), adds the TikTok node through the node creator exactly as a user
 * does, opens the operation's parameters panel and saves docs/publish-video.png.
 *
 * It also proves that the node's description renders in n8n's UI: a page error, an error toast, a parameter
 * panel that fails to render, or a missing TikTok node in the node creator fails the script (exit 1).
 * With --icons it takes the icon pictures instead (scripts/screenshot-icons.ts, which says what it checks).
 *
 *   npm run screenshot                           Publish Video -> docs/publish-video.png
 *   npm run screenshot -- --action "Get creator info" --out /tmp/creator.png
 *   npm run screenshot -- --theme dark --out /tmp/publish-dark.png   in n8n's dark theme
 *   npm run screenshot -- --icons                the icons in both themes -> docs/icons-light.png, docs/icons-dark.png
 *   npm run screenshot -- --icons --theme dark --out /tmp/icons.png  one theme only
 *   npm run screenshot -- --line n8n2            the same in n8n 2.x
 * Environment: CHROMIUM (default /usr/bin/chromium; `apt-get install -y chromium`).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { CHROMIUM_LAUNCH_OPTIONS, CHROMIUM_PATH, escapeRegExp, isLoopback } from './e2e/chromium';
import { setUpEnvironment, type Environment } from './e2e/environment';
import { cacheRoot, REPO_ROOT, type LineKey } from './e2e/install-n8n';
import { PACKAGE_NAME } from './e2e/package';
import { describeFailure, run } from './e2e/processes';
import { emulatorOAuth2Credential, id16, template } from './e2e/templates';
import { iconsWorkflow, shootIcons, useTheme, type Theme } from './screenshot-icons';

/** The pinned playwright-core used when the project does not have it installed. */
const PLAYWRIGHT_CORE = '1.65.1';

/** The small part of playwright-core's API used here (typed locally: playwright-core is optional). */
interface Locator {
	first(): Locator;
	click(options?: { timeout?: number }): Promise<void>;
	fill(value: string, options?: { timeout?: number }): Promise<void>;
	waitFor(options?: { state?: 'visible' | 'attached' | 'hidden'; timeout?: number }): Promise<void>;
	count(): Promise<number>;
	innerText(options?: { timeout?: number }): Promise<string>;
	isVisible(): Promise<boolean>;
	screenshot(options: { path: string; timeout?: number }): Promise<Buffer>;
	filter(options: { hasText: string | RegExp }): Locator;
	locator(selector: string): Locator;
	getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
}
export interface Page {
	goto(
		url: string,
		options?: { waitUntil?: 'load' | 'domcontentloaded' | 'networkidle'; timeout?: number },
	): Promise<unknown>;
	locator(selector: string): Locator;
	getByText(text: string | RegExp, options?: { exact?: boolean }): Locator;
	keyboard: { press(key: string): Promise<void> };
	mouse: { move(x: number, y: number): Promise<void>; click(x: number, y: number): Promise<void> };
	on(event: 'pageerror', listener: (error: Error) => void): void;
	on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
	waitForTimeout(ms: number): Promise<void>;
	screenshot(options: {
		path?: string;
		fullPage?: boolean;
		clip?: { x: number; y: number; width: number; height: number };
	}): Promise<Buffer>;
	evaluate<T>(fn: () => T): Promise<T>;
	evaluate<T, A>(fn: (arg: A) => T, arg: A): Promise<T>;
	emulateMedia(options: { colorScheme: 'light' | 'dark' }): Promise<void>;
	setContent(html: string): Promise<void>;
}
interface Route {
	request(): { url(): string };
	continue(): Promise<void>;
	abort(): Promise<void>;
}
interface BrowserContext {
	route(url: string, handler: (route: Route) => Promise<void>): Promise<void>;
	addCookies(cookies: Array<{ name: string; value: string; url: string }>): Promise<void>;
	newPage(): Promise<Page>;
	close(): Promise<void>;
}
interface PlaywrightCore {
	chromium: {
		launchPersistentContext(
			userDataDir: string,
			options: {
				executablePath: string;
				headless: boolean;
				args: string[];
				timeout?: number;
				viewport: { width: number; height: number };
				deviceScaleFactor?: number;
			},
		): Promise<BrowserContext>;
	};
}

async function loadPlaywright(): Promise<PlaywrightCore> {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return require('playwright-core') as PlaywrightCore;
	} catch {
		const dir = join(cacheRoot(), `playwright-core-${PLAYWRIGHT_CORE}`);
		const entry = join(dir, 'node_modules', 'playwright-core');
		if (!existsSync(join(entry, 'package.json'))) {
			process.stdout.write(
				`playwright-core is not a dependency of the project: installing ${PLAYWRIGHT_CORE} into ${dir}\n`,
			);
			mkdirSync(dir, { recursive: true });
			const result = await run(
				'npm install playwright-core',
				'npm',
				[
					'install',
					'--no-audit',
					'--no-fund',
					'--no-save',
					'--prefix',
					dir,
					`playwright-core@${PLAYWRIGHT_CORE}`,
				],
				{
					cwd: dir,
					timeoutMs: 5 * 60_000,
				},
			);
			if (result.code !== 0) throw new Error(describeFailure('Installing playwright-core', result));
		}
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		return require(entry) as PlaywrightCore;
	}
}

interface Args {
	line: LineKey;
	action: string;
	out?: string;
	/** n8n's editor theme; unset: the editor's default for the panel (light here), both themes for --icons */
	theme?: Theme;
	icons: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { line: 'n8n1', action: 'Publish a video', icons: false };
	for (let i = 0; i < argv.length; i++) {
		const next = () => {
			const value = argv[++i];
			if (value === undefined) throw new Error(`${argv[i - 1]} needs a value`);
			return value;
		};
		if (argv[i] === '--line') args.line = next() as LineKey;
		else if (argv[i] === '--action') args.action = next();
		else if (argv[i] === '--out') args.out = resolve(next());
		else if (argv[i] === '--icons') args.icons = true;
		else if (argv[i] === '--theme') {
			const theme = next();
			if (theme !== 'light' && theme !== 'dark')
				throw new Error(`--theme is light or dark, not ${theme}`);
			args.theme = theme;
		} else throw new Error(`Unknown option ${argv[i]}`);
	}
	if (args.icons && args.out && !args.theme)
		throw new Error('--icons takes --out only with --theme (one picture)');
	return args;
}

const log = (message: string) => process.stdout.write(`${message}\n`);

/**
 * Fills the panel as a user would for the picture: a caption, and a privacy level picked from the list n8n
 * loads from the connected account (the node's loadOptions, through the credential, against the emulator).
 */
async function fillExample(page: Page): Promise<void> {
	const title = page
		.locator(
			'[data-test-id="parameter-input-title"] textarea, [data-test-id="parameter-input-title"] input',
		)
		.first();
	await title.fill('Behind the scenes of our launch #n8n #automation', { timeout: 10_000 });
	await page
		.locator('[data-test-id="parameter-input-privacyLevel"]')
		.first()
		.click({ timeout: 10_000 });
	const everyone = page
		.locator('.el-select-dropdown__item')
		.filter({ hasText: /Everyone/ })
		.first();
	await everyone.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {
		throw new Error(
			'The Privacy Level list did not load from the account (loadOptions getPrivacyLevels)',
		);
	});
	await everyone.click();
	// Blur the select (a click on the empty input panel) and leave no hover effects in the picture
	await page.mouse.click(270, 760);
	await page.mouse.move(5, 5);
	await page.waitForTimeout(500);
}

export async function main(argv: string[]): Promise<void> {
	const args = parseArgs(argv);
	if (!existsSync(CHROMIUM_PATH))
		throw new Error(
			`No chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM)`,
		);
	const playwright = await loadPlaywright();

	let env: Environment | undefined;
	let browser: BrowserContext | undefined;
	let page: Page | undefined;
	const profile = mkdtempSync(join(tmpdir(), 'tiktok-screenshot-chromium-'));
	try {
		env = await setUpEnvironment({
			line: args.line,
			emulatorArgs: ['--port', '0', '--upload-port', '0'],
			log: (m) => log(`[setup] ${m}`),
		});
		const { info } = env.emulator!;
		// A connected credential (on the emulator) so the panel shows what a user sees after "Connect"
		const oAuth2 = { id: id16('ShotTikTok'), name: 'TikTok account' };
		await env.n8n.importCredentials([emulatorOAuth2Credential(info, oAuth2.id, oAuth2.name)]);
		if (args.icons) {
			// Both credential types in the credentials list, and a workflow with the three nodes
			const refreshToken = template('credentials/refresh-token.json', {
				id: id16('ShotTikTokRT'),
				name: 'TikTok account (refresh token)',
				clientKey: info.clientKey,
				clientSecret: info.clientSecret,
				authorizationCode: '',
				redirectUri: 'https://example.com/tiktok/callback/',
				refreshToken: info.refreshToken,
				baseUrl: info.baseUrl,
			});
			await env.n8n.importCredentials([refreshToken]);
			await env.n8n.importWorkflows([iconsWorkflow(oAuth2)]);
		}
		const baseUrl = await env.n8n.startServer();
		log(`n8n ${env.install.spec.version} is serving its editor on ${baseUrl}`);
		const cookie = await env.n8n.ownerSession();

		// A fresh profile folder (playwright passes it as --user-data-dir)
		browser = await playwright.chromium.launchPersistentContext(profile, CHROMIUM_LAUNCH_OPTIONS);
		await browser.route(
			'**/*',
			async (route) => await (isLoopback(route.request().url()) ? route.continue() : route.abort()),
		);
		await browser.addCookies([{ name: 'n8n-auth', value: cookie, url: baseUrl }]);
		page = await browser.newPage();
		const pageErrors: string[] = [];
		page.on('pageerror', (error) => pageErrors.push(error.message));
		page.on('console', (message) => {
			const text = message.text();
			// Requests to outside hosts are cut off above; their failures say nothing about the node
			const offline =
				/Failed to load resource|net::ERR_|Failed to fetch dynamic banners|Can't connect to n8n/.test(
					text,
				);
			// Features of n8n's paid plans that the editor asks for on a saved workflow's page (AI assistant sessions)
			const unlicensed = /Plan lacks license for this feature/.test(text);
			if (message.type() === 'error' && !offline && !unlicensed)
				pageErrors.push(`console: ${text}`);
		});

		if (args.icons) {
			const themes: Theme[] = args.theme ? [args.theme] : ['light', 'dark'];
			const out = (theme: Theme) =>
				(args.theme && args.out) || join(REPO_ROOT, 'docs', `icons-${theme}.png`);
			await shootIcons(page, { baseUrl, packageName: PACKAGE_NAME, themes, out, log, pageErrors });
			return;
		}

		if (args.theme) await useTheme(page, baseUrl, args.theme);
		await page.goto(`${baseUrl}workflow/new`, { waitUntil: 'load', timeout: 120_000 });
		const addFirstStep = page
			.locator('[data-test-id="canvas-add-button"], [data-test-id="canvas-plus-button"]')
			.first();
		await addFirstStep.waitFor({ state: 'visible', timeout: 120_000 });
		await page.waitForTimeout(1000);
		await addFirstStep.click();

		const search = page
			.locator(
				'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
			)
			.first();
		await search.waitFor({ state: 'visible', timeout: 30_000 });
		await search.fill('TikTok');
		// The list item's name; its wrapper differs between the trigger and the regular node lists
		const nodeItem = page
			.locator('[data-test-id="node-creator-item-name"]')
			.filter({ hasText: /^\s*TikTok\s*$/ })
			.first();
		await nodeItem.waitFor({ state: 'visible', timeout: 30_000 }).catch(async () => {
			throw new Error(
				"The TikTok node is not in n8n's node creator: the community package did not load",
			);
		});
		await nodeItem.click();

		// The node's actions, listed by name under the node in the node creator
		const actionNames = page.locator(
			'[data-test-id="node-creator"] [data-test-id="item-iterator-item"] [data-test-id="node-creator-item-name"]',
		);
		const action = actionNames
			.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(args.action)}\\s*$`) })
			.first();
		if (!(await action.isVisible())) {
			// With the TikTok Trigger in the package, the first-step panel opens the trigger's page, actions folded
			const actionsHeader = page
				.locator('[data-test-id="node-creator"]')
				.getByText(/^\s*Actions \(\d+\)\s*$/)
				.first();
			await actionsHeader.waitFor({ state: 'visible', timeout: 10_000 }).then(
				() => actionsHeader.click(),
				() => undefined,
			);
		}
		await action.waitFor({ state: 'visible', timeout: 30_000 }).catch(async () => {
			const listed = await page!
				.locator('[data-test-id="node-creator"]')
				.innerText()
				.catch(() => '?');
			throw new Error(
				`No "${args.action}" action for the TikTok node in the node creator, which lists:\n${listed}`,
			);
		});
		await action.click();

		const ndv = page.locator('[data-test-id="ndv"]').first();
		await ndv.waitFor({ state: 'visible', timeout: 30_000 });
		const parameters = page.locator('[data-test-id="node-parameters"]').first();
		await parameters.waitFor({ state: 'visible', timeout: 30_000 });
		// Let the credential auto-select and the options load from the account (privacy levels)
		await page.waitForTimeout(3000);

		if (args.action === 'Publish a video') await fillExample(page);

		const text = await parameters.innerText({ timeout: 10_000 });
		const problems = [
			...pageErrors,
			...[
				'Could not load',
				'There was a problem',
				'Error loading',
				'is not a valid',
				'Unrecognized node type',
			]
				.filter((p) => text.includes(p))
				.map((p) => `parameters panel shows "${p}"`),
		];
		const toasts = page.locator('.el-notification--error, [role="alert"].el-notification');
		if ((await toasts.count()) > 0)
			problems.push(
				`error toast: ${await toasts
					.first()
					.innerText()
					.catch(() => '?')}`,
			);
		if (problems.length > 0)
			throw new Error(
				`The TikTok node did not render cleanly in n8n's editor:\n- ${problems.join('\n- ')}`,
			);

		const out = args.out ?? join(REPO_ROOT, 'docs', 'publish-video.png');
		mkdirSync(dirname(out), { recursive: true });
		await ndv.screenshot({ path: out, timeout: 30_000 });
		log(`Saved ${out}`);
		log(
			`Parameters shown:\n  ${text
				.split('\n')
				.filter((l) => l.trim())
				.slice(0, 40)
				.join('\n  ')}`,
		);
	} catch (error) {
		const failedPage = page;
		if (failedPage) {
			const shot = join(tmpdir(), `tiktok-screenshot-failure-${Date.now()}.png`);
			await failedPage.screenshot({ path: shot, fullPage: true }).then(
				() => log(`The page at the failure: ${shot}`),
				() => undefined,
			);
			if (process.env.SCREENSHOT_DEBUG) {
				const html = await failedPage.evaluate(() => {
					// Runs in the page (no DOM types in this project)
					const doc = (
						globalThis as unknown as {
							document: {
								querySelector(s: string): { outerHTML: string } | null;
								body: { outerHTML: string };
							};
						}
					).document;
					return (
						doc.querySelector('[data-test-id="node-creator"]')?.outerHTML ?? doc.body.outerHTML
					);
				});
				writeFileSync(`${shot}.html`, html);
				log(`Its HTML: ${shot}.html`);
			}
		}
		throw error;
	} finally {
		await browser?.close().catch(() => undefined);
		await env?.dispose();
		rmSync(profile, { recursive: true, force: true });
	}
}

if (require.main === module) {
	main(process.argv.slice(2)).then(
		() => process.exit(0),
		(error: Error) => {
			process.stderr.write(`Screenshot failed: ${error.stack ?? error.message}\n`);
			process.exit(1);
		},
	);
}
