/**
 * Public types of the local TikTok API emulator. Other test suites, the benchmark and the demo code
 * against these names, so rename nothing without updating every caller.
 */

export type ChunkRuleMode = 'strict' | 'decimal' | 'binary' | 'lenient';

export type PrivacyLevel =
	'PUBLIC_TO_EVERYONE' | 'MUTUAL_FOLLOW_FRIENDS' | 'FOLLOWER_OF_CREATOR' | 'SELF_ONLY';

/** Rate-limit buckets; each is counted per endpoint per access token on a sliding 60 s window. */
export type RateLimitBucket =
	| 'creatorInfo'
	| 'videoInit'
	| 'inboxInit'
	| 'contentInit'
	| 'status'
	| 'cancel'
	| 'userInfo'
	| 'videoList'
	| 'videoQuery';

/** A registered TikTok developer app (client). Mutable at runtime. */
export interface EmulatorApp {
	clientKey: string;
	clientSecret: string;
	redirectUris: string[];
	approvedScopes: string[];
	verifiedDomains: string[];
	verifiedUrlPrefixes: string[];
	/** false = unaudited Direct Post client: private accounts only, SELF_ONLY only, 5 active users / 24 h. */
	audited: boolean;
	/** 'desktop' apps must send a PKCE challenge and TikTok's hex S256 form only; 'web' apps may use hex or base64url. */
	platform: 'web' | 'desktop';
}

/** A video on an account's profile, as the Display API shows it. */
export interface EmulatorVideo {
	/** 19-digit post id, as a string (Display API type). */
	id: string;
	/** Creation time, virtual ms (the API emits seconds). */
	createTimeMs: number;
	title: string;
	videoDescription: string;
	durationSec: number;
	width: number;
	height: number;
	likeCount: number;
	commentCount: number;
	shareCount: number;
	viewCount: number;
	/** Only public videos are visible to video list / query. */
	isPublic: boolean;
	/** publish_id that created it, for videos posted through the emulator. */
	publishId?: string;
}

/** Options of emu.seedVideos(): a catalogue of `count` videos, newest first, one `spacingMs` apart. */
export interface SeedVideosOptions {
	count: number;
	/** Creation time of the newest video (virtual ms). Default: virtual now minus one spacing, rounded down to a whole second. */
	newestAtMs?: number;
	/** Gap between consecutive videos; default 3,600,000 (1 h). At least 1000 so create_time (seconds) stays distinct. */
	spacingMs?: number;
	/** Title and description: `${titlePrefix} ${n}` with n = count for the newest down to 1 for the oldest. Default 'Catalogue video'. */
	titlePrefix?: string;
	/** 0-based positions (0 = newest) seeded as private (not listed, not counted in video_count). */
	privateIndexes?: number[];
	/** Makes ids and stats reproducible. Default: random ids, stats derived from the position. */
	seed?: number;
	/** Replace the account's existing videos instead of adding to them. */
	replace?: boolean;
}

export interface Account {
	openId: string;
	unionId: string;
	username: string;
	nickname: string;
	avatarUrl: string;
	bioDescription: string;
	isVerified: boolean;
	followerCount: number;
	followingCount: number;
	likesCount: number;
	/** Private account: privacy options FOLLOWER_OF_CREATOR/MUTUAL_FOLLOW_FRIENDS/SELF_ONLY, duet and stitch forced off. */
	isPrivate: boolean;
	commentDisabled: boolean;
	duetDisabled: boolean;
	stitchDisabled: boolean;
	maxVideoPostDurationSec: number;
	bannedFromPosting: boolean;
	/** Direct posts counted in the current 24 h window (window restarts 24 h of virtual time after it began). */
	postsToday: number;
	dailyPostCap: number;
	/** TikTok app version on the creator's phone; photo MEDIA_UPLOAD needs >= 31.8. */
	tiktokAppVersion: string;
	videos: EmulatorVideo[];
}

export type AccountInput = Partial<Omit<Account, 'videos'>> & {
	videos?: Array<Partial<EmulatorVideo>>;
};

export interface TokenResponse {
	access_token: string;
	refresh_token: string;
	open_id: string;
	scope: string;
	expires_in: number;
	refresh_expires_in: number;
	token_type: 'Bearer';
}

export interface IssueTokensOptions {
	scopes?: string[];
	accessTtlSec?: number;
	refreshTtlSec?: number;
	/** Client key of the app the tokens belong to; default app when omitted. */
	clientKey?: string;
}

