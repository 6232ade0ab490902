/**
 * Local media server for the URL-upload source (issue 12): serves generated or on-disk media with
 * switches for range support, HEAD, missing length, dropped connections, changing content, slow bodies,
 * redirects and error statuses, and logs every request. Node built-ins only. See README.md here.
 */
import { MediaServer } from './server';
import type { MediaServerOptions } from './types';

export async function startMediaServer(options: MediaServerOptions = {}): Promise<MediaServer> {
	const server = new MediaServer(options);
	await server.listen();
	return server;
}

export { MediaServer, parseRange } from './server';
export {
	keystream,
	mp4Head,
	pngHead,
	htmlPage,
	resolveContent,
	DEFAULT_CONTENT_TYPES,
} from './content';
export type { ContentSource, ContentSpec } from './content';
export { fileFromJson } from './control';
export { selfSignedCertificate } from './tls';
export type { TlsMaterial } from './tls';
export * from './types';
