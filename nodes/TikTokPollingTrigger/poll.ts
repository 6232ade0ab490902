import type { INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listVideos, listVideosSince, PAGE_SIZE } from '../shared/api/videos';
import { tikTokErrorContext } from '../shared/errors/nodeErrors';
import {
	initialMemory,
	oldestRelevantTime,
	readMemory,
	rememberVideos,
	selectNewVideos,
	writeMemory,
} from './helpers/memory';

const SCOPE_ERRORS = ['scope_not_authorized', 'scope_permission_missed'];

/**
 * Emits each new public video once. Manual runs ("Fetch Test Event") show the latest video and leave the
 * memory alone; errors are thrown in every mode, so n8n shows a failed execution (and runs the error
 * workflow) instead of the trigger going quiet.
 */
export async function pollNewVideos(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	try {
		return this.getMode() === 'manual' ? await latestVideo.call(this) : await newVideos.call(this);
	} catch (error) {
		throw withScopeHint(error);
	}
}

async function latestVideo(this: IPollFunctions): Promise<INodeExecutionData[][]> {
	const { videos } = await listVideos.call(this, 1);
	if (videos.length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			'The connected TikTok account has no public video yet',
			{
				description:
					"TikTok's video list shows public videos only. Publish a public video (or make one public), then fetch again.",
			},
		);
	}
	return [this.helpers.returnJsonArray(videos)];
}

async function newVideos(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const staticData = this.getWorkflowStaticData('node');
	const memory = readMemory(staticData);
	if (!memory) {
		// First poll after activation: what exists now is history, not news
		const { videos } = await listVideos.call(this, PAGE_SIZE);
		writeMemory(staticData, initialMemory(videos));
		return null;
	}
	const fresh = selectNewVideos(
		memory,
		await listVideosSince.call(this, oldestRelevantTime(memory)),
	);
	if (fresh.length === 0) return null;
	writeMemory(staticData, rememberVideos(memory, fresh));
	return [this.helpers.returnJsonArray(fresh)];
}

/** TikTok's scope errors do not say which scope: this trigger's is video.list. */
function withScopeHint(error: unknown): unknown {
	const context = tikTokErrorContext(error);
	if (context && SCOPE_ERRORS.includes(context.code)) {
		const described = error as { description?: string | null };
		described.description =
			`The TikTok Polling Trigger needs the video.list scope. ${described.description ?? ''}`.trim();
	}
	return error;
}