export interface OAuthSettings {
	/** Where the token endpoint reads client_key: 'body' (TikTok's Nov 2026 docs) or also the URL query string. */
	clientKeyFrom: 'body' | 'bodyOrQuery';
	accessTokenTtlSec: number;
	refreshTokenTtlSec: number;
	/** strict: the previous refresh token dies when a new one is issued. keepOld: it stays valid until it expires. */
	rotation: 'strict' | 'keepOld';
	/** 'initial': refresh_expires_in counts down from the first issuance of the grant; 'rotation': every refresh restarts it. */
	refreshExpiryFrom: 'initial' | 'rotation';
	/** HTTP status of OAuth errors: 400 (401 for invalid_client), or 200 as observed in the wild. */
	errorHttpStatus: 'status4xx' | '200';
	/** Sandbox quirk: every refresh answers invalid_grant. */
	sandboxRefreshFails: boolean;
	/** Authorization code lifetime. */
	codeTtlSec: number;
	/** Scopes the consenting user un-ticks on the consent page (user.info.basic cannot be denied). */
	deniedScopes: string[];
}

export interface LifecycleSettings {
	/** After the final chunk (or the end of a download) until PUBLISH_COMPLETE / SEND_TO_USER_INBOX / FAILED. */
	processingMs: number;
	/** PULL_FROM_URL download phase (PROCESSING_DOWNLOAD, cancellable). */
	downloadMs: number;
	/** Public posts: from completion until publicaly_available_post_id is set. */
	moderationMs: number;
	/** Size pretended for PULL_FROM_URL videos (downloaded_bytes). */
	pullVideoSize: number;
	/** Size pretended for each pulled photo. */
	pullPhotoSize: number;
	/**
	 * What status fetch says in publicaly_available_post_id once a public post passed moderation:
	 * 'afterModeration' (the doc: the ids), 'never' (always `[]`, as TikTok often does; the video still
	 * turns public in the video list), 'omitted' (the key is left out of status data altogether).
	 * A task can override it: emu.setStatusPostIds(publishId, mode).
	 */
	statusPostIds: StatusPostIdsMode;
	/** Cancel succeeds while downloaded_bytes is below this share of the total (best effort near the end). */
	cancellableBelowProgress: number;
}

export type StatusPostIdsMode = 'afterModeration' | 'never' | 'omitted';

/** Display API behaviour where TikTok's docs are unsure (spec §10, §14 items 11 and 15). */
export interface DisplaySettings {
	/** Unknown names in `fields`: 400 invalid_params ('error', default) or silently dropped ('ignore'). */
	unknownFields: 'error' | 'ignore';
	/**
	 * A requested field whose scope was not granted: 400 scope_permission_missed (default),
	 * 401 scope_not_authorized, or 'omit' (the field is left out of the answer).
	 */
	fieldScopeError: 'scope_permission_missed' | 'scope_not_authorized' | 'omit';
	/** Video object `id`: a JSON string as the doc types it (default), or a bare 19-digit number. */
	videoIdFormat: 'string' | 'number';
	/** Where a video's caption shows in the list: both `title` and `video_description` (default), or only one (the other is ''). */
	captionFields: 'both' | 'title' | 'videoDescription';
	/** Rate-limit dimension of the three Display endpoints: per access token (default) or per app (client_key). */
	rateLimitKey: 'token' | 'app';
}

/**
 * Headers on a 429 from the emulator's rate limiter. TikTok documents none; one client reads
 * `x-ratelimit-reset` (spec field notes). 'retryAfter': delta seconds; 'xRateLimitReset': unix seconds
 * (wall clock, so a client on this machine computes the right wait even with a clock offset).
 */
export type RateLimitHeaderMode = 'none' | 'retryAfter' | 'xRateLimitReset' | 'both';

export interface EmulatorSettings {
	oauth: OAuthSettings;
	chunkRules: ChunkRuleMode;
	rateLimits: Record<RateLimitBucket, number>;
	lifecycle: LifecycleSettings;
	display: DisplaySettings;
	rateLimitHeaders: RateLimitHeaderMode;
	/** Pending (not yet posted) inbox shares created within 24 h; reaching it answers 403 spam_risk_too_many_pending_share. */
	pendingShareCap: number;
	/** Distinct creators who may Direct Post per 24 h per app; null = unlimited when audited, 5 when unaudited. */
	activeUserCap: number | null;
	/** upload_url lifetime (TikTok: 1 h). */
	uploadUrlTtlMs: number;
	/** A chunk PUT whose body stalls this long (fewer bytes than Content-Length) is answered 400. */
	uploadBodyTimeoutMs: number;
}

export type DeepPartial<T> = {
	[K in keyof T]?: T[K] extends Array<unknown>
		? T[K]
		: T[K] extends object
			? DeepPartial<T[K]>
			: T[K];
};

