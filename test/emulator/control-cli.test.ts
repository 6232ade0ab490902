import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type TikTokEmulator } from './index';
import {
	apiCall,
	fileInitBody,
	makeBytes,
	putChunk,
	request,
	type HttpResult,
} from './test-helpers';

const REPO_ROOT = join(__dirname, '..', '..');

describe('control API (/__emulator/)', () => {
	let emu: TikTokEmulator;

	beforeEach(async () => {
		emu = await startEmulator();
	});

	afterEach(async () => {
		await emu.close();
	});

	const control = (
		path: string,
		body?: unknown,
		method = body === undefined ? 'GET' : 'POST',
	): Promise<HttpResult> =>
		request(`${emu.baseUrl}/__emulator/${path}`, {
			method,
			headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});

	test('state, tokens, clock, settings, app', async () => {
		const state = await control('state');
		expect(state.json).toMatchObject({
			baseUrl: emu.baseUrl,
			uploadBaseUrl: emu.uploadBaseUrl,
			defaultAccountOpenId: emu.defaultAccount.openId,
			app: { clientKey: 'emu-client-key' },
		});
		expect(state.json.settings.rateLimits.cancel).toBeNull();
		expect((await control('summary')).status).toBe(200);

		const tokens = await control('tokens', { scopes: ['user.info.basic'], accessTtlSec: 100 });
		expect(tokens.json).toMatchObject({
			open_id: emu.defaultAccount.openId,
			scope: 'user.info.basic',
			expires_in: 100,
		});
		const info = await apiCall(emu, '/v2/user/info/?fields=open_id', {
			method: 'GET',
			token: tokens.json.access_token,
		});
		expect(info.status).toBe(200);

		const before = emu.clock.now();
		const advanced = await control('clock/advance', { ms: 3_600_000 });
		expect(advanced.json.offsetMs).toBe(3_600_000);
		expect(emu.clock.now() - before).toBeGreaterThanOrEqual(3_600_000);

		const settings = await control('settings', {
			oauth: { clientKeyFrom: 'bodyOrQuery' },
			rateLimits: { status: 2 },
		});
		expect(settings.json.oauth).toMatchObject({ clientKeyFrom: 'bodyOrQuery', rotation: 'strict' });
		expect(emu.settings.rateLimits.status).toBe(2);
		const typo = await control('settings', { oauth: { clientKeyForm: 'body' } });
		expect(typo.status).toBe(400);
		expect(typo.json.error).toContain('clientKeyForm');

		expect((await control('app', { audited: false })).json.audited).toBe(false);
		expect(emu.app.audited).toBe(false);
	});

	test('faults, tasks, uploads (publish ids with ~ in the path), requests', async () => {
		const token = emu.issueTokens().access_token;
		expect((await control('faults', { target: 'creatorInfo', status: 500 })).status).toBe(200);
		const faulted = await apiCall(emu, '/v2/post/publish/creator_info/query/', { token });
		expect(faulted.status).toBe(500);
		expect(faulted.json.error.code).toBe('internal_error');
		expect((await control('faults')).json[0]).toMatchObject({ fired: 1, remaining: 0 });
		expect((await control('faults', { target: 'upload', chunkIndex: 0 })).status).toBe(400);

		const init = await apiCall(emu, '/v2/post/publish/video/init/', {
			token,
			body: fileInitBody(1000, 1000, 1),
		});
		const publishId: string = init.json.data.publish_id;
		await putChunk(init.json.data.upload_url, makeBytes(1000), 'bytes 0-999/1000');
		const upload = await control(`uploads/${encodeURIComponent(publishId)}`);
		expect(upload.json).toMatchObject({
			publishId,
			bytesReceived: 1000,
			complete: true,
			putCount: 1,
		});
		const task = await control(`tasks/${encodeURIComponent(publishId)}`);
		expect(task.json).toMatchObject({
			publishId,
			status: 'PROCESSING_UPLOAD',
			postInfo: { privacy_level: 'SELF_ONLY' },
		});
		expect((await control('tasks')).json).toHaveLength(1);
		expect((await control('tasks/nope')).status).toBe(404);

		const requests = await control('requests');
		expect(requests.json.map((r: { path: string }) => r.path)).toEqual([
			'/v2/post/publish/creator_info/query/',
			'/v2/post/publish/video/init/',
			'/upload/video/',
		]);
		expect(requests.json[1].headers.authorization).toBe('Bearer [redacted]');
		expect(requests.json[1].body.source_info.video_size).toBe(1000);
		const since = await control(`requests?since=${requests.json[1].id}`);
		expect(since.json).toHaveLength(1);
		expect((await control('init-calls')).json).toEqual({
			total: 1,
			videoInit: 1,
			inboxInit: 0,
			contentInit: 0,
		});
	});

	test('outcomes, inbox completion, accounts, consent, revoke, webhooks', async () => {
		const account = await control('accounts', { username: 'e2e.creator', isPrivate: true });
		expect(account.json).toMatchObject({
			username: 'e2e.creator',
			isPrivate: true,
			openId: expect.stringMatching(/^-000/),
		});
		const openId: string = account.json.openId;
		expect(
			(await control(`accounts/${encodeURIComponent(openId)}`, { bannedFromPosting: true })).json
				.bannedFromPosting,
		).toBe(true);
		expect((await control('consent', { openId })).json.consentOpenId).toBe(openId);
		expect(emu.consentAccount?.openId).toBe(openId);

		const token = emu.issueTokens().access_token;
		expect((await control('outcome/next', { failReason: 'internal' })).status).toBe(200);
		const pull = await apiCall(emu, '/v2/post/publish/inbox/video/init/', {
			token,
			body: {
				source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
			},
		});
		await control('clock/advance', { ms: 10_000 });
		expect(emu.getTask(pull.json.data.publish_id)?.failReason).toBe('internal');

		const inbox = await apiCall(emu, '/v2/post/publish/inbox/video/init/', {
			token,
			body: {
				source_info: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/a.mp4' },
			},
		});
		const inboxId = encodeURIComponent(inbox.json.data.publish_id);
		await control('clock/advance', { ms: 10_000 });
		const completed = await control(`tasks/${inboxId}/complete-inbox`, {
			postIds: ['7602997517160123666'],
		});
		expect(completed.json.status).toBe('PUBLISH_COMPLETE');

		const receiver = http.createServer((req, res) => {
			req.resume();
			res.writeHead(200).end('ok');
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
			const delivered = await control('webhooks/deliver', {
				url,
				event: 'post.publish.complete',
				content: { publish_id: 'x', publish_type: 'INBOX_SHARE' },
			});
			expect(delivered.json).toMatchObject({
				status: 200,
				body: 'ok',
				signatureHeader: expect.stringMatching(/^t=\d+,s=[0-9a-f]{64}$/),
			});
			expect(
				(await control('webhooks/config', { callbackUrl: url, retry: { baseDelayMs: 10 } })).json,
			).toMatchObject({ callbackUrl: url, retry: { baseDelayMs: 10 } });
			expect((await control('webhooks/ping', {})).json.status).toBe(200);
		} finally {
			receiver.close();
		}

		expect((await control('revoke', { token })).status).toBe(200);
		const revoked = await apiCall(emu, '/v2/user/info/?fields=open_id', { method: 'GET', token });
		expect(revoked.json.error.code).toBe('access_token_invalid');
		expect(
			(await control('webhooks')).json.events.some(
				(e: { event: string }) => e.event === 'authorization.removed',
			),
		).toBe(true);
	});

	test('control traffic is not part of the TikTok request log; unknown routes are 404', async () => {
		await control('state');
		expect((await control('nope')).status).toBe(404);
		expect(emu.requests).toHaveLength(0);
	});

	test('only loopback clients are served', async () => {
		const external = Object.values(networkInterfaces())
			.flat()
			.find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
		if (!external) return; // No non-loopback interface to test from.
		const open = await startEmulator({ host: '0.0.0.0' });
		try {
			const port = new URL(open.baseUrl).port;
			const fromOutside = await request(`http://${external}:${port}/__emulator/state`);
			expect(fromOutside.status).toBe(404);
			expect(fromOutside.text).toBe('');
			// The TikTok API itself is reachable from there.
			expect(
				(await request(`http://${external}:${port}/v2/user/info/?fields=open_id`)).status,
			).toBe(401);
			expect((await request(`http://127.0.0.1:${port}/__emulator/state`)).status).toBe(200);
		} finally {
			await open.close();
		}
	});
});

describe('CLI', () => {
	const children: ChildProcess[] = [];
	let dir: string;

	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'tiktok-emu-'));
	});

	afterAll(() => {
		for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	});

	function launch(args: string[]): Promise<{ child: ChildProcess; info: Record<string, any> }> {
		const child = spawn(
			process.execPath,
			['-r', 'ts-node/register/transpile-only', 'test/emulator/cli.ts', ...args],
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

	function stop(child: ChildProcess): Promise<number | null> {
		return new Promise((resolve) => {
			child.once('exit', (code) => resolve(code));
			child.kill('SIGTERM');
		});
	}

	test('prints one JSON line, serves the API and the control API, persists tokens across restarts', async () => {
		const stateFile = join(dir, 'state.json');
		const { child, info } = await launch([
			'--port',
			'0',
			'--upload-port',
			'0',
			'--state-file',
			stateFile,
		]);
		expect(info).toMatchObject({
			baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			uploadBaseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
			clientKey: 'emu-client-key',
			clientSecret: 'emu-client-secret',
			accessToken: expect.stringMatching(/^act\./),
			refreshToken: expect.stringMatching(/^rft\./),
		});
		expect(info.uploadBaseUrl).not.toBe(info.baseUrl);
		const user = await request(`${info.baseUrl}/v2/user/info/?fields=open_id`, {
			headers: { Authorization: `Bearer ${info.accessToken}` },
		});
		expect(user.json.data.user.open_id).toBe(info.openId);
		const state = await request(`${info.baseUrl}/__emulator/state`);
		expect(state.json.defaultAccountOpenId).toBe(info.openId);

		expect(await stop(child)).toBe(0);
		const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
		expect(saved.accounts[0].openId).toBe(info.openId);

		const second = await launch(['--port', '0', '--upload-port', '0', '--state-file', stateFile]);
		expect(second.info.openId).toBe(info.openId);
		const again = await request(`${second.info.baseUrl}/v2/user/info/?fields=open_id`, {
			headers: { Authorization: `Bearer ${info.accessToken}` },
		});
		expect(again.status).toBe(200);
		expect(await stop(second.child)).toBe(0);
	});

	test('rejects unknown arguments', async () => {
		await expect(launch(['--bogus'])).rejects.toThrow(/Unknown argument --bogus/);
	});
});
