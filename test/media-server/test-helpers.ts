/** Helpers for the media server's own tests: one request through node:http, exact headers, partial bodies kept. */
import { createHash } from 'node:crypto';
import * as http from 'node:http';

export interface Fetched {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	/** Set when the connection broke before the body ended (the body holds what arrived). */
	error?: string;
}

export function get(
	url: string,
	options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Fetched> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{ method: options.method ?? 'GET', headers: options.headers, agent: false },
			(res) => {
				const parts: Buffer[] = [];
				const done = (error?: string) =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: Buffer.concat(parts),
						error,
					});
				res.on('data', (part: Buffer) => parts.push(part));
				res.on('end', () => done());
				res.on('aborted', () => done('aborted'));
				res.on('error', (error) => done(error.message));
			},
		);
		req.on('error', reject);
		req.end();
	});
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
