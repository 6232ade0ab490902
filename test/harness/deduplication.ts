/**
 * n8n's data deduplication store for `this.helpers.checkProcessedAndRecord`, in memory. The CLI backs
 * n8n-core's DataDeduplicationService with its DeduplicationHelper over the `processed_data` table; this
 * follows that code (n8n 1.123.81 and 2.41.1 alike) for the "entries" mode: one row per workflow and
 * context (`n:<node id>` for scope "node", '' for "workflow"), holding MD5 hashes of the recorded values in
 * insertion order, trimmed to `maxEntries` from the oldest, and read and rewritten whole on every call.
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
		const hashed = items.map(hash);
		const row = this.rows.get(key);
		if (!row) {
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
		const row = this.rows.get(key);
		if (!row) return;
		for (const value of items.map(hash)) {
			const index = row.data.indexOf(value);
			if (index !== -1) row.data.splice(index, 1);
		}
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

	/** Forgets everything (between tests). */
	clear(): void {
		this.rows.clear();
		this.calls.length = 0;
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
