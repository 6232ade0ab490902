/**
 * Installs (or confirms the cached install of) the pinned n8n of a line, without running anything:
 *   node -r ts-node/register/transpile-only scripts/e2e/install-cli.ts n8n1|n8n2
 * Useful to warm the cache before a CI run or an offline demo.
 */
import { ensureN8n, type LineKey } from './install-n8n';

async function main(): Promise<void> {
	const line = (process.argv[2] ?? 'n8n1') as LineKey;
	if (line !== 'n8n1' && line !== 'n8n2') throw new Error(`Unknown line ${line}: use n8n1 or n8n2`);
	const started = Date.now();
	const install = await ensureN8n(line);
	const verb = install.installedInSeconds === undefined ? 'reused' : 'installed';
	process.stdout.write(
		`n8n ${install.spec.version} ${verb}: ${install.dir} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
	);
}

main().catch((error: Error) => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
