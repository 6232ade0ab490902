#!/usr/bin/env node
/**
 * `npm run test:n8n2`: the tests that run inside n8n's engine, again on the n8n 2.x line (n8n-core 2.41.1,
 * n8n-workflow 2.41.0). Installs that line into test/compat/n8n2 first when it is missing or its lockfile
 * changed (with --ignore-scripts: isolated-vm cannot build on Node 20 and the tests never load it).
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const compat = join(root, 'test', 'compat', 'n8n2');
const stamp = join(compat, 'node_modules', '.installed-lock-sha256');
const lockHash = createHash('sha256')
	.update(readFileSync(join(compat, 'package-lock.json')))
	.digest('hex');

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
	process.stdout.write('Installing the n8n 2.x test line into test/compat/n8n2 (about 30 s)...\n');
	// The repository's .npmrc (legacy-peer-deps, for the scanner's lint plugin) must not reach this install
	const env = { ...process.env };
	delete env.npm_config_legacy_peer_deps;
	run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', compat], { env });
	writeFileSync(stamp, lockHash);
}

run(process.execPath, [
	'--experimental-vm-modules',
	'--disable-warning=ExperimentalWarning',
	join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
	'-c',
	join(root, 'jest.n8n2.config.js'),
	...process.argv.slice(2),
]);
