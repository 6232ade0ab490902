/**
 * Debian's chromium (never a downloaded browser), started the way this machine allows: headless, as root
 * (no sandbox), and with background networking off, since the closed network refuses Google's hosts.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
