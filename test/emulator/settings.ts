/** Default settings (spec §13, TikTok's Nov 2026 token lifetimes) and the merge used to change them. */
import type { EmulatorSettings } from './types';

export function defaultSettings(): EmulatorSettings {
	return {
		oauth: {
			clientKeyFrom: 'body',
			accessTokenTtlSec: 7200,
			refreshTokenTtlSec: 15_552_000,
			rotation: 'strict',
			refreshExpiryFrom: 'initial',
			errorHttpStatus: 'status4xx',
			sandboxRefreshFails: false,
			codeTtlSec: 600,
			deniedScopes: [],
		},
		chunkRules: 'strict',
		rateLimits: {
			creatorInfo: 20,
			videoInit: 6,
			inboxInit: 6,
			contentInit: 6,
			status: 30,
			// Not documented; unlimited by default.
			cancel: Number.POSITIVE_INFINITY,
			userInfo: 600,
			videoList: 600,
			videoQuery: 600,
		},
		lifecycle: {
			processingMs: 3000,
			downloadMs: 2000,
			moderationMs: 2000,
			pullVideoSize: 12_345_678,
			pullPhotoSize: 400_000,
			statusPostIds: 'afterModeration',
			cancellableBelowProgress: 0.9,
		},
		display: {
			unknownFields: 'error',
			fieldScopeError: 'scope_permission_missed',
			videoIdFormat: 'string',
			captionFields: 'both',
			rateLimitKey: 'token',
		},
		rateLimitHeaders: 'none',
		pendingShareCap: 5,
		activeUserCap: null,
		uploadUrlTtlMs: 3_600_000,
		uploadBodyTimeoutMs: 10_000,
	};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `patch` into `target` in place (objects recursively, arrays and scalars replaced), so
 * references held by the emulator's modules stay valid. Unknown keys are rejected to catch typos.
 */
export function mergeInto(
	target: Record<string, unknown>,
	patch: unknown,
	path = 'settings',
): void {
	if (!isPlainObject(patch)) throw new TypeError(`${path} must be an object`);
	for (const [key, value] of Object.entries(patch)) {
		if (!(key in target)) throw new TypeError(`Unknown setting ${path}.${key}`);
		const current = target[key];
		if (isPlainObject(current) && isPlainObject(value)) mergeInto(current, value, `${path}.${key}`);
		else if (value !== undefined) target[key] = value;
	}
}

/** JSON can't carry Infinity; null in a rate limit means "no limit". */
export function normaliseRateLimits(settings: EmulatorSettings): void {
	for (const [bucket, limit] of Object.entries(settings.rateLimits)) {
		if (limit === null)
			(settings.rateLimits as Record<string, number>)[bucket] = Number.POSITIVE_INFINITY;
	}
}
