/**
 * runWorkflow: executes a workflow through n8n-core's real WorkflowExecute (the same engine code
 * n8n runs in production), with the harness's node types, CredentialsHelper and binary data mode.
 */
import { Container } from '@n8n/di';
import { DataDeduplicationService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	Workflow,
	type ExecutionStatus,
	type IBinaryData,
	type IConnections,
	type ICredentialType,
	type IDataObject,
	type INode,
	type INodeCredentials,
	type INodeExecutionData,
	type INodeParameters,
	type IPairedItemData,
	type IPinData,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { acquireBinaryMode, binaryDataService, binaryModeSupport, type BinaryMode } from './binary';
import { CredentialTypeRegistry } from './credential-types';
import {
	CredentialStore,
	HarnessCredentialsHelper,
	type CredentialFixtures,
} from './credentials-helper';
import { deduplicationStore } from './deduplication';
import type { CapturedLog } from './logger';
import { logger, n8nLine, onShutdown } from './n8n';
import { loadPackage, NodeTypeRegistry, type AnyNodeType } from './node-types';
import {
	harnessNodeTypes,
	MAKE_BINARY_NODE_TYPE,
	SET_ITEMS_NODE_TYPE,
	START_NODE_TYPE,
} from './test-nodes';

export interface HarnessNode {
	name: string;
	type: string;
	/** Default: the node type's default (or latest) version. */
	typeVersion?: number;
	parameters?: INodeParameters;
	credentials?: INodeCredentials;
	id?: string;
	position?: [number, number];
	disabled?: boolean;
	continueOnFail?: boolean;
	onError?: INode['onError'];
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
}

export interface HarnessWorkflow {
	id?: string;
	name?: string;
	nodes: HarnessNode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
	pinData?: IPinData;
}

export interface RunWorkflowOptions {
	/** Default: the n8n line's own default (1.x 'memory', 2.x 'filesystem'). */
	binaryMode?: BinaryMode;
	/** Credential rows by id, or a CredentialStore from an earlier run (to continue with persisted data). */
	credentials?: CredentialFixtures | CredentialStore;
	/** Extra node types by full type name, e.g. { 'test.echo': new Echo() }. */
	nodeTypes?: Record<string, AnyNodeType>;
	/** Extra credential types (registered under their `name`). */
	credentialTypes?: ICredentialType[];
	/** Name of the node execution starts at. Default: the first `harness.start` node, else the first node without incoming connections. */
	startNode?: string;
	/** Default 'manual'. */
	mode?: WorkflowExecuteMode;
	/** Load the package under test (default true: this repository); a string loads that package directory instead. */
	loadPackage?: boolean | string;
	/** Fail the run (cancel it) after this many ms. Default 60000. */
	timeoutMs?: number;
	/** Default http://localhost:5678 */
	instanceBaseUrl?: string;
	/**
	 * The execution's id; by default a new one per run. Reusing one runs the same execution again, as n8n's
	 * queue does with a job whose worker stopped.
	 */
	executionId?: string;
}

export type BinaryMeta = Omit<IBinaryData, 'data'> & {
	/** 'store': bytes live in n8n's binary data store (`id` set); 'inline': base64 in the item. */
	storage: 'store' | 'inline';
};

export interface OutputItem {
	json: IDataObject;
	binary?: Record<string, BinaryMeta>;
	pairedItem?: IPairedItemData | IPairedItemData[] | number;
	error?: unknown;
}

export interface NodeRun {
	/** Items of the first main output of the last run of the node. */
	items: OutputItem[];
	/** Every main output of the last run. */
	outputs: OutputItem[][];
	/** How many times the node ran. */
	runs: number;
	executionStatus?: ExecutionStatus;
	error?: HarnessError;
}

export interface HarnessError {
	message: string;
	description?: string | null;
	nodeName?: string;
	httpCode?: string | null;
	/** The error object n8n recorded (NodeApiError, NodeOperationError, ...). */
	error: Error & Record<string, unknown>;
}

export interface RunResult {
	run: IRun;
	status: ExecutionStatus;
	finished: boolean;
	/** Per node that ran. */
	nodes: Record<string, NodeRun>;
	/** Node names in execution order (one entry per node run). */
	executionOrder: string[];
	/** The workflow's error (the failing node's error), if any. */
	error?: HarnessError;
	/** The credentials helper used: `.store` (persisted rows), `.updates`, `.preAuthenticationCalls`. */
	credentials: HarnessCredentialsHelper;
	/** Log lines n8n wrote during this run (LoggerProxy and the DI Logger). */
	logs: CapturedLog[];
	/** All log lines as one string (message + JSON metadata per line). */
	logText: string;
	binaryMode: BinaryMode;
	executionId: string;
	/** Items of `nodeName`'s main output (default output 0 of the last run); throws if the node did not run. */
	items(nodeName: string, outputIndex?: number): OutputItem[];
	/** The bytes of a binary property in a node's output (from the store or the inline base64). */
	readBinary(
		nodeName: string,
		itemIndex?: number,
		property?: string,
		outputIndex?: number,
	): Promise<Buffer>;
}

let executionCounter = 0;
let bootstrapped: Promise<void> | undefined;

/**
 * Everything that runs node code through n8n-core's contexts calls this first: it creates n8n-core's SSH
 * clients manager up front so that its interval and exit listener are removed at shutdown.
 */
export async function bootstrapN8nCore(): Promise<void> {
	bootstrapped ??= bootstrap();
	await bootstrapped;
}

async function bootstrap(): Promise<void> {
	const before = new Set(process.listeners('exit'));
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as {
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		SSHClientsManager: new (...args: any[]) => {
			cleanupTimer?: NodeJS.Timeout;
			onShutdown(): void;
		};
	};
	const manager = Container.get(SSHClientsManager);
	const added = process.listeners('exit').filter((l) => !before.has(l));
	// What every n8n command does at start (BaseCommand.initDataDeduplicationService), with the store in memory
	await DataDeduplicationService.init(deduplicationStore);
	onShutdown(() => {
		clearInterval(manager.cleanupTimer);
		manager.onShutdown();
		for (const listener of added) process.off('exit', listener);
	});
}

function withDefaults(node: HarnessNode, index: number, registry: NodeTypeRegistry): INode {
	let typeVersion = node.typeVersion;
	if (typeVersion === undefined && registry.has(node.type)) {
		const description = registry.getByName(node.type).description as {
			version?: number | number[];
			defaultVersion?: number;
		};
		const latest = Array.isArray(description.version)
			? Math.max(...description.version)
			: description.version;
		typeVersion = description.defaultVersion ?? latest ?? 1;
	}
	return {
		parameters: {},
		position: [index * 200, 0],
		id: `node-${index}-${node.name.replace(/\W+/g, '-')}`,
		...node,
		typeVersion: typeVersion ?? 1,
	} as INode;
}

function toOutputItem(item: INodeExecutionData): OutputItem {
	const out: OutputItem = { json: item.json };
	if (item.pairedItem !== undefined) out.pairedItem = item.pairedItem;
	if (item.error !== undefined) out.error = item.error;
	if (item.binary) {
		out.binary = {};
		for (const [key, value] of Object.entries(item.binary)) {
			const { data, ...meta } = value;
			out.binary[key] = { ...meta, storage: value.id ? 'store' : 'inline' };
			void data;
		}
	}
	return out;
}

function toHarnessError(error: unknown): HarnessError | undefined {
	if (!error) return undefined;
	const e = error as Error &
		Record<string, unknown> & {
			node?: INode;
			description?: string | null;
			httpCode?: string | null;
		};
	return {
		message: e.message,
		description: e.description,
		nodeName: e.node?.name,
		httpCode: e.httpCode,
		error: e,
	};
}

export function connectionsOf(...chain: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i < chain.length - 1; i++) {
		connections[chain[i]] = {
			main: [[{ node: chain[i + 1], type: 'main', index: 0 }]],
		} as IConnections[string];
	}
	return connections;
}

