/**
 * Credential type registry with the CLI's `CredentialTypes` semantics: lookup by name, parent types
 * from the `extends` chain, supported nodes, and the domain-restriction fields n8n's
 * LoadNodesAndCredentials injects into every credential type that authenticates requests.
 */
import * as workflow from 'n8n-workflow';
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { n8nLine } from './n8n';
import { createOAuth2ApiType } from './oauth2-api';

/** n8n 1.x CLI (load-nodes-and-credentials): which credential types get the domain fields. */
function shouldAddDomainRestrictions(type: ICredentialType): boolean {
	return (
		type.authenticate !== undefined ||
		type.genericAuth === true ||
		(Array.isArray(type.extends) &&
			(type.extends.includes('oAuth2Api') ||
				type.extends.includes('oAuth1Api') ||
				type.extends.includes('googleOAuth2Api')))
	);
}

const domainRestrictionFields: INodeProperties[] = [
	{
		displayName: 'Allowed HTTP Request Domains',
		name: 'allowedHttpRequestDomains',
		type: 'options',
		options: [
			{ name: 'All', value: 'all' },
			{ name: 'Specific Domains', value: 'domains' },
			{ name: 'None', value: 'none' },
		],
		default: 'all',
	},
	{
		displayName: 'Allowed Domains',
		name: 'allowedDomains',
		type: 'string',
		default: '',
		displayOptions: { show: { allowedHttpRequestDomains: ['domains'] } },
	},
];

type InjectFn = (type: ICredentialType) => INodeProperties[];

/** 2.x ships the rule in n8n-workflow; 1.x had it in the CLI only. */
function injectDomainRestrictionFields(type: ICredentialType): INodeProperties[] {
	const fromWorkflow = (workflow as unknown as { injectDomainRestrictionFields?: InjectFn })
		.injectDomainRestrictionFields;
	if (typeof fromWorkflow === 'function') return fromWorkflow(type);
	const properties = type.properties ?? [];
	if (!shouldAddDomainRestrictions(type)) return properties;
	if (properties.some((p) => p.name === 'allowedHttpRequestDomains')) return properties;
	return [...properties, ...domainRestrictionFields];
}

export interface RegisteredCredentialType {
	type: ICredentialType;
	/** Where it came from: 'harness' (oAuth2Api), 'package' (package.json n8n.credentials) or 'test'. */
	origin: 'harness' | 'package' | 'test';
	supportedNodes: string[];
}

export class CredentialTypeRegistry {
	private readonly types = new Map<string, RegisteredCredentialType>();

	constructor() {
		this.add(createOAuth2ApiType(n8nLine), 'harness');
	}

	/**
	 * Registers a credential type the way n8n's loader does: domain fields injected,
	 * `supportedNodes` kept (already prefixed with the package name for package credentials).
	 */
	add(
		type: ICredentialType,
		origin: RegisteredCredentialType['origin'],
		supportedNodes?: string[],
	): void {
		type.properties = injectDomainRestrictionFields(type);
		this.types.set(type.name, {
			type,
			origin,
			supportedNodes:
				supportedNodes ?? (type as { supportedNodes?: string[] }).supportedNodes ?? [],
		});
	}

	recognizes(name: string): boolean {
		return this.types.has(name);
	}

	getByName(name: string): ICredentialType {
		const entry = this.types.get(name);
		if (!entry) throw new Error(`Unrecognized credential type: ${name}`);
		return entry.type;
	}

	getSupportedNodes(name: string): string[] {
		return this.types.get(name)?.supportedNodes ?? [];
	}

	/** Same walk as the CLI's CredentialTypes.getParentTypes: direct parents first, then theirs. */
	getParentTypes(name: string): string[] {
		const parents = [...(this.types.get(name)?.type.extends ?? [])];
		for (const parent of [...parents]) parents.push(...this.getParentTypes(parent));
		return parents;
	}

	names(): string[] {
		return [...this.types.keys()];
	}
}
