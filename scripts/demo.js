#!/usr/bin/env node
/**
 * `npm run demo`: the one command that shows the package working in a real n8n.
 *
 * Plain JavaScript on purpose: on a fresh clone nothing is installed yet, so this file installs the
 * project's dependencies (npm ci) when they are missing, then hands over to scripts/demo-main.ts.
 * Everything else (building, the cached n8n install, the emulator, the workflow) happens there.
 *
 *   npm run demo                      emulator, n8n 1.x (default)
 *   npm run demo -- --line n8n2       the same on n8n 2.x (Node 24 from npm; first run installs it)
 *   npm run demo -- --real            YOUR TikTok app and account instead of the emulator (see --help)
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function needsInstall() {
	return ['ts-node', 'typescript', 'n8n-workflow', 'gulp', 'rimraf'].some(
		(name) => !existsSync(join(root, 'node_modules', name, 'package.json')),
	);
}

if (needsInstall()) {
	process.stdout.write("Installing the project's dependencies (npm ci, about a minute)...\n");
	// eslint-plugin-n8n-nodes-base's preinstall runs `npx only-allow pnpm`, which needs npx's "yes"
	const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, npm_config_yes: 'true' },
	});
	if (result.status !== 0) {
		process.stderr.write('npm ci failed; see above.\n');
		process.exit(1);
	}
}

require(join(root, 'node_modules', 'ts-node')).register({
	transpileOnly: true,
	project: join(root, 'tsconfig.test.json'),
});
require('./demo-main.ts')
	.main(process.argv.slice(2))
	.then((code) => process.exit(code))
	.catch((error) => {
		const detail =
			process.env.DEBUG && error && error.stack
				? error.stack
				: error && error.message
					? error.message
					: error;
		process.stderr.write(`\nDemo failed: ${detail}\n`);
		process.exit(1);
	});