export interface RegistryOptions {
	loadPackage?: boolean | string;
	nodeTypes?: Record<string, AnyNodeType>;
	credentialTypes?: ICredentialType[];
}

/** The node and credential types a run sees: harness test nodes, the package's types, then the caller's extras. */
export async function createRegistries(options: RegistryOptions = {}) {
	const nodeTypes = new NodeTypeRegistry();
	const credentialTypes = new CredentialTypeRegistry();
	for (const [name, type] of Object.entries(harnessNodeTypes())) nodeTypes.add(name, type);
	if (options.loadPackage !== false) {
		const pkg = await loadPackage(
			typeof options.loadPackage === 'string' ? options.loadPackage : undefined,
		);
		for (const [name, type] of Object.entries(pkg.nodes)) nodeTypes.add(name, type);
		for (const { type, supportedNodes } of Object.values(pkg.credentials))
			credentialTypes.add(type, 'package', supportedNodes);
	}
	for (const [name, type] of Object.entries(options.nodeTypes ?? {})) nodeTypes.add(name, type);
	for (const type of options.credentialTypes ?? []) credentialTypes.add(type, 'test');
	return { nodeTypes, credentialTypes };
}

/** `IWorkflowExecuteAdditionalData` as the harness provides it (URLs are absolute: 2.x parses them). */
export function createAdditionalData(args: {
	credentialsHelper: HarnessCredentialsHelper;
	hooks?: ExecutionLifecycleHooks;
	executionId?: string;
	instanceBaseUrl?: string;
}): IWorkflowExecuteAdditionalData {
	const base = (args.instanceBaseUrl ?? 'http://localhost:5678').replace(/\/+$/, '');
	return {
		credentialsHelper: args.credentialsHelper,
		hooks: args.hooks,
		executionId: args.executionId,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		currentNodeParameters: undefined,
		currentNodeExecutionIndex: 0,
		executionTimeoutTimestamp: undefined,
		userId: 'harness-user',
		variables: {},
		// 2.x reads it; undefined means "no task runner identity", as in n8n's own tests
		encryptedRunnerIdentity: undefined,
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		executeWorkflow: async () => {
			throw new Error('Sub-workflow execution is not supported by the harness');
		},
		startRunnerTask: async () => {
			throw new Error('Task runners are not supported by the harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export async function runWorkflow(
	workflowInput: HarnessWorkflow,
	options: RunWorkflowOptions = {},
): Promise<RunResult> {
	await bootstrapN8nCore();

	const { nodeTypes, credentialTypes } = await createRegistries(options);

	const store = CredentialStore.from(options.credentials);
	const credentialsHelper = new HarnessCredentialsHelper(store, credentialTypes);

	const nodes = workflowInput.nodes.map((node, index) => withDefaults(node, index, nodeTypes));
	for (const node of nodes) {
		if (!nodeTypes.has(node.type)) {
			throw new Error(
				`Unknown node type "${node.type}" (node "${node.name}"). Known: ${nodeTypes.names().join(', ')}`,
			);
		}
	}

	const workflowId = workflowInput.id ?? 'harnessWorkflow1';
	const workflow = new Workflow({
		id: workflowId,
		name: workflowInput.name ?? 'Harness workflow',
		nodes,
		connections: workflowInput.connections,
		active: false,
		nodeTypes,
		staticData: workflowInput.staticData,
		settings: { executionOrder: 'v1', ...(workflowInput.settings ?? {}) },
		pinData: workflowInput.pinData,
	});

	const startNodeName =
		options.startNode ??
		nodes.find((n) => n.type === START_NODE_TYPE)?.name ??
		nodes.find((n) => workflow.getParentNodes(n.name).length === 0)?.name;
	const startNode = startNodeName ? workflow.getNode(startNodeName) : null;
	if (!startNode) throw new Error(`Start node "${startNodeName}" not found in the workflow`);

	const binaryMode = options.binaryMode ?? binaryModeSupport.default;
	const release = await acquireBinaryMode(binaryMode);

	const executionId = options.executionId ?? String(++executionCounter);
	const mode = options.mode ?? 'manual';
	const workflowData = {
		id: workflowId,
		name: workflow.name,
		active: false,
		nodes,
		connections: workflowInput.connections,
		settings: workflow.settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteBefore', (nodeName: string) => {
		executionOrder.push(nodeName);
	});

	const additionalData = createAdditionalData({
		credentialsHelper,
		hooks,
		executionId,
		instanceBaseUrl: options.instanceBaseUrl,
	});

	const logMark = logger.lines.length;
	let run: IRun;
	try {
		const workflowExecute = new WorkflowExecute(additionalData, mode);
		type Cancelable = Promise<IRun> & { cancel?: () => void };
		const { pinData } = workflowInput;
		const running: Cancelable =
			n8nLine === 1
				? workflowExecute.run(workflow, startNode, undefined, pinData)
				: (
						workflowExecute.run as unknown as (o: {
							workflow: Workflow;
							startNode: INode;
							pinData?: IPinData;
						}) => Cancelable
					)({
						workflow,
						startNode,
						pinData,
					});
		const timeoutMs = options.timeoutMs ?? 60_000;
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				running.cancel?.();
				reject(new Error(`Workflow run did not finish within ${timeoutMs} ms`));
			}, timeoutMs);
		});
		try {
			run = await Promise.race([running, timeout]);
		} finally {
			clearTimeout(timer);
		}
	} finally {
		release();
	}

	const resultNodes: Record<string, NodeRun> = {};
	const rawOutputs: Record<string, INodeExecutionData[][]> = {};
	for (const [nodeName, taskData] of Object.entries(run.data.resultData.runData)) {
		const last = taskData[taskData.length - 1];
		const outputs = (last?.data?.main ?? []).map((items) => items ?? []);
		rawOutputs[nodeName] = outputs;
		resultNodes[nodeName] = {
			items: (outputs[0] ?? []).map(toOutputItem),
			outputs: outputs.map((items) => items.map(toOutputItem)),
			runs: taskData.length,
			executionStatus: last?.executionStatus,
			error: toHarnessError(last?.error),
		};
	}
	const logs = logger.since(logMark);

	return {
		run,
		status: run.status,
		finished: run.finished ?? false,
		nodes: resultNodes,
		executionOrder,
		error: toHarnessError(run.data.resultData.error),
		credentials: credentialsHelper,
		logs,
		logText: logs.map((l) => `[${l.level}] ${l.text}`).join('\n'),
		binaryMode,
		executionId,
		items(nodeName: string, outputIndex = 0) {
			const node = resultNodes[nodeName];
			if (!node)
				throw new Error(
					`Node "${nodeName}" did not run. Ran: ${Object.keys(resultNodes).join(', ')}`,
				);
			return node.outputs[outputIndex] ?? [];
		},
		async readBinary(nodeName: string, itemIndex = 0, property = 'data', outputIndex = 0) {
			const item = rawOutputs[nodeName]?.[outputIndex]?.[itemIndex];
			const binary = item?.binary?.[property];
			if (!binary)
				throw new Error(
					`No binary "${property}" on item ${itemIndex} of ${nodeName} (output ${outputIndex})`,
				);
			if (binary.id) return await binaryDataService().getAsBuffer(binary);
			return Buffer.from(binary.data, 'base64');
		},
	};
}

