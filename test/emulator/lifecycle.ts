/**
 * The asynchronous publish pipeline (spec §8.2) as a state machine driven by the virtual clock.
 * Transitions are applied lazily: sync() runs before every request and whenever the clock jumps or a
 * scheduled transition falls due, so status fetch, the video list and webhooks always agree.
 */
import * as ids from './ids';
import { createVideo } from './accounts';
import type { EmulatorClock } from './clock';
import type {
	Account,
	LifecycleEvent,
	LifecycleSettings,
	PublishTask,
	TaskOutcome,
	TaskPhase,
} from './types';

export interface LifecycleHooks {
	onEvent(event: LifecycleEvent): void;
	accountOf(openId: string): Account | undefined;
}

export type NewTask = Omit<
	PublishTask,
	| 'phase'
	| 'status'
	| 'postIds'
	| 'publicPostIds'
	| 'uploadedBytes'
	| 'downloadedBytes'
	| 'history'
	| 'pendingModeration'
	| 'createdAt'
>;

const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.webm'];
const PHOTO_EXTENSIONS = ['.jpg', '.jpeg', '.webp'];

/** Status TikTok reports for a phase. After the last chunk TikTok documents no separate state, so processing keeps PROCESSING_*. */
function statusOf(task: PublishTask): string {
	switch (task.phase) {
		case 'uploading':
			return 'PROCESSING_UPLOAD';
		case 'downloading':
			return 'PROCESSING_DOWNLOAD';
		case 'processing':
			return task.source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD';
		case 'inbox':
			return 'SEND_TO_USER_INBOX';
		case 'complete':
			return 'PUBLISH_COMPLETE';
		case 'failed':
			return 'FAILED';
		case 'pinned':
			return task.outcome && 'status' in task.outcome ? task.outcome.status : 'PROCESSING_UPLOAD';
	}
}

/** Pulled media whose URL path names an unsupported format fails asynchronously, as TikTok's checks would. */
function formatCheckFails(task: NewTask): boolean {
	const allowed = task.kind === 'photo' ? PHOTO_EXTENSIONS : VIDEO_EXTENSIONS;
	return task.mediaUrls.some((url) => {
		const path = new URL(url).pathname.toLowerCase();
		const dot = path.lastIndexOf('.');
		if (dot <= path.lastIndexOf('/')) return false;
		return !allowed.includes(path.slice(dot));
	});
}

export class TaskBook {
	readonly tasks = new Map<string, PublishTask>();
	private nextOutcome?: TaskOutcome;

	constructor(
		private readonly clock: EmulatorClock,
		private readonly settings: () => LifecycleSettings,
		private readonly hooks: LifecycleHooks,
	) {}

	create(fields: NewTask): PublishTask {
		const now = this.clock.now();
		const task: PublishTask = {
			...fields,
			createdAt: now,
			phase: fields.source === 'FILE_UPLOAD' ? 'uploading' : 'downloading',
			status: '',
			postIds: [],
			publicPostIds: [],
			uploadedBytes: 0,
			downloadedBytes: 0,
			history: [],
			pendingModeration: [],
		};
		if (this.nextOutcome) {
			task.outcome = this.nextOutcome;
			this.nextOutcome = undefined;
		} else if (formatCheckFails(fields)) {
			task.outcome = { failReason: 'file_format_check_failed' };
		}
		if (task.phase === 'downloading') task.downloadEndsAt = now + this.settings().downloadMs;
		this.setPhase(task, task.phase, now);
		this.tasks.set(task.publishId, task);
		return task;
	}

	get(publishId: string): PublishTask | undefined {
		return this.tasks.get(publishId);
	}

	setNextOutcome(outcome: TaskOutcome | undefined): void {
		this.nextOutcome = outcome;
	}

	setOutcome(publishId: string, outcome: TaskOutcome): void {
		const task = this.require(publishId);
		task.outcome = outcome;
	}

	/** Called by the upload server after each committed chunk. */
	uploadProgress(task: PublishTask, committedBytes: number): void {
		task.uploadedBytes = committedBytes;
	}

	uploadComplete(task: PublishTask): void {
		const now = this.clock.now();
		task.uploadCompletedAt = now;
		task.processingEndsAt = now + this.settings().processingMs;
		this.setPhase(task, 'processing', now);
	}

