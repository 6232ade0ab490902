/**
 * A logger that records every line n8n writes, so tests can assert on log content (in particular
 * that no token or secret is ever logged). It replaces both of n8n's logging entry points:
 * - `LoggerProxy` from n8n-workflow (used by WorkflowExecute and n8n-workflow itself), and
 * - the `Logger` service from @n8n/backend-common in the DI container (what `this.logger` is inside
 *   a node, and what n8n-core services such as the binary data service and OAuth2 refresh use).
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface CapturedLog {
	level: LogLevel;
	message: string;
	/** Metadata exactly as passed by the caller (not cloned). */
	meta: Record<string, unknown>;
	/** `message` + JSON of `meta` (errors expanded, cycles cut): what a JSON log line would contain. */
	text: string;
	scopes: string[];
}

export function safeStringify(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, v: unknown) => {
				if (v instanceof Error) {
					return {
						name: v.name,
						message: v.message,
						stack: v.stack,
						...(v as unknown as Record<string, unknown>),
					};
				}
				if (typeof v === 'bigint') return v.toString();
				if (Buffer.isBuffer(v)) return `<Buffer ${v.length} bytes>`;
				if (v !== null && typeof v === 'object') {
					if (seen.has(v)) return '[Circular]';
					seen.add(v);
				}
				return v;
			}) ?? ''
		);
	} catch (error) {
		return `[unserialisable: ${(error as Error).message}]`;
	}
}

const echoLevels = (process.env.N8N_HARNESS_LOG ?? '').split(',').filter(Boolean);

export class CapturingLogger {
	constructor(
		readonly lines: CapturedLog[] = [],
		readonly scopes: string[] = [],
	) {}

	readonly level = 'debug';

	private record(level: LogLevel, message: string, meta: Record<string, unknown> = {}) {
		const text = `${String(message)} ${Object.keys(meta).length ? safeStringify(meta) : ''}`.trim();
		this.lines.push({ level, message: String(message), meta, text, scopes: this.scopes });
		if (echoLevels.includes(level) || echoLevels.includes('all')) {
			// Opt-in echo for debugging a test: N8N_HARNESS_LOG=debug,warn (or all)
			process.stderr.write(`[n8n ${level}] ${text}\n`);
		}
	}

	error(message: string, meta?: Record<string, unknown>) {
		this.record('error', message, meta);
	}
	warn(message: string, meta?: Record<string, unknown>) {
		this.record('warn', message, meta);
	}
	info(message: string, meta?: Record<string, unknown>) {
		this.record('info', message, meta);
	}
	debug(message: string, meta?: Record<string, unknown>) {
		this.record('debug', message, meta);
	}
	/** @n8n/backend-common's Logger API */
	scoped(scopes: string | string[]): CapturingLogger {
		return new CapturingLogger(this.lines, [
			...this.scopes,
			...(Array.isArray(scopes) ? scopes : [scopes]),
		]);
	}
	/** Lines recorded since `mark` (an index previously read from `lines.length`). */
	since(mark: number): CapturedLog[] {
		return this.lines.slice(mark);
	}
}
