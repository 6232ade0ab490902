import { DataDeduplicationService } from 'n8n-core';
import type { ICheckProcessedContextData, INode, Workflow } from 'n8n-workflow';

import { bootstrapN8nCore } from './run';
import { deduplicationStore, InMemoryDeduplicator } from './deduplication';

const node = { id: 'node-1', name: 'TikTok' } as INode;
const context = (workflowId: string, n: INode = node): ICheckProcessedContextData => ({
	node: n,
	workflow: { id: workflowId, active: false } as unknown as Workflow,
});
const ENTRIES = { mode: 'entries' as const };

describe('the harness deduplication store (as n8n\'s DeduplicationHelper, "entries" mode)', () => {
	test('records new values, reports repeats, keeps one row per workflow and node', async () => {
		const store = new InMemoryDeduplicator();
		expect(await store.checkProcessedAndRecord(['a', 'b'], 'node', context('w1'), ENTRIES)).toEqual(
			{ new: ['a', 'b'], processed: [] },
		);
		expect(await store.checkProcessedAndRecord(['b', 'c'], 'node', context('w1'), ENTRIES)).toEqual(
			{ new: ['c'], processed: ['b'] },
		);
		expect(await store.checkProcessedAndRecord(['b'], 'node', context('w2'), ENTRIES)).toEqual({
			new: ['b'],
			processed: [],
		});
		expect(
			await store.checkProcessedAndRecord(
				['b'],
				'node',
				context('w1', { id: 'node-2' } as INode),
				ENTRIES,
			),
		).toEqual({ new: ['b'], processed: [] });
		expect(await store.getProcessedDataCount('node', context('w1'), ENTRIES)).toBe(3);
	});

	test('maxEntries keeps the newest, also on the first write; removeProcessed forgets a value', async () => {
		const store = new InMemoryDeduplicator();
		await store.checkProcessedAndRecord(['a', 'b', 'c'], 'node', context('w1'), {
			...ENTRIES,
			maxEntries: 2,
		});
		expect(
			await store.checkProcessedAndRecord(['a'], 'node', context('w1'), {
				...ENTRIES,
				maxEntries: 2,
			}),
		).toEqual({ new: ['a'], processed: [] });
		// b fell out when a came back
		expect(
			await store.checkProcessedAndRecord(['b', 'c'], 'node', context('w1'), {
				...ENTRIES,
				maxEntries: 2,
			}),
		).toEqual({ new: ['b'], processed: ['c'] });
		await store.removeProcessed(['c'], 'node', context('w1'), ENTRIES);
		expect(await store.checkProcessedAndRecord(['c'], 'node', context('w1'), ENTRIES)).toEqual({
			new: ['c'],
			processed: [],
		});
	});

	test('refuses what n8n refuses: no workflow id, another mode on the same row', async () => {
		const store = new InMemoryDeduplicator();
		await expect(
			store.checkProcessedAndRecord(['a'], 'node', context(''), ENTRIES),
		).rejects.toThrow(/workflow id/);
		await expect(
			store.checkProcessedAndRecord(['1'], 'node', context('w1'), { mode: 'latestIncrementalKey' }),
		).rejects.toThrow(/entries/);
	});

	test("unlocked: concurrent records drop each other's, and a second first insert fails, as n8n's do", async () => {
		const store = new InMemoryDeduplicator();
		store.unlocked = true;
		const record = async (value: string) =>
			await store.checkProcessedAndRecord([value], 'node', context('w1'), ENTRIES);
		const first = await Promise.allSettled([record('a'), record('b')]);
		expect(first.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
		const values = Array.from({ length: 10 }, (_, i) => `v${i}`);
		const results = await Promise.all(values.map(record));
		// Every call read the row before any wrote it: each saw its value as new, the last write won
		expect(results.every((result) => result.new.length === 1)).toBe(true);
		expect(values.filter((value) => store.holds(value))).toHaveLength(1);
	});

	test("is what n8n-core's DataDeduplicationService (and so this.helpers.checkProcessedAndRecord) uses", async () => {
		await bootstrapN8nCore();
		deduplicationStore.clear();
		await DataDeduplicationService.getInstance().checkProcessedAndRecord(
			['x'],
			'node',
			context('w9'),
			ENTRIES,
		);
		expect(deduplicationStore.calls).toEqual([
			{ method: 'checkProcessedAndRecord', items: ['x'], context: 'w9|n:node-1' },
		]);
	});
});
