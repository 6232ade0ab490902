/**
 * A real n8n with its own user folder (sqlite database, encryption key, binary data, community packages):
 * its CLI (import, execute, export) and its server (`n8n start`), headless.
 */
import {
	chmodSync,
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import type { N8nInstall } from './install-n8n';
import {
	describeFailure,
	freePort,
	run,
	start,
	stop,
	tail,
	waitFor,
	type RunResult,
	type Tracked,
} from './processes';

/** Variables of the calling shell that would change how n8n behaves; never passed on. */
const LEAKY_PREFIXES = [
	'N8N_',
	'DB_',
	'EXECUTIONS_',
	'QUEUE_',
	'WEBHOOK_',
	'GENERIC_TIMEZONE',
	'NODE_OPTIONS',
	'NODE_ENV',
];

/** The owner account the e2e, the screenshot and the demo create on a fresh n8n server. */
export const OWNER = {
	email: 'demo@n8n-nodes-tiktok-publisher.dev',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Demo-password-1',
};

export interface N8nOptions {
	/** Default: a fresh temporary folder, removed by dispose() */
	userFolder?: string;
	/** Folders the Read/Write Files node may read (2.x restricts it to ~/.n8n-files by default) */
	fileAccess?: string[];
	/** Extra environment for every command */
	env?: Record<string, string>;
	/** Keep the user folder on dispose() (E2E_KEEP=1 does the same) */
	keep?: boolean;
}

export interface CliOptions {
	timeoutMs?: number;
	/** Do not throw when the command exits non-zero */
	allowFailure?: boolean;
}

export interface ExecuteResult {
	/** n8n's IRun as printed by `n8n execute` (success) or logged by it (failure); undefined if none found */
	run?: ExecutionRun;
	ok: boolean;
	cli: RunResult;
}

/** The parts of n8n's IRun the tests read. */
export interface ExecutionRun {
	finished?: boolean;
	status?: string;
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{
					data?: {
						main: Array<Array<{
							json: Record<string, unknown>;
							binary?: Record<string, unknown>;
						}> | null>;
					};
					error?: ErrorShape;
				}>
			>;
			error?: ErrorShape;
			lastNodeExecuted?: string;
		};
	};
}

export interface ErrorShape {
	message?: string;
	description?: string;
	name?: string;
	node?: { name?: string };
	context?: Record<string, unknown>;
	[key: string]: unknown;
}

export class N8n {
	readonly userFolder: string;
	readonly port: Promise<number>;
	readonly brokerPort: Promise<number>;
	private server?: Tracked;
	private readonly scratch: string;

	constructor(
		readonly install: N8nInstall,
		private readonly options: N8nOptions = {},
	) {
		this.userFolder =
			options.userFolder ?? mkdtempSync(join(tmpdir(), `tiktok-e2e-${install.spec.key}-`));
		mkdirSync(this.userFolder, { recursive: true });
		this.scratch = join(this.userFolder, 'e2e-scratch');
		mkdirSync(this.scratch, { recursive: true });
		this.port = freePort();
		this.brokerPort = freePort();
	}

	get line(): 1 | 2 {
		return this.install.spec.key === 'n8n1' ? 1 : 2;
	}

	/**
	 * Starts the user folder from a database that already ran n8n's migrations (made once per cached
	 * install), which saves the 2-3 s every fresh folder otherwise spends migrating on its first command.
	 * Must run before the first n8n command of this instance; falls back silently to a fresh database.
	 */
	async useSeedDatabase(): Promise<void> {
		const seedDir = join(this.install.dir, 'e2e-seed');
		const files = ['database.sqlite', 'config'];
		const ready = () => files.every((f) => existsSync(join(seedDir, f)));
		if (!ready()) {
			const building = mkdtempSync(join(this.install.dir, 'e2e-seed-building-'));
			try {
				const seeder = new N8n(this.install, { userFolder: building });
				await seeder.cli(['list:workflow'], { timeoutMs: 2 * 60_000 });
				rmSync(seedDir, { recursive: true, force: true });
				mkdirSync(join(building, 'seed'));
				for (const f of files) copyFileSync(join(building, '.n8n', f), join(building, 'seed', f));
				renameSync(join(building, 'seed'), seedDir);
			} catch (error) {
				process.stderr.write(
					`[e2e] no seed database (${(error as Error).message.split('\n')[0]}); n8n will migrate a fresh one\n`,
				);
				return;
			} finally {
				rmSync(building, { recursive: true, force: true });
			}
		}
		const target = join(this.userFolder, '.n8n');
		mkdirSync(target, { recursive: true });
		for (const f of files) {
			copyFileSync(join(seedDir, f), join(target, f));
			chmodSync(join(target, f), 0o600);
		}
	}

