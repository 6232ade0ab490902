/**
 * One end-to-end environment: a pinned real n8n (installed or reused from the cache), this package built,
 * packed and installed into a fresh n8n user folder like n8n's community-package installer does, and the
 * TikTok emulator running as its own process. Used by the e2e suite, the demo and the screenshot script.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { EmulatorProcess } from './emulator';
import { ensureN8n, REPO_ROOT, type LineKey, type Log, type N8nInstall } from './install-n8n';
import { N8n } from './n8n';
import { buildPackage, installPackedPackage, packPackage, prebuiltTarball } from './package';

export interface Environment {
	install: N8nInstall;
	n8n: N8n;
	emulator?: EmulatorProcess;
	/** A folder inside the user folder that the Read/Write Files node may read (generated videos go here) */
	dataDir: string;
	/** Seconds per phase: install, build, pack, packageInstall, emulator */
	timings: Record<string, number>;
	dispose(): Promise<void>;
}

export interface EnvironmentOptions {
	line: LineKey;
	log?: Log;
	/** Build the package first: always (default), only when sources changed since the last build, or never */
	build?: boolean | 'ifStale';
	/** Start the emulator CLI (default true) */
	emulator?: boolean;
	emulatorArgs?: string[];
	/** Extra n8n environment */
	n8nEnv?: Record<string, string>;
	/** More folders the Read/Write Files node may read, besides dataDir */
	fileAccess?: string[];
}

const defaultLog: Log = (message) => process.stderr.write(`[e2e] ${message}\n`);

export async function setUpEnvironment(options: EnvironmentOptions): Promise<Environment> {
	const log = options.log ?? defaultLog;
	const timings: Record<string, number> = {};
	const timed = async <T>(phase: string, body: () => Promise<T>): Promise<T> => {
		const started = Date.now();
		try {
			return await body();
		} finally {
			timings[phase] = Math.round((Date.now() - started) / 100) / 10;
		}
	};

	const install = await timed('install', () => ensureN8n(options.line, log));
	log(
		`n8n ${install.spec.version} ${install.installedInSeconds === undefined ? 'reused from' : 'installed in'} ${install.dir}`,
	);
	const prebuilt = prebuiltTarball();
	if (prebuilt) log(`package from E2E_PACKAGE_TARBALL=${prebuilt} (not built or packed here)`);
	if (options.build !== false && !prebuilt)
		await timed('build', () => buildPackage(log, { onlyIfStale: options.build === 'ifStale' }));
	const tarball = prebuilt ?? (await timed('pack', () => packPackage()));

	let n8n: N8n | undefined;
	let emulator: EmulatorProcess | undefined;
	try {
		const userFolder = mkdtempSync(join(tmpdir(), `tiktok-e2e-${options.line}-`));
		const dataDir = join(userFolder, 'files');
		mkdirSync(dataDir, { recursive: true });
		// 2.x lets the Read/Write Files node read only ~/.n8n-files unless told otherwise
		n8n = new N8n(install, {
			userFolder,
			fileAccess: [dataDir, ...(options.fileAccess ?? [])],
			env: options.n8nEnv,
		});
		const created = n8n;
		await timed('seedDatabase', () => created.useSeedDatabase());
		await timed('packageInstall', async () => {
			await installPackedPackage(tarball, created.userFolder, await created.env());
		});
		if (!prebuilt) rmSync(dirname(tarball), { recursive: true, force: true });
		if (options.emulator !== false) {
			emulator = await timed('emulator', () =>
				EmulatorProcess.start({ args: options.emulatorArgs }),
			);
		}
		const env: Environment = {
			install,
			n8n: created,
			emulator,
			dataDir,
			timings,
			async dispose() {
				await emulator?.stop();
				await created.dispose();
			},
		};
		return env;
	} catch (error) {
		await emulator?.stop();
		await n8n?.dispose();
		throw error;
	}
}

/** Which operations the built package implements, so that suites cover them as they land. */
export interface Capabilities {
	videoPublish: boolean;
	photoPublish: boolean;
	postGetStatus: boolean;
	/** Get Videos by ID (and with it Find Post in Video List): examples/post-stats.json */
	videoGet: boolean;
	trigger: boolean;
}

interface PropertyLike {
	name: string;
	displayOptions?: { show?: Record<string, unknown[]> };
}

/**
 * Reads the node's description from its TypeScript source (so it is known before the build, when a suite
 * declares its tests; jest and ts-node compile it): an operation counts as implemented once it has parameters
 * of its own (the placeholders have none), and the trigger once package.json lists it.
 */
export function capabilities(): Capabilities {
	const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	let properties: PropertyLike[] = [];
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { TikTok } = require(join(REPO_ROOT, 'nodes', 'TikTok', 'TikTok.node.ts')) as {
			TikTok: new () => { description: { properties: PropertyLike[] } };
		};
		properties = new TikTok().description.properties;
	} catch (error) {
		process.stderr.write(
			`[e2e] could not read the TikTok node's description (${(error as Error).message}); operation cases are skipped\n`,
		);
	}
	const has = (resource: string, operation: string) =>
		properties.some(
			(p) =>
				!['operation', 'resource', 'authentication'].includes(p.name) &&
				(p.displayOptions?.show?.resource ?? []).includes(resource) &&
				(p.displayOptions?.show?.operation ?? [operation]).includes(operation),
		);
	return {
		videoPublish: has('video', 'publish'),
		photoPublish: has('photo', 'publish'),
		postGetStatus: has('post', 'getStatus'),
		videoGet: has('video', 'get'),
		trigger: packageJson.n8n.nodes.some((file) => /TikTokTrigger\.node\.js$/.test(file)),
	};
}
