/**
 * Child processes for the end-to-end test, the demo and the screenshot: every process is started in its
 * own process group and remembered, so it (and whatever it started, such as n8n's task runner) is killed
 * when the caller stops it, when a command times out, and when this process exits for any reason.
 * Only processes started here are ever signalled, by their own group id.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';

export interface Tracked {
	name: string;
	child: ChildProcess;
	pid: number;
	/** Everything the process wrote so far (capped; the oldest output is dropped first) */
	stdout(): string;
	stderr(): string;
	/** Resolves when the process has exited */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	hasExited(): boolean;
}

const MAX_CAPTURE = 32 * 1024 * 1024;
const running = new Set<Tracked>();
let handlersInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			// already gone
		}
	}
}

/** Kills every process still running, synchronously (usable from an 'exit' handler). */
export function killAllSync(): void {
	for (const tracked of running) killGroup(tracked.pid, 'SIGKILL');
	running.clear();
}

function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', killAllSync);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			killAllSync();
			process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const)[signal]);
		});
	}
}

class Capture {
	private parts: Buffer[] = [];
	private size = 0;

	add(chunk: Buffer): void {
		this.parts.push(chunk);
		this.size += chunk.length;
		while (this.size > MAX_CAPTURE && this.parts.length > 1)
			this.size -= this.parts.shift()!.length;
	}

	text(): string {
		return Buffer.concat(this.parts).toString('utf8');
	}
}

export interface StartOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Also append the process's stdout and stderr to this file */
	logFile?: string;
	/** Print the process's output to this process's stderr as it comes (for long installs) */
	echo?: boolean;
	stdin?: 'ignore' | 'pipe';
}

/** Starts a tracked process in its own process group. */
export function start(
	name: string,
	command: string,
	args: string[],
	options: StartOptions = {},
): Tracked {
	installHandlers();
	const spawnOptions: SpawnOptions = {
		cwd: options.cwd,
		env: options.env ?? process.env,
		detached: true,
		stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
	};
	const child = spawn(command, args, spawnOptions);
	if (child.pid === undefined) throw new Error(`Could not start ${name} (${command})`);
	const out = new Capture();
	const err = new Capture();
	let log: WriteStream | undefined;
	if (options.logFile) log = createWriteStream(options.logFile, { flags: 'a' });
	child.stdout!.on('data', (chunk: Buffer) => {
		out.add(chunk);
		log?.write(chunk);
		if (options.echo) process.stderr.write(chunk);
	});
	child.stderr!.on('data', (chunk: Buffer) => {
		err.add(chunk);
		log?.write(chunk);
		if (options.echo) process.stderr.write(chunk);
	});
	let done = false;
	const tracked: Tracked = {
		name,
		child,
		pid: child.pid,
		stdout: () => out.text(),
		stderr: () => err.text(),
		hasExited: () => done,
		exited: new Promise((resolve) => {
			child.on('error', (error) => {
				err.add(Buffer.from(`\n[${name}] ${error.message}\n`));
			});
			child.on('close', (code, signal) => {
				done = true;
				running.delete(tracked);
				// The group may still hold grandchildren (n8n's task runner): end them too
				killGroup(child.pid!, 'SIGKILL');
				log?.end();
				resolve({ code, signal });
			});
		}),
	};
	running.add(tracked);
	return tracked;
}

/** Stops a tracked process: SIGTERM to its group, SIGKILL after the grace period. */
export async function stop(tracked: Tracked, graceMs = 10_000): Promise<void> {
	if (tracked.hasExited()) return;
	killGroup(tracked.pid, 'SIGTERM');
	const timer = setTimeout(() => killGroup(tracked.pid, 'SIGKILL'), graceMs);
	await tracked.exited;
	clearTimeout(timer);
}

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	timedOut: boolean;
}

export interface RunOptions extends StartOptions {
	timeoutMs: number;
}

/** Runs a command to completion, killing its whole group when it exceeds the timeout. */
export async function run(
	name: string,
	command: string,
	args: string[],
	options: RunOptions,
): Promise<RunResult> {
	const started = Date.now();
	const tracked = start(name, command, args, options);
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup(tracked.pid, 'SIGKILL');
	}, options.timeoutMs);
	const { code, signal } = await tracked.exited;
	clearTimeout(timer);
	return {
		code,
		signal,
		stdout: tracked.stdout(),
		stderr: tracked.stderr(),
		durationMs: Date.now() - started,
		timedOut,
	};
}

/** The last `lines` lines of a text, for failure messages. */
export function tail(text: string, lines = 40): string {
	const all = text.trimEnd().split('\n');
	return all.slice(-lines).join('\n');
}

/** Describes a failed command with the tail of its output. */
export function describeFailure(what: string, result: RunResult): string {
	const status = result.timedOut ? 'timed out' : `exited with ${result.code ?? result.signal}`;
	return [
		`${what} ${status} after ${(result.durationMs / 1000).toFixed(1)} s`,
		'--- stdout (tail) ---',
		tail(result.stdout),
		'--- stderr (tail) ---',
		tail(result.stderr),
	].join('\n');
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Polls `check` until it returns a value other than undefined, or throws after the timeout. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined>,
	{ timeoutMs, intervalMs = 250 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${reason}`);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
