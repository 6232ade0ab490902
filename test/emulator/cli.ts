/**
 * Standalone emulator for other processes (a real n8n in e2e tests, the demo):
 *   node -r ts-node/register/transpile-only test/emulator/cli.ts [--port 7070] [--upload-port 7071] [--state-file f]
 * Prints one JSON line (URLs, client key/secret, a fresh token pair for the default account), then
 * serves until SIGINT/SIGTERM. Drive it through ${baseUrl}/__emulator/ (loopback only).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { startEmulator } from './index';
import type { EmulatorStateSnapshot, TikTokEmulator } from './emulator';
import type { EmulatorOptions } from './types';

const USAGE = `Usage: cli.ts [--port N] [--upload-port N] [--host ADDR] [--upload-server separate|same]
              [--state-file FILE] [--webhook-url URL] [--settings JSON]
  --port / --upload-port   listen ports (default 7070 / 7071; 0 = any free port)
  --state-file FILE        load apps, accounts, tokens and clock offset from FILE if present; save them on change and exit
  --webhook-url URL        auto-deliver lifecycle webhooks there
  --settings JSON          initial settings, e.g. '{"oauth":{"clientKeyFrom":"bodyOrQuery"}}'`;

interface CliArgs {
	options: EmulatorOptions;
	stateFile?: string;
}

export function parseArgs(argv: string[]): CliArgs {
	const options: EmulatorOptions = { port: 7070, uploadPort: 7071 };
	let stateFile: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
			return next;
		};
		const port = () => {
			const n = Number(value());
			if (!Number.isInteger(n) || n < 0 || n > 65535)
				throw new Error(`${flag} needs a port number`);
			return n;
		};
		switch (flag) {
			case '--port':
				options.port = port();
				break;
			case '--upload-port':
				options.uploadPort = port();
				break;
			case '--host':
				options.host = value();
				break;
			case '--upload-server': {
				const mode = value();
				if (mode !== 'same' && mode !== 'separate')
					throw new Error('--upload-server is same or separate');
				options.uploadServer = mode;
				break;
			}
			case '--state-file':
				stateFile = value();
				break;
			case '--webhook-url':
				options.webhookCallbackUrl = value();
				break;
			case '--settings':
				options.settings = JSON.parse(value()) as EmulatorOptions['settings'];
				break;
			case '--help':
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown argument ${flag}\n${USAGE}`);
		}
	}
	return { options, stateFile };
}

/** Writes atomically (tmp + rename) so a crash never leaves half a state file. */
function saveState(emulator: TikTokEmulator, file: string, previous: { json: string }): void {
	const json = JSON.stringify(emulator.exportState(), null, '\t');
	if (json === previous.json) return;
	writeFileSync(`${file}.tmp`, json);
	renameSync(`${file}.tmp`, file);
	previous.json = json;
}

async function main(): Promise<void> {
	const { options, stateFile } = parseArgs(process.argv.slice(2));
	const emulator = await startEmulator(options);
	if (stateFile && existsSync(stateFile))
		emulator.importState(JSON.parse(readFileSync(stateFile, 'utf8')) as EmulatorStateSnapshot);
	const tokens = emulator.issueTokens();
	const saved = { json: '' };
	if (stateFile) {
		saveState(emulator, stateFile, saved);
		setInterval(() => saveState(emulator, stateFile, saved), 1000).unref();
	}
	process.stdout.write(
		`${JSON.stringify({
			baseUrl: emulator.baseUrl,
			uploadBaseUrl: emulator.uploadBaseUrl,
			controlUrl: `${emulator.baseUrl}/__emulator/`,
			clientKey: emulator.app.clientKey,
			clientSecret: emulator.app.clientSecret,
			redirectUris: emulator.app.redirectUris,
			openId: tokens.open_id,
			accessToken: tokens.access_token,
			refreshToken: tokens.refresh_token,
			tokens,
		})}\n`,
	);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		if (stateFile) saveState(emulator, stateFile, saved);
		void emulator.close().then(() => process.exit(0));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		process.stderr.write(`${(error as Error).message}\n`);
		process.exit(1);
	});
}
