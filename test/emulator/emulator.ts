/** The emulator object: state, servers, and the helpers tests use to seed and inspect it. */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createAccount, createApp, createVideo } from './accounts';
import { buildCatalogue, newestFirst, takenIds } from './catalogue';
import { handleApiRequest } from './api-server';
import { PostingCaps } from './caps';
import { OffsetClock } from './clock';
import { FaultRegistry } from './faults';
import { LifecycleHooks, TaskBook } from './lifecycle';
import { SlidingWindowLimiter } from './rate-limit';
import { RequestLog } from './request-log';
import { defaultSettings, mergeInto, normaliseRateLimits } from './settings';
import { TokenStore, type Grant, type TokenStoreSnapshot } from './tokens';
import { serveUpload, UploadRegistry } from './upload';
import { WebhookSender } from './webhooks';
import type {
	Account,
	AccountInput,
	EmulatorApp,
	EmulatorOptions,
	EmulatorSettings,
	EmulatorVideo,
	IssueTokensOptions,
	PublishTask,
	RequestLogEntry,
	SeedVideosOptions,
	StatusPostIdsMode,
	TaskOutcome,
	TokenRequestRecord,
	TokenResponse,
	UploadInspection,
} from './types';

type InitEndpoint = 'videoInit' | 'inboxInit' | 'contentInit';

/** Persistable state (CLI --state-file): apps, accounts, tokens and the clock offset. */
export interface EmulatorStateSnapshot {
	clockOffsetMs: number;
	apps: EmulatorApp[];
	accounts: Account[];
	consentOpenId: string | null;
	tokens: TokenStoreSnapshot;
}

export class TikTokEmulator {
	/** API host base (also serves the authorize page and the token endpoint), e.g. http://127.0.0.1:PORT */
	baseUrl = '';
	/** Base of every upload_url; a separate server by default. */
	uploadBaseUrl = '';
	readonly uploadServerMode: 'separate' | 'same';
	readonly clock: OffsetClock;
	readonly settings: EmulatorSettings;
	/** The default app (mutable). */
	readonly app: EmulatorApp;
	readonly apps: EmulatorApp[];
	readonly accounts: Account[] = [];
	readonly defaultAccount: Account;
	/** The account that "logs in" on the authorize page; null makes the user decline (access_denied). */
	consentAccount: Account | null;
	readonly faults = new FaultRegistry();
	readonly tokens: TokenStore;
	readonly limiter = new SlidingWindowLimiter();
	readonly taskBook: TaskBook;
	readonly uploads: UploadRegistry;
	readonly caps: PostingCaps;
	readonly webhooks: WebhookSender;
	readonly log = new RequestLog();
	/** Every token-endpoint call: grant type, where client_key came from, result. */
	readonly tokenRequests: TokenRequestRecord[] = [];
	/** TCP connections accepted per server (in 'same' mode both count the one shared server). */
	readonly connectionCount = { api: 0, upload: 0 };

	private readonly options: EmulatorOptions;
	private readonly initCounts: Record<InitEndpoint, number> = {
		videoInit: 0,
		inboxInit: 0,
		contentInit: 0,
	};
	private apiServer?: http.Server;
	private uploadServer?: http.Server;
	private transitionTimer?: NodeJS.Timeout;
	private closed = false;

	constructor(options: EmulatorOptions = {}) {
		this.options = options;
		this.uploadServerMode = options.uploadServer ?? 'separate';
		this.clock = new OffsetClock(options.clockOffsetMs ?? 0);
		this.settings = defaultSettings();
		if (options.settings) this.updateSettings(options.settings);
		this.app = createApp(options.app);
		this.apps = [this.app];
		this.defaultAccount = this.addAccount(options.defaultAccount ?? {});
		this.consentAccount = this.defaultAccount;
		this.tokens = new TokenStore(this.clock, () => this.settings.oauth);
		const hooks: LifecycleHooks = {
			onEvent: (event) => this.webhooks.onLifecycleEvent(event),
			accountOf: (openId) => this.accountByOpenId(openId),
		};
		this.taskBook = new TaskBook(this.clock, () => this.settings.lifecycle, hooks);
		this.uploads = new UploadRegistry(this);
		this.caps = new PostingCaps(this);
		this.webhooks = new WebhookSender(this, options.webhookRetry);
		this.webhooks.callbackUrl = options.webhookCallbackUrl;
		this.clock.onAdvance(() => this.sync());
	}

