/**
 * The upload engine outside a workflow: n8n-core's real HTTP helper (axios, as nodes get it), a logger
 * that records, and an upload task opened on the emulator with a raw init request.
 */
import { n8nLine } from '../../../harness';
import type { IHttpRequestOptions, INode, Logger } from 'n8n-workflow';

import type { TikTokEmulator } from '../../../emulator';
import type { ChunkPlan, UploadContext } from '../../../../nodes/TikTok/upload';

export interface EngineContext extends UploadContext {
	logs: string[];
}

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** `this.helpers.httpRequest` as n8n-core builds it for nodes, on either n8n line. */
function n8nHttpRequest(node: INode): HttpRequest {
	/* eslint-disable @typescript-eslint/no-require-imports */
	if (n8nLine === 1) {
		return (
			require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions') as {
				httpRequest: HttpRequest;
			}
		).httpRequest;
	}
	// 2.x: through @n8n/backend-network's outbound HTTP (SSRF policy), as in real node executions
	const { getRequestHelperFunctions } =
		require('n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/factory') as {
			getRequestHelperFunctions(
				workflow: unknown,
				node: INode,
				additionalData: object,
			): { httpRequest: HttpRequest };
		};
	return getRequestHelperFunctions(undefined, node, {}).httpRequest;
	/* eslint-enable @typescript-eslint/no-require-imports */
}

export function engineContext(
	signal?: AbortSignal,
	onLog?: (message: string) => void,
): EngineContext {
	const logs: string[] = [];
	const record = (message: string, meta?: object) => {
		logs.push(`${message} ${JSON.stringify(meta ?? {})}`);
		onLog?.(message);
	};
	const node: INode = {
		id: 'n1',
		name: 'TikTok',
		type: 'n8n-nodes-tiktok-publisher.tikTok',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return {
		logs,
		getNode: () => node,
		logger: { debug: record, info: record, warn: record, error: record } as unknown as Logger,
		helpers: { httpRequest: n8nHttpRequest(node) as EngineContext['helpers']['httpRequest'] },
		getExecutionCancelSignal: () => signal,
	};
}

/** A draft FILE_UPLOAD init straight to the emulator: returns the publish ID and upload URL. */
export async function openUpload(
	emu: TikTokEmulator,
	plan: ChunkPlan,
): Promise<{ publishId: string; uploadUrl: string }> {
	const { access_token: token } = emu.issueTokens();
	const response = await fetch(`${emu.baseUrl}/v2/post/publish/inbox/video/init/`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${token}`,
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
		error: { code: string; message: string };
	};
	if (body.error.code !== 'ok')
		throw new Error(`init failed: ${body.error.code} ${body.error.message}`);
	return { publishId: body.data.publish_id, uploadUrl: body.data.upload_url };
}
