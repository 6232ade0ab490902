/**
 * Trigger nodes outside a manual run, the way n8n's server drives them (an addition to the harness; see
 * "Triggers" in the report of issue #5):
 *
 * - `startWebhookTrigger`: activates a webhook trigger (checkExists → create, through n8n-core's real
 *   `HookContext`) and serves its production URL on 127.0.0.1. Each request goes through what n8n's
 *   `LiveWebhooks` + `executeWebhook` do (n8n 1.123.81 / 2.41.1): a fresh `Workflow` from the stored static
 *   data, the raw-body reader and body parser, the node's `webhook()` in n8n-core's real `WebhookContext`,
 *   n8n's response rules (node answered itself / `webhookResponse` / "Workflow was started"), static data
 *   saved when changed, then the workflow run from the trigger's items through `WorkflowExecute`.
 * - `activatePollingTrigger`: activates a polling trigger like n8n-core's `ActiveWorkflows.activatePolling`
 *   (a first poll that throws on error), then `poll()` runs one scheduled poll in n8n-core's real
 *   `PollContext` (mode 'trigger'): items are "emitted" (static data saved, workflow run), errors recorded
 *   as n8n's `__emitError` would. `restart()` reloads the workflow from the saved static data.
 *
 * Manual runs ("Fetch Test Event") need nothing new: `runWorkflow` with the trigger as start node runs
 * `poll()` through WorkflowExecute in manual mode.
 */
// n8n-core must not load before the harness has set up its environment
import './n8n';

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	ExecutionLifecycleHooks,
	HookContext,
	PollContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	jsonParse,
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IRun,
	type IWebhookData,
	type IWebhookDescription,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import {
	CredentialStore,
	HarnessCredentialsHelper,
	type CredentialFixtures,
} from './credentials-helper';
import { n8nLine, onShutdown } from './n8n';
import {
	bootstrapN8nCore,
	connectionsOf,
	createAdditionalData,
	createRegistries,
	type HarnessNode,
	type RegistryOptions,
} from './run';

export interface TriggerHarnessOptions extends RegistryOptions {
	/** The trigger node (name default "Trigger"); a webhook trigger gets a random `webhookId` unless given one. */
	node: Omit<HarnessNode, 'name'> & { name?: string; webhookId?: string };
	/** Nodes after the trigger (connected in a chain from it) for the workflow run each event starts. */
	downstream?: HarnessNode[];
	credentials?: CredentialFixtures | CredentialStore;
	/** The workflow's static data as stored before activation (n8n's `workflow_entity.staticData`). */
	staticData?: IDataObject;
	/** Webhook triggers: the port of the local "n8n instance" (default: a free one). The same port and webhookId give the same production URL. */
	port?: number;
}

/** A workflow run started by the trigger (mode 'webhook' or 'trigger'). */
export interface TriggeredRun {
	items: INodeExecutionData[];
	/** Resolves when WorkflowExecute finished the run. */
	done: Promise<IRun>;
}

export interface WebhookDelivery {
	status: number;
	/** The response body as sent */
	body: string;
	/** What `webhook()` returned (undefined when it threw) */
	result?: IWebhookResponseData;
	/** The items of `workflowData` main output 0, when the request started the workflow */
	items?: IDataObject[];
	error?: Error;
	run?: TriggeredRun;
}

export interface WebhookTriggerHarness {
	/** What the node shows as its production URL: served by this harness */
	productionUrl: string;
	/** checkExists' answer and create's answer (undefined when create was not called) at activation */
	activation: { existed: boolean; created?: boolean };
	deliveries: WebhookDelivery[];
	/** Resolves when every request received so far was handled and the runs it started finished */
	idle(): Promise<void>;
	/** The stored static data (a copy) */
	staticData(): IDataObject;
	credentials: HarnessCredentialsHelper;
	/** Runs the webhook's `delete` method, as deactivating the workflow does; the server keeps answering 404 */
	deactivate(): Promise<boolean | undefined>;
	close(): Promise<void>;
}

export interface PollOutcome {
	items: IDataObject[] | null;
	error?: Error;
	run?: TriggeredRun;
}

export interface PollingTriggerHarness {
	/** The activation poll's outcome (activation throws when that poll fails, like n8n) */
	activation: PollOutcome;
	/** One scheduled poll */
	poll(): Promise<PollOutcome>;
	/** Reloads the workflow from the stored static data, as an n8n restart would */
	restart(): void;
	staticData(): IDataObject;
	credentials: HarnessCredentialsHelper;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? {})) as T;

/** What a trigger needs from n8n, per test: registries, credentials, the stored workflow row. */
class TriggerWorkflow {
	storedStaticData: IDataObject;
	readonly node: INode;
	private executions = 0;