	async listen(): Promise<void> {
		const host = this.options.host ?? '127.0.0.1';
		// A wildcard listen address is not something a client can be told to call.
		const publicHost =
			this.options.publicHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
		this.apiServer = this.createServer('api', (req, res) => handleApiRequest(this, req, res));
		const apiPort = await listenOn(this.apiServer, this.options.port ?? 0, host);
		this.baseUrl = `http://${publicHost}:${apiPort}`;
		const uploadHostname = this.options.uploadHostname ?? publicHost;
		if (this.uploadServerMode === 'same') {
			this.uploadBaseUrl = `http://${uploadHostname}:${apiPort}`;
			return;
		}
		this.uploadServer = this.createServer('upload', (req, res) => serveUpload(this, req, res));
		const uploadPort = await listenOn(this.uploadServer, this.options.uploadPort ?? 0, host);
		this.uploadBaseUrl = `http://${uploadHostname}:${uploadPort}`;
	}

	/** Closes both servers, dropping open (keep-alive or in-flight) connections at once. */
	async close(): Promise<void> {
		this.closed = true;
		if (this.transitionTimer) clearTimeout(this.transitionTimer);
		this.webhooks.close();
		await Promise.all([closeServer(this.apiServer), closeServer(this.uploadServer)]);
	}

	// ---- apps and accounts ----

	addApp(partial: Partial<EmulatorApp> = {}): EmulatorApp {
		if (partial.clientKey && this.appByKey(partial.clientKey))
			throw new Error(`App ${partial.clientKey} already exists`);
		const app = createApp({
			clientKey: `emu-client-key-${this.apps.length + 1}`,
			clientSecret: `emu-client-secret-${this.apps.length + 1}`,
			...partial,
		});
		this.apps.push(app);
		return app;
	}

	/** Merges fields into an app (the default one unless clientKey names another). */
	updateApp(patch: Record<string, unknown>): EmulatorApp {
		const app = typeof patch.clientKey === 'string' ? this.appByKey(patch.clientKey) : this.app;
		if (!app) throw new Error(`Unknown app ${String(patch.clientKey)}`);
		Object.assign(app, patch);
		return app;
	}

	appByKey(clientKey: string): EmulatorApp | undefined {
		return this.apps.find((app) => app.clientKey === clientKey);
	}

	addAccount(partial: AccountInput = {}): Account {
		const account = createAccount(partial, this.clock.now(), this.accounts.length + 1);
		if (this.accountByOpenId(account.openId))
			throw new Error(`Account ${account.openId} already exists`);
		this.accounts.push(account);
		return account;
	}

	accountByOpenId(openId: string): Account | undefined {
		return this.accounts.find((account) => account.openId === openId);
	}

	// ---- video catalogues (Display API) ----

	private accountOrDefault(openId: string | undefined): Account {
		const account =
			openId === undefined || openId === 'default'
				? this.defaultAccount
				: this.accountByOpenId(openId);
		if (!account) throw new Error(`Unknown account ${openId}`);
		return account;
	}