export type FaultTarget =
	| 'upload'
	| 'videoInit'
	| 'inboxInit'
	| 'contentInit'
	| 'creatorInfo'
	| 'status'
	| 'cancel'
	| 'token'
	| 'revoke'
	| 'authorize'
	| 'userInfo'
	| 'videoList'
	| 'videoQuery';

export type FaultAction =
	| { status: number; body?: unknown; headers?: Record<string, string> }
	/** Destroy the socket. Uploads: after `afterBytes` of the body arrived (default: half the declared length). */
	| { drop: true; afterBytes?: number }
	/** Mark the upload URL expired, then handle the request (so it answers 403). Upload target only. */
	| { expireUploadUrl: true }
	/** Wait (real time), then handle the request normally. */
	| { delayMs: number };

export interface FaultMatch {
	target: FaultTarget;
	/** Upload only: 0-based chunk index, derived from the Content-Range start. */
	chunkIndex?: number;
	/** Upload / status only: restrict to one publish id. */
	publishId?: string;
	/** Fire from the nth matching request on (1-based, counted from when the rule was added). Default 1. */
	nth?: number;
	/** How many times the rule fires (default 1; Infinity allowed in-process). */
	times?: number;
	/**
	 * 'before' (default): the request is not processed (faulted upload chunks are never committed).
	 * 'after': the request IS processed (task created, chunk committed), then the response is replaced or dropped:
	 * models "the request reached TikTok but the answer was lost".
	 */
	phase?: 'before' | 'after';
}

/** A fault rule: the match plus either a nested `action` or the action's fields inline. */
export type FaultRuleInput = FaultMatch & (FaultAction | { action: FaultAction });

export interface ActiveFault {
	id: number;
	match: FaultMatch;
	action: FaultAction;
	remaining: number;
	seen: number;
	fired: number;
}

export type TaskStatus =
	| 'PROCESSING_UPLOAD'
	| 'PROCESSING_DOWNLOAD'
	| 'SEND_TO_USER_INBOX'
	| 'PUBLISH_COMPLETE'
	| 'FAILED';

/** What a task ends with after processing: a fail reason, or a status to report (any string, e.g. a made-up one). */
export type TaskOutcome = { failReason: string } | { status: string };

export type TaskPhase =
	'uploading' | 'downloading' | 'processing' | 'inbox' | 'complete' | 'failed' | 'pinned';

export interface PublishTask {
	publishId: string;
	kind: 'video' | 'photo';
	endpoint: 'videoInit' | 'inboxInit' | 'contentInit';
	postMode: 'DIRECT_POST' | 'MEDIA_UPLOAD';
	publishType: 'DIRECT_PUBLISH' | 'INBOX_SHARE';
	source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
	clientKey: string;
	openId: string;
	privacyLevel?: string;
	title?: string;
	description?: string;
	/** Request fields exactly as received. */
	body: unknown;
	postInfo: unknown;
	sourceInfo: unknown;
	/** What TikTok would apply after forcing account settings (private account / "No one" settings). */
	effectiveInteractions: { disableComment: boolean; disableDuet: boolean; disableStitch: boolean };
	createdAt: number;
	phase: TaskPhase;
	/** Reported status (derived from phase). */
	status: string;
	failReason?: string;
	/** Every post created from this publish id (strings; 19 digits). */
	postIds: string[];
	/** Post ids currently public and past moderation (status fetch emits them as raw JSON numbers). */
	publicPostIds: string[];
	uploadedBytes: number;
	downloadedBytes: number;
	/** Total bytes: video_size for FILE_UPLOAD, the pretended size for pulls. */
	totalBytes: number;
	uploadCompletedAt?: number;
	downloadEndsAt?: number;
	processingEndsAt?: number;
	moderationEndsAt?: number;
	outcome?: TaskOutcome;
	/** Status history with virtual times. */
	history: Array<{ status: string; at: number }>;
	/** Media URLs (PULL_FROM_URL). */
	mediaUrls: string[];
	/** Public posts waiting for moderation; each becomes public at passesAt. */
	pendingModeration: Array<{ postId: string; passesAt: number }>;
	/** Overrides settings.lifecycle.statusPostIds for this task (emu.setStatusPostIds). */
	statusPostIds?: StatusPostIdsMode;
}

export interface UploadChunkState {
	index: number;
	start: number;
	/** Inclusive last byte. */
	end: number;
	length: number;
	status: 'pending' | 'committed';
	attempts: number;
}

export interface UploadAttempt {
	at: number;
	index?: number;
	contentRange?: string;
	contentLength?: string;
	contentType?: string;
	receivedBytes: number;
	httpStatus: number;
	outcome: 'committed' | 'rejected' | 'faulted' | 'aborted' | 'dropped';
	message?: string;
}

