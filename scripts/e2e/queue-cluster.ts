/**
 * n8n in queue mode, the way production scales it out: Redis (Bull) and Postgres (scripts/e2e/services.ts),
 * one main (`n8n start`), workers (`n8n worker`) and a webhook processor (`n8n webhook`) from the cached
 * pinned install, all with the same N8N_USER_FOLDER: the packed package in `.n8n/nodes` (installed like
 * n8n's community-package installer does), one encryption key, and the filesystem binary data store in
 * that shared folder. The TikTok emulator runs as its own process, as in the single-process e2e.
 *
 * The package comes from `E2E_PACKAGE_TARBALL` when set (a tarball made elsewhere, e.g. from a clean
 * worktree), otherwise the work tree is built and packed like the other e2e suites do.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

import { EmulatorProcess } from './emulator';
import { ensureN8n, type LineKey, type Log, type N8nInstall } from './install-n8n';
import { N8n } from './n8n';
import { buildPackage, installPackedPackage, packPackage, prebuiltTarball } from './package';
import { freePort, start, stop, tail, waitFor, type Tracked } from './processes';
import { startPostgres, startRedis, type PostgresService, type Service } from './services';

export type Role = 'main' | 'worker' | 'webhook';

/** One n8n process of the cluster; a worker restarted keeps its name and its earlier output. */
export class QueueProcess {
	private tracked?: Tracked;
	private earlierOutput = '';
	private exits: Array<{ code: number | null; signal: NodeJS.Signals | null; at: number }> = [];

