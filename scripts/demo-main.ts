/**
 * The demo (started by scripts/demo.js): builds the package, installs or reuses the pinned real n8n,
 * installs the packed package into a fresh n8n user folder like n8n's Community Nodes screen does,
 * starts the TikTok API emulator, imports a credential and an example workflow with n8n's CLI, runs
 * it with `n8n execute`, prints a short summary and stops everything it started.
 *
 * With Publish Video in the package, the workflow publishes a sample MP4 generated on the spot (a
 * structurally valid file, never committed) read by n8n's Read/Write Files node, and waits for the
 * final status. Until then it runs Get Creator Info.
 */
import { mkdirSync, writeFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { capabilities, setUpEnvironment, type Environment } from './e2e/environment';
import { cacheRoot, type LineKey } from './e2e/install-n8n';
import { nodeOutput, runError } from './e2e/n8n';
import { tail } from './e2e/processes';
import { emulatorOAuth2Credential, id16, template } from './e2e/templates';
import { writeSampleMp4 } from '../test/fixtures/sampleVideo';

const HELP = `npm run demo [-- options]

  --line n8n1|n8n2   n8n line to run (default n8n1: 1.123.81 on this Node; n8n2: 2.41.1 on Node 24 from npm)
  --size BYTES       size of the generated sample MP4 (default 12000000)
  --keep             keep n8n's user folder (database, logs) for a look afterwards
  --real             talk to the real TikTok API with YOUR app and account instead of the emulator.
                     Never the default. Needs, in the environment:
                       TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET and either
                       TIKTOK_REFRESH_TOKEN, or TIKTOK_AUTH_CODE + TIKTOK_REDIRECT_URI (a fresh code
                       from TikTok's authorize page, see the README).
                     Optional: TIKTOK_CUSTOM_HOST, a proxy base URL that replaces TikTok's hosts.
                     TikTok rotates the refresh token at every refresh: the new one is saved to
                     <cache>/real-tiktok-credential.json (mode 600) and used by the next --real run.
                     Without --video it only runs Get Creator Info; with --video FILE (a real MP4 you
                     own) it sends the video to the account's TikTok inbox as a draft (postMode draft),
                     never a public post.
  --video FILE       (with --real) the video to send as a draft
  --help             this text`;

interface Args {
	line: LineKey;
	size: number;
	keep: boolean;
	real: boolean;
	video?: string;
}

function parseArgs(argv: string[]): Args | undefined {
	const args: Args = { line: 'n8n1', size: 12_000_000, keep: false, real: false };
	for (let i = 0; i < argv.length; i++) {
		const flag = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		if (flag === '--help' || flag === '-h') return undefined;
		else if (flag === '--line') {
			const line = value();
			if (line !== 'n8n1' && line !== 'n8n2') throw new Error('--line is n8n1 or n8n2');
			args.line = line;
		} else if (flag === '--size') args.size = Number(value());
		else if (flag === '--keep') args.keep = true;
		else if (flag === '--real') args.real = true;
		else if (flag === '--video') args.video = value();
		else throw new Error(`Unknown option ${flag}\n\n${HELP}`);
	}
	if (!Number.isInteger(args.size) || args.size < 1024)
		throw new Error('--size must be a whole number of bytes, at least 1024');
	if (args.video && !args.real)
		throw new Error('--video is for --real runs; the emulator demo generates its own sample');
	return args;
}

const started = Date.now();
const seconds = (since = started) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const say = (message: string) => process.stdout.write(`${message}\n`);
const step = async <T>(what: string, body: () => Promise<T>): Promise<T> => {
	const t = Date.now();
	process.stdout.write(`▸ ${what}...`);
	try {
		const result = await body();
		process.stdout.write(` ${seconds(t)}\n`);
		return result;
	} catch (error) {
		process.stdout.write(' failed\n');
		throw error;
	}
};

const CREDENTIAL_ID = id16('DemoTikTok');
const WORKFLOW_ID = id16('DemoWorkflow');

export async function main(argv: string[]): Promise<number> {
	const args = parseArgs(argv);
	if (!args) {
		say(HELP);
		return 0;
	}
	const caps = capabilities();
	const withVideo = caps.videoPublish && (!args.real || args.video !== undefined);

	// Checked first, so a missing variable does not cost a build and an n8n start
	const realCredentialRow = args.real ? realCredential() : undefined;
	if (args.video && !existsSync(args.video)) throw new Error(`--video: no file at ${args.video}`);

	say(
		`n8n-nodes-tiktok-publisher demo: a real n8n with the package installed from its npm tarball, ${args.real ? 'publishing to the REAL TikTok API' : 'talking to the local TikTok API emulator'}`,
	);
	let env: Environment | undefined;
	try {
		env = await step(
			`Preparing n8n (${args.line}; the first run installs it, a few minutes), building and installing the package`,
			async () =>
				await setUpEnvironment({
					line: args.line,
					build: 'ifStale',
					fileAccess: args.video ? [dirname(resolve(args.video))] : [],
					emulator: !args.real,
					// TikTok sets the public post id after moderation; the emulator skips that wait so the summary shows it
					emulatorArgs: [
						'--port',
						'0',
						'--upload-port',
						'0',
						'--settings',
						JSON.stringify({ lifecycle: { moderationMs: 0 } }),
					],
					log: (m) => process.stdout.write(`\n  ${m}`),
				}),
		);
		const { n8n } = env;
		if (args.keep) process.env.E2E_KEEP = '1';

		const authentication = args.real ? 'refreshToken' : 'oAuth2';
		const credentialRef = args.real
			? { tikTokRefreshTokenApi: { id: CREDENTIAL_ID, name: 'TikTok' } }
			: { tikTokOAuth2Api: { id: CREDENTIAL_ID, name: 'TikTok' } };
		await step('Importing the TikTok credential', async () => {
			await n8n.importCredentials([realCredentialRow ?? emulatorCredential(env!)]);
		});

		let videoPath: string | undefined;
		let videoSha256: string | undefined;
		if (withVideo) {
			videoPath = args.video && resolve(args.video);
			if (!videoPath) {
				videoPath = join(env.dataDir, 'demo-sample.mp4');
				await step(
					`Generating a ${args.size.toLocaleString('en-US')}-byte sample MP4`,
					async () => {
						videoSha256 = await writeSampleMp4(videoPath!, args.size, { durationSec: 8 });
					},
				);
			}
		}

		const workflow = withVideo
			? template('workflows/publish-video-file.json', {
					id: WORKFLOW_ID,
					name: 'Demo: publish a video to TikTok',
					authentication,
					credentials: credentialRef,
					filePath: videoPath,
					postMode: args.real ? 'draft' : 'directPost',
					title: 'Posted from n8n with n8n-nodes-tiktok-publisher #n8n',
					// The emulator's default account is public; a real run sends a draft, which has no privacy level
					privacyLevel: 'PUBLIC_TO_EVERYONE',
					// 5 MB chunks, so even the small sample goes up in more than one request
					options: {
						chunkSizeMb: 5,
						waitForCompletion: true,
						waitTimeoutSeconds: 300,
						pollIntervalSeconds: 2,
					},
				})
			: template('workflows/creator-info.json', {
					id: WORKFLOW_ID,
					name: 'Demo: TikTok creator info',
					authentication,
					credentials: credentialRef,
				});
		const nodeName = withVideo ? 'Publish Video' : 'Get Creator Info';
		await step('Importing the example workflow', async () => await n8n.importWorkflows([workflow]));

		const executeStarted = Date.now();
		const result = await step(
			`Running it with \`n8n execute\` (${withVideo ? 'Read/Write Files → TikTok Publish Video, waiting for the status' : 'TikTok Get Creator Info'})`,
			async () => await n8n.execute(WORKFLOW_ID),
		);
		const runSeconds = seconds(executeStarted);
		if (args.real) await saveRotatedRefreshToken(env);
		if (!result.ok) {
			const error = runError(result.run);
			say(`\nThe workflow failed: ${error?.message ?? 'no error message'}`);
			if (error?.description) say(`  ${error.description}`);
			if (!result.run)
				say(`--- n8n output (tail) ---\n${tail(result.cli.stdout)}\n${tail(result.cli.stderr)}`);
			return 1;
		}

		const [item] = nodeOutput(result.run, nodeName);
		say('');
		if (withVideo) await printVideoSummary(env, item, { videoSha256, runSeconds });
		else printCreatorSummary(item, runSeconds, caps.videoPublish);
		say(
			`  total       ${seconds()} (n8n ${env.install.spec.version}${env.install.installedInSeconds === undefined ? ', reused from the cache' : `, installed in ${env.install.installedInSeconds} s`})`,
		);
		return 0;
	} finally {
		if (env) await step('Stopping the emulator and cleaning up', async () => await env!.dispose());
	}
}

function emulatorCredential(env: Environment): object {
	const { info } = env.emulator!;
	return emulatorOAuth2Credential(info, CREDENTIAL_ID, 'TikTok (emulator)');
}

const realCredentialFile = () => join(cacheRoot(), 'real-tiktok-credential.json');

function realCredential(): object {
	const need = (name: string) => {
		const value = process.env[name];
		if (!value)
			throw new Error(`--real needs ${name} in the environment (see npm run demo -- --help)`);
		return value;
	};
	const saved = existsSync(realCredentialFile())
		? (JSON.parse(readFileSync(realCredentialFile(), 'utf8')) as { refreshToken?: string })
		: {};
	const code = process.env.TIKTOK_AUTH_CODE;
	const refreshToken = code ? '' : process.env.TIKTOK_REFRESH_TOKEN || saved.refreshToken;
	if (!code && !refreshToken)
		throw new Error(
			'--real needs TIKTOK_REFRESH_TOKEN, or TIKTOK_AUTH_CODE with TIKTOK_REDIRECT_URI',
		);
	return {
		id: CREDENTIAL_ID,
		name: 'TikTok (your account)',
		type: 'tikTokRefreshTokenApi',
		data: {
			clientKey: need('TIKTOK_CLIENT_KEY'),
			clientSecret: need('TIKTOK_CLIENT_SECRET'),
			authorizationCode: code ?? '',
			redirectUri: code ? need('TIKTOK_REDIRECT_URI') : '',
			refreshToken: refreshToken ?? '',
			useCustomHost: Boolean(process.env.TIKTOK_CUSTOM_HOST),
			customHost: process.env.TIKTOK_CUSTOM_HOST ?? '',
		},
	};
}

/** TikTok rotated the refresh token during the run: keep the new one, or the user would have to authorize again. */
async function saveRotatedRefreshToken(env: Environment): Promise<void> {
	const { data } = await env.n8n.exportCredential(CREDENTIAL_ID);
	if (typeof data.refreshToken !== 'string' || data.refreshToken === '') return;
	mkdirSync(cacheRoot(), { recursive: true });
	writeFileSync(
		realCredentialFile(),
		JSON.stringify({ refreshToken: data.refreshToken, savedAt: new Date().toISOString() }, null, 2),
	);
	chmodSync(realCredentialFile(), 0o600);
	say(
		`  (TikTok rotated the refresh token; the new one is in ${realCredentialFile()} for the next --real run)`,
	);
}

function printCreatorSummary(
	item: Record<string, unknown> | undefined,
	runSeconds: string,
	videoAvailable: boolean,
): void {
	say('TikTok Get Creator Info, run by n8n:');
	say(`  account     ${String(item?.nickname ?? '?')} (@${String(item?.username ?? '?')})`);
	say(
		`  can post    ${String(item?.canPost)}${item?.cannotPostMessage ? ` (${String(item.cannotPostMessage)})` : ''}`,
	);
	say(`  privacy     ${((item?.privacyLevelOptions as string[] | undefined) ?? []).join(', ')}`);
	say(`  max length  ${String(item?.maxVideoPostDurationSec ?? '?')} s of video`);
	say(`  time        ${runSeconds} for \`n8n execute\``);
	if (!videoAvailable)
		say(
			'  note        this build has no Publish Video yet; once it lands, the demo publishes a generated sample MP4 instead',
		);
}

async function printVideoSummary(
	env: Environment,
	item: Record<string, unknown> | undefined,
	{ videoSha256, runSeconds }: { videoSha256?: string; runSeconds: string },
): Promise<void> {
	const upload = (item?.upload ?? {}) as Record<string, unknown>;
	const publishId = String(item?.publishId ?? '?');
	let account = '';
	let verified = '';
	if (env.emulator) {
		const a = await env.emulator.defaultAccount().catch(() => undefined);
		account = a ? `${a.nickname} (@${a.username}) on the emulator` : '';
		const received = await env.emulator
			.get<{ sha256: string; bytesReceived: number }>(`uploads/${encodeURIComponent(publishId)}/`)
			.catch(() => undefined);
		if (received && videoSha256) {
			verified =
				received.sha256 === videoSha256
					? ', byte-exact (sha256 checked by the emulator)'
					: ' — SHA-256 MISMATCH at the emulator';
		}
	}
	say('TikTok Publish Video, run by n8n:');
	if (account) say(`  account     ${account}`);
	say(`  publish id  ${publishId}`);
	say(
		`  upload      ${Number(upload.bytes ?? item?.uploadedBytes ?? 0).toLocaleString('en-US')} bytes in ${String(upload.chunks ?? '?')} chunk(s)${verified}`,
	);
	say(
		`  status      ${String(item?.status ?? '?')}${item?.failReason ? ` (${String(item.failReason)})` : ''}`,
	);
	const postIds = ((item?.postIds as string[] | undefined) ?? []).join(', ');
	const noPostId =
		item?.status === 'SEND_TO_USER_INBOX'
			? '(a draft: the creator posts it from the TikTok inbox)'
			: '(none yet)';
	say(`  post id     ${postIds || noPostId}`);
	say(`  time        ${runSeconds} for \`n8n execute\``);
}
