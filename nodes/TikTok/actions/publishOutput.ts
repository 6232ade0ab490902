import type { IDataObject } from 'n8n-workflow';

import type { FoundPost } from '../../shared/api/findPost';
import type { WaitResult } from '../../shared/api/status';

/** What the publish operations know once TikTok accepted a post. */
export interface AcceptedPost {
	publishId: string;
	postMode: string;
	source: 'binary' | 'url' | 'urlUpload';
	/** Bytes the node uploaded; null when TikTok pulls the media from a URL */
	uploadedBytes: number | null;
}

/**
 * The publish operations' output: the accepted post, PENDING until waited for, then
 * with its final (or last) status and whether the wait timed out.
 */
export function publishOutput(
	accepted: AcceptedPost,
	waited: (WaitResult & { found?: FoundPost }) | undefined,
): IDataObject {
	const status = waited?.status;
	return {
		publishId: accepted.publishId,
		status: status?.status ?? 'PENDING',
		postMode: accepted.postMode,
		source: accepted.source,
		failReason: status?.failReason ?? null,
		postIds: status?.postIds ?? [],
		uploadedBytes: status?.uploadedBytes ?? accepted.uploadedBytes,
		...(waited && {
			failReasonDescription: waited.status.failReasonDescription,
			downloadedBytes: waited.status.downloadedBytes,
			isFinal: waited.status.isFinal,
			timedOut: waited.timedOut,
		}),
		// Find Post in Video List: postIds, postIdSource, shareUrl, findPostReason
		...waited?.found,
	};
}