	/**
	 * Seeds `count` videos (a number, or SeedVideosOptions) on an account (default account when openId is
	 * undefined or 'default'): distinct create_time whole seconds apart, titles `${titlePrefix} ${n}`
	 * (n = count for the newest), distinct stats, 19-digit ids. Returns them newest first.
	 */
	seedVideos(openId: string | undefined, options: number | SeedVideosOptions): EmulatorVideo[] {
		const account = this.accountOrDefault(openId);
		const opts = typeof options === 'number' ? { count: options } : options;
		if (opts.replace) account.videos.length = 0;
		const videos = buildCatalogue(opts, this.clock.now(), takenIds(this.accounts));
		account.videos.push(...videos);
		return videos;
	}

	/** Adds videos as given (missing fields defaulted; id from createTimeMs when absent). Returns them in the order given. */
	addVideos(openId: string | undefined, videos: Array<Partial<EmulatorVideo>>): EmulatorVideo[] {
		const account = this.accountOrDefault(openId);
		const taken = takenIds(this.accounts);
		const added = videos.map((partial) => {
			if (partial.id !== undefined && taken.has(partial.id))
				throw new Error(`Video ${partial.id} already exists`);
			const video = createVideo(partial, partial.createTimeMs ?? this.clock.now());
			taken.add(video.id);
			return video;
		});
		account.videos.push(...added);
		return added;
	}

	/** An account's videos, newest first, private ones included (each has isPublic). */
	videosOf(openId?: string): EmulatorVideo[] {
		return newestFirst(this.accountOrDefault(openId).videos);
	}

	findVideo(postId: string): { account: Account; video: EmulatorVideo } | undefined {
		this.sync();
		for (const account of this.accounts) {
			const video = account.videos.find((v) => v.id === postId);
			if (video) return { account, video };
		}
		return undefined;
	}

	/** Changes a video's fields (stats, title, isPublic, ...); the id cannot change. */
	updateVideo(postId: string, patch: Partial<EmulatorVideo>): EmulatorVideo {
		const found = this.findVideo(postId);
		if (!found) throw new Error(`Unknown video ${postId}`);
		const { id: _id, ...fields } = patch;
		Object.assign(found.video, fields);
		return found.video;
	}

	/**
	 * The creator deletes the post: it leaves the video list, video query and video_count. A post made
	 * through the emulator also leaves its task's public ids (post.publish.no_longer_publicaly_available).
	 */
	deleteVideo(postId: string): void {
		const found = this.findVideo(postId);
		if (!found) throw new Error(`Unknown video ${postId}`);
		if (this.taskBook.ownsPost(postId)) this.taskBook.makePostPrivate(postId);
		const index = found.account.videos.indexOf(found.video);
		if (index >= 0) found.account.videos.splice(index, 1);
	}

	// ---- tokens ----

	/** Mints a token pair directly (as if the user had completed the OAuth flow). */
	issueTokens(openId?: string, opts: IssueTokensOptions = {}): TokenResponse {
		const account = openId === undefined ? this.defaultAccount : this.accountByOpenId(openId);
		if (!account) throw new Error(`Unknown account ${openId}`);
		const app = opts.clientKey ? this.appByKey(opts.clientKey) : this.app;
		if (!app) throw new Error(`Unknown app ${opts.clientKey}`);
		const grant = this.tokens.createGrant(
			app.clientKey,
			account.openId,
			opts.scopes ?? app.approvedScopes,
			opts.refreshTtlSec,
		);
		return this.tokens.issuePair(grant, opts.accessTtlSec);
	}

	expireAccessToken(token: string): boolean {
		if (!this.tokens.expireAccessToken(token)) throw new Error('Unknown access token');
		return true;
	}

	expireRefreshToken(token: string): boolean {
		if (!this.tokens.expireRefreshToken(token)) throw new Error('Unknown refresh token');
		return true;
	}

