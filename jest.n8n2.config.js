/**
 * The same tests against the n8n 2.x line: n8n-core 2.41.1 + n8n-workflow 2.41.0 (what n8n 2.41.1
 * ships), installed in test/compat/n8n2 with `npm ci --ignore-scripts --prefix test/compat/n8n2`.
 * Every n8n module the harness, the tests or the package require is mapped (with its subpaths) to
 * that copy; modules required from inside the 2.x copy resolve there by themselves.
 */
const path = require('node:path');
const fs = require('node:fs');
const base = require('./jest.config');

const compat = path.join(__dirname, 'test', 'compat', 'n8n2', 'node_modules');
if (!fs.existsSync(path.join(compat, 'n8n-core', 'package.json'))) {
	throw new Error(
		'n8n 2.x test dependencies missing: run `npm ci --ignore-scripts --prefix test/compat/n8n2` first.',
	);
}

// n8n-core 2.x loads the ESM-only `file-type` with a dynamic import() (prepareBinaryData on a buffer
// without a MIME type); jest can only run that with Node's VM modules enabled.
if (typeof require('node:vm').SourceTextModule !== 'function') {
	throw new Error(
		"jest.n8n2.config.js needs Node's --experimental-vm-modules: run `npm run test:n8n2`, i.e. " +
			'node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js -c jest.n8n2.config.js',
	);
}

// lets the harness's own test check that the 2.x copies were really loaded
process.env.N8N_HARNESS_EXPECT_LINE = '2';

const mapped = [
	'n8n-core',
	'n8n-workflow',
	'@n8n/di',
	'@n8n/client-oauth2',
	'@n8n/backend-common',
	'@n8n/config',
	'reflect-metadata',
];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

module.exports = {
	...base,
	displayName: 'n8n 2.x',
	// Only the tests that run inside n8n's engine; the emulator's and the fixtures' own tests do not touch n8n
	roots: ['harness', 'nodes', 'credentials', 'examples'].map((dir) => `<rootDir>/test/${dir}`),
	moduleNameMapper: Object.fromEntries(
		mapped.flatMap((name) => [
			[`^${escape(name)}$`, path.join(compat, name)],
			[`^${escape(name)}/(.*)$`, `${path.join(compat, name)}/$1`],
		]),
	),
};