	/** The environment every n8n command of this instance runs with. */
	async env(): Promise<NodeJS.ProcessEnv> {
		const env: NodeJS.ProcessEnv = {};
		for (const [key, value] of Object.entries(process.env)) {
			if (!LEAKY_PREFIXES.some((prefix) => key.startsWith(prefix))) env[key] = value;
		}
		if (this.install.pathPrefix)
			env.PATH = `${this.install.pathPrefix}${delimiter}${env.PATH ?? ''}`;
		const port = await this.port;
		Object.assign(env, {
			N8N_USER_FOLDER: this.userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			// The execution result is printed through the logger: keep it at info
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
			N8N_SECURE_COOKIE: 'false',
			// Every command starts a task broker (2.x always, 1.x for `execute`); never on a fixed port
			N8N_RUNNERS_BROKER_PORT: String(await this.brokerPort),
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			...(this.options.fileAccess && {
				N8N_RESTRICT_FILE_ACCESS_TO: this.options.fileAccess.join(';'),
			}),
			...this.install.spec.env,
			...this.options.env,
		});
		return env;
	}

	/** Runs `n8n <args>`; throws with n8n's output tail when it fails (unless allowFailure). */
	async cli(
		args: string[],
		{ timeoutMs = 3 * 60_000, allowFailure = false }: CliOptions = {},
	): Promise<RunResult> {
		const result = await run(
			`n8n ${args[0]}`,
			this.install.nodeBinary,
			[this.install.n8nScript, ...args],
			{
				cwd: this.userFolder,
				env: await this.env(),
				timeoutMs,
			},
		);
		if (!allowFailure && (result.code !== 0 || result.timedOut)) {
			throw new Error(describeFailure(`n8n ${args.join(' ')}`, result));
		}
		return result;
	}

	private writeScratch(name: string, data: unknown): string {
		const file = join(this.scratch, name);
		writeFileSync(file, JSON.stringify(data, null, 2));
		return file;
	}

	/** `n8n import:credentials` of plain (unencrypted) credential rows; n8n encrypts them on the way in. */
	async importCredentials(rows: object[]): Promise<void> {
		await this.cli([
			'import:credentials',
			`--input=${this.writeScratch(`credentials-${Date.now()}.json`, rows)}`,
		]);
	}

	/** `n8n import:workflow` of workflow objects (each with a fixed 16-character id). */
	async importWorkflows(workflows: object[]): Promise<void> {
		await this.cli([
			'import:workflow',
			`--input=${this.writeScratch(`workflows-${Date.now()}.json`, workflows)}`,
		]);
	}

