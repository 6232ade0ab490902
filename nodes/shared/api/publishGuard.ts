import type { ICheckProcessedOptions, IExecuteFunctions } from 'n8n-workflow';

import { tikTokOperationError } from '../errors/nodeErrors';
import { cancelSignalOf, pauseUnlessCancelled } from '../utils/pause';

/**
 * Never a second publish request for the same item of the same execution, whoever runs the node again:
 * n8n's Retry On Fail, or n8n's queue re-running an execution whose worker stopped (n8n 1.x re-queues a
 * stalled job once). The item's key, `<execution id>:<node>:<item>`, is recorded in n8n's deduplication
 * store (database-backed, shared by every process) before the request; a repeat finds it there.
 *
 * n8n keeps the store's hashes in one row per workflow and node, read and rewritten whole without a lock:
 * `maxEntries` bounds that row (two entries per publish: sent, uploaded), and two executions of the same
 * node recording at the same instant on two workers can overwrite each other's entry. So every entry is
 * read back after it is written, and written again when it was lost (see `record`).
 */
export const PUBLISH_GUARD_STORE: ICheckProcessedOptions = { mode: 'entries', maxEntries: 2000 };

/** Reads back after a record (each that finds an entry lost writes it again), and their mean pause */
const READ_BACKS = 6;
const READ_BACK_PAUSE_MS = 40;

/** What this process remembers of its own attempts: exact time and publish ID for the error message. */
interface LocalAttempt {
	sentAt: Date;
	publishId?: string;
	uploaded: boolean;
}

const MAX_LOCAL_ATTEMPTS = 1000;
const localAttempts = new Map<string, LocalAttempt>();

/** How TikTok gets the media: after the init the node uploads it, or TikTok pulls it from URLs itself. */
export type MediaTransfer = 'upload' | 'pull';

/** The item's claim on its one publish request. */
export interface PublishClaim {
	/** TikTok refused the request and created nothing: a later run may send it again */
	release(): Promise<void>;
	/** TikTok accepted it */
	accepted(publishId: string): void;
	/** Every chunk is with TikTok: publishing again would post the video twice */
	uploaded(): Promise<void>;
}

const NO_GUARD: PublishClaim = {
	release: async () => {},
	accepted: () => {},
	uploaded: async () => {},
};

/**
 * Claims the item's publish request, or fails with `publish_already_attempted` when this execution already
 * sent it. Where n8n offers no store or no execution id (an old n8n, a test run of an unsaved workflow), the
 * node publishes without the guard, as before it existed, and says so in n8n's log.
 */
export async function claimPublish(
	this: IExecuteFunctions,
	itemIndex: number,
	transfer: MediaTransfer,
): Promise<PublishClaim> {
	const executionId = this.getExecutionId();
	const checkProcessedAndRecord = this.helpers.checkProcessedAndRecord;
	if (!executionId || typeof checkProcessedAndRecord !== 'function') {
		this.logger.warn(
			'TikTok: publishing without the repeat guard (no execution ID or deduplication store)',
		);
		return NO_GUARD;
	}
	const key = `${executionId}:${this.getNode().name}:${itemIndex}`;
	const uploadedKey = `${key}:uploaded`;
	// A first record can fail when another execution creates the store's row at the same instant: once more
	const recorded = await record
		.call(this, [key])
		.catch(async () => await record.call(this, [key]))
		.catch((error: Error) => error);
	if (recorded instanceof Error) {
		this.logger.warn('TikTok: publishing without the repeat guard', { reason: recorded.message });
		return NO_GUARD;
	}
	if (recorded === 'was recorded') {
		const local = localAttempts.get(key);
		const firstAttemptUploaded =
			transfer === 'pull' || (local?.uploaded ?? (await wasRecorded.call(this, uploadedKey)));
		throw alreadyAttempted.call(this, itemIndex, executionId, firstAttemptUploaded, local);
	}

	const attempt: LocalAttempt = { sentAt: new Date(), uploaded: false };
	remember(key, attempt);
	return {
		release: async () => {
			localAttempts.delete(key);
			await this.helpers.removeProcessed([key], 'node', PUBLISH_GUARD_STORE);
		},
		accepted: (publishId) => {
			attempt.publishId = publishId;
		},
		uploaded: async () => {
			attempt.uploaded = true;
			// With the first key again: a record lost since is restored
			await record.call(this, [uploadedKey, key]);
		},
	};
}

/**
 * Records `keys`, or finds the first recorded. A new record is read back, after a short random pause, until
 * two reads in a row find it: n8n writes back the row it read at the start of each call, so another
 * execution's write at the same instant can drop the entry, and a read-back (which writes too) puts it back.
 * The pauses spread the executions that collided, as a network backs off. Only the first call's failure
 * is thrown: once the record is written, a failed read-back leaves it as it is.
 */
async function record(
	this: IExecuteFunctions,
	keys: string[],
): Promise<'was recorded' | 'recorded'> {
	const store = async () =>
		await this.helpers.checkProcessedAndRecord(keys, 'node', PUBLISH_GUARD_STORE);
	if ((await store()).processed.includes(keys[0])) return 'was recorded';
	const signal = cancelSignalOf(this);
	for (let readBack = 1, found = 0; readBack <= READ_BACKS && found < 2; readBack++) {
		if (await pauseUnlessCancelled(READ_BACK_PAUSE_MS * (0.5 + Math.random()), signal)) break;
		const back = await store().catch(() => undefined);
		if (!back) break;
		found = back.new.length === 0 ? found + 1 : 0;
	}
	return 'recorded';
}

/** Whether `key` is in the store, leaving the store as it was (n8n has no read-only lookup). */
async function wasRecorded(this: IExecuteFunctions, key: string): Promise<boolean> {
	const { processed } = await this.helpers.checkProcessedAndRecord(
		[key],
		'node',
		PUBLISH_GUARD_STORE,
	);
	if (processed.length > 0) return true;
	await this.helpers.removeProcessed([key], 'node', PUBLISH_GUARD_STORE);
	return false;
}

function remember(key: string, attempt: LocalAttempt): void {
	localAttempts.set(key, attempt);
	if (localAttempts.size > MAX_LOCAL_ATTEMPTS) {
		localAttempts.delete(localAttempts.keys().next().value as string);
	}
}

function alreadyAttempted(
	this: IExecuteFunctions,
	itemIndex: number,
	executionId: string,
	firstAttemptUploaded: boolean,
	local: LocalAttempt | undefined,
) {
	const when = local
		? `at ${local.sentAt.toISOString()}`
		: 'in an earlier run of it (n8n started the execution again, for example after the worker running it stopped)';
	const publishId = local?.publishId;
	const check = publishId
		? `Check the post with Get Status (publish ID ${publishId})`
		: "Check the account's posts (or its inbox, for drafts) in the TikTok app";
	const fix = firstAttemptUploaded
		? `${check}: TikTok has the whole ${publishId ? 'post' : 'video'} and publishes it, so publishing again would post it twice.`
		: `n8n stopped the first attempt during the upload. TikTok discards an unfinished upload when its upload URL expires (within an hour), so publishing again in a new execution posts it once. ${check} first.`;
	const error = tikTokOperationError(
		this.getNode(),
		`This item's publish request was already sent in this execution (${executionId}), ${when}, so it is not sent again`,
		fix,
		{ code: 'publish_already_attempted' },
		itemIndex,
	);
	// Set here rather than above, whose generic "check it before publishing again" the fix already says
	Object.assign(error.context.tikTok as object, { firstAttemptUploaded, publishId });
	return error;
}
