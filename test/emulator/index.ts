/**
 * Local TikTok API emulator: OAuth v2, Content Posting API (creator info, inits, chunked upload host,
 * status, cancel), Display API, webhooks, fault injection and a virtual clock. See README.md here.
 */
import { TikTokEmulator } from './emulator';
import type { EmulatorOptions } from './types';

export async function startEmulator(options: EmulatorOptions = {}): Promise<TikTokEmulator> {
	const emulator = new TikTokEmulator(options);
	await emulator.listen();
	return emulator;
}

export { TikTokEmulator } from './emulator';
export type { EmulatorStateSnapshot } from './emulator';
export type { EmulatorClock } from './clock';
export { chunkBounds, checkChunkPlan, chunkRange, finalChunkLength } from './chunk-rules';
export type { ChunkBounds, ChunkPlan } from './chunk-rules';
export { signWebhook, webhookBody, SIGNATURE_HEADER } from './webhooks';
export { ALL_SCOPES, privacyOptions } from './accounts';
export { RawJsonNumber, toJson } from './json';
export * from './types';
