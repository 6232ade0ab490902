/**
 * The OAuth2 "Connect" button, without a browser or an n8n server: what n8n's OAuth2 credential
 * controller does for GET /rest/oauth2-credential/auth and GET /rest/oauth2-credential/callback.
 *
 * - n8n 1.x: follows n8n 1.123.81 (controllers/oauth/oauth2-credential.controller + abstract-oauth.controller).
 * - n8n 2.x: follows n8n 2.41.1 (oauth/oauth.service + controllers/oauth/oauth2-credential.controller).
 *
 * Step 1, `simulateOAuth2Connect`: resolves the credential like the server (getDecrypted → scope rule →
 * applyDefaultsAndOverwrites: defaults + `$self` expressions), converts it to @n8n/client-oauth2
 * options, adds `authQueryParameters` (querystring.parse, as the controller) and PKCE, creates the
 * CSRF state and builds the authorize URL with the real `ClientOAuth2.code.getUri()`.
 * Step 2, `completeOAuth2Callback`: GETs the authorize URL without following redirects (the provider,
 * e.g. the TikTok emulator, answers 302 to n8n's callback with `code` and `state`), then runs the
 * callback: state/CSRF check, code exchange with the real `ClientOAuth2.code.getToken()` with
 * `additionalBodyProperties` and body/header client authentication exactly as the controller builds
 * them, and stores `oauthTokenData` in the harness credential store.
 *
 * Not simulated: dynamic client registration, JWE, credential overwrites / managed OAuth, user
 * permissions, the 2.x browser binding. The CSRF token follows the `csrf` package's scheme
 * (salt + '-' + base64url(sha1(salt + '-' + secret))), implemented here with node:crypto.
 */
import { ClientOAuth2, type ClientOAuth2Options } from '@n8n/client-oauth2';
import * as clientOAuth2Module from '@n8n/client-oauth2';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { request as httpGet } from 'node:http';
import { request as httpsGet } from 'node:https';
import * as qs from 'node:querystring';
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject } from 'n8n-workflow';

import { CredentialStore, HarnessCredentialsHelper } from './credentials-helper';
import { n8nLine } from './n8n';
import { createAdditionalData, createRegistries } from './run';

/** n8n 1.123.81 / 2.41.1 constants.GENERIC_OAUTH2_CREDENTIALS_WITH_EDITABLE_SCOPE */
const GENERIC_OAUTH2_CREDENTIALS_WITH_EDITABLE_SCOPE = [
	'oAuth2Api',
	'googleOAuth2Api',
	'microsoftOAuth2Api',
	'highLevelOAuth2Api',
	'mcpOAuth2Api',
];
const MAX_CSRF_AGE_MS = 5 * 60 * 1000;

const base64url = (buf: Buffer) =>
	buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const csrfHash = (salt: string, secret: string) =>
	base64url(createHash('sha1').update(`${salt}-${secret}`, 'ascii').digest());
const csrf = {
	secret: () => base64url(randomBytes(18)),
	create: (secret: string) => {
		// alphanumeric salt (like the csrf package's rndm): it must not contain the '-' separator
		const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
		const salt = Array.from(randomBytes(8), (b) => alnum[b % alnum.length]).join('');
		return `${salt}-${csrfHash(salt, secret)}`;
	},
	verify: (secret: string, token: string) => {
		const index = token.indexOf('-');
		if (index === -1) return false;
		const expected = Buffer.from(
			`${token.slice(0, index)}-${csrfHash(token.slice(0, index), secret)}`,
		);
		const actual = Buffer.from(token);
		return expected.length === actual.length && timingSafeEqual(expected, actual);
	},
};

/** What pkce-challenge does: a 43-char verifier from the unreserved set, S256 challenge. */
function pkce() {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
	const bytes = randomBytes(43);
	const codeVerifier = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
	return {
		code_verifier: codeVerifier,
		code_challenge: base64url(createHash('sha256').update(codeVerifier).digest()),
	};
}

export interface OAuth2ConnectOptions {
	credentialType: string;
	/** What the user entered in the credential form (stored as is, like a saved credential). */
	data?: ICredentialDataDecryptedObject;
	/** n8n's public base URL (WEBHOOK_URL / N8N_EDITOR_BASE_URL); the redirect URI is `<base>/rest/oauth2-credential/callback`. */
	instanceBaseUrl: string;
	/** Continue with an existing store/credential (e.g. to reconnect), else a new store is created. */
	store?: CredentialStore;
	credentialId?: string;
	credentialName?: string;
	/** Extra credential types (test fixtures); the package's credentials are loaded unless loadPackage is false. */
	credentialTypes?: ICredentialType[];
	loadPackage?: boolean | string;
}