	/**
	 * A token string: the developer revoked it (like /v2/oauth/revoke/, webhook reason 5).
	 * { openId, reason }: the user removed the app (default reason 1), every grant of that account dies.
	 * Either way in-flight posts fail with auth_removed and authorization.removed is delivered.
	 */
	revoke(target: string | { openId: string; reason?: number; clientKey?: string }): void {
		if (typeof target === 'string') {
			const grantId =
				this.tokens.findAccessToken(target)?.grantId ??
				this.tokens.findRefreshToken(target)?.grantId;
			const grant = this.tokens.grant(grantId);
			if (!grant) throw new Error('Unknown token');
			this.revokeGrant(grant, 5);
			return;
		}
		const grants = this.tokens.grantsOf(target.openId, target.clientKey);
		const reason = target.reason ?? 1;
		if (grants.length === 0) {
			this.webhooks.authorizationRemoved(
				target.openId,
				target.clientKey ?? this.app.clientKey,
				reason,
			);
			return;
		}
		for (const grant of grants) this.revokeGrant(grant, reason);
	}

	revokeGrant(grant: Grant, reason: number): void {
		this.tokens.revokeGrant(grant);
		this.taskBook.failInFlight(grant.openId, grant.clientKey, 'auth_removed');
		this.webhooks.authorizationRemoved(grant.openId, grant.clientKey, reason);
		this.scheduleTransitions();
	}

	// ---- settings ----

	/** Deep-merges a partial settings object (unknown keys throw). */
	updateSettings(patch: unknown): void {
		mergeInto(this.settings as unknown as Record<string, unknown>, patch);
		normaliseRateLimits(this.settings);
	}

	// ---- publishing state ----

	get requests(): RequestLogEntry[] {
		return this.log.entries;
	}

	get tasks(): PublishTask[] {
		this.sync();
		return [...this.taskBook.tasks.values()];
	}

	getTask(publishId: string): PublishTask | undefined {
		this.sync();
		return this.taskBook.get(publishId);
	}

	getUpload(publishId: string): UploadInspection | undefined {
		return this.uploads.inspect(publishId);
	}

	expireUploadUrl(publishId: string): void {
		if (!this.uploads.expire(publishId)) throw new Error(`No upload for ${publishId}`);
	}

	/** Init requests that reached an endpoint (any outcome); all three when no endpoint is named. */
	initCalls(endpoint?: InitEndpoint): number {
		if (endpoint) return this.initCounts[endpoint];
		return this.initCounts.videoInit + this.initCounts.inboxInit + this.initCounts.contentInit;
	}

	countInitCall(endpoint: InitEndpoint): void {
		this.initCounts[endpoint] += 1;
	}

	/** The next task created ends this way after processing (undefined clears it). */
	setNextOutcome(outcome: TaskOutcome | undefined): void {
		this.taskBook.setNextOutcome(outcome);
	}

	setOutcome(publishId: string, outcome: TaskOutcome): void {
		this.taskBook.setOutcome(publishId, outcome);
		this.sync();
	}

	completeInbox(
		publishId: string,
		options: { postIds?: string[]; public?: boolean } = {},
	): PublishTask {
		const task = this.taskBook.completeInbox(publishId, options);
		this.scheduleTransitions();
		return task;
	}

	/** Overrides settings.lifecycle.statusPostIds for one task ('never' / 'omitted': no post id in its status; undefined: the setting). */
	setStatusPostIds(publishId: string, mode: StatusPostIdsMode | undefined): PublishTask {
		const task = this.taskBook.get(publishId);
		if (!task) throw new Error(`Unknown publish_id ${publishId}`);
		task.statusPostIds = mode;
		return task;
	}

	makePostPublic(postId: string): void {
		this.taskBook.makePostPublic(postId);
	}

	makePostPrivate(postId: string): void {
		this.taskBook.makePostPrivate(postId);
	}

	/** Applies due lifecycle transitions and schedules the next one. */
	sync(): void {
		this.taskBook.sync();
		this.scheduleTransitions();
	}

