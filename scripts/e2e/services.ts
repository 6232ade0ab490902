/**
 * The services n8n's queue mode needs, from Debian's packages, started as this run's own processes on free
 * loopback ports and killed when the run ends (or fails): Redis (`redis-server`, no persistence) and a
 * private Postgres cluster (`initdb` in a temporary folder, the server run in the foreground so that it
 * is tracked like every other e2e process). Nothing touches a system service or a fixed port.
 *
 * Postgres refuses to run as root: when this process is root, the cluster belongs to the `postgres` system
 * user that Debian's package creates (`runuser -u postgres --`); otherwise it runs as the current user.
 * Missing binaries: `apt-get install -y redis-server postgresql` (what .ci/run does).
 */
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

import {
	describeFailure,
	freePort,
	run,
	start,
	stop,
	tail,
	waitFor,
	type Tracked,
} from './processes';

export interface Service {
	host: string;
	port: number;
	process: Tracked;
	/** Output so far, for failure messages */
	output(): string;
	stop(): Promise<void>;
}

export interface PostgresService extends Service {
	database: string;
	user: string;
	password: string;
	/** Runs SQL with psql; returns its unaligned, tuples-only output */
	sql(query: string): Promise<string>;
}

export function missingServiceBinaries(): string[] {
	const missing: string[] = [];
	if (!hasCommand('redis-server')) missing.push('redis-server (apt-get install -y redis-server)');
	if (!postgresBinDir()) missing.push('postgres (apt-get install -y postgresql)');
	return missing;
}

function hasCommand(command: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** /usr/lib/postgresql/<newest>/bin, or undefined when Postgres is not installed. */
export function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter(
			(v) =>
				existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')),
		)
		.sort((a, b) => Number(b) - Number(a));
	return versions.length > 0 ? join(root, versions[0], 'bin') : undefined;
}

/** `redis-server` on a free loopback port, without persistence; resolves once it answers PING. */
export async function startRedis(): Promise<Service> {
	const port = await freePort();
	const child = start(
		'redis-server',
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--protected-mode',
			'yes',
		],
		{},
	);
	const output = () => `${child.stdout()}\n${child.stderr()}`;
	await waitFor(
		`redis-server to answer on 127.0.0.1:${port}`,
		async () => {
			if (child.hasExited()) throw new Error(`redis-server exited:\n${tail(output())}`);
			const ping = await run(
				'redis-cli ping',
				'redis-cli',
				['-h', '127.0.0.1', '-p', String(port), 'ping'],
				{ timeoutMs: 5_000 },
			);
			return ping.stdout.trim() === 'PONG' ? true : undefined;
		},
		{ timeoutMs: 30_000, intervalMs: 200 },
	);
	return { host: '127.0.0.1', port, process: child, output, stop: () => stop(child, 5_000) };
}

/**
 * A private Postgres cluster: initdb in a temporary folder (trust authentication on loopback), the server
 * started in the foreground on a free port with its socket in that folder, and one database for n8n.
 * `stop()` shuts it down (fast) and removes the folder.
 */
export async function startPostgres({
	database = 'n8n',
}: { database?: string } = {}): Promise<PostgresService> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('Postgres is not installed (apt-get install -y postgresql)');
	const asRoot = process.getuid?.() === 0;
	const runAs = asRoot ? 'postgres' : userInfo().username;
	const wrap = (command: string, args: string[]): [string, string[]] =>
		asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

	const dir = mkdtempSync(join(tmpdir(), 'tiktok-e2e-pg-'));
	const data = join(dir, 'data');
	const socketDir = join(dir, 'socket');
	mkdirSync(socketDir);
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		for (const path of [dir, socketDir]) chownSync(path, uid, gid);
	}
	chmodSync(dir, 0o700);

	const user = 'n8n';
	const password = 'n8n-e2e';
	const [initCommand, initArgs] = wrap(join(bin, 'initdb'), [
		'-D',
		data,
		'-U',
		user,
		'--auth=trust',
		'--encoding=UTF8',
		'--locale=C.UTF-8',
		'--no-sync',
	]);
	const init = await run('initdb', initCommand, initArgs, { timeoutMs: 2 * 60_000, cwd: dir });
	if (init.code !== 0) {
		rmSync(dir, { recursive: true, force: true });
		throw new Error(describeFailure(`initdb (as ${runAs})`, init));
	}

	const port = await freePort();
	// Durability off: a throwaway cluster; the tests measure n8n, not fsync
	const settings = [
		`port=${port}`,
		`unix_socket_directories=${socketDir}`,
		'listen_addresses=127.0.0.1',
		'fsync=off',
		'synchronous_commit=off',
		'full_page_writes=off',
		'max_connections=200',
		'shared_buffers=64MB',
	].flatMap((setting) => ['-c', setting]);
	const [serverCommand, serverArgs] = wrap(join(bin, 'postgres'), ['-D', data, ...settings]);
	const child = start('postgres', serverCommand, serverArgs, { cwd: dir });
	const output = () => `${child.stdout()}\n${child.stderr()}`;
	const psql = async (query: string, db = 'postgres'): Promise<string> => {
		const result = await run(
			'psql',
			join(bin, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				user,
				'-d',
				db,
				'-X',
				'-A',
				'-t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				query,
			],
			{
				timeoutMs: 60_000,
			},
		);
		if (result.code !== 0)
			throw new Error(describeFailure(`psql -c ${query.slice(0, 80)}`, result));
		return result.stdout.trim();
	};
	const service: PostgresService = {
		host: '127.0.0.1',
		port,
		database,
		user,
		password,
		process: child,
		output,
		sql: (query) => psql(query, database),
		async stop() {
			if (!child.hasExited()) {
				// SIGINT: Postgres' fast shutdown (SIGTERM would wait for clients to disconnect)
				try {
					process.kill(-child.pid, 'SIGINT');
				} catch {
					// gone
				}
				const timer = setTimeout(() => void stop(child, 1), 10_000);
				await child.exited;
				clearTimeout(timer);
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
	try {
		await waitFor(
			`postgres to accept connections on 127.0.0.1:${port}`,
			async () => {
				if (child.hasExited()) throw new Error(`postgres exited:\n${tail(output())}`);
				const ready = await run(
					'pg_isready',
					join(bin, 'pg_isready'),
					['-h', '127.0.0.1', '-p', String(port), '-U', user],
					{ timeoutMs: 5_000 },
				);
				return ready.code === 0 ? true : undefined;
			},
			{ timeoutMs: 60_000, intervalMs: 200 },
		);
		await psql(`ALTER USER ${user} PASSWORD '${password}'`);
		await psql(`CREATE DATABASE ${database}`);
	} catch (error) {
		await service.stop();
		throw error;
	}
	return service;
}