interface FlowState {
	csrfSecret: string;
	codeVerifier?: string;
	stateData: { cid: string; createdAt: number; origin: 'static-credential' };
}

export interface OAuth2ConnectSession {
	/** The URL n8n sends the browser to. */
	authorizeUrl: string;
	/** The `state` parameter in it. */
	state: string;
	redirectUri: string;
	credentialId: string;
	credentialType: string;
	store: CredentialStore;
	helper: HarnessCredentialsHelper;
	/** The credential data as the server resolved it for the authorize step (defaults + expressions). */
	resolved: ICredentialDataDecryptedObject;
	/** The @n8n/client-oauth2 options used to build the authorize URL. */
	clientOptions: ClientOAuth2Options;
	/** @internal 2.x keeps the CSRF secret and PKCE verifier in a server-side cache, not in the credential. */
	flowStates: Map<string, FlowState>;
	instanceBaseUrl: string;
}

function redirectUriFor(instanceBaseUrl: string) {
	return `${instanceBaseUrl.replace(/\/+$/, '')}/rest/oauth2-credential/callback`;
}

/** The controller's convertCredentialToOptions (per line). */
function convertCredentialToOptions(
	credential: ICredentialDataDecryptedObject,
	redirectUri: string,
): ClientOAuth2Options {
	const scope = credential.scope as string | undefined;
	const resolveClientAuthOptions = (
		clientOAuth2Module as unknown as { resolveClientAuthOptions?: (c: unknown) => IDataObject }
	).resolveClientAuthOptions;
	const options = {
		clientId: credential.clientId as string,
		...(n8nLine === 2 && resolveClientAuthOptions
			? resolveClientAuthOptions(credential)
			: { clientSecret: (credential.clientSecret as string) ?? '' }),
		accessTokenUri: (credential.accessTokenUrl as string) ?? '',
		authorizationUri: (credential.authUrl as string) ?? '',
		authentication: (credential.authentication as 'header' | 'body') ?? 'header',
		redirectUri,
		scopes: (scope ?? 'openid').split(','),
		scopesSeparator: scope?.includes(',') ? ',' : ' ',
		...(n8nLine === 2 ? { resource: credential.resource } : {}),
		ignoreSSLIssues: (credential.ignoreSSLIssues as boolean) ?? false,
	} as ClientOAuth2Options;
	if (
		credential.additionalBodyProperties &&
		typeof credential.additionalBodyProperties === 'string'
	) {
		try {
			const parsed = JSON.parse(credential.additionalBodyProperties) as Record<string, unknown>;
			if (parsed) options.body = parsed;
		} catch {
			// jsonParse without fallback throws in n8n too; the controller would fail the same way
			throw new Error(
				`additionalBodyProperties is not valid JSON: ${credential.additionalBodyProperties}`,
			);
		}
	}
	return options;
}

function validateOAuthUrl(url: unknown) {
	const trimmed = typeof url === 'string' ? url.trim() : '';
	if (!trimmed) return;
	let parsed: URL;
	try {
		parsed = new URL(trimmed);
	} catch {
		throw new Error('OAuth url is not a valid URL.');
	}
	if (!['http:', 'https:'].includes(parsed.protocol)) {
		throw new Error(
			`OAuth url must use HTTP or HTTPS protocol. Invalid protocol: ${parsed.protocol}`,
		);
	}
}

