/**
 * Binary data modes. n8n-core's BinaryDataService is a process-wide singleton (per test file under
 * jest); `init()` re-reads its config, so the harness switches modes between runs by setting
 * `BinaryDataConfig.mode` and re-initialising — both modes can be used in one test file, one after
 * the other (never concurrently: the harness rejects overlapping runs in different modes).
 *
 * - 'filesystem': n8n's `filesystem` mode. Binary items carry an `id` (`filesystem-v2:...`), the
 *   bytes live under the temporary user folder, nodes read them with getBinaryStream/getBinaryMetadata.
 * - 'memory': n8n's `default` mode. Binary items carry the whole file as base64 in `data`, no `id`.
 *   It is the default on n8n 1.x. On n8n 2.x it is no longer the default (filesystem is), but
 *   n8n-core 2.41.1 still implements it (N8N_DEFAULT_BINARY_DATA_MODE=default); n8n's breaking-change
 *   rules announce its removal for v3. `binaryModeSupport` tells which modes the loaded n8n-core has.
 */
import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';

import { n8nLine } from './n8n';

export type BinaryMode = 'filesystem' | 'memory';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BINARY_DATA_MODES } = require('n8n-core/dist/binary-data/binary-data.config') as {
	BINARY_DATA_MODES: readonly string[];
};

export interface BinaryModeSupport {
	/** Modes the loaded n8n-core implements, in the order tests should run them. */
	supported: BinaryMode[];
	/** What an n8n of this line uses when N8N_DEFAULT_BINARY_DATA_MODE is not set. */
	default: BinaryMode;
	notes: Record<BinaryMode, string>;
}

export const binaryModeSupport: BinaryModeSupport = {
	supported: BINARY_DATA_MODES.includes('default') ? ['filesystem', 'memory'] : ['filesystem'],
	default: n8nLine === 1 ? 'memory' : 'filesystem',
	notes: {
		filesystem:
			n8nLine === 1
				? 'opt-in on n8n 1.x (N8N_DEFAULT_BINARY_DATA_MODE=filesystem)'
				: 'the default on n8n 2.x (regular mode)',
		memory: !BINARY_DATA_MODES.includes('default')
			? 'not implemented by this n8n-core'
			: n8nLine === 1
				? 'the default on n8n 1.x'
				: 'opt-in on n8n 2.x (N8N_DEFAULT_BINARY_DATA_MODE=default), deprecated: removed in n8n v3',
	},
};

export function isBinaryModeSupported(mode: BinaryMode): boolean {
	return binaryModeSupport.supported.includes(mode);
}

let currentMode: BinaryMode | undefined;
let activeRuns = 0;

/** @internal Switches the BinaryDataService to `mode` for a run; returns a release function. */
export async function acquireBinaryMode(mode: BinaryMode): Promise<() => void> {
	if (!isBinaryModeSupported(mode)) {
		throw new Error(
			`Binary mode "${mode}" is not implemented by n8n-core ${n8nLine}.x here (${binaryModeSupport.notes[mode]}). ` +
				'Use describeEachBinaryMode()/isBinaryModeSupported() to skip it.',
		);
	}
	if (activeRuns > 0 && currentMode !== mode) {
		throw new Error(
			`A workflow run in binary mode "${currentMode}" is still in progress; runs in different binary modes cannot overlap (the BinaryDataService is a singleton).`,
		);
	}
	if (currentMode !== mode || activeRuns === 0) {
		const config = Container.get(BinaryDataConfig);
		config.mode = (mode === 'memory' ? 'default' : 'filesystem') as typeof config.mode;
		if (!config.availableModes.includes('filesystem' as never)) {
			(config.availableModes as string[]).push('filesystem');
		}
		await Container.get(BinaryDataService).init();
		currentMode = mode;
	}
	activeRuns++;
	let released = false;
	return () => {
		if (!released) {
			released = true;
			activeRuns--;
		}
	};
}

/** The BinaryDataService the engine uses (to read stored binaries in assertions). */
export function binaryDataService(): BinaryDataService {
	return Container.get(BinaryDataService);
}

type DescribeFn = (name: string, fn: () => void) => void;

/**
 * `describe` once per binary mode the loaded n8n implements; unsupported modes are reported as
 * skipped suites (with the reason in their title) instead of silently disappearing.
 *
 *   describeEachBinaryMode('upload', (mode) => { it('...', async () => { await runWorkflow(wf, { binaryMode: mode }) }) })
 */
export function describeEachBinaryMode(
	title: string,
	fn: (mode: BinaryMode) => void,
	modes: BinaryMode[] = ['filesystem', 'memory'],
): void {
	const g = globalThis as unknown as { describe: DescribeFn & { skip: DescribeFn } };
	for (const mode of modes) {
		if (isBinaryModeSupported(mode)) {
			g.describe(`${title} [binary mode: ${mode}]`, () => fn(mode));
		} else {
			g.describe.skip(`${title} [binary mode: ${mode} — ${binaryModeSupport.notes[mode]}]`, () =>
				fn(mode),
			);
		}
	}
}
