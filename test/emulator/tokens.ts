/**
 * Grants, access tokens, refresh tokens and authorization codes. A grant is one user's consent to one
 * app; rotation replaces its refresh token, revocation kills everything issued under it.
 */
import * as ids from './ids';
import type { EmulatorClock } from './clock';
import type { OAuthSettings, TokenResponse } from './types';

export interface Grant {
	id: number;
	clientKey: string;
	openId: string;
	scopes: string[];
	createdAt: number;
	/** Refresh-token expiry of the grant ('initial' mode: fixed at the first issuance). */
	refreshExpiresAt: number;
	revoked: boolean;
}

export interface AccessTokenRecord {
	/** Short id for logs (tokens themselves never appear in the request log). */
	id: string;
	token: string;
	kind: 'user' | 'client';
	grantId?: number;
	clientKey: string;
	issuedAt: number;
	expiresAt: number;
	revoked: boolean;
}

export interface RefreshTokenRecord {
	id: string;
	token: string;
	grantId: number;
	issuedAt: number;
	expiresAt: number;
	/** Set when a newer refresh token replaced it (strict rotation kills it at that moment). */
	rotatedAt?: number;
	revoked: boolean;
}

export interface AuthorizationCodeRecord {
	code: string;
	clientKey: string;
	openId: string;
	redirectUri: string;
	scopes: string[];
	expiresAt: number;
	used: boolean;
	codeChallenge?: string;
}

