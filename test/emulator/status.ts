/** Post status fetch and cancel (spec §7.4, §8). */
import { authorize, type ApiAuth } from './api-auth';
import { ApiError, type Reply } from './http';
import { RawJsonNumber } from './json';
import { ok } from './replies';
import { invalid, isUrlVerified, parseJsonBody } from './validation';
import type { RequestContext } from './context';
import type { PublishTask } from './types';

const EITHER_POSTING_SCOPE = ['video.upload', 'video.publish'];

function ownedTask(ctx: RequestContext, auth: ApiAuth): PublishTask {
	const body = parseJsonBody(ctx);
	const publishId = body.publish_id;
	if (publishId === undefined || publishId === null || publishId === '')
		throw invalid('publish_id is required');
	if (typeof publishId !== 'string') throw invalid('publish_id must be a string');
	const task = ctx.emu.taskBook.get(publishId);
	if (!task)
		throw new ApiError(400, 'invalid_publish_id', `publish_id ${publishId} does not exist.`);
	if (task.openId !== auth.account.openId || task.clientKey !== auth.app.clientKey) {
		throw new ApiError(
			400,
			'token_not_authorized_for_specified_publish_id',
			'The access token is not authorized for the specified publish_id.',
		);
	}
	return task;
}

export function statusFetch(ctx: RequestContext): Reply {
	const auth = authorize(ctx, EITHER_POSTING_SCOPE, 'status');
	const task = ownedTask(ctx, auth);
	const data: Record<string, unknown> = { status: task.status };
	if (task.phase === 'failed') data.fail_reason = task.failReason;
	// 19-digit ids exceed 2^53: written as raw JSON numbers, exactly as TikTok sends them.
	// TikTok often never sends them ('never': always []; 'omitted': no key at all).
	const mode = task.statusPostIds ?? ctx.emu.settings.lifecycle.statusPostIds;
	if (mode !== 'omitted')
		data.publicaly_available_post_id =
			mode === 'never' ? [] : task.publicPostIds.map((id) => new RawJsonNumber(id));
	if (task.source === 'FILE_UPLOAD') data.uploaded_bytes = task.uploadedBytes;
	else data.downloaded_bytes = task.downloadedBytes;
	return ok(ctx.logId, data);
}

export function cancel(ctx: RequestContext): Reply {
	const auth = authorize(ctx, EITHER_POSTING_SCOPE, 'cancel');
	const task = ownedTask(ctx, auth);
	if (
		task.source === 'PULL_FROM_URL' &&
		task.mediaUrls.some((url) => !isUrlVerified(auth.app, url))
	) {
		throw new ApiError(
			403,
			'url_ownership_unverified',
			'The media URL of this task is not under a verified domain or URL prefix.',
		);
	}
	if (task.source !== 'PULL_FROM_URL' || !ctx.emu.taskBook.cancel(task)) {
		throw new ApiError(
			400,
			'publish_not_cancellable',
			`The task is ${task.status} and can no longer be cancelled.`,
		);
	}
	// Success carries no data at all (doc).
	return ok(ctx.logId);
}
