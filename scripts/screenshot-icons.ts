/**
 * `npm run screenshot -- --icons`: the package's icons as n8n's editor shows them, in its light and its dark
 * theme: docs/icons-light.png and docs/icons-dark.png. Each picture is the canvas of a workflow holding the
 * three nodes, with the nodes panel open on a "TikTok" search, and below it the credentials list holding
 * both credential types.
 *
 * It also checks what the pictures are meant to prove: the editor really is in that theme, every TikTok
 * icon on the page is served by n8n from the package (dist/icons/) and loaded, and it is the variant drawn
 * for that theme (tiktok.svg on light, tiktok.dark.svg on dark). Anything else fails the script.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import { CHROMIUM_LAUNCH_OPTIONS } from './e2e/chromium';
import type { Page } from './screenshot';

export type Theme = 'light' | 'dark';

/** The icon file n8n must serve for each theme (icons/ in the repository, dist/icons/ in the package). */
const ICON_FILE: Record<Theme, string> = { light: 'tiktok.svg', dark: 'tiktok.dark.svg' };

export const ICONS_WORKFLOW_ID = 'ShotTikTokIcons0';

/** Both triggers feeding the TikTok node (Get Creator Info: no required field left empty, no warning badge). */
export function iconsWorkflow(oAuth2Credential: {
	id: string;
	name: string;
}): Record<string, unknown> {
	const credentials = { tikTokOAuth2Api: oAuth2Credential };
	const node = (
		name: string,
		type: string,
		position: [number, number],
		extra: Record<string, unknown> = {},
	) => ({
		id: `7c2d9e4f-3a5b-4d6c-9f8e-${String(position[0] + position[1]).padStart(12, '0')}`,
		name,
		type: `n8n-nodes-tiktok-publisher.${type}`,
		typeVersion: 1,
		position,
		credentials,
		...extra,
	});
	return {
		id: ICONS_WORKFLOW_ID,
		name: 'TikTok icons',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			node('TikTok Trigger', 'tikTokTrigger', [0, 0], {
				webhookId: '5d0c1f3e-7a2b-4c9d-8e6f-000000000001',
				parameters: {},
			}),
			node('TikTok Polling Trigger', 'tikTokPollingTrigger', [0, 220], { parameters: {} }),
			node('TikTok', 'tikTok', [320, 110], {
				parameters: { resource: 'creator', operation: 'getInfo' },
			}),
		],
		connections: {
			'TikTok Trigger': { main: [[{ node: 'TikTok', type: 'main', index: 0 }]] },
			'TikTok Polling Trigger': { main: [[{ node: 'TikTok', type: 'main', index: 0 }]] },
		},
	};
}

/** Where a node or credential icon of this package comes from, and whether it loaded. */
interface IconImage {
	src: string;
	loaded: boolean;
}

/** Runs in the page (no DOM types in this project): the body's theme and background, the package's icons. */
function readPage(packageName: string): {
	theme: string | null;
	background: string;
	icons: IconImage[];
} {
	type Img = { getAttribute(name: string): string | null; complete: boolean; naturalWidth: number };
	const doc = globalThis as unknown as {
		document: {
			body: { getAttribute(name: string): string | null };
			querySelectorAll(selector: string): Img[];
		};
		getComputedStyle(element: unknown): { backgroundColor: string };
	};
	const icons = Array.from(doc.document.querySelectorAll('img'))
		.map((img) => ({
			src: img.getAttribute('src') ?? '',
			loaded: img.complete && img.naturalWidth > 0,
		}))
		.filter((img) => img.src.includes(`/icons/${packageName}/`));
	return {
		theme: doc.document.body.getAttribute('data-theme'),
		background: doc.getComputedStyle(doc.document.body).backgroundColor,
		icons,
	};
}

/** The page's theme and TikTok icons, checked; returns the page's background colour. */
async function checkPage(
	page: Page,
	where: string,
	theme: Theme,
	packageName: string,
	atLeast: number,
): Promise<string> {
	const state = await page.evaluate(readPage, packageName);
	const problems: string[] = [];
	// n8n puts the applied theme on <body data-theme> (1.x: useUIStore / applyThemeToBody)
	if (state.theme !== theme)
		problems.push(`the editor is in theme "${state.theme ?? 'system'}", not "${theme}"`);
	if (state.icons.length < atLeast)
		problems.push(`${state.icons.length} TikTok icons on the page, expected at least ${atLeast}`);
	for (const icon of state.icons) {
		if (!icon.loaded) problems.push(`icon ${icon.src} did not load`);
		if (!icon.src.endsWith(`/${ICON_FILE[theme]}`))
			problems.push(`icon ${icon.src} is not ${ICON_FILE[theme]}`);
	}
	if (problems.length > 0)
		throw new Error(`${where} (${theme} theme):\n- ${problems.join('\n- ')}`);
	return state.background;
}

/**
 * Selects n8n's theme as a user does in Settings > Personal > Theme (stored in localStorage as N8N_THEME,
 * read when the editor loads) and, for an editor left on "system", the browser's colour scheme too.
 */
