import { readFileSync } from 'node:fs';

/** This process's peak resident set size (VmHWM) in bytes, from /proc; the current RSS elsewhere. */
export function peakRssBytes(): number {
	try {
		const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
		if (match) return Number(match[1]) * 1024;
	} catch {
		// not Linux
	}
	return process.memoryUsage().rss;
}

/** Prints a child's single result line (the parent reads the last line of stdout). */
export function report(result: object): void {
	process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

export interface RunArgs {
	filePath: string;
	chunkSize: number;
	baseUrl: string;
	clientKey: string;
	clientSecret: string;
	accessToken: string;
	refreshToken: string;
}