export interface RunNodeOptions extends RunWorkflowOptions {
	node: Omit<HarnessNode, 'name'> & { name?: string };
	/** JSON of the input items (default: one empty item). */
	inputItems?: IDataObject[];
	/** Adds binary data to every input item (parameters of harness.makeBinary; expressions may use $json). */
	binary?: {
		source: 'file' | 'base64' | 'text' | 'pattern';
		filePath?: string;
		base64?: string;
		text?: string;
		sizeBytes?: number;
		propertyName?: string;
		fileName?: string;
		mimeType?: string;
	};
}

/**
 * Runs a single node with the given input: Start → [Set Items] → [Make Binary] → node.
 * `result.output` is the node's first main output.
 */
export async function runNode(
	options: RunNodeOptions,
): Promise<RunResult & { output: OutputItem[]; nodeName: string }> {
	const nodeName = options.node.name ?? 'Node Under Test';
	const nodes: HarnessNode[] = [{ name: 'Start', type: START_NODE_TYPE }];
	if (options.inputItems) {
		nodes.push({
			name: 'Input',
			type: SET_ITEMS_NODE_TYPE,
			parameters: { items: JSON.stringify(options.inputItems) },
		});
	}
	if (options.binary) {
		const { source, ...rest } = options.binary;
		nodes.push({
			name: 'Binary',
			type: MAKE_BINARY_NODE_TYPE,
			parameters: { source, ...(rest as INodeParameters) },
		});
	}
	nodes.push({ ...options.node, name: nodeName });
	const result = await runWorkflow(
		{ nodes, connections: connectionsOf(...nodes.map((n) => n.name)) },
		{ ...options, startNode: 'Start' },
	);
	return { ...result, nodeName, output: result.nodes[nodeName]?.items ?? [] };
}