export interface UploadInspection {
	publishId: string;
	uploadId: string;
	videoSize: number;
	chunkSize: number;
	totalChunkCount: number;
	/** Bytes committed so far. */
	bytesReceived: number;
	/** Hex SHA-256 of all committed bytes, in order (of the whole file once complete). */
	sha256: string;
	chunks: UploadChunkState[];
	attempts: UploadAttempt[];
	complete: boolean;
	putCount: number;
	contentTypes: string[];
	sawAuthorizationHeader: boolean;
	expiresAt: number;
	expired: boolean;
}

export interface RequestLogEntry {
	id: number;
	server: 'api' | 'upload';
	method: string;
	path: string;
	/** Query parameters, secrets redacted. */
	query: Record<string, string>;
	/** Lower-case header names; authorization and cookies redacted. */
	headers: Record<string, string>;
	/** Parsed JSON or form body, secrets redacted (absent for uploads). */
	body?: unknown;
	bodyBytes: number;
	/** HTTP status sent; 0 when the socket was dropped. */
	status: number;
	/** error.code (API) or error (OAuth) of the reply, when any. */
	errorCode?: string;
	/** Virtual time of arrival. */
	time: number;
	durationMs: number;
	/** Short id of the access token used (see tokenIdOf), and its account. */
	tokenId?: string;
	openId?: string;
	faultId?: number;
}

export interface TokenRequestRecord {
	at: number;
	grantType: string;
	/** Where client_key was read from; 'none' when it was missing (or only in the query while the setting says 'body'). */
	clientKeyFrom: 'body' | 'query' | 'none';
	/** client_key present in the query string (whether or not it was honoured). */
	clientKeyInQuery: boolean;
	clientIdSent: boolean;
	clientKey?: string;
	/** 'ok' or the OAuth error code. */
	result: string;
	httpStatus: number;
	openId?: string;
	codeVerifierSent: boolean;
}

export interface WebhookDeliveryRecord {
	deliveryId: number;
	url: string;
	event: string;
	attempt: number;
	/** HTTP status of the receiver; 0 on a network error. */
	status: number;
	responseBody: string;
	error?: string;
	/** Raw body and signature header as sent. */
	body: string;
	signatureHeader?: string;
	at: number;
}

export interface LifecycleEvent {
	event: string;
	openId: string;
	clientKey: string;
	/** Virtual ms of the transition. */
	at: number;
	content: Record<string, unknown>;
}

export interface WebhookDeliverOptions {
	url: string;
	event: string;
	/** Object (serialized to the `content` string) or an already serialized string. */
	content: unknown;
	userOpenId?: string;
	/** Envelope create_time (seconds; tiktok.ping uses ms). Default: virtual now in seconds. */
	createTime?: number;
	/** Signature t (unix seconds). Default: virtual now. */
	timestamp?: number;
	/** Signing key. Default: the app's client_secret. */
	secret?: string;
	clientKey?: string;
	/** 'signature': flip a hex digit of s. 'body': sign the real body, send a modified one. */
	tamper?: 'signature' | 'body' | 'none';
	omitHeader?: boolean;
	/** Send the identical request this many extra times (at-least-once delivery). */
	duplicate?: number;
}

export interface WebhookDeliverResult {
	status: number;
	body: string;
	/** The exact raw request body and signature header sent. */
	sentBody: string;
	signatureHeader?: string;
	/** Results of duplicate sends, when requested. */
	duplicates: Array<{ status: number; body: string }>;
}

export interface WebhookRetrySettings {
	/** Delay before the 2nd attempt (real ms); doubles each time. */
	baseDelayMs: number;
	factor: number;
	/** Total attempts including the first. */
	maxAttempts: number;
	/** Extra identical deliveries of every auto event. */
	duplicate: number;
	/** Per-attempt timeout (real ms). */
	timeoutMs: number;
}

export interface EmulatorOptions {
	/** API/OAuth server port (0 = ephemeral, default). */
	port?: number;
	/** Upload server port when uploadServer is 'separate' (0 = ephemeral, default). */
	uploadPort?: number;
	/** Listen address; default 127.0.0.1. */
	host?: string;
	/** Host name written into baseUrl (default: host). */
	publicHost?: string;
	/** Host name written into upload_url values (default: publicHost); e.g. 'localhost' to prove clients treat it as opaque. */
	uploadHostname?: string;
	uploadServer?: 'separate' | 'same';
	settings?: DeepPartial<EmulatorSettings>;
	app?: Partial<EmulatorApp>;
	defaultAccount?: AccountInput;
	/** Auto-deliver lifecycle webhooks here. */
	webhookCallbackUrl?: string;
	webhookRetry?: Partial<WebhookRetrySettings>;
	/** Start the virtual clock shifted by this many ms. */
	clockOffsetMs?: number;
}
