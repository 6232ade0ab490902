import type { INodeProperties } from 'n8n-workflow';

/** TikTok's production hosts. A credential may replace both with one custom host (a proxy or the emulator). */
export const TIKTOK_API_HOST = 'https://open.tiktokapis.com';
export const TIKTOK_WEB_HOST = 'https://www.tiktok.com';

/** The public link of a post: TikTok's APIs give none in webhooks or statuses, so it is built from the username. */
export function tikTokPostUrl(username: string, postId: string): string {
	return `${TIKTOK_WEB_HOST}/@${encodeURIComponent(username)}/video/${encodeURIComponent(postId)}`;
}

/** The API base of a credential's data: the custom host without trailing slashes, or TikTok's API host. */
export function tikTokApiBaseUrl(credentials: {
	useCustomHost?: unknown;
	customHost?: unknown;
}): string {
	if (credentials.useCustomHost === true && typeof credentials.customHost === 'string') {
		const host = credentials.customHost.trim().replace(/\/+$/, '');
		if (host !== '') return host;
	}
	return TIKTOK_API_HOST;
}

/**
 * The same choice as an n8n expression over credential data (`$self` in hidden fields, `$credentials` in
 * test requests), for URLs that n8n resolves itself. Keep it in step with tikTokApiBaseUrl.
 */
export function hostExpression(
	defaultHost: string,
	data: '$self' | '$credentials' = '$self',
): string {
	return `(${data}.useCustomHost && String(${data}.customHost || "").trim() ? String(${data}.customHost).trim().replace(/\\/+$/, "") : "${defaultHost}")`;
}

export const customHostProperties: INodeProperties[] = [
	{
		displayName: 'Use Custom API Host',
		name: 'useCustomHost',
		type: 'boolean',
		default: false,
		description:
			'Whether to send every TikTok request (authorize page, token, API) to another host, such as a proxy or the TikTok API emulator bundled with this package for dry runs',
	},
	{
		displayName: 'Custom API Host',
		name: 'customHost',
		type: 'string',
		default: '',
		placeholder: 'http://127.0.0.1:7070',
		description:
			'Base URL that replaces https://open.tiktokapis.com and https://www.tiktok.com. Paths such as /v2/oauth/token/ are appended to it.',
		displayOptions: { show: { useCustomHost: [true] } },
	},
];
