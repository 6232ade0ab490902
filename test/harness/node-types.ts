/**
 * Node type registry (n8n's `INodeTypes`) and the loader for the package under test.
 *
 * The package is loaded exactly like n8n loads an installed community package: n8n-core's
 * `PackageDirectoryLoader` reads package.json's `n8n.nodes` / `n8n.credentials` (paths into dist/),
 * requires each file, instantiates the class named after the file (`TikTok.node.js` → `TikTok`),
 * and the types are registered as `<package name>.<node name>` (e.g. `n8n-nodes-tiktok-publisher.tikTok`),
 * with credential `supportedNodes` prefixed the same way — the names a user's install gets.
 */
import { PackageDirectoryLoader } from 'n8n-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
	NodeHelpers,
	type ICredentialType,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
} from 'n8n-workflow';

export type AnyNodeType = INodeType | IVersionedNodeType;

export class NodeTypeRegistry implements INodeTypes {
	private readonly types = new Map<string, AnyNodeType>();

	add(typeName: string, nodeType: AnyNodeType): void {
		this.types.set(typeName, nodeType);
	}

	has(typeName: string): boolean {
		return this.types.has(typeName);
	}

	names(): string[] {
		return [...this.types.keys()];
	}

	getByName(nodeType: string): AnyNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unrecognized node type: ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

export interface LoadedPackage {
	packageName: string;
	directory: string;
	/** Full type name (`<package>.<node>`) → node type */
	nodes: Record<string, AnyNodeType>;
	/** Credential type name → { type, supportedNodes (full type names) } */
	credentials: Record<string, { type: ICredentialType; supportedNodes: string[] }>;
}

/** The repository root (this file lives in test/harness/). */
export const PACKAGE_ROOT = resolve(__dirname, '..', '..');

const packageCache = new Map<string, Promise<LoadedPackage>>();

/**
 * Loads a community package directory (default: this repository) the way n8n does. The lists in
 * package.json may be empty; listed files must exist (run `npm run build` first).
 */
export async function loadPackage(directory = PACKAGE_ROOT): Promise<LoadedPackage> {
	let cached = packageCache.get(directory);
	if (!cached) {
		cached = doLoadPackage(directory);
		packageCache.set(directory, cached);
	}
	return await cached;
}

async function doLoadPackage(directory: string): Promise<LoadedPackage> {
	const loader = new PackageDirectoryLoader(directory);
	const { n8n } = loader.packageJson as { n8n?: { nodes?: string[]; credentials?: string[] } };
	const missing = [...(n8n?.nodes ?? []), ...(n8n?.credentials ?? [])].filter(
		(p) => !existsSync(resolve(directory, p)),
	);
	if (missing.length) {
		throw new Error(
			`package.json lists files that do not exist: ${missing.join(', ')}. Build the package first (npm run build).`,
		);
	}
	await loader.loadAll();
	const { packageName } = loader;
	const nodes: LoadedPackage['nodes'] = {};
	for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
		nodes[`${packageName}.${name}`] = type;
	}
	const credentials: LoadedPackage['credentials'] = {};
	for (const [name, { type }] of Object.entries(loader.credentialTypes)) {
		const supported = loader.known.credentials[name]?.supportedNodes ?? [];
		credentials[name] = { type, supportedNodes: supported.map((node) => `${packageName}.${node}`) };
	}
	return { packageName, directory, nodes, credentials };
}
