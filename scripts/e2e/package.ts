/**
 * Builds and packs this package, and installs the tarball into an n8n user folder exactly the way n8n's
 * community-package installer does (n8n 1.123.81 and 2.41.1, CommunityPackagesService.downloadPackage):
 *
 *   <N8N_USER_FOLDER>/.n8n/nodes/package.json          {"name":"installed-nodes","private":true,"dependencies":{}}
 *   <N8N_USER_FOLDER>/.n8n/nodes/node_modules/<name>/  the tarball extracted with --strip-components=1,
 *       its package.json stripped of devDependencies, peerDependencies and optionalDependencies, then
 *       `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 *        --ignore-scripts=true --package-lock=false` run inside it (runtime dependencies only, no scripts),
 *   and the package recorded in nodes/package.json's dependencies.
 *
 * n8n scans that folder at start-up, so node types get the names a user's install gives them:
 * `n8n-nodes-tiktok-publisher.tikTok`. The only step not reproduced is `npm pack <name>@<version>` from
 * the registry: the tarball comes from `npm pack` of the work tree instead.
 */
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { REPO_ROOT, type Log } from './install-n8n';
import { describeFailure, run } from './processes';

export const PACKAGE_NAME = (
	JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }
).name;

/** Newest modification time (ms) of the files under `dir` (recursively), or of `dir` itself if a file. */
function newestMtime(path: string): number {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return readdirSync(path).reduce(
		(max, name) => Math.max(max, newestMtime(join(path, name))),
		stat.mtimeMs,
	);
}

/** True when dist/ was built after every source, config and icon file last changed. */
export function distIsFresh(): boolean {
	const built = join(REPO_ROOT, 'dist', '.tsbuildinfo');
	if (!existsSync(built)) return false;
	const sources = [
		'nodes',
		'credentials',
		'icons',
		'package.json',
		'tsconfig.json',
		'gulpfile.js',
	].map((p) => newestMtime(join(REPO_ROOT, p)));
	return Math.max(...sources) < statSync(built).mtimeMs;
}

/**
 * `npm run build` in the repository. Skipped with E2E_SKIP_BUILD=1, or with `onlyIfStale` when dist/ is
 * newer than every source (the demo's repeat runs).
 */
export async function buildPackage(
	log: Log,
	{ onlyIfStale = false }: { onlyIfStale?: boolean } = {},
): Promise<void> {
	if (process.env.E2E_SKIP_BUILD === '1' && existsSync(join(REPO_ROOT, 'dist'))) {
		log('build skipped (E2E_SKIP_BUILD=1)');
		return;
	}
	if (onlyIfStale && distIsFresh()) return;
	const result = await run('npm run build', 'npm', ['run', 'build'], {
		cwd: REPO_ROOT,
		timeoutMs: 5 * 60_000,
	});
	if (result.code !== 0) throw new Error(describeFailure('npm run build', result));
}

/**
 * A tarball packed elsewhere, from E2E_PACKAGE_TARBALL (for example from a clean worktree while this one is
 * mid-edit): when set, it is installed instead of building and packing the work tree, and never deleted.
 */
export function prebuiltTarball(): string | undefined {
	const path = process.env.E2E_PACKAGE_TARBALL;
	if (!path) return undefined;
	if (!existsSync(path)) throw new Error(`E2E_PACKAGE_TARBALL=${path}: no such file`);
	return resolve(path);
}

/** `npm pack` of the work tree into a fresh temporary folder; returns the tarball's path. */
export async function packPackage(): Promise<string> {
	const outDir = mkdtempSync(join(tmpdir(), 'tiktok-e2e-pack-'));
	const result = await run('npm pack', 'npm', ['pack', '--json', '--pack-destination', outDir], {
		cwd: REPO_ROOT,
		timeoutMs: 2 * 60_000,
	});
	if (result.code !== 0) throw new Error(describeFailure('npm pack', result));
	const json = result.stdout.slice(result.stdout.indexOf('['));
	const [{ filename }] = JSON.parse(json) as Array<{ filename: string }>;
	return join(outDir, filename);
}

/** Installs a packed tarball into `<userFolder>/.n8n/nodes` as n8n's community-package installer does. */
export async function installPackedPackage(
	tarball: string,
	userFolder: string,
	env: NodeJS.ProcessEnv,
): Promise<string> {
	const downloadFolder = join(userFolder, '.n8n', 'nodes');
	const packageJsonPath = join(downloadFolder, 'package.json');
	mkdirSync(downloadFolder, { recursive: true });
	if (!existsSync(packageJsonPath)) {
		writeFileSync(
			packageJsonPath,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
			'utf-8',
		);
	}

	const packageDirectory = join(downloadFolder, 'node_modules', PACKAGE_NAME);
	rmSync(packageDirectory, { recursive: true, force: true });
	mkdirSync(packageDirectory, { recursive: true });
	const untar = await run(
		'tar',
		'tar',
		['-xzf', tarball, '-C', packageDirectory, '--strip-components=1'],
		{
			cwd: downloadFolder,
			timeoutMs: 60_000,
		},
	);
	if (untar.code !== 0) throw new Error(describeFailure('Extracting the package tarball', untar));

	const ownJsonPath = join(packageDirectory, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
		readFileSync(ownJsonPath, 'utf-8'),
	) as Record<string, unknown> & { version: string };
	writeFileSync(ownJsonPath, JSON.stringify(packageJson, null, 2), 'utf-8');

	const install = await run(
		'npm install (community package)',
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{ cwd: packageDirectory, env: { ...env, NODE_ENV: 'production' }, timeoutMs: 5 * 60_000 },
	);
	if (install.code !== 0)
		throw new Error(describeFailure('Installing the package like n8n does', install));

	const installed = JSON.parse(readFileSync(packageJsonPath, 'utf-8')) as {
		dependencies: Record<string, string>;
	};
	installed.dependencies[PACKAGE_NAME] = packageJson.version;
	writeFileSync(packageJsonPath, JSON.stringify(installed, null, 2), 'utf-8');
	return packageDirectory;
}
