/** Content Posting endpoints: creator info and the three init endpoints (spec §3-§6). */
import { privacyOptions, versionAtLeast } from './accounts';
import { authenticate, authorize, rateLimit, type ApiAuth } from './api-auth';
import { ApiError, type Reply } from './http';
import * as ids from './ids';
import { envelope, ok } from './replies';
import {
	isUrlVerified,
	parseJsonBody,
	requireObject,
	validatePhotoBody,
	validateVideoPostInfo,
	validateVideoSourceInfo,
	type JsonObject,
	type VideoSource,
} from './validation';
import type { RequestContext } from './context';
import type { CapBlock } from './caps';
import type { Account, PublishTask } from './types';

const AVATAR_TTL_SEC = 7200;

function capError(block: CapBlock): ApiError {
	return new ApiError(403, block.code, block.message);
}

export function creatorInfo(ctx: RequestContext): Reply {
	const auth = authorize(ctx, ['video.publish'], 'creatorInfo');
	parseJsonBody(ctx);
	const { account, app } = auth;
	// "Cannot post now" is reported with HTTP 200 on purpose (doc); clients must read error.code.
	const block = ctx.emu.caps.directPostBlock(account, app);
	if (block) return envelope(ctx.logId, 200, block.code, block.message, {});
	const expires = Math.floor(ctx.emu.clock.now() / 1000) + AVATAR_TTL_SEC;
	return ok(ctx.logId, {
		creator_avatar_url: `${account.avatarUrl}?x-expires=${expires}`,
		creator_username: account.username,
		creator_nickname: account.nickname,
		privacy_level_options: privacyOptions(account),
		comment_disabled: account.commentDisabled,
		duet_disabled: account.isPrivate || account.duetDisabled,
		stitch_disabled: account.isPrivate || account.stitchDisabled,
		max_video_post_duration_sec: account.maxVideoPostDurationSec,
	});
}

/** Step 5: privacy_level must be one of the creator's options (missing counts as a mismatch, per the doc). */
function checkPrivacyOption(account: Account, privacyLevel: string | undefined): void {
	if (privacyLevel === undefined || !(privacyOptions(account) as string[]).includes(privacyLevel)) {
		throw new ApiError(
			403,
			'privacy_level_option_mismatch',
			`privacy_level ${privacyLevel ?? '(missing)'} is not one of the creator's privacy_level_options: ${privacyOptions(account).join(', ')}`,
		);
	}
}

/** Step 6: an unaudited client may only post SELF_ONLY to private accounts. */
function checkUnaudited(auth: ApiAuth, privacyLevel: string | undefined): void {
	if (auth.app.audited) return;
	if (!auth.account.isPrivate) {
		throw new ApiError(
			403,
			'unaudited_client_can_only_post_to_private_accounts',
			'Unaudited clients can only post to private accounts.',
		);
	}
	if (privacyLevel !== 'SELF_ONLY') {
		throw new ApiError(
			403,
			'unaudited_client_can_only_post_to_private_accounts',
			'Unaudited clients can only post with privacy_level SELF_ONLY.',
		);
	}
}

/** Step 7: pulled media must sit under a verified domain or URL prefix. */
function checkUrlOwnership(auth: ApiAuth, urls: string[]): void {
	for (const url of urls) {
		if (!isUrlVerified(auth.app, url)) {
			throw new ApiError(
				403,
				'url_ownership_unverified',
				`The URL ${url} is not under a verified domain or URL prefix of this app.`,
			);
		}
	}
}

function effectiveInteractions(
	account: Account,
	requested: { disableComment?: boolean; disableDuet?: boolean; disableStitch?: boolean },
) {
	return {
		disableComment: requested.disableComment === true || account.commentDisabled,
		disableDuet: requested.disableDuet === true || account.duetDisabled || account.isPrivate,
		disableStitch: requested.disableStitch === true || account.stitchDisabled || account.isPrivate,
	};
}

function initResponse(ctx: RequestContext, task: PublishTask, source: VideoSource): Reply {
	if (source.source === 'FILE_UPLOAD') {
		const uploadUrl = ctx.emu.uploads.create(task, source.plan);
		return ok(ctx.logId, { publish_id: task.publishId, upload_url: uploadUrl });
	}
	return ok(ctx.logId, { publish_id: task.publishId });
}

