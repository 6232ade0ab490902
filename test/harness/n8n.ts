/**
 * Loads n8n (n8n-core, n8n-workflow, @n8n/di, @n8n/backend-common) once per test file, detects which
 * n8n line it is (1.x or 2.x: under `jest.n8n2.config.js` the same imports resolve to the 2.41 copies
 * in test/compat/n8n2), and installs the capturing logger before any n8n service is constructed.
 */
import './env';
import 'reflect-metadata';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { rmSync } from 'node:fs';
import { LoggerProxy } from 'n8n-workflow';

import { harnessUserFolder } from './env';
import { CapturingLogger } from './logger';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const workflowPackage = require('n8n-workflow/package.json') as { version: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const corePackage = require('n8n-core/package.json') as { version: string };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const clientOAuth2Package = require('@n8n/client-oauth2/package.json') as { version: string };

export const n8nVersions = {
	core: corePackage.version,
	workflow: workflowPackage.version,
	clientOAuth2: clientOAuth2Package.version,
};

/** 1 for n8n 1.x (n8n-workflow 1.x), 2 for n8n 2.x. */
export const n8nLine: 1 | 2 = Number(workflowPackage.version.split('.')[0]) >= 2 ? 2 : 1;

export const logger = new CapturingLogger();
Container.set(Logger, logger as unknown as Logger);
LoggerProxy.init(logger);

/**
 * n8n 2.x encrypts through a pluggable key provider that the CLI installs at startup
 * (EncryptionBootstrapService). With key rotation off (the default) the CLI's KeyManagerService
 * answers every lookup with the instance key as a legacy aes-256-cbc key; the harness installs
 * exactly that, so n8n-core's Credentials class can encrypt and decrypt as in a real instance.
 */
if (n8nLine === 2) {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const core = require('n8n-core') as Record<string, unknown>;
	type KeyInfo = { id: string; value: string; algorithm: string; format: 'prefixed' | 'no-prefix' };
	const proxy = Container.get(
		core.EncryptionKeyProxy as new () => { setProvider(provider: unknown): void },
	);
	const cipher = Container.get(
		core.Cipher as new () => { encryptDEKWithInstanceKey(data: string): string },
	);
	const settings = Container.get(core.InstanceSettings as new () => { encryptionKey: string });
	let instanceKey: KeyInfo | undefined;
	const legacy = async (): Promise<KeyInfo> =>
		(instanceKey ??= {
			id: 'instance-key',
			value: cipher.encryptDEKWithInstanceKey(settings.encryptionKey),
			algorithm: 'aes-256-cbc',
			format: 'no-prefix',
		});
	proxy.setProvider({
		getActiveKey: legacy,
		getLegacyKey: legacy,
		getKeyById: async (id: string) => (id === 'instance-key' ? await legacy() : null),
	});
}

type Cleanup = () => void | Promise<void>;
const cleanups: Cleanup[] = [];
export function onShutdown(cleanup: Cleanup) {
	cleanups.push(cleanup);
}

let shutDown = false;
/**
 * Stops everything n8n-core leaves running (the SSH clients manager's interval and its `exit`
 * listener, test servers registered by the harness) and removes the temporary user folder.
 * Registered automatically with jest's `afterAll` when the harness is imported from a test file.
 */
export async function shutdownHarness(): Promise<void> {
	if (shutDown) return;
	shutDown = true;
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
	rmSync(harnessUserFolder, { recursive: true, force: true });
}

const jestAfterAll = (globalThis as { afterAll?: (fn: () => Promise<void>) => void }).afterAll;
if (typeof jestAfterAll === 'function') {
	jestAfterAll(async () => await shutdownHarness());
}
