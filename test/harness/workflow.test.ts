import {
	connectionsOf,
	loadPackage,
	n8nLine,
	n8nVersions,
	PACKAGE_ROOT,
	runNode,
	runWorkflow,
	startTestServer,
	SET_ITEMS_NODE_TYPE,
	START_NODE_TYPE,
} from './index';
import { ECHO_TYPE, FIXTURE_PACKAGE_DIR, fixtureTypes } from './fixtures';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe(`workflow execution (n8n-core ${n8nVersions.core}, n8n-workflow ${n8nVersions.workflow})`, () => {
	it('runs the n8n line the jest config selected (every n8n module from the same copy)', () => {
		// jest.n8n2.config.js sets N8N_HARNESS_EXPECT_LINE=2; the default config runs the repo's 1.x devDependencies
		const line = Number(process.env.N8N_HARNESS_EXPECT_LINE ?? 1);
		expect(n8nLine).toBe(line);
		expect(n8nVersions).toEqual(
			line === 1
				? { core: '1.122.28', workflow: '1.120.14', clientOAuth2: '0.33.5' }
				: { core: '2.41.1', workflow: '2.41.0', clientOAuth2: '1.23.1' },
		);
		// n8n-core must see the same n8n-workflow as the harness (one copy, one LoggerProxy, one Container)
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const coreWorkflow = require(
			require.resolve('n8n-workflow/package.json', { paths: [require.resolve('n8n-core')] }),
		) as { version: string };
		expect(coreWorkflow.version).toBe(n8nVersions.workflow);
	});

	it('runs a workflow through WorkflowExecute and keeps pairedItem', async () => {
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE },
					{
						name: 'Items',
						type: SET_ITEMS_NODE_TYPE,
						parameters: { items: JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }]) },
					},
					{
						name: 'Binary',
						type: 'harness.makeBinary',
						parameters: {
							source: 'text',
							text: '={{ "item " + $json.a }}',
							fileName: '={{ "f" + $json.a + ".txt" }}',
							mimeType: 'text/plain',
						},
					},
					{ name: 'Echo', type: ECHO_TYPE, parameters: { operation: 'inspectBinary' } },
				],
				connections: connectionsOf('Start', 'Items', 'Binary', 'Echo'),
			},
			{ ...fixtureTypes() },
		);
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.executionOrder).toEqual(['Start', 'Items', 'Binary', 'Echo']);
		const echo = result.items('Echo');
		expect(echo.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(echo.map((i) => i.json.fileName)).toEqual(['f1.txt', 'f2.txt', 'f3.txt']);
		expect(echo[1].json.bytes).toBe(Buffer.byteLength('item 2'));
		expect(result.items('Items').map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
		]);
		expect((await result.readBinary('Binary', 2)).toString()).toBe('item 3');
		// LoggerProxy lines from WorkflowExecute are captured per run
		expect(result.logs.map((l) => l.message)).toEqual(
			expect.arrayContaining([
				'Workflow execution started',
				'Workflow execution finished successfully',
			]),
		);
	});

	it('uses pinned data instead of running the pinned node', async () => {
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE },
					{
						name: 'Items',
						type: SET_ITEMS_NODE_TYPE,
						parameters: { items: JSON.stringify([{ word: 'not used' }]) },
					},
					{
						name: 'Binary',
						type: 'harness.makeBinary',
						parameters: { source: 'text', text: '={{ $json.word }}', mimeType: 'text/plain' },
					},
					{ name: 'Echo', type: ECHO_TYPE, parameters: { operation: 'inspectBinary' } },
				],
				connections: connectionsOf('Start', 'Items', 'Binary', 'Echo'),
				pinData: { Items: [{ json: { word: 'pinned' } }, { json: { word: 'data!' } }] },
			},
			{ ...fixtureTypes() },
		);
		expect(result.error).toBeUndefined();
		expect(result.items('Echo').map((i) => i.json.bytes)).toEqual([6, 5]);
	});

	it('reports a failing node: message, description, HTTP code and the error object', async () => {
		const server = await startTestServer(() => ({
			status: 500,
			body: { error: { code: 'internal_error', message: 'boom' } },
		}));
		const result = await runNode({
			...fixtureTypes(),
			credentials: { k: { type: 'harnessApiKeyApi', data: { apiKey: 'key-xyz-secret' } } },
			node: {
				type: ECHO_TYPE,
				parameters: {
					operation: 'callApi',
					credentialType: 'harnessApiKeyApi',
					url: `${server.url}/fail`,
				},
				credentials: { harnessApiKeyApi: { id: 'k', name: 'k' } },
			},
		});
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ nodeName: 'Node Under Test', httpCode: '500' });
		expect(result.error?.message).toEqual(expect.any(String));
		expect(result.error?.error.name).toBe('NodeApiError');
		expect(result.nodes['Node Under Test'].error?.message).toBe(result.error?.message);
		expect(result.logText).not.toContain('key-xyz-secret');
	});

	it('rejects unknown node types with the known list', async () => {
		await expect(runNode({ loadPackage: false, node: { type: 'nope.nothing' } })).rejects.toThrow(
			/Unknown node type "nope.nothing"/,
		);
	});
});

describe('package loading (as n8n loads an installed community package)', () => {
	it('registers every node and credential listed in package.json under <package name>.<node name>', async () => {
		const pkgJson = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
			name: string;
			n8n: { nodes: string[]; credentials: string[] };
		};
		const pkg = await loadPackage();
		expect(pkg.packageName).toBe('n8n-nodes-tiktok-publisher');
		// the lists may still be empty: every listed file must be registered, nothing else
		expect(Object.keys(pkg.nodes)).toHaveLength(pkgJson.n8n.nodes.length);
		expect(Object.keys(pkg.credentials)).toHaveLength(pkgJson.n8n.credentials.length);
		for (const [typeName, type] of Object.entries(pkg.nodes))
			expect(typeName).toBe(`${pkgJson.name}.${type.description.name}`);
		for (const { supportedNodes } of Object.values(pkg.credentials)) {
			for (const node of supportedNodes) expect(node.startsWith(`${pkgJson.name}.`)).toBe(true);
		}
	});

	it("loads a package directory with n8n-core's PackageDirectoryLoader and runs its node", async () => {
		const pkg = await loadPackage(FIXTURE_PACKAGE_DIR);
		expect(Object.keys(pkg.nodes)).toEqual(['n8n-nodes-harness-fixture.harnessEcho']);
		expect(Object.keys(pkg.credentials).sort()).toEqual([
			'harnessApiKeyApi',
			'harnessOAuth2Api',
			'harnessRefreshTokenApi',
		]);
		expect(pkg.credentials.harnessApiKeyApi.supportedNodes).toEqual([
			'n8n-nodes-harness-fixture.harnessEcho',
		]);

		const result = await runNode({
			loadPackage: FIXTURE_PACKAGE_DIR,
			inputItems: [{ x: 1 }, { x: 2 }],
			binary: { source: 'text', text: '={{ "n" + $json.x }}', mimeType: 'text/plain' },
			node: {
				type: 'n8n-nodes-harness-fixture.harnessEcho',
				parameters: { operation: 'inspectBinary' },
			},
		});
		expect(result.error).toBeUndefined();
		expect(result.output.map((i) => i.json.bytes)).toEqual([2, 2]);
		expect(result.output.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
