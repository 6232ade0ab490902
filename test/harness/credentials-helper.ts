/**
 * An in-memory CredentialsHelper with the semantics of n8n's CLI `CredentialsHelper`
 * (packages/cli/src/credentials-helper.ts) for the n8n line under test:
 * - 1.x: n8n 1.123.81; 2.x: n8n 2.41.1 (differences noted inline).
 * Credentials are stored encrypted with n8n-core's real `Credentials` class (the instance's
 * encryption key lives in the harness's temporary user folder), so every read and write round-trips
 * through n8n's cipher and JSON serialisation like a database row would.
 */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import * as workflow from 'n8n-workflow';
import {
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	UserError,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type IExecuteData,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRequestOptionsSimplified,
	type IWorkflowDataProxyAdditionalKeys,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import type { CredentialTypeRegistry } from './credential-types';
import { n8nLine } from './n8n';

export interface CredentialFixture {
	type: string;
	name?: string;
	data: ICredentialDataDecryptedObject;
}
export type CredentialFixtures = Record<string, CredentialFixture>;

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

export type CredentialUpdateMethod =
	'updateCredentials' | 'updateCredentialsOauthTokenData' | 'oauth2Connect' | 'oauth2Callback';

export interface CredentialUpdate {
	id: string;
	type: string;
	method: CredentialUpdateMethod;
	/** The complete stored data right after this update (decrypted). */
	data: ICredentialDataDecryptedObject;
	/** What the caller handed in (for updateCredentialsOauthTokenData: the whole credential object). */
	input: ICredentialDataDecryptedObject;
}

export interface PreAuthenticationCall {
	type: string;
	nodeName: string;
	credentialsExpired: boolean;
	/** Whether the credential type's own preAuthentication function ran. */
	ran: boolean;
	/** Whether its output was persisted with updateCredentials. */
	persisted: boolean;
	via: 'preAuthentication' | 'runPreAuthentication';
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The "database": credential rows by id, plus a log of every update. Share one store between runs
 * (pass it as `credentials` to the next `runWorkflow`) to model a persisted credential.
 */
export class CredentialStore {
	private readonly rows = new Map<string, StoredCredential>();
	readonly updates: CredentialUpdate[] = [];

	constructor(fixtures: CredentialFixtures = {}) {
		for (const [id, fixture] of Object.entries(fixtures)) this.set(id, fixture);
	}

	/** The given store itself (to share it between runs), or a new one holding the fixtures. */
	static from(credentials: CredentialStore | CredentialFixtures | undefined): CredentialStore {
		return credentials instanceof CredentialStore
			? credentials
			: new CredentialStore(credentials ?? {});
	}

	set(id: string, fixture: CredentialFixture): void {
		this.rows.set(id, {
			id,
			name: fixture.name ?? id,
			type: fixture.type,
			data: clone(fixture.data),
		});
	}

	has(id: string): boolean {
		return this.rows.has(id);
	}

	/** A copy of the stored row (decrypted data), or undefined. */
	get(id: string): StoredCredential | undefined {
		const row = this.rows.get(id);
		return row ? clone(row) : undefined;
	}

	/** A copy of the stored (decrypted, unresolved) data; throws if the id is unknown. */
	data(id: string): ICredentialDataDecryptedObject {
		const row = this.rows.get(id);
		if (!row) throw new Error(`No credential with id "${id}" in the harness store`);
		return clone(row.data);
	}

	ids(): string[] {
		return [...this.rows.keys()];
	}

	/** @internal used by the helper and the OAuth2 connect simulation */
	write(
		id: string,
		data: ICredentialDataDecryptedObject,
		method: CredentialUpdateMethod,
		input: ICredentialDataDecryptedObject,
	) {
		const row = this.rows.get(id);
		if (!row) throw new Error(`No credential with id "${id}" in the harness store`);
		row.data = clone(data);
		this.updates.push({ id, type: row.type, method, data: clone(row.data), input: clone(input) });
	}

	/** @internal */
	row(id: string): StoredCredential | undefined {
		return this.rows.get(id);
	}
}

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

const mockNodeTypes: INodeTypes = {
	getKnownTypes: () => ({}),
	getByName: () => mockNodeType,
	getByNameAndVersion: () => mockNodeType,
} as unknown as INodeTypes;
const mockNodeType = { description: { properties: [] } } as unknown as INodeType;

type MaybeIsolate = {
	acquireIsolate?: () => Promise<unknown>;
	releaseIsolate?: () => Promise<void>;
};

type AllowedDomainsFn = (credentials: ICredentialDataDecryptedObject) => string | undefined;
const getCredentialOwnRequestAllowedDomains = (
	workflow as unknown as { getCredentialOwnRequestAllowedDomains?: AllowedDomainsFn }
).getCredentialOwnRequestAllowedDomains;

/** 2.x: preAuthentication's helpers may only call the credential's own allowed domains. */
function restrictToCredentialDomains(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	if (n8nLine === 1 || !getCredentialOwnRequestAllowedDomains) return helpers;
	return {
		helpers: {
			httpRequest: async (requestOptions: IHttpRequestOptions) => {
				const allowedDomains = getCredentialOwnRequestAllowedDomains(credentials);
				if (allowedDomains === undefined) return await helpers.helpers.httpRequest(requestOptions);
				const options = requestOptions as IHttpRequestOptions & { allowedDomains?: string };
				if (options.allowedDomains !== undefined) {
					throw new UserError(
						'This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.',
					);
				}
				return await helpers.helpers.httpRequest({
					...requestOptions,
					allowedDomains,
				} as IHttpRequestOptions);
			},
		},
	} as IHttpRequestHelper;
}

/** 2.x: OAuth fields pinned by a hidden property in the type always come from the type. */
const OAUTH_PINNED_FIELDS_V2 = [
	'useDynamicClientRegistration',
	'authUrl',
	'accessTokenUrl',
	'grantType',
	'authentication',
	'usePkce',
	'requestTokenUrl',
	'signatureMethod',
];
const DCR_MANAGED_FIELDS_V1 = [
	'clientId',
	'clientSecret',
	'authUrl',
	'accessTokenUrl',
	'grantType',
	'authentication',
];
const DCR_MANAGED_FIELDS_V2 = [
	'authUrl',
	'accessTokenUrl',
	'grantType',
	'authentication',
	'usePkce',
	'clientId',
	'clientSecret',
];

export class HarnessCredentialsHelper extends ICredentialsHelper {
	readonly preAuthenticationCalls: PreAuthenticationCall[] = [];

	constructor(
		readonly store: CredentialStore,
		readonly credentialTypes: CredentialTypeRegistry,
	) {
		super();
	}

	/** Every persisted update, in order (same array as `store.updates`). */
	get updates(): CredentialUpdate[] {
		return this.store.updates;
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	/** 2.x (also harmless on 1.x, where nothing calls it). */
	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		const typeDef = this.credentialTypes.getByName(credentialType) as {
			restrictToSupportedNodes?: boolean;
		};
		if (!typeDef.restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const credentialType = this.credentialTypes.getByName(typeName);
		const { authenticate } = credentialType;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (typeof authenticate === 'object') {
			if (n8nLine === 2 && (!workflow || !node)) {
				throw new Error('Workflow and node are required for declarative credential authentication');
			}
			requestOptions.headers ??= {};
			if (authenticate.type === 'generic') {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
						const keyResolved = this.resolveValue(
							key,
							{ $credentials: credentials },
							workflow!,
							node!,
						);
						const valueResolved = this.resolveValue(
							value,
							{ $credentials: credentials },
							workflow!,
							node!,
						);
						target[outerKey] ??= {};
						target[outerKey][keyResolved as string] = valueResolved;
					}
				}
			}
		}
		return requestOptions;
	}

	private resolveValue(
		value: unknown,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): unknown {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value as string,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		if (!resolved) return '';
		return resolved.toString();
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;

		const isTestingCredentials =
			node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (!(credentials[expirableProperty.name] === '' || credentialsExpired || isTestingCredentials))
			return undefined;

		const call: PreAuthenticationCall = {
			type: typeName,
			nodeName: node?.name,
			credentialsExpired,
			ran: true,
			persisted: false,
			via: 'preAuthentication',
		};
		this.preAuthenticationCalls.push(call);
		const output = (await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirableProperty.name] === undefined) return undefined;
		if (!node.credentials) return undefined;

		const nodeCredentials = node.credentials[credentialType.name];
		if (n8nLine === 1) {
			// 1.x persists the whole decrypted (defaults applied, expressions resolved) object.
			await this.updateCredentials(
				nodeCredentials,
				credentialType.name,
				Object.assign(credentials, output),
			);
			call.persisted = true;
			return Object.assign(credentials, output);
		}
		// 2.x persists the returned keys onto the stored data, except over stored expressions.
		const storedData = await (
			await this.getCredentials(nodeCredentials, credentialType.name)
		).getData();
		const dataToPersist: ICredentialDataDecryptedObject = { ...storedData };
		for (const [key, value] of Object.entries(output)) {
			if (key === expirableProperty.name || !isExpression(storedData[key]))
				dataToPersist[key] = value;
		}
		await this.updateCredentials(nodeCredentials, credentialType.name, dataToPersist);
		call.persisted = true;
		return Object.assign(credentials, output);
	}

	/** 2.x: called by n8n-core's requestOAuth2 for every OAuth2 request and after each refresh. */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		this.preAuthenticationCalls.push({
			type: typeName,
			nodeName: '',
			credentialsExpired: false,
			ran: true,
			persisted: false,
			via: 'runPreAuthentication',
		});
		const output = await credentialType.preAuthentication.call(
			restrictToCredentialDomains(helpers, credentials),
			credentials,
		);
		return (output as ICredentialDataDecryptedObject) ?? undefined;
	}

	private findRow(nodeCredential: INodeCredentialsDetails, type: string) {
		if (!nodeCredential?.id) {
			throw new Error(
				`Found credential with no ID. (credential "${nodeCredential?.name}", type "${type}")`,
			);
		}
		const row = this.store.row(nodeCredential.id);
		if (!row || row.type !== type) {
			throw new UserError(
				`Credential with ID "${nodeCredential.id}" does not exist for type "${type}".`,
			);
		}
		return row;
	}

	/** A real n8n-core `Credentials` object holding the row's data encrypted with the instance key. */
	async getCredentials(
		nodeCredential: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const row = this.findRow(nodeCredential, type);
		const plain = new Credentials({ id: row.id, name: row.name }, row.type);
		await plain.setData(clone(row.data));
		return new Credentials({ id: row.id, name: row.name }, row.type, plain.getDataToSave().data);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialTypeData = this.credentialTypes.getByName(type);
		if (credentialTypeData.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialTypeData.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialTypeData.properties;
		}
		const combineProperties: INodeProperties[] = [];
		for (const credentialsTypeName of credentialTypeData.extends) {
			NodeHelpers.mergeNodeProperties(
				combineProperties,
				this.getCredentialsProperties(credentialsTypeName),
			);
		}
		NodeHelpers.mergeNodeProperties(combineProperties, credentialTypeData.properties);
		return combineProperties;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		const decryptedDataOriginal = await credentials.getData();
		if (raw === true) return decryptedDataOriginal;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/**
	 * Defaults of the merged properties (parents first), then expression resolution with `$self`
	 * bound to the credential's own data: through the running workflow when the engine passes
	 * `expressionResolveValues` (node execution), else through a mock workflow (server-side use,
	 * e.g. the OAuth2 endpoints). No credential overwrites and no external secrets in the harness.
	 */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentialsProperties = this.getCredentialsProperties(type);

		let storedData: ICredentialDataDecryptedObject = decryptedDataOriginal;
		if (n8nLine === 2) {
			storedData = { ...decryptedDataOriginal };
			for (const field of OAUTH_PINNED_FIELDS_V2) {
				if (credentialsProperties.some((p) => p.name === field && p.type === 'hidden'))
					delete storedData[field];
			}
		}

		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			storedData as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;

		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		if (
			decryptedData.allowedHttpRequestDomains === undefined &&
			decryptedDataOriginal.allowedHttpRequestDomains !== undefined
		) {
			decryptedData.allowedHttpRequestDomains = decryptedDataOriginal.allowedHttpRequestDomains;
		}
		if (
			decryptedData.allowedDomains === undefined &&
			decryptedDataOriginal.allowedDomains !== undefined
		) {
			decryptedData.allowedDomains = decryptedDataOriginal.allowedDomains;
		}
		if (decryptedData.useDynamicClientRegistration) {
			for (const field of n8nLine === 1 ? DCR_MANAGED_FIELDS_V1 : DCR_MANAGED_FIELDS_V2) {
				decryptedData[field] = decryptedDataOriginal[field];
			}
		}

		const parsedJsonLeaves =
			n8nLine === 2
				? this.parseJsonLeafExpressionFields(credentialsProperties, decryptedData)
				: undefined;

		const additionalKeys = (
			getAdditionalKeys as unknown as (...args: unknown[]) => IWorkflowDataProxyAdditionalKeys
		)(
			additionalData,
			mode,
			null,
			n8nLine === 1 ? { secretsEnabled: false } : { isCredential: true },
		);

		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const mockWorkflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			const expression = mockWorkflow.expression as unknown as MaybeIsolate;
			if (expression.acquireIsolate) await expression.acquireIsolate();
			try {
				decryptedData =
					n8nLine === 1
						? (mockWorkflow.expression.getComplexParameterValue(
								mockNode,
								decryptedData as INodeParameters,
								mode,
								additionalKeys,
								undefined,
								undefined,
								decryptedData,
							) as ICredentialDataDecryptedObject)
						: this.resolveCredentialExpressionsV2(
								mockWorkflow,
								credentialsProperties,
								decryptedData,
								mode,
								additionalKeys,
							);
			} finally {
				if (expression.releaseIsolate) await expression.releaseIsolate();
			}
		}

		if (parsedJsonLeaves) {
			for (const [name, original] of parsedJsonLeaves) {
				decryptedData[name] = JSON.stringify(decryptedData[name]) ?? original;
			}
		}
		return decryptedData;
	}

	/** 2.x: resolve all at once; on failure resolve property by property, skipping tolerated errors. */
	private resolveCredentialExpressionsV2(
		mockWorkflow: Workflow,
		credentialsProperties: INodeProperties[],
		decryptedData: ICredentialDataDecryptedObject,
		mode: WorkflowExecuteMode,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
	): ICredentialDataDecryptedObject {
		const resolve = (value: INodeParameters) =>
			mockWorkflow.expression.getComplexParameterValue(
				mockNode,
				value,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		try {
			return resolve(decryptedData as INodeParameters);
		} catch (originalError) {
			const byName = new Map(credentialsProperties.map((p) => [p.name, p]));
			const resolved: ICredentialDataDecryptedObject = {};
			for (const [name, value] of Object.entries(decryptedData)) {
				try {
					const one = resolve({ [name]: value } as INodeParameters);
					if (Object.prototype.hasOwnProperty.call(one, name)) resolved[name] = one[name];
				} catch {
					const typeOptions = byName.get(name)?.typeOptions as
						{ ignoreCredentialExpressionResolveError?: boolean } | undefined;
					if (typeOptions?.ignoreCredentialExpressionResolveError === true) continue;
					throw originalError;
				}
			}
			return resolved;
		}
	}

	/** 2.x: `typeOptions.resolveCredentialJsonLeaves` JSON fields are resolved leaf by leaf. */
	private parseJsonLeafExpressionFields(
		properties: INodeProperties[],
		data: ICredentialDataDecryptedObject,
	) {
		const parsed = new Map<string, string>();
		for (const property of properties) {
			const typeOptions = property.typeOptions as
				{ resolveCredentialJsonLeaves?: boolean } | undefined;
			if (!typeOptions?.resolveCredentialJsonLeaves) continue;
			const value = data[property.name];
			if (typeof value !== 'string' || value === '') continue;
			try {
				data[property.name] = JSON.parse(value) as ICredentialDataDecryptedObject[string];
				parsed.set(property.name, value);
			} catch {
				// not JSON: left as is, like n8n
			}
		}
		return parsed;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		await (credentials as Credentials).setData(data);
		await this.persist(credentials as Credentials, 'updateCredentials', data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = (await this.getCredentials(nodeCredentials, type)) as Credentials;
		await credentials.updateData({ oauthTokenData: data.oauthTokenData });
		await this.persist(credentials, 'updateCredentialsOauthTokenData', data);
	}

	/** @internal Writes a Credentials object's (encrypted) data back into the store. */
	async persist(
		credentials: Credentials,
		method: CredentialUpdateMethod,
		input: ICredentialDataDecryptedObject,
	) {
		const reread = new Credentials(
			{ id: credentials.id ?? null, name: credentials.name },
			credentials.type,
			credentials.getDataToSave().data,
		);
		this.store.write(credentials.id!, await reread.getData(), method, input);
	}
}
