/** The raw clients' init: a draft FILE_UPLOAD straight to the emulator, without n8n. */
import { planChunks } from '../../nodes/TikTok/upload/planChunks';
import type { RunArgs } from './peakRss';

export async function init(
	args: RunArgs,
	plan: ReturnType<typeof planChunks>,
): Promise<{ publishId: string; uploadUrl: string }> {
	const response = await fetch(`${args.baseUrl}/v2/post/publish/inbox/video/init/`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${args.accessToken}`,
			'Content-Type': 'application/json; charset=UTF-8',
		},
		body: JSON.stringify({
			source_info: {
				source: 'FILE_UPLOAD',
				video_size: plan.videoSize,
				chunk_size: plan.chunkSize,
				total_chunk_count: plan.totalChunkCount,
			},
		}),
	});
	const body = (await response.json()) as {
		data: { publish_id: string; upload_url: string };
		error: { code: string };
	};
	if (body.error.code !== 'ok') throw new Error(`init: ${body.error.code}`);
	return { publishId: body.data.publish_id, uploadUrl: body.data.upload_url };
}
