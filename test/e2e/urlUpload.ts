/**
 * Publish Video with Source "URL (Uploaded by This Node)" in a real n8n (urlUpload.n8n1.e2e.ts is part of
 * `npm run test:e2e`, urlUpload.n8n2.e2e.ts of `npm run test:e2e:n8n2`): a 300,000,000-byte MP4 served by the media server CLI in its own process (ranged GETs,
 * http on loopback, a presigned-looking query string), downloaded by n8n in ranged pieces and uploaded to
 * the emulator in chunks. The emulator confirms every byte; the media server's log shows one ranged GET per
 * chunk after the probe's first megabyte. Own environment (user folder, emulator), so it runs on its own.
 */
import { MediaServerProcess } from '../../scripts/bench/mediaServer';
import { setUpEnvironment, type Environment } from '../../scripts/e2e/environment';
import type { LineKey } from '../../scripts/e2e/install-n8n';
import { nodeOutput, runError } from '../../scripts/e2e/n8n';
import { PACKAGE_NAME } from '../../scripts/e2e/package';
import { tail } from '../../scripts/e2e/processes';
import { emulatorOAuth2Credential, id16 } from '../../scripts/e2e/templates';

const BYTES = 300_000_000;
const PATH = '/renders/e2e-300mb.mp4';
const ID = { credential: id16('CredUrlUpload'), workflow: id16('WfUrlUpload') };

export function defineUrlUploadSuite(line: LineKey): void {
	describe(`${PACKAGE_NAME}: Publish Video from a URL that n8n uploads, in a real n8n (${line})`, () => {
		let env: Environment;
		let media: MediaServerProcess;
		let videoUrl: string;

		beforeAll(async () => {
			media = await MediaServerProcess.start();
			videoUrl = `${await media.add(PATH, BYTES)}?X-Amz-Signature=e2esignature`;
			env = await setUpEnvironment({
				line,
				build: 'ifStale',
				emulatorArgs: ['--port', '0', '--upload-port', '0'],
			});
			const emulator = env.emulator!;
			await env.n8n.importCredentials([
				emulatorOAuth2Credential(emulator.info, ID.credential, 'TikTok OAuth2 (URL upload)'),
			]);
			await env.n8n.importWorkflows([
				{
					id: ID.workflow,
					name: 'Publish a 300 MB video from a URL (n8n uploads it)',
					active: false,
					settings: { executionOrder: 'v1' },
					nodes: [
						{
							id: 'a1b2c3d4-0000-4000-8000-000000000001',
							name: 'Start',
							type: 'n8n-nodes-base.manualTrigger',
							typeVersion: 1,
							position: [0, 0],
							parameters: {},
						},
						{
							id: 'a1b2c3d4-0000-4000-8000-000000000002',
							name: 'Publish Video',
							type: `${PACKAGE_NAME}.tikTok`,
							typeVersion: 1,
							position: [240, 0],
							parameters: {
								authentication: 'oAuth2',
								resource: 'video',
								operation: 'publish',
								postMode: 'directPost',
								source: 'urlUpload',
								videoUrl,
								title: 'e2e: 300 MB from a URL, uploaded by n8n #n8n',
								privacyLevel: 'PUBLIC_TO_EVERYONE',
								options: {
									waitForCompletion: true,
									waitTimeoutSeconds: 300,
									pollIntervalSeconds: 2,
								},
							},
							credentials: { tikTokOAuth2Api: { id: ID.credential, name: 'TikTok' } },
						},
					],
					connections: { Start: { main: [[{ node: 'Publish Video', type: 'main', index: 0 }]] } },
				},
			]);
		}, 45 * 60_000);

		afterAll(async () => {
			await env?.dispose();
			await media?.stop();
		}, 60_000);

		test(
			'a 300 MB file at an http URL reaches TikTok byte-exact: ranged GETs streamed into the chunk PUTs, one init',
			async () => {
				const emulator = env.emulator!;
				const result = await env.n8n.execute(ID.workflow);
				const [item] = nodeOutput(result.run, 'Publish Video');
				if (!result.ok || !item) {
					const error = runError(result.run);
					throw new Error(
						[
							`n8n execute did not succeed (exit ${result.cli.code})`,
							error ? `error: ${error.message}\n${error.description ?? ''}` : '',
							tail(result.cli.stderr, 40),
							tail(emulator.output(), 20),
						].join('\n'),
					);
				}
				expect(item).toMatchObject({
					status: 'PUBLISH_COMPLETE',
					source: 'urlUpload',
					uploadedBytes: BYTES,
				});
				const upload = item.upload as { bytes: number; chunks: number; chunkSize: number };
				expect(upload.bytes).toBe(BYTES);

				const received = await emulator.get<{
					complete: boolean;
					sha256: string;
					videoSize: number;
					totalChunkCount: number;
					sawAuthorizationHeader: boolean;
				}>(`uploads/${encodeURIComponent(String(item.publishId))}/`);
				expect(received).toMatchObject({
					complete: true,
					videoSize: BYTES,
					sha256: await media.sha256(PATH),
					sawAuthorizationHeader: false,
				});
				expect(upload.chunks).toBe(received.totalChunkCount);

				const requests = (await media.requests(PATH)).filter((request) => request.method === 'GET');
				expect(requests[0].range).toBe('bytes=0-1048575');
				expect(requests.slice(1).map((request) => request.range)).toEqual(
					Array.from({ length: upload.chunks }, (_, index) => {
						const start = index * upload.chunkSize;
						const end = index === upload.chunks - 1 ? BYTES - 1 : start + upload.chunkSize - 1;
						return `bytes=${start}-${end}`;
					}),
				);
				expect(
					requests.every(
						(request) => request.query === 'X-Amz-Signature=e2esignature' && request.status === 206,
					),
				).toBe(true);
				// The signature never reaches n8n's output or log
				expect(JSON.stringify(item)).not.toContain('e2esignature');
				expect(result.cli.stdout + result.cli.stderr).not.toContain('e2esignature');

				const inits = (
					await emulator.get<Array<{ server: string; path: string }>>('requests/')
				).filter((request) => request.path.endsWith('/init/'));
				expect(inits).toHaveLength(1);
			},
			10 * 60_000,
		);
	});
}