/** Step 1: what happens when the user clicks "Connect" (GET /rest/oauth2-credential/auth). */
export async function simulateOAuth2Connect(
	options: OAuth2ConnectOptions,
): Promise<OAuth2ConnectSession> {
	const { credentialTypes } = await createRegistries({
		loadPackage: options.loadPackage,
		credentialTypes: options.credentialTypes,
	});
	const store = options.store ?? new CredentialStore();
	const credentialId = options.credentialId ?? `oauth2-${Math.random().toString(36).slice(2, 10)}`;
	if (!store.has(credentialId)) {
		store.set(credentialId, {
			type: options.credentialType,
			name: options.credentialName,
			data: options.data ?? {},
		});
	} else if (options.data) {
		store.write(
			credentialId,
			{ ...store.data(credentialId), ...options.data },
			'updateCredentials',
			options.data,
		);
	}
	const helper = new HarnessCredentialsHelper(store, credentialTypes);
	const additionalData = createAdditionalData({
		credentialsHelper: helper,
		instanceBaseUrl: options.instanceBaseUrl,
	});
	const nodeCredentials = { id: credentialId, name: store.get(credentialId)!.name };
	const type = options.credentialType;

	// getDecryptedDataForAuthUri: the resolved (not raw) data
	const decryptedDataOriginal = await helper.getDecrypted(
		additionalData,
		nodeCredentials,
		type,
		'internal',
		undefined,
		false,
	);
	const userCanEditScope =
		GENERIC_OAUTH2_CREDENTIALS_WITH_EDITABLE_SCOPE.includes(type) ||
		(n8nLine === 2 &&
			helper.getCredentialsProperties(type).some((p) => p.name === 'scope' && p.type !== 'hidden'));
	if (decryptedDataOriginal?.scope && type.includes('OAuth2') && !userCanEditScope) {
		delete decryptedDataOriginal.scope;
	}
	const oauthCredentials = await helper.applyDefaultsAndOverwrites(
		additionalData,
		decryptedDataOriginal,
		type,
		'internal',
	);

	if (n8nLine === 2) {
		validateOAuthUrl(oauthCredentials.authUrl);
		validateOAuthUrl(oauthCredentials.accessTokenUrl);
	}

	const redirectUri = redirectUriFor(options.instanceBaseUrl);
	const csrfSecret = csrf.secret();
	const stateToken = csrf.create(csrfSecret);
	const createdAt = Date.now();
	// 1.x: { token, cid, createdAt, userId } (userId undefined: N8N_SKIP_AUTH_ON_OAUTH_CALLBACK defaults to true)
	// 2.x: { token, createdAt }, the rest in the server-side flow state
	const state = Buffer.from(
		JSON.stringify(
			n8nLine === 1
				? { token: stateToken, cid: credentialId, createdAt }
				: { token: stateToken, createdAt },
		),
	).toString('base64');

	const clientOptions: ClientOAuth2Options = {
		...convertCredentialToOptions(oauthCredentials, redirectUri),
		state,
	};
	if (oauthCredentials.authQueryParameters) {
		clientOptions.query = qs.parse(oauthCredentials.authQueryParameters as string);
	}
	const usePkce =
		oauthCredentials.grantType === 'pkce' ||
		(n8nLine === 2 &&
			oauthCredentials.grantType === 'authorizationCode' &&
			oauthCredentials.usePkce === true);
	let codeVerifier: string | undefined;
	if (usePkce) {
		const challenge = pkce();
		clientOptions.query = {
			...clientOptions.query,
			code_challenge: challenge.code_challenge,
			code_challenge_method: 'S256',
		};
		codeVerifier = challenge.code_verifier;
	}

	const flowStates = new Map<string, FlowState>();
	if (n8nLine === 1) {
		// encryptAndSaveData(credential, { csrfSecret, codeVerifier? })
		const toUpdate: ICredentialDataDecryptedObject = { csrfSecret };
		if (codeVerifier) toUpdate.codeVerifier = codeVerifier;
		store.write(
			credentialId,
			{ ...store.data(credentialId), ...toUpdate },
			'oauth2Connect',
			toUpdate,
		);
	} else {
		flowStates.set(stateToken, {
			csrfSecret,
			codeVerifier,
			stateData: { cid: credentialId, createdAt, origin: 'static-credential' },
		});
	}

	const authorizeUrl = new ClientOAuth2(clientOptions).code.getUri();
	return {
		authorizeUrl,
		state,
		redirectUri,
		credentialId,
		credentialType: type,
		store,
		helper,
		resolved: oauthCredentials,
		clientOptions,
		flowStates,
		instanceBaseUrl: options.instanceBaseUrl,
	};
}

export class OAuth2CallbackError extends Error {
	constructor(
		message: string,
		readonly reason?: string,
		readonly cause?: unknown,
	) {
		super(reason ? `${message} (${reason})` : message);
	}
}

export interface OAuth2CallbackResult {
	/** The URL the provider redirected the browser to (n8n's callback with code and state). */
	callbackUrl: string;
	/** The token data stored in the credential. */
	oauthTokenData: IDataObject;
	/** The credential's stored data after the callback. */
	stored: ICredentialDataDecryptedObject;
}

