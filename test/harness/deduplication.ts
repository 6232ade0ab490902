/**
 * n8n's data deduplication store for `this.helpers.checkProcessedAndRecord`, in memory. The CLI backs
 * n8n-core's DataDeduplicationService with its DeduplicationHelper over the `processed_data` table; this
 * follows that code (n8n 1.123.81 and 2.41.1 alike) for the "entries" mode: one row per workflow and
 * context (`n:<node id>` for scope "node", '' for "workflow"), holding MD5 hashes of the recorded values in
 * insertion order, trimmed to `maxEntries` from the oldest, and read and rewritten whole on every call.
 * With `unlocked` set, a call also behaves as n8n's does under concurrency: it reads the row, waits (a
 * database round trip), then writes back the row it read with its own change, dropping any write made
 * in between, as n8n's findOne-then-update without a lock does.
 */
import { createHash } from 'node:crypto';

import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

type Row = { mode: string; data: string[] };

export class InMemoryDeduplicator implements IDataDeduplicator {
	/** `<workflow id>|<context>` -> the row's value, as n8n stores it */
	readonly rows = new Map<string, Row>();
	/** Every call, for tests that count them */
	readonly calls: Array<{ method: string; items: DeduplicationItemTypes[]; context: string }> = [];
	/** Model n8n's unlocked read-then-write (see above) */
	unlocked = false;
	/** Calls of checkProcessedAndRecord that fail as a database error would (see failWith) */
	private failingCalls = new Set<number>();
	private callsSinceFailureSet = 0;

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const key = rowKey(scope, contextData);
		this.calls.push({ method: 'checkProcessedAndRecord', items, context: key });
		if (options.mode !== 'entries')
			throw new Error('The harness deduplicator models the "entries" mode only');
		if (this.failingCalls.has(++this.callsSinceFailureSet))
			throw new Error('Connection terminated unexpectedly');
		const hashed = items.map(hash);
		const row = await this.read(key);
		if (!row) {
			// n8n inserts the first row: a second insert of the same row fails
			if (this.rows.has(key))
				throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
			const data = options.maxEntries ? hashed.slice(-options.maxEntries) : hashed;
			this.rows.set(key, { mode: options.mode, data });
			return { new: items, processed: [] };
		}
		if (row.mode !== options.mode)
			throw new Error('Deduplication data was originally saved with an incompatible mode');
		const seen = new Set(row.data);
		const result: IDeduplicationOutput = { new: [], processed: [] };
		hashed.forEach((value, index) => {
			if (seen.has(value)) {
				result.processed.push(items[index]);
			} else {
				result.new.push(items[index]);
				row.data.push(value);
			}
		});
		if (options.maxEntries) row.data.splice(0, row.data.length - options.maxEntries);
		this.rows.set(key, row);
		return result;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		_options?: ICheckProcessedOptions,
	): Promise<void> {
		const key = rowKey(scope, contextData);
		this.calls.push({ method: 'removeProcessed', items, context: key });
		const row = await this.read(key);
		if (!row) return;
		for (const value of items.map(hash)) {
			const index = row.data.indexOf(value);
			if (index !== -1) row.data.splice(index, 1);
		}
		this.rows.set(key, row);
	}

	/** The row as a call reads it: when unlocked, a copy, handed over after a round trip. */
	private async read(key: string): Promise<Row | undefined> {
		const row = this.rows.get(key);
		if (!this.unlocked) return row;
		const copy = row && { mode: row.mode, data: [...row.data] };
		await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
		return copy;
	}

	async clearAllProcessedItems(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
	): Promise<void> {
		this.rows.delete(rowKey(scope, contextData));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<number> {
		const row = this.rows.get(rowKey(scope, contextData));
		return options.mode === 'entries' && row ? row.data.length : 0;
	}

	/** Makes the given calls of checkProcessedAndRecord, counted from now (1 = the next), fail. */
	failWith(calls: number[]): void {
		this.failingCalls = new Set(calls);
		this.callsSinceFailureSet = 0;
	}

	/** Whether any row holds `value` (tests check a record survived). */
	holds(value: DeduplicationItemTypes): boolean {
		const hashed = hash(value);
		return [...this.rows.values()].some((row) => row.data.includes(hashed));
	}

	/** Forgets everything (between tests). */
	clear(): void {
		this.rows.clear();
		this.calls.length = 0;
		this.unlocked = false;
		this.failWith([]);
	}
}

function rowKey(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
	if (!contextData.workflow.id) throw new Error('n8n needs a workflow id to deduplicate');
	if (scope === 'node' && !contextData.node)
		throw new Error("No node information has been provided and so cannot use scope 'node'");
	return `${contextData.workflow.id}|${scope === 'node' ? `n:${contextData.node!.id}` : ''}`;
}

function hash(value: DeduplicationItemTypes): string {
	return createHash('md5').update(value.toString()).digest('base64');
}

/** The one store of this test process, installed into n8n-core by the harness bootstrap. */
export const deduplicationStore = new InMemoryDeduplicator();
