import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from './cli';
import { startMediaServer, type MediaServer } from './index';
import { get, sha256 } from './test-helpers';

const REPO_ROOT = join(__dirname, '..', '..');

async function json(
	url: string,
	method = 'GET',
	body?: unknown,
): Promise<{ status: number; json: any }> {
	const response = await fetch(url, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, json: await response.json() };
}

describe('control API (/__media/)', () => {
	let server: MediaServer;

	beforeAll(async () => {
		server = await startMediaServer();
	});

	afterAll(async () => {
		await server.close();
	});

	test('files: add, describe, update switches, sha256, remove; requests: read since an id, by path, clear', async () => {
		const control = `${server.baseUrl}/__media`;
		const added = await json(`${control}/files`, 'POST', {
			path: '/c.mp4',
			size: 4096,
			ranges: false,
		});
		expect(added.json).toMatchObject({
			path: '/c.mp4',
			url: server.url('/c.mp4'),
			size: 4096,
			version: 0,
		});
		expect((await get(server.url('/c.mp4'), { headers: { Range: 'bytes=0-9' } })).status).toBe(200);
		await json(`${control}/files/update`, 'POST', {
			path: '/c.mp4',
			ranges: true,
			drop: { afterBytes: 5 },
		});
		const cut = await get(server.url('/c.mp4'), { headers: { Range: 'bytes=0-9' } });
		expect([cut.status, cut.body.length]).toEqual([206, 5]);
		const digest = await json(`${control}/sha256?path=/c.mp4`);
		expect(digest.json).toEqual({
			sha256: sha256((await get(server.url('/c.mp4'))).body),
			size: 4096,
		});
		await json(`${control}/files`, 'POST', {
			path: '/page.mp4',
			bodyBase64: Buffer.from('<html></html>').toString('base64'),
			contentType: 'text/html',
		});
		expect((await get(server.url('/page.mp4'))).body.toString()).toBe('<html></html>');
		expect((await json(`${control}/files`)).json.map((f: { path: string }) => f.path)).toEqual([
			'/c.mp4',
			'/page.mp4',
		]);

		const all = await json(`${control}/requests`);
		expect(all.json.map((r: { path: string }) => r.path)).toEqual([
			'/c.mp4',
			'/c.mp4',
			'/c.mp4',
			'/page.mp4',
		]);
		expect((await json(`${control}/requests?since=${all.json[1].id}`)).json).toHaveLength(2);
		expect((await json(`${control}/requests?path=/page.mp4`)).json).toHaveLength(1);
		await json(`${control}/requests`, 'DELETE');
		expect((await json(`${control}/requests`)).json).toEqual([]);

		await json(`${control}/files?path=/page.mp4`, 'DELETE');
		expect((await get(server.url('/page.mp4'))).status).toBe(404);
		expect((await json(`${control}/file?path=/nope.mp4`)).status).toBe(400);
		expect((await json(`${control}/bogus`)).status).toBe(404);
	});
});

describe('CLI', () => {
	const children: ChildProcess[] = [];

	afterAll(() => {
		for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
	});

	function launch(args: string[]): Promise<{ child: ChildProcess; info: Record<string, any> }> {
		const child = spawn(
			process.execPath,
			['-r', 'ts-node/register/transpile-only', 'test/media-server/cli.ts', ...args],
			{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		children.push(child);
		let stderr = '';
		child.stderr?.on('data', (part: Buffer) => (stderr += part.toString()));
		return new Promise((resolve, reject) => {
			const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
			lines.once('line', (line) =>
				resolve({ child, info: JSON.parse(line) as Record<string, any> }),
			);
			child.once('exit', (code) => reject(new Error(`cli exited with ${code}: ${stderr}`)));
		});
	}

	test('prints one JSON line with the files, serves them, stops on SIGTERM', async () => {
		const { child, info } = await launch([
			'--file',
			'/v.mp4={"size":300000,"head":false}',
			'--files',
			'{"/p.mp4":{"kind":"png","size":1000}}',
		]);
		expect(info).toMatchObject({
			baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			controlUrl: `${info.baseUrl}/__media/`,
			pid: child.pid,
		});
		expect(info.files).toEqual([
			expect.objectContaining({ path: '/v.mp4', url: `${info.baseUrl}/v.mp4`, size: 300_000 }),
			expect.objectContaining({ path: '/p.mp4', size: 1000 }),
		]);
		const body = await get(`${info.baseUrl}/v.mp4`);
		expect(body.body.length).toBe(300_000);
		expect((await get(`${info.baseUrl}/v.mp4`, { method: 'HEAD' })).status).toBe(405);
		const digest = await json(`${info.controlUrl}sha256?path=/v.mp4`);
		expect(digest.json.sha256).toBe(sha256(body.body));
		const code = await new Promise((resolve) => {
			child.once('exit', resolve);
			child.kill('SIGTERM');
		});
		expect(code).toBe(0);
	});

	test('--tls-cert-out: https with a fresh certificate written for the client to trust', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'media-cli-'));
		try {
			const certFile = join(dir, 'cert.pem');
			const { child, info } = await launch([
				'--tls-cert-out',
				certFile,
				'--file',
				'/v.mp4={"size":1000}',
			]);
			expect(info.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
			expect(info.tlsCertFile).toBe(certFile);
			const status = await new Promise<number>((resolve, reject) => {
				https
					.get(`${info.baseUrl}/v.mp4`, { ca: readFileSync(certFile), agent: false }, (res) => {
						res.resume();
						res.on('end', () => resolve(res.statusCode ?? 0));
					})
					.on('error', reject);
			});
			expect(status).toBe(200);
			child.kill('SIGTERM');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('arguments', async () => {
		expect(parseArgs(['--port', '8123', '--file', '/a.mp4'])).toEqual({
			port: 8123,
			files: { '/a.mp4': {} },
		});
		expect(() => parseArgs(['--port', 'x'])).toThrow(/port/);
		await expect(launch(['--bogus'])).rejects.toThrow(/Unknown argument --bogus/);
	});
});