	/** Applies every transition due by virtual now. */
	sync(): void {
		const now = this.clock.now();
		for (const task of this.tasks.values()) this.advance(task, now);
	}

	/** Earliest virtual time at which some transition falls due. */
	nextDueAt(): number | undefined {
		let due: number | undefined;
		const consider = (at: number | undefined) => {
			if (at !== undefined && (due === undefined || at < due)) due = at;
		};
		for (const task of this.tasks.values()) {
			if (task.phase === 'downloading') consider(task.downloadEndsAt);
			if (task.phase === 'processing') consider(task.processingEndsAt);
			for (const pending of task.pendingModeration) consider(pending.passesAt);
		}
		return due;
	}

	/** Best effort, like TikTok: only while still downloading and below settings.lifecycle.cancellableBelowProgress. */
	cancel(task: PublishTask): boolean {
		const now = this.clock.now();
		this.advance(task, now);
		if (
			task.phase !== 'downloading' ||
			task.downloadedBytes >= task.totalBytes * this.settings().cancellableBelowProgress
		)
			return false;
		this.fail(task, 'publish_cancelled', now);
		return true;
	}

	/** The creator opens the inbox notification and posts the draft (possibly as several posts). */
	completeInbox(
		publishId: string,
		options: { postIds?: string[]; public?: boolean } = {},
	): PublishTask {
		const task = this.require(publishId);
		this.sync();
		if (task.phase !== 'inbox')
			throw new Error(`Task ${publishId} is ${task.status}, not SEND_TO_USER_INBOX`);
		const now = this.clock.now();
		const account = this.hooks.accountOf(task.openId);
		const isPublic = options.public ?? !account?.isPrivate;
		const postIds = options.postIds ?? [ids.snowflakeId(now)];
		this.setPhase(task, 'complete', now);
		this.emit(task, 'post.publish.complete', now, {});
		for (const postId of postIds) this.addPost(task, postId, isPublic, now);
		return task;
	}

	ownsPost(postId: string): boolean {
		for (const task of this.tasks.values()) if (task.postIds.includes(postId)) return true;
		return false;
	}

	/** The post becomes public (e.g. the owner switched privacy to Everyone). */
	makePostPublic(postId: string): void {
		const { task, video } = this.findPost(postId);
		if (task.publicPostIds.includes(postId)) return;
		const now = this.clock.now();
		task.publicPostIds.push(postId);
		if (video) video.isPublic = true;
		this.emit(task, 'post.publish.publicly_available', now, { post_id: postId });
	}

	makePostPrivate(postId: string): void {
		const { task, video } = this.findPost(postId);
		const now = this.clock.now();
		task.pendingModeration = task.pendingModeration.filter((pending) => pending.postId !== postId);
		if (video) video.isPublic = false;
		if (!task.publicPostIds.includes(postId)) return;
		task.publicPostIds = task.publicPostIds.filter((id) => id !== postId);
		// TikTok's event name really is misspelled.
		this.emit(task, 'post.publish.no_longer_publicaly_available', now, { post_id: postId });
	}

	/** The creator removed the app while posts were in flight. */
	failInFlight(openId: string, clientKey: string, reason: string): void {
		const now = this.clock.now();
		for (const task of this.tasks.values()) {
			if (task.openId !== openId || task.clientKey !== clientKey) continue;
			this.advance(task, now);
			if (task.phase === 'uploading' || task.phase === 'downloading' || task.phase === 'processing')
				this.fail(task, reason, now);
		}
	}

	private require(publishId: string): PublishTask {
		const task = this.tasks.get(publishId);
		if (!task) throw new Error(`Unknown publish_id ${publishId}`);
		return task;
	}

	private findPost(postId: string): { task: PublishTask; video?: Account['videos'][number] } {
		for (const task of this.tasks.values()) {
			if (!task.postIds.includes(postId)) continue;
			const video = this.hooks.accountOf(task.openId)?.videos.find((v) => v.id === postId);
			return { task, video };
		}
		throw new Error(`Unknown post id ${postId}`);
	}

