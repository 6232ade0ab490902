/**
 * The TikTok API emulator (test/emulator/) as a separate process, the way a real n8n reaches it: its CLI
 * prints one JSON line (base URLs, the app's client key and secret, a token pair for the default account)
 * and serves until SIGTERM. Tests drive and inspect it through its loopback-only control API
 * under `${baseUrl}/__emulator/`.
 */
import { join } from 'node:path';

import { REPO_ROOT } from './install-n8n';
import { start, stop, tail, type Tracked } from './processes';

/** What the emulator CLI prints on its first stdout line (fields the e2e relies on). */
export interface EmulatorInfo {
	baseUrl: string;
	uploadBaseUrl?: string;
	clientKey: string;
	clientSecret: string;
	accessToken: string;
	refreshToken: string;
	openId: string;
	/** Everything the line carried, as printed */
	raw: Record<string, unknown>;
}

function pick(source: Record<string, unknown>, ...paths: string[]): string | undefined {
	for (const path of paths) {
		let value: unknown = source;
		for (const key of path.split('.'))
			value = (value as Record<string, unknown> | undefined)?.[key];
		if (typeof value === 'string' && value !== '') return value;
	}
	return undefined;
}

/** Reads the CLI's JSON line; tolerant of camelCase or TikTok's snake_case token field names. */
export function parseEmulatorInfo(line: string): EmulatorInfo {
	const raw = JSON.parse(line) as Record<string, unknown>;
	const need = (what: string, ...paths: string[]): string => {
		const value = pick(raw, ...paths);
		if (value === undefined)
			throw new Error(
				`The emulator CLI's JSON line has no ${what} (looked for ${paths.join(', ')}): ${line}`,
			);
		return value;
	};
	return {
		baseUrl: need('base URL', 'baseUrl').replace(/\/+$/, ''),
		uploadBaseUrl: pick(raw, 'uploadBaseUrl'),
		clientKey: need('client key', 'clientKey', 'client_key', 'app.clientKey'),
		clientSecret: need('client secret', 'clientSecret', 'client_secret', 'app.clientSecret'),
		accessToken: need(
			'access token',
			'accessToken',
			'access_token',
			'tokens.access_token',
			'tokens.accessToken',
			'token.access_token',
		),
		refreshToken: need(
			'refresh token',
			'refreshToken',
			'refresh_token',
			'tokens.refresh_token',
			'tokens.refreshToken',
			'token.refresh_token',
		),
		openId: need(
			'open id',
			'openId',
			'open_id',
			'tokens.open_id',
			'tokens.openId',
			'token.open_id',
			'account.openId',
		),
		raw,
	};
}

export interface EmulatorAccount {
	openId: string;
	nickname: string;
	username: string;
}

export class EmulatorProcess {
	private constructor(
		private readonly process: Tracked,
		readonly info: EmulatorInfo,
	) {}

	/** Starts `node -r ts-node/register/transpile-only test/emulator/cli.ts` and waits for its JSON line. */
	static async start({
		args = [],
		timeoutMs = 60_000,
	}: { args?: string[]; timeoutMs?: number } = {}): Promise<EmulatorProcess> {
		const cli = join(REPO_ROOT, 'test', 'emulator', 'cli.ts');
		const child = start(
			'TikTok emulator',
			process.execPath,
			['-r', 'ts-node/register/transpile-only', cli, ...args],
			{
				cwd: REPO_ROOT,
				env: { ...process.env, TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.test.json') },
			},
		);
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const out = child.stdout();
			const newline = out.indexOf('\n');
			if (newline >= 0) {
				try {
					return new EmulatorProcess(child, parseEmulatorInfo(out.slice(0, newline)));
				} catch (error) {
					await stop(child);
					throw error;
				}
			}
			if (child.hasExited() || Date.now() > deadline) {
				await stop(child);
				throw new Error(
					`The emulator CLI ${child.hasExited() ? 'exited' : 'printed nothing'} before its JSON line.\n--- stdout ---\n${tail(child.stdout())}\n--- stderr ---\n${tail(child.stderr())}`,
				);
			}
			await new Promise((r) => setTimeout(r, 100));
		}
	}

	get baseUrl(): string {
		return this.info.baseUrl;
	}

	/** Output of the emulator process so far (for failure messages). */
	output(): string {
		return `${this.process.stdout()}\n${this.process.stderr()}`;
	}

	/** Calls the control API: `method` on `${baseUrl}/__emulator/<path>`. Throws on a non-2xx answer. */
	async control<T = unknown>(
		method: 'GET' | 'POST' | 'DELETE',
		path: string,
		body?: unknown,
	): Promise<T> {
		const url = `${this.baseUrl}/__emulator/${path.replace(/^\/+/, '')}`;
		const response = await fetch(url, {
			method,
			headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`Emulator control ${method} ${path} answered ${response.status}: ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	get<T = unknown>(path: string): Promise<T> {
		return this.control<T>('GET', path);
	}

	post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
		return this.control<T>('POST', path, body);
	}

	/** The account the emulator's startup tokens belong to (the one a consenting browser connects). */
	async defaultAccount(): Promise<EmulatorAccount> {
		const summary = await this.get<{ defaultAccountOpenId: string; accounts: EmulatorAccount[] }>(
			'summary/',
		);
		const account = summary.accounts.find((a) => a.openId === summary.defaultAccountOpenId);
		if (!account)
			throw new Error(
				`The emulator's summary lists no default account ${summary.defaultAccountOpenId}`,
			);
		return account;
	}

	/** Follows the authorize page like a browser whose user consents, and returns the code from the redirect. */
	async authorizationCode({
		redirectUri,
		scopes,
		state = 'e2e',
	}: {
		redirectUri: string;
		scopes: string[];
		state?: string;
	}): Promise<string> {
		const url = new URL(`${this.baseUrl}/v2/auth/authorize/`);
		url.searchParams.set('client_key', this.info.clientKey);
		url.searchParams.set('response_type', 'code');
		url.searchParams.set('scope', scopes.join(','));
		url.searchParams.set('redirect_uri', redirectUri);
		url.searchParams.set('state', state);
		const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
		const location = response.headers.get('location');
		if (response.status !== 302 || !location) {
			throw new Error(
				`The emulator's authorize page answered ${response.status} without a redirect: ${await response.text()}`,
			);
		}
		const target = new URL(location);
		const code = target.searchParams.get('code');
		if (!code) throw new Error(`The authorize redirect carries no code: ${location}`);
		if (target.searchParams.get('state') !== state)
			throw new Error(`The authorize redirect lost the state: ${location}`);
		return code;
	}

	async stop(): Promise<void> {
		await stop(this.process, 5_000);
	}
}
