/** Bearer authentication, scope check and rate limiting for v2 API endpoints, in that order (spec §13 item 7). */
import { ApiError } from './http';
import type { RequestContext } from './context';
import type { AccessTokenRecord, Grant } from './tokens';
import type { Account, EmulatorApp, RateLimitBucket } from './types';

export interface ApiAuth {
	token: string;
	record: AccessTokenRecord;
	grant: Grant;
	account: Account;
	app: EmulatorApp;
}

const INVALID_TOKEN_MESSAGES = {
	missing: 'The access token is missing from the Authorization header.',
	unknown: 'Access token is invalid, please refresh token and retry',
	expired: 'The access token has expired, please refresh token and retry',
	revoked: 'The access token has been revoked.',
};

export function bearerToken(header: string | undefined): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	return match ? match[1] : undefined;
}

/** Authenticates the request; needs one of `anyOfScopes` (empty = any user token). */
export function authenticate(ctx: RequestContext, anyOfScopes: string[]): ApiAuth {
	const { emu } = ctx;
	const token = bearerToken(ctx.req.headers.authorization);
	const check = emu.tokens.checkAccessToken(token);
	if (!check.ok)
		throw new ApiError(401, 'access_token_invalid', INVALID_TOKEN_MESSAGES[check.reason]);
	ctx.entry.tokenId = check.record.id;
	const app = emu.appByKey(check.record.clientKey);
	if (!app) throw new ApiError(401, 'access_token_invalid', INVALID_TOKEN_MESSAGES.unknown);
	// A client access token (client_credentials) carries no user scopes.
	if (check.record.kind === 'client' || !check.grant) {
		throw new ApiError(
			401,
			'scope_not_authorized',
			'A client access token cannot be used here; a user access token is required.',
		);
	}
	const account = emu.accountByOpenId(check.grant.openId);
	if (!account) throw new ApiError(401, 'access_token_invalid', INVALID_TOKEN_MESSAGES.unknown);
	ctx.entry.openId = account.openId;
	if (anyOfScopes.length > 0 && !anyOfScopes.some((scope) => check.grant?.scopes.includes(scope))) {
		throw new ApiError(
			401,
			'scope_not_authorized',
			`The user did not authorize the scope required for completing this request (${anyOfScopes.join(' or ')}).`,
		);
	}
	return { token: token as string, record: check.record, grant: check.grant, account, app };
}

const DISPLAY_BUCKETS: RateLimitBucket[] = ['userInfo', 'videoList', 'videoQuery'];

/** The limiter key: the access token, or for the Display endpoints the app when settings.display.rateLimitKey is 'app'. */
function limiterKey(ctx: RequestContext, auth: ApiAuth, bucket: RateLimitBucket): string {
	if (DISPLAY_BUCKETS.includes(bucket) && ctx.emu.settings.display.rateLimitKey === 'app')
		return `app:${auth.app.clientKey}`;
	return auth.token;
}

/** Headers for a 429, as settings.rateLimitHeaders asks (TikTok documents none). */
function rateLimitHeaders(
	ctx: RequestContext,
	freesAtMs: number | undefined,
): Record<string, string> | undefined {
	const mode = ctx.emu.settings.rateLimitHeaders;
	if (mode === 'none' || freesAtMs === undefined) return undefined;
	const waitMs = Math.max(0, freesAtMs - ctx.emu.clock.now());
	const headers: Record<string, string> = {};
	if (mode === 'retryAfter' || mode === 'both')
		headers['Retry-After'] = String(Math.max(1, Math.ceil(waitMs / 1000)));
	// Wall-clock unix seconds: the client compares it with its own clock, which knows nothing of the virtual offset.
	if (mode === 'xRateLimitReset' || mode === 'both')
		headers['x-ratelimit-reset'] = String(Math.ceil((Date.now() + waitMs) / 1000));
	return headers;
}

/** Per-endpoint sliding window (per token; Display endpoints optionally per app); answers 429 rate_limit_exceeded. */
export function rateLimit(ctx: RequestContext, auth: ApiAuth, bucket: RateLimitBucket): void {
	const { emu } = ctx;
	const limit = emu.settings.rateLimits[bucket];
	const key = limiterKey(ctx, auth, bucket);
	const now = emu.clock.now();
	if (!emu.limiter.tryHit(bucket, key, limit, now)) {
		const per = key === auth.token ? 'per access token' : 'per app';
		throw new ApiError(
			429,
			'rate_limit_exceeded',
			`Rate limit exceeded: at most ${limit} requests per minute ${per} for this endpoint.`,
			{},
			rateLimitHeaders(ctx, emu.limiter.freesAt(bucket, key, now)),
		);
	}
}

export function authorize(
	ctx: RequestContext,
	anyOfScopes: string[],
	bucket: RateLimitBucket,
): ApiAuth {
	const auth = authenticate(ctx, anyOfScopes);
	rateLimit(ctx, auth, bucket);
	return auth;
}