export async function useTheme(page: Page, baseUrl: string, theme: Theme): Promise<void> {
	await page.emulateMedia({ colorScheme: theme });
	await page.goto(`${baseUrl}home/credentials`, { waitUntil: 'load', timeout: 120_000 });
	await page.evaluate((value: string) => {
		(
			globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }
		).localStorage.setItem('N8N_THEME', value);
	}, theme);
}

/** Waits until every image on the page has loaded (or failed), so a picture never shows a half-drawn icon. */
async function imagesSettled(page: Page): Promise<void> {
	for (let i = 0; i < 50; i++) {
		const pending = await page.evaluate(() => {
			const doc = (
				globalThis as unknown as {
					document: { querySelectorAll(s: string): Array<{ complete: boolean }> };
				}
			).document;
			return Array.from(doc.querySelectorAll('img')).filter((img) => !img.complete).length;
		});
		if (pending === 0) return;
		await page.waitForTimeout(100);
	}
}

/** Takes docs/icons-<theme>.png for each theme; `out(theme)` names the file. */
export async function shootIcons(
	page: Page,
	options: {
		baseUrl: string;
		packageName: string;
		themes: Theme[];
		/** The picture's file for a theme */
		out: (theme: Theme) => string;
		log: (message: string) => void;
		/** Page errors collected by the caller; any fails the script */
		pageErrors: string[];
	},
): Promise<void> {
	const { baseUrl, packageName, themes, out, log, pageErrors } = options;
	const noErrors = async (where: string) => {
		const problems = [...pageErrors];
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
				`${where} did not render cleanly in n8n's editor:\n- ${problems.join('\n- ')}`,
			);
	};
	for (const theme of themes) {
		await useTheme(page, baseUrl, theme);

		// The credentials list: one card per credential type, each with the type's icon
		await page.goto(`${baseUrl}home/credentials`, { waitUntil: 'load', timeout: 120_000 });
		const cards = page.locator('[data-test-id="resources-list-item"]');
		await cards.first().waitFor({ state: 'visible', timeout: 60_000 });
		await page.mouse.move(5, 5);
		await imagesSettled(page);
		await checkPage(page, 'The credentials list', theme, packageName, 2);
		await noErrors('The credentials list');
		const { top, bottom } = await page.evaluate(() => {
			type Box = { top: number; bottom: number };
			const doc = (
				globalThis as unknown as {
					document: { querySelectorAll(s: string): Array<{ getBoundingClientRect(): Box }> };
				}
			).document;
			const boxes = Array.from(doc.querySelectorAll('[data-test-id="resources-list-item"]')).map(
				(card) => card.getBoundingClientRect(),
			);
			return {
				top: Math.min(...boxes.map((box) => box.top)),
				bottom: Math.max(...boxes.map((box) => box.bottom)),
			};
		});
		const credentialsStrip = await page.screenshot({
			clip: {
				x: 0,
				y: top - 8,
				width: CHROMIUM_LAUNCH_OPTIONS.viewport.width,
				height: bottom - top + 16,
			},
		});

		// The workflow canvas with the three nodes, and the nodes panel searched for "TikTok"
		await page.goto(`${baseUrl}workflow/${ICONS_WORKFLOW_ID}`, {
			waitUntil: 'load',
			timeout: 120_000,
		});
		const nodes = page.locator('[data-test-id="canvas-node"]');
		await nodes.first().waitFor({ state: 'visible', timeout: 60_000 });
		if ((await nodes.count()) !== 3)
			throw new Error(`The canvas shows ${await nodes.count()} nodes, not the workflow's 3`);
		await page
			.locator('[data-test-id="node-creator-plus-button"]')
			.first()
			.click({ timeout: 30_000 });
		const search = page
			.locator(
				'[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]',
			)
			.first();
		await search.waitFor({ state: 'visible', timeout: 30_000 });
		await search.fill('TikTok');
		const item = page
			.locator('[data-test-id="node-creator-item-name"]')
			.filter({ hasText: /^\s*TikTok\s*$/ })
			.first();
		await item.waitFor({ state: 'visible', timeout: 30_000 }).catch(() => {
			throw new Error('The nodes panel finds no TikTok node: the community package did not load');
		});
		await page.mouse.move(5, 5);
		await page.waitForTimeout(500);
		await imagesSettled(page);
		const background = await checkPage(
			page,
			'The canvas and nodes panel',
			theme,
			packageName,
			3 + 2,
		);
		await noErrors('The canvas and nodes panel');
		const canvas = await page.screenshot({});

		// One picture: the editor above, the credentials strip below
		const png = (buffer: Buffer) => `data:image/png;base64,${buffer.toString('base64')}`;
		await page.setContent(
			`<html><body style="margin:0;background:${background}">` +
				`<img style="display:block" src="${png(canvas)}">` +
				`<div style="height:1px;background:#8888"></div>` +
				`<img style="display:block" src="${png(credentialsStrip)}">` +
				'</body></html>',
		);
		await imagesSettled(page);
		mkdirSync(dirname(out(theme)), { recursive: true });
		await page.screenshot({ path: out(theme), fullPage: true });
		log(`Saved ${out(theme)}`);
	}
}