	constructor(
		readonly workflowId: string,
		readonly nodes: INode[],
		private readonly nodeTypes: Awaited<ReturnType<typeof createRegistries>>['nodeTypes'],
		readonly credentialsHelper: HarnessCredentialsHelper,
		readonly baseUrl: () => string,
		staticData: IDataObject | undefined,
	) {
		this.node = nodes[0];
		this.storedStaticData = clone(staticData ?? {});
	}

	static async create(
		options: TriggerHarnessOptions,
		baseUrl: () => string,
	): Promise<TriggerWorkflow> {
		const { nodeTypes, credentialTypes } = await createRegistries(options);
		const store = CredentialStore.from(options.credentials);
		const trigger = { name: 'Trigger', ...options.node } as HarnessNode;
		const nodes = [trigger, ...(options.downstream ?? [])].map(
			(node, index) =>
				({
					parameters: {},
					position: [index * 200, 0],
					id: `node-${index}`,
					typeVersion: 1,
					...node,
				}) as INode,
		);
		return new TriggerWorkflow(
			'harnessTriggerWorkflow',
			nodes,
			nodeTypes,
			new HarnessCredentialsHelper(store, credentialTypes),
			baseUrl,
			options.staticData,
		);
	}

	/** The trigger node as the loaded workflow holds it (n8n fills in parameter defaults on load). */
	nodeIn(workflow: Workflow): INode {
		return workflow.getNode(this.node.name) as INode;
	}

	get nodeType(): INodeType {
		return this.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
	}

	/**
	 * A Workflow as n8n builds it from the database row. n8n wraps the row's static data object itself, so
	 * every Workflow built from one row object shares it (pass the same `staticData` to model that).
	 */
	load(staticData: IDataObject = clone(this.storedStaticData)): Workflow {
		return new Workflow({
			id: this.workflowId,
			name: 'Harness trigger workflow',
			nodes: clone(this.nodes),
			connections: connectionsOf(...this.nodes.map((node) => node.name)),
			active: true,
			nodeTypes: this.nodeTypes,
			staticData,
			settings: { executionOrder: 'v1' },
		});
	}

	/** n8n's WorkflowStaticDataService.saveStaticData: writes only when something set a property. */
	saveStaticData(workflow: Workflow): void {
		if ((workflow.staticData as IDataObject).__dataChanged === true) {
			this.storedStaticData = clone(workflow.staticData);
			(workflow.staticData as IDataObject).__dataChanged = false;
		}
	}

	additionalData(
		executionId?: string,
		hooks?: ExecutionLifecycleHooks,
	): IWorkflowExecuteAdditionalData {
		return createAdditionalData({
			credentialsHelper: this.credentialsHelper,
			executionId,
			hooks,
			instanceBaseUrl: this.baseUrl(),
		});
	}

	webhookData(workflow: Workflow, additionalData: IWorkflowExecuteAdditionalData): IWebhookData {
		const description = (this.nodeType.description.webhooks ?? [])[0] as IWebhookDescription;
		return {
			httpMethod: 'POST',
			node: this.node.name,
			path: `${this.node.webhookId}/${String(description.path)}`,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
		};
	}

	/**
	 * What n8n's WorkflowRunner does with a trigger's data: a Workflow built from `staticData` (the request's
	 * row object for webhooks, as in n8n) runs from the trigger node; static data the run changes is saved at
	 * its end (hookFunctionsSave).
	 */
	run(
		staticData: IDataObject,
		data: INodeExecutionData[][],
		mode: 'webhook' | 'trigger',
	): TriggeredRun {
		const workflow = this.load(staticData);
		const executionId = `trigger-${++this.executions}`;
		const workflowData = {
			id: workflow.id,
			name: workflow.name,
			nodes: this.nodes,
			connections: workflow.connectionsBySourceNode,
		} as unknown as IWorkflowBase;
		const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: this.nodeIn(workflow), data: { main: data }, source: null }],
			},
		});
		const execute = new WorkflowExecute(
			this.additionalData(executionId, hooks),
			mode,
			runExecutionData,
		);
		const done = Promise.resolve(execute.processRunExecutionData(workflow)).then((run) => {
			this.saveStaticData(workflow);
			return run;
		});
		return { items: data[0] ?? [], done };
	}
}

// ---------------------------------------------------------------------------------------------------------
// Webhook triggers

type WebhookRequest = IncomingMessage & {
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
	contentType?: string;
	encoding?: BufferEncoding;
	body?: unknown;
	query?: Record<string, string>;
	params?: Record<string, string>;
};