function getWithoutRedirect(
	url: string,
): Promise<{ status: number; location?: string; body: string }> {
	return new Promise((resolve, reject) => {
		const target = new URL(url);
		const req = (target.protocol === 'https:' ? httpsGet : httpGet)(
			target,
			{ method: 'GET', headers: { accept: 'text/html' } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						location: res.headers.location,
						body: Buffer.concat(chunks).toString('utf8'),
					}),
				);
			},
		);
		req.on('error', reject);
		req.end();
	});
}

/**
 * Step 2: the browser visits the authorize URL (the provider answers with a redirect to n8n's
 * callback), then n8n handles GET /rest/oauth2-credential/callback. Pass `callbackUrl` to skip the
 * visit (e.g. a callback URL built by hand). Throws OAuth2CallbackError where n8n would render its
 * error page, with n8n's message.
 */
export async function completeOAuth2Callback(
	session: OAuth2ConnectSession,
	options: { callbackUrl?: string } = {},
): Promise<OAuth2CallbackResult> {
	let callbackUrl = options.callbackUrl;
	if (!callbackUrl) {
		const response = await getWithoutRedirect(session.authorizeUrl);
		if (response.status < 300 || response.status >= 400 || !response.location) {
			throw new OAuth2CallbackError(
				'The authorize URL did not redirect back to n8n',
				`HTTP ${response.status}${response.body ? `: ${response.body.slice(0, 300)}` : ''}`,
			);
		}
		callbackUrl = new URL(response.location, session.authorizeUrl).toString();
	}
	const callback = new URL(callbackUrl);
	const expected = new URL(session.redirectUri);
	if (callback.origin !== expected.origin || callback.pathname !== expected.pathname) {
		throw new OAuth2CallbackError(
			"The provider redirected somewhere other than n8n's OAuth2 callback",
			`got ${callback.origin}${callback.pathname}, expected ${session.redirectUri}`,
		);
	}

	// what express gives the controller
	const originalUrl = `${callback.pathname}${callback.search}`;
	const query = qs.parse(callback.search.replace(/^\?/, '')) as Record<string, string>;
	const { code, state: encodedState } = query;
	if (!code || !encodedState) {
		throw new OAuth2CallbackError(
			'Insufficient parameters for OAuth2 callback.',
			`Received following query parameters: ${JSON.stringify(query)}`,
		);
	}

	const { store, helper, credentialType: type } = session;
	try {
		// resolveCredential: decode + check the state, raw data, then defaults + expressions
		let decoded: { token?: unknown; cid?: unknown; createdAt?: number; userId?: unknown };
		try {
			decoded = JSON.parse(Buffer.from(encodedState, 'base64').toString()) as typeof decoded;
		} catch {
			throw new Error('Invalid state format');
		}
		let credentialId: string;
		let flowState: FlowState | undefined;
		if (n8nLine === 1) {
			if (typeof decoded.cid !== 'string' || typeof decoded.token !== 'string')
				throw new Error('Invalid state format');
			if (decoded.userId !== undefined) throw new Error('Unauthorized');
			credentialId = decoded.cid;
		} else {
			flowState =
				typeof decoded.token === 'string' ? session.flowStates.get(decoded.token) : undefined;
			if (!flowState) throw new Error('The OAuth callback state is invalid!');
			if (typeof flowState.stateData.cid !== 'string' || typeof decoded.token !== 'string')
				throw new Error('Invalid state format');
			credentialId = flowState.stateData.cid;
		}
		const row = store.get(credentialId);
		if (!row)
			throw new Error(
				n8nLine === 1
					? 'OAuth callback failed because of insufficient permissions'
					: 'Could not find credential',
			);

		const additionalData = createAdditionalData({
			credentialsHelper: helper,
			instanceBaseUrl: session.instanceBaseUrl,
		});
		const nodeCredentials = { id: credentialId, name: row.name };
		const decryptedDataOriginal = await helper.getDecrypted(
			additionalData,
			nodeCredentials,
			type,
			'internal',
			undefined,
			true,
		);
		const oauthCredentials = await helper.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			'internal',
		);

		if (n8nLine === 1) {
			const valid =
				Date.now() - (decoded.createdAt ?? 0) <= MAX_CSRF_AGE_MS &&
				decryptedDataOriginal.csrfSecret !== undefined &&
				csrf.verify(decryptedDataOriginal.csrfSecret as string, decoded.token as string);
			if (!valid) throw new Error('The OAuth callback state is invalid!');
		} else {
			session.flowStates.delete(decoded.token as string);
			if (
				Date.now() - flowState!.stateData.createdAt > MAX_CSRF_AGE_MS ||
				!csrf.verify(flowState!.csrfSecret, decoded.token as string)
			) {
				throw new Error('The OAuth callback state is invalid!');
			}
		}

		const oAuthOptions = convertCredentialToOptions(oauthCredentials, session.redirectUri);
		let tokenOptions: Partial<ClientOAuth2Options> = {};
		if (n8nLine === 1) {
			if (oauthCredentials.grantType === 'pkce') {
				tokenOptions = { body: { code_verifier: decryptedDataOriginal.codeVerifier } };
			} else if (oauthCredentials.authentication === 'body') {
				tokenOptions = {
					body: {
						...(oAuthOptions.body ?? {}),
						client_id: oAuthOptions.clientId,
						client_secret: oAuthOptions.clientSecret,
					},
				};
				delete oAuthOptions.clientSecret;
			}
		} else {
			const isPkce = oauthCredentials.grantType === 'pkce' || oauthCredentials.usePkce === true;
			const isBodyAuth = oauthCredentials.authentication === 'body';
			const body: Record<string, unknown> = { ...(oAuthOptions.body ?? {}) };
			if (isPkce) body.code_verifier = flowState!.codeVerifier;
			if (isBodyAuth) {
				body.client_id = oAuthOptions.clientId;
				if (oAuthOptions.clientSecret) body.client_secret = oAuthOptions.clientSecret;
				delete oAuthOptions.clientSecret;
			}
			if (isPkce || isBodyAuth) tokenOptions = { body };
		}

		const queryParameters = originalUrl.split('?').splice(1, 1).join('');
		const oauthToken = await new ClientOAuth2(oAuthOptions).code.getToken(
			`${oAuthOptions.redirectUri}?${queryParameters}`,
			tokenOptions,
		);
		const tokenResponse = oauthToken.data as IDataObject;
		if (Object.keys(query).length > 2) {
			const { state: _state, code: _code, ...rest } = query;
			tokenResponse.callbackQueryString = rest;
		}
		const previous = decryptedDataOriginal.oauthTokenData;
		const oauthTokenData: IDataObject = {
			...(typeof previous === 'object' ? (previous as IDataObject) : {}),
			...tokenResponse,
		};

		const updated: ICredentialDataDecryptedObject = { ...store.data(credentialId), oauthTokenData };
		if (n8nLine === 1) {
			delete updated.csrfSecret;
		} else {
			const expiresIn = Number(tokenResponse.expires_in);
			if (Number.isFinite(expiresIn) && expiresIn > 0)
				oauthTokenData.n8n_expires_at = String(Date.now() + expiresIn * 1000);
			const identifier = accountIdentifier(oauthTokenData);
			if (identifier) updated.accountIdentifier = identifier;
		}
		store.write(credentialId, updated, 'oauth2Callback', { oauthTokenData });
		return { callbackUrl, oauthTokenData, stored: store.data(credentialId) };
	} catch (e) {
		const error = e as Error & { body?: unknown };
		throw new OAuth2CallbackError(
			error.message,
			error.body !== undefined ? JSON.stringify(error.body) : undefined,
			error,
		);
	}
}

/** 2.x oauth/account-identifier: a display identifier taken from the token response, if any. */
function accountIdentifier(tokenData: IDataObject): string | undefined {
	for (const key of ['email', 'login', 'username', 'user', 'account']) {
		if (typeof tokenData[key] === 'string' && tokenData[key]) return tokenData[key] as string;
	}
	if (typeof tokenData.id_token === 'string') {
		const parts = tokenData.id_token.split('.');
		if (parts.length === 3) {
			try {
				const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as IDataObject;
				for (const claim of ['email', 'preferred_username', 'name']) {
					if (typeof payload[claim] === 'string' && payload[claim]) return payload[claim] as string;
				}
			} catch {
				// not a JWT
			}
		}
	}
	const authedUser = tokenData.authed_user as IDataObject | undefined;
	if (
		authedUser &&
		typeof authedUser === 'object' &&
		typeof authedUser.id === 'string' &&
		authedUser.id
	)
		return authedUser.id;
	return undefined;
}
