/**
 * Publish Video through the real compiled node in n8n-core's WorkflowExecute (the harness), against the
 * TikTok emulator. Import before anything else that loads n8n-core.
 */
import { join } from 'node:path';

import { harnessUserFolder, runNode } from '../../../../harness';
import type { BinaryMode } from '../../../../harness';
import { startEmulator } from '../../../../emulator';
import { oAuth2Credential, TIKTOK_NODE_TYPE } from '../../../../helpers/tikTok';
export { visibleText } from '../../../../helpers/tikTok';
import type { EmulatorOptions, TikTokEmulator, TokenResponse } from '../../../../emulator';
import { writeSampleMp4 } from '../../../../fixtures/sampleVideo';
import type { SampleOptions } from '../../../../fixtures/sampleVideo';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

/** An emulator without the daily caps that would get in the way of many test posts. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TikTokEmulator> {
	return await startEmulator({
		...options,
		settings: {
			pendingShareCap: 1000,
			lifecycle: { processingMs: 300, downloadMs: 300, moderationMs: 300 },
			...options.settings,
		},
		defaultAccount: { dailyPostCap: 100_000, ...options.defaultAccount },
	});
}

export interface SampleFile {
	path: string;
	size: number;
	sha256: string;
}

let files = 0;

/** A sample MP4 of exactly `size` bytes, written at run time into the harness's temporary folder. */
export async function sampleFile(
	size: number,
	options: SampleOptions = {},
	extension = 'mp4',
): Promise<SampleFile> {
	const path = join(harnessUserFolder, `sample-${++files}-${size}.${extension}`);
	return { path, size, sha256: await writeSampleMp4(path, size, options) };
}

export interface PublishRun {
	parameters: INodeParameters;
	file?: { path: string; mimeType?: string; propertyName?: string };
	binaryMode?: BinaryMode;
	inputItems?: IDataObject[];
	continueOnFail?: boolean;
	/** Default: a fresh token pair (its own rate-limit windows) for the default account */
	tokens?: TokenResponse;
	/** Run an execution again, as n8n's queue does after its worker stopped (default: a new execution) */
	executionId?: string;
	/** The node's settings, e.g. Retry On Fail */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
	/** Stop the execution after this many ms (default 120 s) */
	timeoutMs?: number;
}

export interface PublishResult extends Awaited<ReturnType<typeof runNode>> {
	tokens: TokenResponse;
	/** The node's error message + description, for "names the field and the fix" checks */
	errorText: string;
}

export async function runPublish(emu: TikTokEmulator, run: PublishRun): Promise<PublishResult> {
	const tokens = run.tokens ?? emu.issueTokens();
	const result = await runNode({
		binaryMode: run.binaryMode ?? 'filesystem',
		timeoutMs: run.timeoutMs ?? 120_000,
		executionId: run.executionId,
		credentials: { c1: oAuth2Credential(emu, tokens) },
		inputItems: run.inputItems,
		...(run.file && {
			binary: {
				source: 'file',
				filePath: run.file.path,
				mimeType: run.file.mimeType ?? 'video/mp4',
				propertyName: run.file.propertyName ?? 'data',
			},
		}),
		node: {
			type: TIKTOK_NODE_TYPE,
			parameters: { resource: 'video', operation: 'publish', ...run.parameters },
			credentials: { tikTokOAuth2Api: { id: 'c1', name: 'TikTok' } },
			continueOnFail: run.continueOnFail,
			...run.settings,
		},
	});
	const errorText = result.error
		? `${result.error.message}\n${result.error.description ?? ''}`
		: '';
	return Object.assign(result, { tokens, errorText });
}

/** The upload_token of a publish ID's upload URL (emulator internals), to prove it never leaks. */
export function uploadTokenOf(emu: TikTokEmulator, publishId: string): string {
	const session = (
		emu.uploads as unknown as { bySession(id: string): { token: string } | undefined }
	).bySession(publishId);
	if (!session) throw new Error(`No upload for ${publishId}`);
	return session.token;
}
