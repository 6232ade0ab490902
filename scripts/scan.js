#!/usr/bin/env node
// `npm run scan`: n8n's verification scanner (@n8n/scan-community-package) run on this package before it
// is published. The scanner's CLI only fetches published packages, so this runs its analysis itself, the
// way its analyzePackageByName() does: the scanner's own ESLint and config (buildScanConfig), inline
// `eslint-disable` comments ignored (allowInlineConfig: false), over
//   source   `git archive HEAD` (or, with --worktree, the working tree's tracked and unignored files),
//            linted with SOURCE_FILE_PATTERNS (package.json, nodes/ and credentials/);
//   tarball  that source built and packed (`npm run build`, `npm pack`) in a temp copy, extracted,
//            linted as the scanner lints a downloaded tarball: **/*.js and package.json.
// Prints every finding and a totals line; exits 1 on any error or warning (the scanner itself fails only
// on errors, but n8n's reviewers read the warnings too).
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

const root = path.resolve(__dirname, '..');
const scannerPackageJson = require.resolve('@n8n/scan-community-package/package.json');
const scannerDir = path.dirname(scannerPackageJson);
const fromScanner = createRequire(scannerPackageJson);

// How the scanner lints (scanner/scanner.mjs). If an upgrade changes it, say so rather than drift.
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
const GLOB_IGNORE = ['node_modules/**', '**/package-lock.json'];
function checkScannerUnchanged() {
	const source = fs.readFileSync(path.join(scannerDir, 'scanner', 'scanner.mjs'), 'utf8');
	for (const expected of [
		'allowInlineConfig: false',
		'overrideConfigFile: true',
		"analyzePackage(packageDir, ['**/*.js', 'package.json'])",
		"ignore: ['node_modules/**', '**/package-lock.json']",
	]) {
		if (!source.includes(expected)) {
			throw new Error(`scanner.mjs no longer has "${expected}": make scripts/scan.js match it`);
		}
	}
}

/** Runs a command and returns its stdout, which is shown too if the command fails (tsc reports there). */
function run(command, args, cwd) {
	const stdio = ['ignore', 'pipe', 'inherit'];
	try {
		return execFileSync(command, args, { cwd, encoding: 'utf8', stdio });
	} catch (error) {
		process.stderr.write(error.stdout ?? '');
		throw new Error(`\`${[command, ...args].join(' ')}\` failed (exit ${error.status})`);
	}
}

/** The source leg's files: HEAD's tree, or the working tree as it would be committed. */
function extractSource(dest, worktree) {
	if (!worktree) {
		const tar = path.join(dest, '..', 'head.tar');
		run('git', ['archive', '--format=tar', '-o', tar, 'HEAD'], root);
		run('tar', ['-xf', tar, '-C', dest]);
		return `HEAD ${run('git', ['rev-parse', '--short', 'HEAD'], root).trim()}`;
	}
	const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
	for (const file of files.split('\0').filter(Boolean)) {
		const from = path.join(root, file);
		if (!fs.lstatSync(from, { throwIfNoEntry: false })?.isFile()) continue; // deleted, or a symlink
		fs.mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
		fs.copyFileSync(from, path.join(dest, file));
	}
	return 'working tree';
}

/** Builds and packs the source copy (node_modules linked in), then extracts the tarball like the scanner. */
function packTarball(sourceDir, dest) {
	fs.symlinkSync(path.join(root, 'node_modules'), path.join(sourceDir, 'node_modules'), 'dir');
	run('npm', ['run', '--silent', 'build'], sourceDir);
	const packed = run('npm', ['pack', '--json', '--pack-destination', dest], sourceDir);
	const [{ filename }] = JSON.parse(packed);
	run('tar', ['-xzf', path.join(dest, filename), '-C', dest, '--strip-components=1']);
	fs.rmSync(path.join(dest, filename));
	return filename;
}

async function lint(scanner, dir, patterns) {
	const { ESLint } = fromScanner('eslint');
	const glob = fromScanner('fast-glob');
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: GLOB_IGNORE });
	const findings = [];
	for (const result of await eslint.lintFiles(files)) {
		for (const m of result.messages) {
			findings.push({
				file: path.relative(dir, result.filePath),
				line: m.line ?? 0,
				severity: m.severity === 2 ? 'error' : 'warning',
				rule: m.ruleId ?? '(parse)',
				message: m.message,
			});
		}
	}
	return findings;
}

async function main() {
	const worktree = process.argv.includes('--worktree');
	checkScannerUnchanged();
	fromScanner('tmp').setGracefulCleanup(); // scanner.mjs makes a temp dir when imported
	const scanner = await import(pathToFileURL(path.join(scannerDir, 'scanner', 'scanner.mjs')).href);
	const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	try {
		const sourceDir = path.join(temp, 'source');
		const tarballDir = path.join(temp, 'tarball');
		fs.mkdirSync(sourceDir);
		fs.mkdirSync(tarballDir);
		const sourceLabel = `source (${extractSource(sourceDir, worktree)})`;
		const legs = [[sourceLabel, await lint(scanner, sourceDir, scanner.SOURCE_FILE_PATTERNS)]];
		const tarballLabel = `tarball (${packTarball(sourceDir, tarballDir)})`;
		legs.push([tarballLabel, await lint(scanner, tarballDir, TARBALL_FILE_PATTERNS)]);

		const count = (findings) => {
			const errors = findings.filter((f) => f.severity === 'error').length;
			return `${errors} errors, ${findings.length - errors} warnings`;
		};
		for (const [label, findings] of legs) {
			console.log(`${label}: ${count(findings)}`);
			for (const f of findings) {
				console.log(`  ${f.file}:${f.line}  ${f.severity}  ${f.rule}  ${f.message}`);
			}
		}
		const all = legs.flatMap(([, findings]) => findings);
		console.log(`scan: ${count(all)} over source and tarball`);
		process.exitCode = all.length > 0 ? 1 : 0;
	} finally {
		fs.rmSync(temp, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`scan: ${error.message}`);
	process.exitCode = 2;
});