	/** `n8n execute --id=<id> --rawOutput`, with the run data parsed from its output. */
	async execute(
		workflowId: string,
		{ timeoutMs = 5 * 60_000 }: { timeoutMs?: number } = {},
	): Promise<ExecuteResult> {
		const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], {
			timeoutMs,
			allowFailure: true,
		});
		if (cli.timedOut) throw new Error(describeFailure(`n8n execute --id=${workflowId}`, cli));
		const run = parseRunJson(cli.stdout);
		const ok = cli.code === 0 && run !== undefined && !run.data.resultData.error;
		return { run, ok, cli };
	}

	/**
	 * `n8n execute-batch --ids=... --snapshot=<dir>`: several workflows in one process. Returns each
	 * successful workflow's run data (failed ones have no snapshot) and the batch summary.
	 */
	async executeBatch(
		workflowIds: string[],
		{ timeoutMs = 5 * 60_000 }: { timeoutMs?: number } = {},
	): Promise<{ snapshots: Record<string, ExecutionRun | undefined>; cli: RunResult }> {
		const dir = mkdtempSync(join(this.scratch, 'snapshots-'));
		const cli = await this.cli(
			['execute-batch', `--ids=${workflowIds.join(',')}`, `--snapshot=${dir}`, '--shortOutput'],
			{
				timeoutMs,
				allowFailure: true,
			},
		);
		const snapshots: Record<string, ExecutionRun | undefined> = {};
		for (const id of workflowIds) {
			try {
				snapshots[id] = {
					data: JSON.parse(readFileSync(join(dir, `${id}-snapshot.json`), 'utf8')),
				} as ExecutionRun;
			} catch {
				snapshots[id] = undefined;
			}
		}
		return { snapshots, cli };
	}

	/** The decrypted data of a stored credential, as `n8n export:credentials --decrypted` shows it. */
	async exportCredential(
		id: string,
	): Promise<{ id: string; name: string; type: string; data: Record<string, unknown> }> {
		const file = join(this.scratch, `export-${id}-${Date.now()}.json`);
		await this.cli(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`]);
		const rows = JSON.parse(readFileSync(file, 'utf8')) as Array<{
			id: string;
			name: string;
			type: string;
			data: Record<string, unknown>;
		}>;
		rmSync(file, { force: true });
		const row = rows.find((r) => r.id === id);
		if (!row) throw new Error(`export:credentials returned no credential ${id}`);
		return row;
	}

	/** Activates a workflow the way each line's CLI does it (1.x update:workflow, 2.x publish:workflow). */
	async activateWorkflow(id: string): Promise<void> {
		if (this.line === 1) await this.cli(['update:workflow', `--id=${id}`, '--active=true']);
		else await this.cli(['publish:workflow', `--id=${id}`]);
	}

	/** `n8n start`, waiting until its health check answers; returns the base URL. */
	async startServer({ timeoutMs = 3 * 60_000 }: { timeoutMs?: number } = {}): Promise<string> {
		if (this.server && !this.server.hasExited()) return await this.baseUrl();
		const server = start('n8n start', this.install.nodeBinary, [this.install.n8nScript, 'start'], {
			cwd: this.userFolder,
			env: await this.env(),
			logFile: join(this.userFolder, 'n8n-server.log'),
		});
		this.server = server;
		const base = await this.baseUrl();
		await waitFor(
			`n8n to answer on ${base}`,
			async () => {
				if (server.hasExited()) {
					throw new Error(
						`n8n start exited early.\n--- stdout ---\n${tail(server.stdout())}\n--- stderr ---\n${tail(server.stderr())}`,
					);
				}
				// The health check answers before the REST API and webhooks are mounted: wait for both
				const health = await fetch(`${base}healthz/readiness`).catch(() => undefined);
				if (!health?.ok) return undefined;
				const settings = await fetch(`${base}rest/settings`).catch(() => undefined);
				return settings?.ok ? true : undefined;
			},
			{ timeoutMs, intervalMs: 500 },
		).catch((error: Error) => {
			throw new Error(
				`${error.message}\n--- n8n stdout ---\n${tail(server.stdout())}\n--- n8n stderr ---\n${tail(server.stderr())}`,
			);
		});
		return base;
	}

	private ownerCookie?: string;

	/** Creates the owner account through the REST API of the running server (once) and returns its session cookie. */
	async ownerSession(): Promise<string> {
		if (this.ownerCookie) return this.ownerCookie;
		const base = await this.baseUrl();
		const response = await fetch(`${base}rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!response.ok)
			throw new Error(`n8n owner setup answered ${response.status}: ${await response.text()}`);
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n owner setup set no n8n-auth cookie');
		this.ownerCookie = cookie.split(';')[0].slice('n8n-auth='.length);
		return this.ownerCookie;
	}

	/** GET on the running server's REST API as the owner; returns the parsed `data` field. */
	async restGet<T = unknown>(path: string): Promise<T> {
		const base = await this.baseUrl();
		const response = await fetch(`${base}rest/${path.replace(/^\/+/, '')}`, {
			headers: { cookie: `n8n-auth=${await this.ownerSession()}` },
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`n8n GET /rest/${path} answered ${response.status}: ${text.slice(0, 500)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** POST (JSON) on the running server's REST API as the owner, as the editor does; returns the parsed `data` field. */
	async restPost<T = unknown>(path: string, body: unknown): Promise<T> {
		const base = await this.baseUrl();
		const response = await fetch(`${base}rest/${path.replace(/^\/+/, '')}`, {
			method: 'POST',
			headers: {
				cookie: `n8n-auth=${await this.ownerSession()}`,
				'Content-Type': 'application/json',
			},
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		if (!response.ok)
			throw new Error(`n8n POST /rest/${path} answered ${response.status}: ${text.slice(0, 500)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** The stored executions of a workflow (newest first), from the running server. */
	async executionsOf(
		workflowId: string,
	): Promise<Array<{ id: string; status: string; mode: string; workflowId: string }>> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.restGet<{
			results: Array<{ id: string; status: string; mode: string; workflowId: string }>;
		}>(`executions?filter=${filter}&limit=50`);
		return data.results;
	}

	/** The run data of a stored execution (n8n keeps it "flatted"; parsed with n8n's own copy of flatted). */
	async executionRun(executionId: string): Promise<ExecutionRun> {
		const execution = await this.restGet<{ data: string | ExecutionRun['data'] }>(
			`executions/${executionId}`,
		);
		if (typeof execution.data !== 'string') return { data: execution.data };
		const requireFromN8n = createRequire(
			join(this.install.dir, 'node_modules', 'n8n', 'package.json'),
		);
		const { parse } = requireFromN8n('flatted') as {
			parse: (text: string) => ExecutionRun['data'];
		};
		return { data: parse(execution.data) };
	}

	/** Output of the running (or last) server so far, for assertions and failure messages. */
	serverOutput(): { stdout: string; stderr: string } {
		return { stdout: this.server?.stdout() ?? '', stderr: this.server?.stderr() ?? '' };
	}

	async baseUrl(): Promise<string> {
		return `http://127.0.0.1:${await this.port}/`;
	}

	async stopServer(): Promise<void> {
		if (this.server) await stop(this.server, 15_000);
		this.server = undefined;
	}

	/** Stops the server and removes the user folder (kept with E2E_KEEP=1 for debugging). */
	async dispose(): Promise<void> {
		await this.stopServer();
		if (this.options.keep || process.env.E2E_KEEP === '1') {
			process.stderr.write(`[e2e] kept the n8n user folder ${this.userFolder}\n`);
			return;
		}
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/**
 * The run data JSON in `n8n execute` output. 1.x prints only the JSON on success; 2.x prints log lines
 * first; on failure both log the run data between other lines. The JSON is pretty-printed, so it starts
 * with a line "{" and ends with a line "}".
 */
export function parseRunJson(stdout: string): ExecutionRun | undefined {
	const lines = stdout.split('\n').map((l) => l.replace(/\r$/, ''));
	const starts: number[] = [];
	const ends: number[] = [];
	lines.forEach((line, i) => {
		if (line === '{') starts.push(i);
		if (line === '}') ends.push(i);
	});
	for (const s of starts) {
		for (const e of [...ends].reverse()) {
			if (e <= s) break;
			try {
				const parsed = JSON.parse(lines.slice(s, e + 1).join('\n')) as ExecutionRun;
				if (parsed && typeof parsed === 'object' && parsed.data?.resultData) return parsed;
			} catch {
				// not this range
			}
		}
	}
	return undefined;
}

/** The JSON of every item a node output in its first (or only) run. */
export function nodeOutput(
	run: ExecutionRun | undefined,
	nodeName: string,
): Array<Record<string, unknown>> {
	const task = run?.data.resultData.runData[nodeName]?.[0];
	return (task?.data?.main?.[0] ?? []).map((item) => item.json);
}

/** The error of a run (the workflow's, or the first failed node's). */
export function runError(run: ExecutionRun | undefined): ErrorShape | undefined {
	if (!run) return undefined;
	if (run.data.resultData.error) return run.data.resultData.error;
	for (const tasks of Object.values(run.data.resultData.runData)) {
		for (const task of tasks) if (task.error) return task.error;
	}
	return undefined;
}
