/**
 * runLoadOptions: calls a node's `methods.loadOptions` method the way n8n's dynamic-parameters service does
 * when the editor opens a dropdown: a one-node workflow named "Temp-Node" with the current parameters and
 * credentials, and n8n-core's real LoadOptionsContext as `this`.
 */
import { LoadOptionsContext } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	type INodeCredentials,
	type INodeParameters,
	type INodePropertyOptions,
} from 'n8n-workflow';

import {
	CredentialStore,
	HarnessCredentialsHelper,
	type CredentialFixtures,
} from './credentials-helper';
import { bootstrapN8nCore, createAdditionalData, createRegistries } from './run';

export interface LoadOptionsRequest {
	/** Full node type name, e.g. `n8n-nodes-tiktok-publisher.tikTok` */
	nodeType: string;
	method: string;
	parameters?: INodeParameters;
	nodeCredentials?: INodeCredentials;
	credentials: CredentialFixtures | CredentialStore;
}

export async function runLoadOptions(
	request: LoadOptionsRequest,
): Promise<{ options: INodePropertyOptions[]; store: CredentialStore }> {
	await bootstrapN8nCore();
	const { nodeTypes, credentialTypes } = await createRegistries();
	const store = CredentialStore.from(request.credentials);
	const nodeType = NodeHelpers.getVersionedNodeType(nodeTypes.getByName(request.nodeType));
	const method = nodeType.methods?.loadOptions?.[request.method];
	if (!method) throw new Error(`${request.nodeType} has no loadOptions method "${request.method}"`);
	const node = {
		id: 'temp-node',
		name: 'Temp-Node',
		type: request.nodeType,
		typeVersion: Array.isArray(nodeType.description.version)
			? nodeType.description.version.at(-1)!
			: nodeType.description.version,
		position: [0, 0] as [number, number],
		parameters: request.parameters ?? {},
		credentials: request.nodeCredentials,
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = createAdditionalData({
		credentialsHelper: new HarnessCredentialsHelper(store, credentialTypes),
	});
	const context = new LoadOptionsContext(
		workflow,
		workflow.getNode('Temp-Node')!,
		additionalData,
		'parameters.privacyLevel',
	);
	return { options: await method.call(context), store };
}
