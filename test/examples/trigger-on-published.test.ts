/**
 * examples/trigger-on-published.json as shipped: its TikTok Trigger (only the credential filled in) receives
 * an event the emulator signs, and the downstream nodes' expressions are evaluated by n8n against the
 * trigger's output. n8n-nodes-base is not installed in the harness, so Set and HTTP Request are stand-ins
 * that resolve their parameters the way those nodes do and output what they would send.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import type { HarnessNode } from '../harness';
import { startWebhookTrigger } from '../harness/triggers';
import { startEmulator, type TikTokEmulator } from '../emulator';
import { oAuth2Credential } from '../helpers/tikTok';

const POST_ID = '7602997517160123666';

/** n8n keeps only declared parameters, so a stand-in declares the ones it reads. */
function standIn(
	name: string,
	properties: INodeProperties[],
	run: (this: IExecuteFunctions, index: number) => IDataObject,
): INodeType {
	const description = {
		displayName: name,
		name,
		group: ['transform'],
		version: [3.4, 4.2],
		defaults: {},
		inputs: ['main'],
		outputs: ['main'],
		properties,
	};
	return {
		description: description as unknown as INodeTypeDescription,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [
				this.getInputData().map((_, index) => ({
					json: run.call(this, index),
					pairedItem: { item: index },
				})),
			];
		},
	};
}

const stringProperty = (name: string): INodeProperties => ({
	displayName: name,
	name,
	type: 'string',
	default: '',
});

const setStandIn = standIn(
	'set',
	[{ displayName: 'Fields', name: 'assignments', type: 'assignmentCollection', default: {} }],
	function (index) {
		const assignments = this.getNodeParameter('assignments.assignments', index) as Array<{
			name: string;
			value: IDataObject[string];
		}>;
		return Object.fromEntries(assignments.map((assignment) => [assignment.name, assignment.value]));
	},
);

const httpRequestStandIn = standIn(
	'httpRequest',
	['method', 'url', 'jsonBody'].map(stringProperty),
	function (index) {
		return {
			method: this.getNodeParameter('method', index) as string,
			url: this.getNodeParameter('url', index) as string,
			body: JSON.parse(this.getNodeParameter('jsonBody', index) as string) as IDataObject,
		};
	},
);

let emu: TikTokEmulator;
beforeEach(async () => {
	emu = await startEmulator();
});
afterEach(async () => {
	await emu.close();
});

test("examples/trigger-on-published.json shares the live post's link", async () => {
	const workflow = JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'examples', 'trigger-on-published.json'), 'utf8'),
	) as {
		nodes: Array<HarnessNode & { webhookId?: string }>;
	};
	const [trigger, compose, share] = workflow.nodes;
	expect([trigger.type, compose.type, share.type]).toEqual([
		'n8n-nodes-tiktok-publisher.tikTokTrigger',
		'n8n-nodes-base.set',
		'n8n-nodes-base.httpRequest',
	]);

	const harness = await startWebhookTrigger({
		node: { ...trigger, credentials: { tikTokOAuth2Api: { id: 'cred', name: 'TikTok account' } } },
		downstream: [compose, share],
		nodeTypes: {
			'n8n-nodes-base.set': setStandIn,
			'n8n-nodes-base.httpRequest': httpRequestStandIn,
		},
		credentials: { cred: oAuth2Credential(emu) },
	});
	try {
		const content = {
			publish_id: 'v_pub_file~v2-1.7602997070760331285',
			publish_type: 'DIRECT_PUBLISH',
			post_id: POST_ID,
		};
		// Ignored by the example: another event, and another account of the same app
		await emu.webhooks.deliver({
			url: harness.productionUrl,
			event: 'post.publish.complete',
			content,
		});
		await emu.webhooks.deliver({
			url: harness.productionUrl,
			event: 'post.publish.publicly_available',
			content,
			userOpenId: 'someone-else',
		});
		await emu.webhooks.deliver({
			url: harness.productionUrl,
			event: 'post.publish.publicly_available',
			content,
		});
		await harness.idle();

		const runs = harness.deliveries.filter((delivery) => delivery.run);
		expect(runs).toHaveLength(1);
		const run = await runs[0].run?.done;
		expect(run?.data.resultData.error).toBeUndefined();
		expect(
			run?.data.resultData.runData['Share the Link'][0].data?.main[0]?.map((item) => item.json),
		).toEqual([
			{
				method: 'POST',
				url: 'https://hooks.example.com/replace-with-your-chat-webhook',
				body: {
					text: `Our new TikTok is live: https://www.tiktok.com/@emu.creator/video/${POST_ID}`,
				},
			},
		]);
	} finally {
		await harness.close();
	}
});