export function videoInit(ctx: RequestContext): Reply {
	const auth = authorize(ctx, ['video.publish'], 'videoInit');
	const { emu } = ctx;
	const body = parseJsonBody(ctx);
	const postInfo = requireObject(body.post_info, 'post_info');
	const info = validateVideoPostInfo(postInfo);
	const sourceInfo = requireObject(body.source_info, 'source_info');
	const source = validateVideoSourceInfo(sourceInfo, emu.settings.chunkRules);
	checkPrivacyOption(auth.account, info.privacyLevel);
	checkUnaudited(auth, info.privacyLevel);
	const mediaUrls = source.source === 'PULL_FROM_URL' ? [source.videoUrl] : [];
	checkUrlOwnership(auth, mediaUrls);
	const block = emu.caps.directPostBlock(auth.account, auth.app);
	if (block) throw capError(block);

	const now = emu.clock.now();
	const task = emu.taskBook.create({
		publishId: ids.publishId(
			source.source === 'FILE_UPLOAD' ? 'videoDirectFile' : 'videoDirectUrl',
			now,
		),
		kind: 'video',
		endpoint: 'videoInit',
		postMode: 'DIRECT_POST',
		publishType: 'DIRECT_PUBLISH',
		source: source.source,
		clientKey: auth.app.clientKey,
		openId: auth.account.openId,
		privacyLevel: info.privacyLevel,
		title: info.title,
		body,
		postInfo,
		sourceInfo,
		effectiveInteractions: effectiveInteractions(auth.account, info),
		totalBytes:
			source.source === 'FILE_UPLOAD'
				? source.plan.videoSize
				: emu.settings.lifecycle.pullVideoSize,
		mediaUrls,
	});
	emu.caps.recordDirectPost(auth.account, auth.app);
	return initResponse(ctx, task, source);
}

export function inboxInit(ctx: RequestContext): Reply {
	const auth = authorize(ctx, ['video.upload'], 'inboxInit');
	const { emu } = ctx;
	const body = parseJsonBody(ctx);
	// post_info is not part of this endpoint; like TikTok (presumably), it is ignored rather than rejected.
	const sourceInfo = requireObject(body.source_info, 'source_info');
	const source = validateVideoSourceInfo(sourceInfo, emu.settings.chunkRules);
	const mediaUrls = source.source === 'PULL_FROM_URL' ? [source.videoUrl] : [];
	checkUrlOwnership(auth, mediaUrls);
	const block = emu.caps.inboxBlock(auth.account);
	if (block) throw capError(block);

	const now = emu.clock.now();
	const task = emu.taskBook.create({
		publishId: ids.publishId(
			source.source === 'FILE_UPLOAD' ? 'videoInboxFile' : 'videoInboxUrl',
			now,
		),
		kind: 'video',
		endpoint: 'inboxInit',
		postMode: 'MEDIA_UPLOAD',
		publishType: 'INBOX_SHARE',
		source: source.source,
		clientKey: auth.app.clientKey,
		openId: auth.account.openId,
		body,
		postInfo: body.post_info,
		sourceInfo,
		effectiveInteractions: effectiveInteractions(auth.account, {}),
		totalBytes:
			source.source === 'FILE_UPLOAD'
				? source.plan.videoSize
				: emu.settings.lifecycle.pullVideoSize,
		mediaUrls,
	});
	return initResponse(ctx, task, source);
}

/** Scope depends on post_mode, so it is peeked before the full schema check (auth, scope, rate limit, schema). */
function contentInitScopes(ctx: RequestContext): string[] {
	try {
		const mode = (JSON.parse(ctx.body.toString('utf8')) as JsonObject).post_mode;
		if (mode === 'DIRECT_POST') return ['video.publish'];
		if (mode === 'MEDIA_UPLOAD') return ['video.upload'];
	} catch {
		// The schema check below reports the malformed body.
	}
	return ['video.publish', 'video.upload'];
}

export function contentInit(ctx: RequestContext): Reply {
	const auth = authenticate(ctx, contentInitScopes(ctx));
	rateLimit(ctx, auth, 'contentInit');
	const { emu } = ctx;
	const body = parseJsonBody(ctx);
	const photo = validatePhotoBody(body);
	const direct = photo.postMode === 'DIRECT_POST';
	if (direct) {
		checkPrivacyOption(auth.account, photo.privacyLevel);
		checkUnaudited(auth, photo.privacyLevel);
	}
	checkUrlOwnership(auth, photo.photoImages);
	const block = direct
		? emu.caps.directPostBlock(auth.account, auth.app)
		: emu.caps.inboxBlock(auth.account);
	if (block) throw capError(block);
	if (!direct && !versionAtLeast(auth.account.tiktokAppVersion, '31.8')) {
		throw new ApiError(
			400,
			'app_version_check_failed',
			"The creator's TikTok app is older than 31.8 and cannot receive photo drafts.",
		);
	}

	const now = emu.clock.now();
	const task = emu.taskBook.create({
		publishId: ids.publishId(direct ? 'photoDirect' : 'photoInbox', now),
		kind: 'photo',
		endpoint: 'contentInit',
		postMode: photo.postMode,
		publishType: direct ? 'DIRECT_PUBLISH' : 'INBOX_SHARE',
		source: 'PULL_FROM_URL',
		clientKey: auth.app.clientKey,
		openId: auth.account.openId,
		privacyLevel: direct ? photo.privacyLevel : undefined,
		title: photo.title,
		description: photo.description,
		body,
		postInfo: photo.postInfo,
		sourceInfo: photo.sourceInfo,
		effectiveInteractions: {
			...effectiveInteractions(auth.account, { disableComment: photo.disableComment }),
			disableDuet: true,
			disableStitch: true,
		},
		totalBytes: photo.photoImages.length * emu.settings.lifecycle.pullPhotoSize,
		mediaUrls: photo.photoImages,
	});
	if (direct) emu.caps.recordDirectPost(auth.account, auth.app);
	return ok(ctx.logId, { publish_id: task.publishId });
}
