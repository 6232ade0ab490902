import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { queryCreatorInfo } from '../../../shared/api/creatorInfo';
import type { InputChecker } from '../../input/checker';
import { checkAgainstCreator } from '../../input/directPost';
import { readBinaryVideo } from '../../media/binarySource';
import type { BinaryVideo } from '../../media/binarySource';
import { readUrlVideo } from '../../media/urlSource';
import type { UrlVideo } from '../../media/urlSource';
import { planChunks } from '../../upload';
import type { ChunkPlan } from '../../upload';
import type { VideoPublishInput } from './publish.input';

/** TikTok's API takes videos of at most 10 minutes through the inbox (the creator may trim in the app). */
const MAX_DRAFT_DURATION_SEC = 600;

export type Media =
	| { kind: 'binary'; video: BinaryVideo; plan: ChunkPlan }
	| { kind: 'urlUpload'; video: UrlVideo; plan: ChunkPlan }
	| { kind: 'url'; url: string };

/** The video to publish: a URL TikTok pulls, or the item's binary data with its chunk plan. */
export async function readMedia(this: IExecuteFunctions, input: VideoPublishInput): Promise<Media> {
	if (input.source === 'url') return { kind: 'url', url: input.videoUrl };
	if (input.source === 'urlUpload') {
		// n8n downloads it: size and first bytes are read now, before any request to TikTok
		const video = await readUrlVideo.call(this, input.check, input.videoUrl);
		return { kind: 'urlUpload', video, plan: planChunks(video.size, input.preferredChunkSize) };
	}
	const video = await readBinaryVideo.call(this, input.check, input.binaryPropertyName);
	return { kind: 'binary', video, plan: planChunks(video.size, input.preferredChunkSize) };
}

/** Creator checks (direct posts, as TikTok's guidelines require) and the init request's body. */
export async function videoInitBody(
	this: IExecuteFunctions,
	input: VideoPublishInput,
	media: Media,
): Promise<IDataObject> {
	const { check } = input;
	const durationSec = media.kind === 'url' ? null : media.video.durationSec;
	const videoField = media.kind === 'urlUpload' ? 'Video URL' : 'Input Binary Field';
	const sourceInfo =
		media.kind === 'url'
			? { source: 'PULL_FROM_URL', video_url: media.url }
			: {
					source: 'FILE_UPLOAD',
					video_size: media.plan.videoSize,
					chunk_size: media.plan.chunkSize,
					total_chunk_count: media.plan.totalChunkCount,
				};
	if (input.postMode === 'draft') {
		// The inbox endpoint takes source_info only, and needs just video.upload (creator info needs video.publish)
		checkDuration(
			check,
			durationSec,
			MAX_DRAFT_DURATION_SEC,
			"TikTok's API accepts drafts",
			videoField,
		);
		return { source_info: sourceInfo };
	}
	const creator = await queryCreatorInfo.call(this, check.itemIndex);
	const interactions = checkAgainstCreator(check, creator, input.privacyLevel, input.options, [
		'comment',
		'duet',
		'stitch',
	]);
	const account = creator.info.nickname
		? `the account "${creator.info.nickname}" may post`
		: 'the account may post';
	checkDuration(check, durationSec, creator.info.maxVideoPostDurationSec, account, videoField);
	checkCover(check, input.options.videoCoverTimestampMs, durationSec);
	const { options } = input;
	return {
		post_info: {
			privacy_level: input.privacyLevel,
			...(input.title.trim() !== '' && { title: input.title }),
			...interactions,
			...(options.videoCoverTimestampMs !== undefined && {
				video_cover_timestamp_ms: options.videoCoverTimestampMs,
			}),
			brand_content_toggle: options.brandContentToggle === true,
			brand_organic_toggle: options.brandOrganicToggle === true,
			is_aigc: options.isAigc === true,
		},
		source_info: sourceInfo,
	};
}

function checkDuration(
	check: InputChecker,
	durationSec: number | null,
	maxSec: number | null,
	who: string,
	field = 'Input Binary Field',
): void {
	if (durationSec === null || maxSec === null || durationSec <= maxSec) return;
	throw check.invalid(
		field,
		`the video lasts ${formatSeconds(durationSec)} and ${who} at most ${formatSeconds(maxSec)}`,
		`Trim the video to ${formatSeconds(maxSec)} or less, for example with FFmpeg, then publish again.`,
	);
}

function checkCover(
	check: InputChecker,
	coverMs: number | undefined,
	durationSec: number | null,
): void {
	if (coverMs === undefined || durationSec === null || coverMs <= durationSec * 1000) return;
	throw check.invalid(
		'Cover Timestamp (Ms)',
		`${coverMs} ms is after the end of the video (${Math.floor(durationSec * 1000)} ms)`,
		'Pick a time within the video, or remove the option to use the first frame.',
	);
}

function formatSeconds(seconds: number): string {
	return `${Math.round(seconds * 10) / 10} seconds`;
}