/** n8n's parseIncomingMessage (n8n-core 1.x, @n8n/backend-network 2.x): content type and charset. */
function parseContentType(req: WebhookRequest): void {
	const [type, ...parameters] = String(req.headers['content-type'] ?? '').split(';');
	if (!type) return;
	const charset = parameters
		.map((p) => p.trim().split('='))
		.find(([key]) => key.toLowerCase() === 'charset')?.[1];
	req.contentType = type.trim().toLowerCase();
	req.encoding = (charset?.replace(/"/g, '').toLowerCase() ?? 'utf-8') as BufferEncoding;
}

/** n8n's rawBodyReader + parseBody (JSON, form and text bodies; the bytes are kept in `rawBody`). */
async function prepareRequest(req: WebhookRequest): Promise<void> {
	parseContentType(req);
	req.readRawBody = async () => {
		if (req.rawBody) return;
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		req.rawBody = Buffer.concat(chunks);
	};
	await req.readRawBody();
	const text = req.rawBody?.toString(req.encoding ?? 'utf-8') ?? '';
	if (text && req.contentType === 'application/json') req.body = jsonParse(text);
	else if (text && req.contentType === 'text/plain') req.body = text;
	req.body ??= {};
	const url = new URL(req.url ?? '/', 'http://localhost');
	req.query = Object.fromEntries(url.searchParams);
	req.params = {};
}

function sendJson(res: ServerResponse, status: number, body: unknown): string {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(text);
	return text;
}

/** n8n's extractWebhookOnReceivedResponse, with evaluateResponseOptions' default responseData. */
function onReceivedResponse(responseData: unknown, result: IWebhookResponseData): unknown {
	const data = responseData ?? 'firstEntryJson';
	if (data === 'noData') return undefined;
	if (data) return data;
	return result.webhookResponse ?? { message: 'Workflow was started' };
}

/** WebhookRequestHandler.sendStaticResponse: strings as they are, anything else as JSON. */
function sendStaticResponse(res: ServerResponse, status: number, body: unknown): string {
	if (typeof body === 'string') {
		res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end(body);
		return body;
	}
	if (body !== undefined) return sendJson(res, status, body);
	// express's res.json(undefined): no body
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end();
	return '';
}

/** Collects what the node wrote itself when it answered (`noWebhookResponse`). */
function recordResponse(res: ServerResponse): { status: () => number; body: () => string } {
	const chunks: string[] = [];
	const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
	res.end = ((...args: unknown[]) => {
		if (typeof args[0] === 'string' || Buffer.isBuffer(args[0])) chunks.push(args[0].toString());
		return end(...args);
	}) as ServerResponse['end'];
	return { status: () => res.statusCode, body: () => chunks.join('') };
}

/**
 * One request through LiveWebhooks + executeWebhook (responseMode onReceived). n8n saves the static data
 * when the response goes out. When the node did not answer itself, 1.x answers before starting the run,
 * while 2.x first starts it (WorkflowRunner builds a Workflow from the same static data object, which
 * resets its "changed" flag) and answers after: changes made in webhook() are then lost, as in n8n 2.x.
 */
async function handleWebhookRequest(
	trigger: TriggerWorkflow,
	req: WebhookRequest,
	res: ServerResponse,
): Promise<WebhookDelivery> {
	const written = recordResponse(res);
	await prepareRequest(req);
	const rowStaticData = clone(trigger.storedStaticData);
	const workflow = trigger.load(rowStaticData);
	const additionalData = trigger.additionalData();
	Object.assign(additionalData, { httpRequest: req, httpResponse: res });
	const context = new WebhookContext(
		workflow,
		trigger.nodeIn(workflow),
		additionalData,
		'webhook',
		trigger.webhookData(workflow, additionalData),
		[],
		null,
	);

	let result: IWebhookResponseData;
	try {
		result = await (
			trigger.nodeType.webhook as (this: WebhookContext) => Promise<IWebhookResponseData>
		).call(context);
	} catch (error) {
		// n8n answers 500 and records a failed execution; TikTok would redeliver
		const body = sendJson(res, 500, {
			code: 0,
			message: 'Workflow Webhook Error: Workflow could not be started!',
		});
		return { status: 500, body, error: error as Error };
	}

	let answered = false;
	const answer = (send: () => void) => {
		send();
		trigger.saveStaticData(workflow);
		answered = true;
	};
	if (result.noWebhookResponse === true) answer(() => {});
	if (result.workflowData === undefined) {
		if (!answered)
			answer(() =>
				sendJson(res, 200, result.webhookResponse ?? { message: 'Webhook call received' }),
			);
		return { status: written.status(), body: written.body(), result };
	}
	const onReceived = () =>
		sendStaticResponse(
			res,
			200,
			onReceivedResponse(trigger.nodeType.description.webhooks?.[0]?.responseData, result),
		);
	if (!answered && n8nLine === 1) answer(onReceived);
	const run = trigger.run(rowStaticData, result.workflowData, 'webhook');
	if (!answered) answer(onReceived);
	return {
		status: written.status(),
		body: written.body(),
		result,
		items: run.items.map((item) => item.json),
		run,
	};
}

export async function startWebhookTrigger(
	options: TriggerHarnessOptions,
): Promise<WebhookTriggerHarness> {
	await bootstrapN8nCore();
	let url = '';
	const trigger = await TriggerWorkflow.create(
		{ ...options, node: { ...options.node, webhookId: options.node.webhookId ?? randomUUID() } },
		() => url,
	);
	const deliveries: WebhookDelivery[] = [];
	const pending = new Set<Promise<unknown>>();
	let active = true;
	const productionPath = `/webhook/${trigger.node.webhookId}/webhook`;

	const server: Server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (!active || req.method !== 'POST' || path !== productionPath) {
			req.resume();
			sendJson(res, 404, { code: 404, message: 'The requested webhook is not registered.' });
			return;
		}
		const handled = handleWebhookRequest(trigger, req, res)
			.catch((error: Error): WebhookDelivery => {
				// A harness failure must answer, or the sender waits for its timeout
				if (!res.headersSent) sendJson(res, 500, { message: `harness error: ${error.message}` });
				return { status: 500, body: '', error };
			})
			.then(async (delivery) => {
				deliveries.push(delivery);
				await delivery.run?.done;
			});
		pending.add(handled);
		void handled.finally(() => pending.delete(handled));
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const close = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	onShutdown(close);

	const activation = await runHookMethods(trigger, ['checkExists', 'create']);
	return {
		productionUrl: `${url}${productionPath}`,
		activation: { existed: activation.checkExists === true, created: activation.create },
		deliveries,
		idle: async () => {
			while (pending.size > 0) await Promise.allSettled([...pending]);
		},
		staticData: () => clone(trigger.storedStaticData),
		credentials: trigger.credentialsHelper,
		deactivate: async () => {
			active = false;
			return (await runHookMethods(trigger, ['delete'])).delete;
		},
		close,
	};
}

/** WebhookService.createWebhookIfNotExists / deleteWebhook, then saveStaticData as ActiveWorkflowManager does. */
async function runHookMethods(
	trigger: TriggerWorkflow,
	methods: Array<'checkExists' | 'create' | 'delete'>,
): Promise<Partial<Record<'checkExists' | 'create' | 'delete', boolean>>> {
	const workflow = trigger.load();
	const additionalData = trigger.additionalData();
	const webhookData = trigger.webhookData(workflow, additionalData);
	const results: Partial<Record<'checkExists' | 'create' | 'delete', boolean>> = {};
	for (const method of methods) {
		if (method === 'create' && results.checkExists === true) break;
		const fn = trigger.nodeType.webhookMethods?.default?.[method];
		if (!fn) continue;
		const context = new HookContext(
			workflow,
			trigger.nodeIn(workflow),
			additionalData,
			'trigger',
			'activate',
			webhookData,
		);
		results[method] = await fn.call(context);
	}
	trigger.saveStaticData(workflow);
	return results;
}

// ---------------------------------------------------------------------------------------------------------
// Polling triggers

export async function activatePollingTrigger(
	options: TriggerHarnessOptions,
): Promise<PollingTriggerHarness> {
	await bootstrapN8nCore();
	const trigger = await TriggerWorkflow.create(options, () => 'http://localhost:5678');
	let workflow = trigger.load();

	const pollOnce = async (testingTrigger: boolean): Promise<PollOutcome> => {
		let emitted: INodeExecutionData[][] | undefined;
		let emittedError: Error | undefined;
		const context = new PollContext(
			workflow,
			trigger.nodeIn(workflow),
			trigger.additionalData(),
			'trigger',
			'activate',
			(data) => {
				// n8n's __emit: save static data, then run the workflow
				trigger.saveStaticData(workflow);
				emitted = data;
			},
			(error) => {
				emittedError = error;
			},
		);
		try {
			const response = await (
				trigger.nodeType.poll as (this: PollContext) => Promise<INodeExecutionData[][] | null>
			).call(context);
			if (response !== null) context.__emit(response);
		} catch (error) {
			if (testingTrigger) throw error;
			context.__emitError(error as Error);
		}
		if (emittedError) return { items: null, error: emittedError };
		if (!emitted) return { items: null };
		const run = trigger.run(clone(trigger.storedStaticData), emitted, 'trigger');
		return { items: run.items.map((item) => item.json), run };
	};

	const activation = await pollOnce(true);
	// ActiveWorkflowManager.add saves the static data once the workflow is active
	trigger.saveStaticData(workflow);
	return {
		activation,
		poll: async () => await pollOnce(false),
		restart: () => {
			workflow = trigger.load();
		},
		staticData: () => clone(trigger.storedStaticData),
		credentials: trigger.credentialsHelper,
	};
}
