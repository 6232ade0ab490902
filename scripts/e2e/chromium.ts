/**
 * Debian's chromium (never a downloaded browser), started the way this machine allows: headless, as root
 * (no sandbox), and with background networking off, since the closed network refuses Google's hosts.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Options for playwright-core's `chromium.launchPersistentContext`: the editor at a fixed desktop size. */
export const CHROMIUM_LAUNCH_OPTIONS = {
	executablePath: CHROMIUM_PATH,
	headless: true,
	args: CHROMIUM_ARGS,
	timeout: 60_000,
	viewport: { width: 1440, height: 960 },
	deviceScaleFactor: 1,
};

/**
 * Whether the page may load `url`: only this machine (n8n, its OAuth callback, the emulator's authorize
 * page) and inline data. n8n's banners, avatars on made-up CDNs and other outside calls are cut off.
 */
export function isLoopback(url: string): boolean {
	const { hostname, protocol } = new URL(url);
	return (
		['127.0.0.1', 'localhost', '[::1]'].includes(hostname) || ['data:', 'blob:'].includes(protocol)
	);
}

/** `text` as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