export type AccessCheck =
	| { ok: true; record: AccessTokenRecord; grant?: Grant }
	| { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

export interface TokenStoreSnapshot {
	nextId: number;
	grants: Grant[];
	accessTokens: AccessTokenRecord[];
	refreshTokens: RefreshTokenRecord[];
}

export class TokenStore {
	private nextId = 1;
	private readonly grants = new Map<number, Grant>();
	private readonly accessTokens = new Map<string, AccessTokenRecord>();
	private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
	private readonly codes = new Map<string, AuthorizationCodeRecord>();

	constructor(
		private readonly clock: EmulatorClock,
		private readonly oauth: () => OAuthSettings,
	) {}

	createGrant(clientKey: string, openId: string, scopes: string[], refreshTtlSec?: number): Grant {
		const now = this.clock.now();
		const grant: Grant = {
			id: this.nextId++,
			clientKey,
			openId,
			scopes: [...scopes],
			createdAt: now,
			refreshExpiresAt: now + (refreshTtlSec ?? this.oauth().refreshTokenTtlSec) * 1000,
			revoked: false,
		};
		this.grants.set(grant.id, grant);
		return grant;
	}

	/** Issues a fresh access + refresh token pair for a grant (used at code exchange, refresh and issueTokens). */
	issuePair(grant: Grant, accessTtlSec?: number): TokenResponse {
		const now = this.clock.now();
		const oauth = this.oauth();
		const access: AccessTokenRecord = {
			id: `at${this.nextId++}`,
			token: ids.accessToken(),
			kind: 'user',
			grantId: grant.id,
			clientKey: grant.clientKey,
			issuedAt: now,
			expiresAt: now + (accessTtlSec ?? oauth.accessTokenTtlSec) * 1000,
			revoked: false,
		};
		if (oauth.refreshExpiryFrom === 'rotation')
			grant.refreshExpiresAt = now + oauth.refreshTokenTtlSec * 1000;
		const refresh: RefreshTokenRecord = {
			id: `rt${this.nextId++}`,
			token: ids.refreshToken(),
			grantId: grant.id,
			issuedAt: now,
			expiresAt: grant.refreshExpiresAt,
			revoked: false,
		};
		this.accessTokens.set(access.token, access);
		this.refreshTokens.set(refresh.token, refresh);
		return {
			access_token: access.token,
			expires_in: Math.round((access.expiresAt - now) / 1000),
			open_id: grant.openId,
			refresh_expires_in: Math.max(0, Math.round((refresh.expiresAt - now) / 1000)),
			refresh_token: refresh.token,
			scope: grant.scopes.join(','),
			token_type: 'Bearer',
		};
	}

	issueClientToken(clientKey: string): {
		access_token: string;
		expires_in: number;
		token_type: 'Bearer';
	} {
		const now = this.clock.now();
		const record: AccessTokenRecord = {
			id: `ct${this.nextId++}`,
			token: ids.clientToken(),
			kind: 'client',
			clientKey,
			issuedAt: now,
			expiresAt: now + 7200 * 1000,
			revoked: false,
		};
		this.accessTokens.set(record.token, record);
		return { access_token: record.token, expires_in: 7200, token_type: 'Bearer' };
	}

	checkAccessToken(token: string | undefined): AccessCheck {
		if (!token) return { ok: false, reason: 'missing' };
		const record = this.accessTokens.get(token);
		if (!record) return { ok: false, reason: 'unknown' };
		const grant = record.grantId === undefined ? undefined : this.grants.get(record.grantId);
		if (record.revoked || grant?.revoked) return { ok: false, reason: 'revoked' };
		if (this.clock.now() >= record.expiresAt) return { ok: false, reason: 'expired' };
		return { ok: true, record, grant };
	}

	/** Validates a refresh token for a client; returns its grant or why it is unusable. */
	checkRefreshToken(
		token: string,
		clientKey: string,
	): { ok: true; record: RefreshTokenRecord; grant: Grant } | { ok: false; why: string } {
		const record = this.refreshTokens.get(token);
		if (!record) return { ok: false, why: 'Refresh token is invalid.' };
		const grant = this.grants.get(record.grantId);
		if (!grant || grant.clientKey !== clientKey)
			return { ok: false, why: 'Refresh token was issued to another client.' };
		if (record.revoked || grant.revoked)
			return { ok: false, why: 'Refresh token has been revoked.' };
		if (record.rotatedAt !== undefined && this.oauth().rotation === 'strict') {
			return { ok: false, why: 'Refresh token has been rotated; use the newest refresh token.' };
		}
		if (this.clock.now() >= record.expiresAt)
			return { ok: false, why: 'Refresh token is expired.' };
		return { ok: true, record, grant };
	}

	/** Rotation: the old refresh token is marked replaced; strict mode rejects it from now on. */
	rotate(old: RefreshTokenRecord, grant: Grant): TokenResponse {
		old.rotatedAt = this.clock.now();
		return this.issuePair(grant);
	}

	findAccessToken(token: string): AccessTokenRecord | undefined {
		return this.accessTokens.get(token);
	}

	findRefreshToken(token: string): RefreshTokenRecord | undefined {
		return this.refreshTokens.get(token);
	}

	grant(id: number | undefined): Grant | undefined {
		return id === undefined ? undefined : this.grants.get(id);
	}

	grantsOf(openId: string, clientKey?: string): Grant[] {
		return [...this.grants.values()].filter(
			(g) =>
				g.openId === openId && (clientKey === undefined || g.clientKey === clientKey) && !g.revoked,
		);
	}

	revokeGrant(grant: Grant): void {
		grant.revoked = true;
		for (const record of this.accessTokens.values())
			if (record.grantId === grant.id) record.revoked = true;
		for (const record of this.refreshTokens.values())
			if (record.grantId === grant.id) record.revoked = true;
	}

	expireAccessToken(token: string): boolean {
		const record = this.accessTokens.get(token);
		if (!record) return false;
		record.expiresAt = Math.min(record.expiresAt, this.clock.now());
		return true;
	}

	expireRefreshToken(token: string): boolean {
		const record = this.refreshTokens.get(token);
		if (!record) return false;
		record.expiresAt = Math.min(record.expiresAt, this.clock.now());
		return true;
	}

	saveCode(record: AuthorizationCodeRecord): void {
		this.codes.set(record.code, record);
	}

	findCode(code: string): AuthorizationCodeRecord | undefined {
		return this.codes.get(code);
	}

	snapshot(): TokenStoreSnapshot {
		return {
			nextId: this.nextId,
			grants: [...this.grants.values()],
			accessTokens: [...this.accessTokens.values()],
			refreshTokens: [...this.refreshTokens.values()],
		};
	}

	restore(snapshot: TokenStoreSnapshot): void {
		this.nextId = Math.max(this.nextId, snapshot.nextId);
		for (const grant of snapshot.grants) this.grants.set(grant.id, grant);
		for (const record of snapshot.accessTokens) this.accessTokens.set(record.token, record);
		for (const record of snapshot.refreshTokens) this.refreshTokens.set(record.token, record);
	}
}