	constructor(
		readonly name: string,
		readonly role: Role,
		/** HTTP port: the REST API and webhooks (main), webhooks (webhook), the health server (worker) */
		readonly port: number,
		readonly brokerPort: number,
	) {}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}/`;
	}

	get pid(): number | undefined {
		return this.tracked?.pid;
	}

	isRunning(): boolean {
		return this.tracked !== undefined && !this.tracked.hasExited();
	}

	attach(tracked: Tracked): void {
		if (this.tracked) this.earlierOutput += this.currentOutput();
		this.tracked = tracked;
		void tracked.exited.then(({ code, signal }) =>
			this.exits.push({ code, signal, at: Date.now() }),
		);
	}

	private currentOutput(): string {
		return this.tracked ? `${this.tracked.stdout()}${this.tracked.stderr()}` : '';
	}

	/** Everything this process (and its earlier incarnations) printed. */
	output(): string {
		return this.earlierOutput + this.currentOutput();
	}

	exitHistory(): Array<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
		return [...this.exits];
	}

	async exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
		if (!this.tracked) return { code: null, signal: null };
		return await this.tracked.exited;
	}

	/** Signals the process: its whole group (with its task runner) for SIGKILL, only n8n itself otherwise. */
	signal(signal: NodeJS.Signals): void {
		if (!this.tracked || this.tracked.hasExited()) return;
		const target = signal === 'SIGKILL' ? -this.tracked.pid : this.tracked.pid;
		try {
			process.kill(target, signal);
		} catch {
			// already gone
		}
	}

	async stop(): Promise<void> {
		if (this.tracked) await stop(this.tracked, 15_000);
	}
}

export interface QueueClusterOptions {
	line: LineKey;
	log?: Log;
	workers?: number;
	emulatorArgs?: string[];
	/**
	 * n8n's binary data store, shared by every process: `filesystem` in the shared user folder (default on
	 * 1.x, which keeps binary data in memory otherwise), or `database` (Postgres; 2.x's default in queue mode)
	 */
	binaryDataMode?: 'filesystem' | 'database';
	/** Extra environment for every n8n process and command */
	env?: Record<string, string>;
}

const defaultLog: Log = (message) => process.stderr.write(`[e2e:queue] ${message}\n`);

/**
 * Bull's stall detection, shortened so that a killed worker's job is re-queued in seconds, not minutes
 * (n8n 1.x defaults: lock 60 s renewed every 10 s, stalled check every 30 s, re-queued once).
 */
export const QUEUE_TIMINGS = {
	QUEUE_WORKER_LOCK_DURATION: '6000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
	QUEUE_WORKER_STALLED_INTERVAL: '3000',
	QUEUE_WORKER_MAX_STALLED_COUNT: '1',
};

export class QueueCluster {
	readonly processes: QueueProcess[] = [];
	readonly timings: Record<string, number> = {};

	private constructor(
		readonly install: N8nInstall,
		/** The main's CLI and REST client (its port is main's port) */
		readonly n8n: N8n,
		readonly redis: Service,
		readonly postgres: PostgresService,
		readonly emulator: EmulatorProcess,
		/** A folder in the shared user folder that the Read/Write Files node may read */
		readonly dataDir: string,
		private readonly log: Log,
	) {}

	/** Installs n8n (cached), packs the package, starts Redis, Postgres and the emulator; n8n not yet. */
	static async create(options: QueueClusterOptions): Promise<QueueCluster> {
		const log = options.log ?? defaultLog;
		const timings: Record<string, number> = {};
		const timed = async <T>(phase: string, body: () => Promise<T>): Promise<T> => {
			const started = Date.now();
			try {
				return await body();
			} finally {
				timings[phase] = Math.round((Date.now() - started) / 100) / 10;
			}
		};
		const install = await timed('install', () => ensureN8n(options.line, log));
		log(
			`n8n ${install.spec.version} ${install.installedInSeconds === undefined ? 'reused from' : 'installed in'} ${install.dir}`,
		);
		const given = prebuiltTarball();
		let tarball: string;
		if (given) {
			tarball = given;
			log(`package from E2E_PACKAGE_TARBALL=${tarball} (not built or packed here)`);
		} else {
			await timed('build', () => buildPackage(log));
			tarball = await timed('pack', () => packPackage());
		}

		let redis: Service | undefined;
		let postgres: PostgresService | undefined;
		let emulator: EmulatorProcess | undefined;
		try {
			[redis, postgres, emulator] = await timed('services', () =>
				Promise.all([
					startRedis(),
					startPostgres(),
					EmulatorProcess.start({
						args: options.emulatorArgs ?? ['--port', '0', '--upload-port', '0'],
					}),
				]),
			);
			const userFolder = mkdtempSync(join(tmpdir(), `tiktok-e2e-queue-${options.line}-`));
			const dataDir = join(userFolder, 'files');
			mkdirSync(dataDir, { recursive: true });
			const env: Record<string, string> = {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: redis.host,
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: postgres.host,
				DB_POSTGRESDB_PORT: String(postgres.port),
				DB_POSTGRESDB_DATABASE: postgres.database,
				DB_POSTGRESDB_USER: postgres.user,
				DB_POSTGRESDB_PASSWORD: postgres.password,
				N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64'),
				// Binary data every process can read: the filesystem of the shared user folder, or Postgres
				N8N_DEFAULT_BINARY_DATA_MODE: options.binaryDataMode ?? 'filesystem',
				N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '30',
				...QUEUE_TIMINGS,
				...options.env,
			};
			const n8n = new N8n(install, { userFolder, fileAccess: [dataDir], env });
			await timed('packageInstall', async () => {
				await installPackedPackage(tarball, userFolder, await n8n.env());
			});
			if (!given) rmSync(dirname(tarball), { recursive: true, force: true });
			const cluster = new QueueCluster(install, n8n, redis, postgres, emulator, dataDir, log);
			Object.assign(cluster.timings, timings);
			return cluster;
		} catch (error) {
			await emulator?.stop();
			await redis?.stop();
			await postgres?.stop();
			throw error;
		}
	}

	get main(): QueueProcess {
		return this.byRole('main')[0];
	}

	get webhook(): QueueProcess {
		return this.byRole('webhook')[0];
	}

	get workers(): QueueProcess[] {
		return this.byRole('worker');
	}

	private byRole(role: Role): QueueProcess[] {
		return this.processes.filter((p) => p.role === role);
	}

	process(name: string): QueueProcess {
		const found = this.processes.find((p) => p.name === name);
		if (!found) throw new Error(`No n8n process ${name}`);
		return found;
	}

	/** Starts main (and waits until it is ready: migrations, activation, REST), then the workers and the webhook processor. */
	async start({ workers = 2 }: { workers?: number } = {}): Promise<void> {
		const started = Date.now();
		const main = new QueueProcess('main', 'main', await this.n8n.port, await this.n8n.brokerPort);
		this.processes.push(main);
		await this.launch(main);
		this.timings.main = Math.round((Date.now() - started) / 100) / 10;
		for (let i = 1; i <= workers; i++)
			this.processes.push(
				new QueueProcess(`worker${i}`, 'worker', await freePort(), await freePort()),
			);
		this.processes.push(new QueueProcess('webhook', 'webhook', await freePort(), await freePort()));
		const rest = this.processes.filter((p) => p.role !== 'main');
		await Promise.all(rest.map((p) => this.launch(p)));
		this.timings.cluster = Math.round((Date.now() - started) / 100) / 10;
	}

	private async envFor(p: QueueProcess): Promise<NodeJS.ProcessEnv> {
		const env = await this.n8n.env();
		env.N8N_RUNNERS_BROKER_PORT = String(p.brokerPort);
		// Each process its own event log, as separate containers have: n8n's start-up recovery reads it and
		// marks every execution it lists as unfinished "crashed", which a shared log would do to the
		// executions of the other workers (all workers write n8nEventLog-worker.log by default)
		env.N8N_EVENTBUS_LOGWRITER_LOGBASENAME = `n8nEventLog-${p.name}`;
		if (p.role === 'worker') {
			// The worker's own HTTP server: health checks (it serves no webhooks)
			env.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
			env.QUEUE_HEALTH_CHECK_PORT = String(p.port);
			env.N8N_WORKER_SERVER_ADDRESS = '127.0.0.1';
		} else {
			env.N8N_PORT = String(p.port);
		}
		return env;
	}

	/** Starts (or restarts) one process and waits until it serves. */
	async launch(
		p: QueueProcess,
		{ timeoutMs = 3 * 60_000, env = {} }: { timeoutMs?: number; env?: Record<string, string> } = {},
	): Promise<void> {
		const command = p.role === 'main' ? 'start' : p.role;
		const tracked = start(
			`n8n ${command} (${p.name})`,
			this.install.nodeBinary,
			[this.install.n8nScript, command],
			{
				cwd: this.n8n.userFolder,
				env: { ...(await this.envFor(p)), ...env },
				logFile: join(this.n8n.userFolder, `n8n-${p.name}.log`),
			},
		);
		p.attach(tracked);
		const ready = async (): Promise<true | undefined> => {
			if (tracked.hasExited())
				throw new Error(`n8n ${command} (${p.name}) exited early:\n${tail(p.output(), 60)}`);
			const health = await fetch(`${p.baseUrl}healthz/readiness`, {
				signal: AbortSignal.timeout(5_000),
			}).catch(() => undefined);
			if (!health?.ok) return undefined;
			if (p.role === 'main') {
				const settings = await fetch(`${p.baseUrl}rest/settings`, {
					signal: AbortSignal.timeout(5_000),
				}).catch(() => undefined);
				return settings?.ok ? true : undefined;
			}
			if (p.role === 'worker')
				return /n8n worker is now ready/.test(tracked.stdout()) ? true : undefined;
			return /Webhook listener waiting for requests/.test(tracked.stdout()) ? true : undefined;
		};
		let fatal: Error | undefined;
		await waitFor(
			`n8n ${command} (${p.name}) to be ready on ${p.baseUrl}`,
			async () => {
				try {
					return await ready();
				} catch (error) {
					fatal = error as Error;
					return true;
				}
			},
			{ timeoutMs, intervalMs: 500 },
		).catch((error: Error) => {
			throw new Error(`${error.message}\n--- ${p.name} output (tail) ---\n${tail(p.output(), 60)}`);
		});
		if (fatal) throw fatal;
		this.log(`${p.name} ready on ${p.baseUrl} (pid ${tracked.pid})`);
	}

	/** Production webhook URL of `path` on main or on the webhook processor. */
	webhookUrl(on: 'main' | 'webhook', path: string): string {
		return `${(on === 'main' ? this.main : this.webhook).baseUrl}webhook/${path}`;
	}

	/** The workers whose log says they started this execution (in the order they did). */
	workersThatRan(executionId: string): string[] {
		const pattern = new RegExp(`Worker started execution ${executionId} \\(job`);
		return this.workers
			.map((w) => ({ name: w.name, at: w.output().search(pattern) }))
			.filter((w) => w.at >= 0)
			.map((w) => w.name);
	}

	/** How many times each worker's log says it started this execution. */
	startsPerWorker(executionId: string): Record<string, number> {
		const pattern = new RegExp(`Worker started execution ${executionId} \\(job`, 'g');
		return Object.fromEntries(
			this.workers.map((w) => [w.name, (w.output().match(pattern) ?? []).length]),
		);
	}

	/** Output tails of every process, for failure messages. */
	describe(lines = 30): string {
		return [
			...this.processes.map((p) => `--- ${p.name} (tail) ---\n${tail(p.output(), lines)}`),
			`--- emulator (tail) ---\n${tail(this.emulator.output(), 15)}`,
		].join('\n');
	}

	async dispose(): Promise<void> {
		await Promise.all(this.processes.map((p) => p.stop()));
		await this.emulator.stop();
		await this.redis.stop();
		await this.postgres.stop();
		await this.n8n.dispose();
	}
}
