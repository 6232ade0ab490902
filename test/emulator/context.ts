/** Per-request context handed to handlers. */
import type { IncomingMessage } from 'node:http';
import type { TikTokEmulator } from './emulator';
import type { RequestLogEntry } from './types';

export interface RequestContext {
	emu: TikTokEmulator;
	req: IncomingMessage;
	url: URL;
	entry: RequestLogEntry;
	/** Raw request body (small bodies only; uploads stream). */
	body: Buffer;
	logId: string;
}