	private advance(task: PublishTask, now: number): void {
		if (task.phase === 'downloading' && task.downloadEndsAt !== undefined) {
			if (now < task.downloadEndsAt) {
				const span = Math.max(1, task.downloadEndsAt - task.createdAt);
				task.downloadedBytes = Math.floor((task.totalBytes * (now - task.createdAt)) / span);
			} else {
				const at = task.downloadEndsAt;
				const failure =
					task.outcome && 'failReason' in task.outcome ? task.outcome.failReason : undefined;
				if (failure && /pull_failed$/.test(failure)) {
					task.downloadedBytes = Math.floor(task.totalBytes / 2);
					this.fail(task, failure, at);
				} else {
					task.downloadedBytes = task.totalBytes;
					task.processingEndsAt = at + this.settings().processingMs;
					this.setPhase(task, 'processing', at);
				}
			}
		}
		if (
			task.phase === 'processing' &&
			task.processingEndsAt !== undefined &&
			now >= task.processingEndsAt
		) {
			this.finishProcessing(task, task.processingEndsAt);
		}
		const due = task.pendingModeration
			.filter((pending) => pending.passesAt <= now)
			.sort((a, b) => a.passesAt - b.passesAt);
		for (const pending of due) {
			task.pendingModeration = task.pendingModeration.filter((p) => p !== pending);
			task.publicPostIds.push(pending.postId);
			const video = this.hooks.accountOf(task.openId)?.videos.find((v) => v.id === pending.postId);
			if (video) video.isPublic = true;
			this.emit(task, 'post.publish.publicly_available', pending.passesAt, {
				post_id: pending.postId,
			});
		}
	}

	private finishProcessing(task: PublishTask, at: number): void {
		const outcome = task.outcome;
		if (outcome && 'failReason' in outcome) return this.fail(task, outcome.failReason, at);
		if (outcome && 'status' in outcome) {
			if (outcome.status === 'FAILED') return this.fail(task, 'internal', at);
			if (outcome.status !== 'PUBLISH_COMPLETE' && outcome.status !== 'SEND_TO_USER_INBOX')
				return this.setPhase(task, 'pinned', at);
		}
		const toInbox =
			outcome && 'status' in outcome
				? outcome.status === 'SEND_TO_USER_INBOX'
				: task.postMode === 'MEDIA_UPLOAD';
		if (toInbox) {
			this.setPhase(task, 'inbox', at);
			this.emit(task, 'post.publish.inbox_delivered', at, {});
			return;
		}
		this.setPhase(task, 'complete', at);
		this.emit(task, 'post.publish.complete', at, {});
		const account = this.hooks.accountOf(task.openId);
		const isPublic = task.privacyLevel === 'PUBLIC_TO_EVERYONE' && !account?.isPrivate;
		this.addPost(task, ids.snowflakeId(at), isPublic, at);
	}

	/** A post now exists on the profile; public ones become visible after moderation. */
	private addPost(task: PublishTask, postId: string, isPublic: boolean, at: number): void {
		task.postIds.push(postId);
		const account = this.hooks.accountOf(task.openId);
		account?.videos.push(
			createVideo(
				{
					id: postId,
					createTimeMs: at,
					title: task.title ?? '',
					videoDescription: task.description ?? task.title ?? '',
					isPublic: false,
					publishId: task.publishId,
				},
				at,
			),
		);
		if (isPublic)
			task.pendingModeration.push({ postId, passesAt: at + this.settings().moderationMs });
	}

	private fail(task: PublishTask, reason: string, at: number): void {
		task.failReason = reason;
		this.setPhase(task, 'failed', at);
		this.emit(task, 'post.publish.failed', at, { reason });
	}

	private setPhase(task: PublishTask, phase: TaskPhase, at: number): void {
		task.phase = phase;
		const status = statusOf(task);
		if (status !== task.status) {
			task.status = status;
			task.history.push({ status, at });
		}
		if (phase === 'processing' && task.source === 'FILE_UPLOAD')
			task.uploadedBytes = task.totalBytes;
	}

	private emit(task: PublishTask, event: string, at: number, extra: Record<string, unknown>): void {
		// Key order follows captured payloads: publish_id, publish_type, then post_id / reason.
		const content: Record<string, unknown> = {
			publish_id: task.publishId,
			publish_type: task.publishType,
			...extra,
		};
		this.hooks.onEvent({ event, openId: task.openId, clientKey: task.clientKey, at, content });
	}
}