	/** Arms a timer for the next due transition so webhooks fire on time even when nobody polls. */
	scheduleTransitions(): void {
		if (this.transitionTimer) clearTimeout(this.transitionTimer);
		this.transitionTimer = undefined;
		const due = this.taskBook.nextDueAt();
		if (due === undefined || this.closed) return;
		const delay = Math.min(Math.max(0, due - this.clock.now()) + 2, 2 ** 31 - 1);
		this.transitionTimer = setTimeout(() => this.sync(), delay);
		this.transitionTimer.unref();
	}

	summary(): Record<string, unknown> {
		return {
			baseUrl: this.baseUrl,
			uploadBaseUrl: this.uploadBaseUrl,
			controlUrl: `${this.baseUrl}/__emulator/`,
			clock: { now: this.clock.now(), offsetMs: this.clock.offsetMs },
			app: this.app,
			apps: this.apps,
			defaultAccountOpenId: this.defaultAccount.openId,
			consentOpenId: this.consentAccount?.openId ?? null,
			accounts: this.accounts.map(({ videos, ...account }) => ({
				...account,
				videoCount: videos.length,
			})),
			settings: this.settings,
			tasks: this.tasks.map((task) => ({
				publishId: task.publishId,
				status: task.status,
				failReason: task.failReason,
				postIds: task.postIds,
			})),
			initCalls: { ...this.initCounts },
			requestCount: this.requests.length,
			tokenRequestCount: this.tokenRequests.length,
			connectionCount: { ...this.connectionCount },
			webhooks: {
				callbackUrl: this.webhooks.callbackUrl ?? null,
				events: this.webhooks.events.length,
				deliveries: this.webhooks.deliveries.length,
			},
		};
	}

	exportState(): EmulatorStateSnapshot {
		return {
			clockOffsetMs: this.clock.offsetMs,
			apps: this.apps,
			accounts: this.accounts,
			consentOpenId: this.consentAccount?.openId ?? null,
			tokens: this.tokens.snapshot(),
		};
	}

	/** Restores a snapshot: the default app/account keep their identity, so tokens issued before a restart stay valid. */
	importState(state: EmulatorStateSnapshot): void {
		this.clock.advance(Math.max(0, state.clockOffsetMs - this.clock.offsetMs));
		const [defaultApp, ...otherApps] = state.apps;
		Object.assign(this.app, defaultApp);
		for (const app of otherApps) if (!this.appByKey(app.clientKey)) this.apps.push(app);
		const [defaultAccount, ...otherAccounts] = state.accounts;
		Object.assign(this.defaultAccount, defaultAccount);
		for (const account of otherAccounts)
			if (!this.accountByOpenId(account.openId)) this.accounts.push(account);
		this.consentAccount =
			state.consentOpenId === null
				? null
				: (this.accountByOpenId(state.consentOpenId) ?? this.defaultAccount);
		this.tokens.restore(state.tokens);
	}

	private createServer(
		kind: 'api' | 'upload',
		handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
	): http.Server {
		const server = http.createServer((req, res) => {
			handler(req, res).catch((error: unknown) => {
				console.error('[tiktok-emulator] request failed', error);
				if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
			});
		});
		server.on('connection', () => {
			this.connectionCount[kind] += 1;
			if (this.uploadServerMode === 'same') this.connectionCount.upload = this.connectionCount.api;
		});
		// Malformed requests (e.g. a body shorter than Content-Length, then EOF) get a JSON 400 like TikTok's 400.
		server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
			if (error.code === 'ECONNRESET' || !socket.writable) {
				socket.destroy();
				return;
			}
			const body = JSON.stringify({
				error: {
					code: 'invalid_params',
					message: `Malformed request: ${error.code ?? error.message}`,
				},
			});
			socket.end(
				`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
			);
		});
		return server;
	}
}

function listenOn(server: http.Server, port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

function closeServer(server: http.Server | undefined): Promise<void> {
	if (!server || !server.listening) return Promise.resolve();
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeAllConnections();
	});
}
