/**
 * Standalone media server for other processes (a real n8n in e2e tests, the benchmark):
 *   node -r ts-node/register/transpile-only test/media-server/cli.ts [--port 0] [--host 127.0.0.1]
 *        [--file '/video.mp4={"size":300000000}'] [--files '{"/a.mp4":{...}}']
 * Prints one JSON line ({baseUrl, controlUrl, pid, files: [{path, url, size, etag, ...}]}), then serves
 * until SIGINT or SIGTERM. Drive it through ${baseUrl}/__media/ (loopback only).
 */
import { writeFileSync } from 'node:fs';
import { startMediaServer } from './index';
import { selfSignedCertificate } from './tls';
import { fileFromJson } from './control';
import type { MediaFile, MediaServerOptions } from './types';

const USAGE = `Usage: cli.ts [--port N] [--host ADDR] [--file PATH=JSON]... [--files JSON] [--tls-cert-out FILE]
  --port N          listen port (default 0: any free port)
  --file PATH=JSON  one file, e.g. '/video.mp4={"size":300000000,"ranges":false}' (JSON may be omitted: a 3 MiB mp4)
  --files JSON      several files: {"/a.mp4":{...},"/b.mp4":{...}}
  --tls-cert-out F  serve https with a fresh self-signed certificate, written (PEM) to F for the client to trust`;

export function parseArgs(argv: string[]): MediaServerOptions & { tlsCertOut?: string } {
	const options: MediaServerOptions & { tlsCertOut?: string } = { port: 0, files: {} };
	const files = options.files as Record<string, MediaFile>;
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
			return next;
		};
		switch (flag) {
			case '--port': {
				const port = Number(value());
				if (!Number.isInteger(port) || port < 0 || port > 65535)
					throw new Error('--port needs a port number');
				options.port = port;
				break;
			}
			case '--host':
				options.host = value();
				break;
			case '--file': {
				const text = value();
				const eq = text.indexOf('=');
				const path = eq < 0 ? text : text.slice(0, eq);
				files[path] = fileFromJson(
					eq < 0 ? {} : (JSON.parse(text.slice(eq + 1)) as Record<string, unknown>),
				);
				break;
			}
			case '--files':
				for (const [path, spec] of Object.entries(
					JSON.parse(value()) as Record<string, Record<string, unknown>>,
				))
					files[path] = fileFromJson(spec);
				break;
			case '--tls-cert-out':
				options.tlsCertOut = value();
				break;
			case '--help':
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`Unknown argument ${flag}\n${USAGE}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const { tlsCertOut, ...options } = parseArgs(process.argv.slice(2));
	if (tlsCertOut) {
		options.tls = selfSignedCertificate();
		writeFileSync(tlsCertOut, options.tls.cert);
	}
	const server = await startMediaServer(options);
	process.stdout.write(
		`${JSON.stringify({
			baseUrl: server.baseUrl,
			controlUrl: `${server.baseUrl}/__media/`,
			pid: process.pid,
			...(tlsCertOut ? { tlsCertFile: tlsCertOut } : {}),
			files: server.paths().map((path) => {
				const { spec: _spec, ...described } = server.describe(path);
				return described;
			}),
		})}\n`,
	);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		void server.close().then(() => process.exit(0));
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
