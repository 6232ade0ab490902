/**
 * The upload host: PUT {upload_url} with Content-Range chunks (spec §7.2, §13 item 8).
 * Bodies are streamed: each chunk is hashed into a copy of the running SHA-256 and only becomes part
 * of the committed hash when the whole chunk arrived, so a failed or dropped chunk leaves no trace.
 * No file bytes are ever stored.
 */
import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHUNK_SIZE_INVALID, chunkRange, type ChunkPlan } from './chunk-rules';
import { isLateFault } from './faults';
import {
	drain,
	drainWithin,
	mediaType,
	sleep,
	withTrailingSlash,
	writeReply,
	type Reply,
} from './http';
import * as ids from './ids';
import { toJson } from './json';
import { faultReply } from './replies';
import type { TikTokEmulator } from './emulator';
import type {
	ActiveFault,
	PublishTask,
	RequestLogEntry,
	UploadAttempt,
	UploadChunkState,
	UploadInspection,
} from './types';

export const UPLOAD_PATH = '/upload/video/';
const VIDEO_CONTENT_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'];
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

interface UploadSession {
	uploadId: string;
	token: string;
	task: PublishTask;
	plan: ChunkPlan;
	createdAt: number;
	expiresAt: number;
	forcedExpired: boolean;
	committedBytes: number;
	/** SHA-256 state over every committed byte, in order. */
	hash: Hash;
	chunks: UploadChunkState[];
	attempts: UploadAttempt[];
	putCount: number;
	contentTypes: string[];
	sawAuthorizationHeader: boolean;
	inFlight: boolean;
	complete: boolean;
}

export class UploadRegistry {
	private readonly byUploadId = new Map<string, UploadSession>();
	private readonly byPublishId = new Map<string, UploadSession>();

	constructor(private readonly emu: TikTokEmulator) {}

	/** Opens an upload task and returns its upload_url (valid for settings.uploadUrlTtlMs on the virtual clock). */
	create(task: PublishTask, plan: ChunkPlan): string {
		const now = this.emu.clock.now();
		const session: UploadSession = {
			uploadId: ids.snowflakeId(now),
			token: ids.opaque(32),
			task,
			plan,
			createdAt: now,
			expiresAt: now + this.emu.settings.uploadUrlTtlMs,
			forcedExpired: false,
			committedBytes: 0,
			hash: createHash('sha256'),
			chunks: Array.from({ length: plan.totalChunkCount }, (_, index) => {
				const range = chunkRange(plan, index);
				return {
					index,
					start: range.start,
					end: range.end,
					length: range.length,
					status: 'pending' as const,
					attempts: 0,
				};
			}),
			attempts: [],
			putCount: 0,
			contentTypes: [],
			sawAuthorizationHeader: false,
			inFlight: false,
			complete: false,
		};
		this.byUploadId.set(session.uploadId, session);
		this.byPublishId.set(task.publishId, session);
		return `${this.emu.uploadBaseUrl}${UPLOAD_PATH}?upload_id=${session.uploadId}&upload_token=${session.token}`;
	}

	find(uploadId: string | null, token: string | null): UploadSession | undefined {
		const session = uploadId ? this.byUploadId.get(uploadId) : undefined;
		return session && session.token === token ? session : undefined;
	}

	bySession(publishId: string): UploadSession | undefined {
		return this.byPublishId.get(publishId);
	}

	inspect(publishId: string): UploadInspection | undefined {
		const session = this.byPublishId.get(publishId);
		if (!session) return undefined;
		return {
			publishId,
			uploadId: session.uploadId,
			videoSize: session.plan.videoSize,
			chunkSize: session.plan.chunkSize,
			totalChunkCount: session.plan.totalChunkCount,
			bytesReceived: session.committedBytes,
			sha256: session.hash.copy().digest('hex'),
			chunks: session.chunks.map((chunk) => ({ ...chunk })),
			attempts: session.attempts.map((attempt) => ({ ...attempt })),
			complete: session.complete,
			putCount: session.putCount,
			contentTypes: [...session.contentTypes],
			sawAuthorizationHeader: session.sawAuthorizationHeader,
			expiresAt: session.expiresAt,
			expired: isExpired(session, this.emu.clock.now()),
		};
	}

	/** Test helper behind the expireUploadUrl fault and emu.expireUploadUrl(). */
	expire(publishId: string): boolean {
		const session = this.byPublishId.get(publishId);
		if (session) session.forcedExpired = true;
		return session !== undefined;
	}
}

function isExpired(session: UploadSession, nowMs: number): boolean {
	return session.forcedExpired || nowMs >= session.expiresAt;
}

function uploadError(
	logId: string,
	status: number,
	code: string,
	message: string,
	headers: Record<string, string> = {},
): Reply {
	return {
		status,
		body: toJson({ error: { code, message, log_id: logId } }),
		headers: { 'x-tt-logid': logId, ...headers },
		errorCode: code,
	};
}

/** Content-Range of the committed progress: `bytes 0-<last index>/<total>`, or RFC 7233's `bytes *\/<total>` when nothing is committed. */
function progressRange(session: UploadSession): string {
	const total = session.plan.videoSize;
	return session.committedBytes > 0
		? `bytes 0-${session.committedBytes - 1}/${total}`
		: `bytes */${total}`;
}

type ReceiveResult = 'complete' | 'short' | 'aborted' | 'timeout' | 'dropped';

/**
 * Streams the request body through `onData`. Resolves 'timeout' when the body stalls (fewer bytes than
 * Content-Length), 'dropped' after destroying the socket once `dropAfter` bytes arrived.
 */
function receiveBody(
	req: IncomingMessage,
	timeoutMs: number,
	onData: (chunk: Buffer) => void,
	dropAfter?: number,
): Promise<{ result: ReceiveResult; received: number }> {
	return new Promise((resolve) => {
		let received = 0;
		let settled = false;
		const finish = (result: ReceiveResult) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			req.removeAllListeners('data');
			resolve({ result, received });
		};
		const timer = setTimeout(() => finish('timeout'), timeoutMs);
		req.on('data', (chunk: Buffer) => {
			if (settled) return;
			if (dropAfter !== undefined && received + chunk.length >= dropAfter) {
				received = dropAfter;
				req.socket.destroy();
				finish('dropped');
				return;
			}
			received += chunk.length;
			onData(chunk);
			timer.refresh();
		});
		req.on('end', () => {
			if (dropAfter !== undefined) {
				req.socket.destroy();
				finish('dropped');
			} else finish(req.complete ? 'complete' : 'short');
		});
		req.on('close', () => finish(req.complete ? 'complete' : 'aborted'));
		req.on('error', () => finish('aborted'));
	});
}

/** One upload request, logged and timed: on the upload server, or on the API server's port ('same' mode). */
export async function serveUpload(
	emu: TikTokEmulator,
	req: IncomingMessage,
	res: ServerResponse,
): Promise<void> {
	const url = new URL(req.url ?? '/', 'http://emulator.invalid');
	const started = Date.now();
	emu.sync();
	const entry = emu.log.open('upload', req, url, emu.clock.now());
	try {
		await handleUpload(emu, req, res, url, entry);
	} finally {
		entry.durationMs = Date.now() - started;
	}
}

async function handleUpload(
	emu: TikTokEmulator,
	req: IncomingMessage,
	res: ServerResponse,
	url: URL,
	entry: RequestLogEntry,
): Promise<void> {
	const logId = ids.logId(emu.clock.now());
	const send = (reply: Reply) => {
		entry.status = reply.status;
		entry.errorCode = reply.errorCode;
		writeReply(res, reply);
	};
	/** Rejects after draining the body (so the client's write does not fail), with a bounded wait. */
	const reject = async (
		status: number,
		code: string,
		message: string,
		headers: Record<string, string> = {},
	) => {
		const drained = await drainWithin(req, emu.settings.uploadBodyTimeoutMs);
		send(
			uploadError(
				logId,
				status,
				code,
				message,
				drained ? headers : { ...headers, Connection: 'close' },
			),
		);
	};

	if (withTrailingSlash(url.pathname) !== UPLOAD_PATH)
		return reject(404, 'not_found', 'Unknown upload path.');
	if (req.method !== 'PUT')
		return reject(405, 'method_not_allowed', 'Upload URLs accept PUT only.', { Allow: 'PUT' });
	const session = emu.uploads.find(
		url.searchParams.get('upload_id'),
		url.searchParams.get('upload_token'),
	);
	if (!session) return reject(404, 'upload_not_found', 'No valid upload task for this URL.');

	const headers = req.headers;
	const attempt: UploadAttempt = {
		at: emu.clock.now(),
		contentRange: headers['content-range'],
		contentLength: headers['content-length'],
		contentType: headers['content-type'],
		receivedBytes: 0,
		httpStatus: 0,
		outcome: 'rejected',
	};
	session.attempts.push(attempt);
	session.putCount += 1;
	session.contentTypes.push(headers['content-type'] ?? '');
	if (headers.authorization !== undefined) session.sawAuthorizationHeader = true;
	const { plan } = session;
	const rangeMatch = CONTENT_RANGE.exec((headers['content-range'] ?? '').trim());
	const range = rangeMatch
		? { start: Number(rangeMatch[1]), end: Number(rangeMatch[2]), total: Number(rangeMatch[3]) }
		: undefined;
	if (range && range.start % plan.chunkSize === 0) {
		attempt.index = Math.min(range.start / plan.chunkSize, plan.totalChunkCount - 1);
		const chunk = session.chunks[attempt.index];
		if (chunk) chunk.attempts += 1;
	}
	const rejectAttempt = async (
		status: number,
		code: string,
		message: string,
		extra: Record<string, string> = {},
	) => {
		attempt.httpStatus = status;
		attempt.message = message;
		await reject(status, code, message, extra);
	};

	const fault = emu.faults.take('upload', {
		chunkIndex: attempt.index,
		publishId: session.task.publishId,
	});
	let lateFault: ActiveFault | undefined;
	if (fault) {
		entry.faultId = fault.id;
		const action = fault.action;
		if (isLateFault(fault)) lateFault = fault;
		else if ('delayMs' in action) await sleep(action.delayMs);
		else if ('expireUploadUrl' in action) session.forcedExpired = true;
		else if ('drop' in action) {
			const declared = Number(headers['content-length']) || 0;
			const { received } = await receiveBody(
				req,
				emu.settings.uploadBodyTimeoutMs,
				() => undefined,
				action.afterBytes ?? Math.max(1, Math.floor(declared / 2)),
			);
			attempt.receivedBytes = received;
			attempt.outcome = 'dropped';
			entry.bodyBytes = received;
			req.socket.destroy();
			return;
		} else if ('status' in action) {
			attempt.outcome = 'faulted';
			attempt.httpStatus = action.status;
			await drain(req);
			send(faultReply(logId, action, 'upload'));
			return;
		}
	}

	const now = emu.clock.now();
	if (isExpired(session, now))
		return rejectAttempt(
			403,
			'upload_url_expired',
			'The upload URL has expired (valid for one hour).',
		);
	const type = mediaType(headers['content-type']);
	if (!VIDEO_CONTENT_TYPES.includes(type)) {
		return rejectAttempt(
			400,
			'invalid_params',
			`Content-Type must be one of ${VIDEO_CONTENT_TYPES.join(', ')} (got "${headers['content-type'] ?? ''}")`,
		);
	}
	if (!range)
		return rejectAttempt(400, 'invalid_params', 'Content-Range must be "bytes FIRST-LAST/TOTAL"');
	if (range.end < range.start || range.end >= range.total)
		return rejectAttempt(
			400,
			'invalid_params',
			'Content-Range is malformed: FIRST <= LAST < TOTAL',
		);
	if (range.total !== plan.videoSize)
		return rejectAttempt(
			400,
			'invalid_params',
			`Content-Range total ${range.total} does not match video_size ${plan.videoSize}`,
		);
	const declaredLength = headers['content-length'];
	if (declaredLength === undefined || !/^\d+$/.test(declaredLength))
		return rejectAttempt(400, 'invalid_params', 'Content-Length is required');
	const contentLength = Number(declaredLength);
	if (contentLength !== range.end - range.start + 1) {
		return rejectAttempt(
			400,
			'invalid_params',
			`Content-Length ${contentLength} does not match Content-Range ${range.start}-${range.end}`,
		);
	}
	// Sequential upload: the first byte must be the next uncommitted byte (wrong order, gap, overlap, or everything already sent).
	if (session.inFlight || range.start !== session.committedBytes) {
		return rejectAttempt(
			416,
			'range_not_satisfiable',
			`Expected a chunk starting at byte ${session.committedBytes}`,
			{ 'Content-Range': progressRange(session) },
		);
	}
	const index = session.chunks.findIndex((chunk) => chunk.status === 'pending');
	const expected = session.chunks[index];
	if (range.end !== expected.end) {
		return rejectAttempt(
			400,
			'invalid_params',
			`${CHUNK_SIZE_INVALID}: chunk ${index} must span bytes ${expected.start}-${expected.end}`,
		);
	}

	session.inFlight = true;
	const pending = session.hash.copy();
	const { result, received } = await receiveBody(req, emu.settings.uploadBodyTimeoutMs, (chunk) =>
		pending.update(chunk),
	).finally(() => {
		session.inFlight = false;
	});
	attempt.receivedBytes = received;
	entry.bodyBytes = received;
	if (result === 'aborted') {
		attempt.outcome = 'aborted';
		return;
	}
	if (result !== 'complete' || received !== contentLength) {
		attempt.httpStatus = 400;
		attempt.message = `Content-Length ${contentLength} does not match the ${received} bytes received`;
		send(uploadError(logId, 400, 'invalid_params', attempt.message, { Connection: 'close' }));
		return;
	}

	session.hash = pending;
	session.committedBytes = range.end + 1;
	expected.status = 'committed';
	attempt.outcome = 'committed';
	emu.taskBook.uploadProgress(session.task, session.committedBytes);
	if (session.committedBytes === plan.videoSize) {
		session.complete = true;
		emu.taskBook.uploadComplete(session.task);
		emu.scheduleTransitions();
	}
	const status = session.complete ? 201 : 206;
	attempt.httpStatus = status;

	if (lateFault) {
		// The chunk is committed but the client never learns it: it must re-sync (416 tells it where).
		const action = lateFault.action;
		if ('drop' in action) {
			entry.status = 0;
			req.socket.destroy();
			return;
		}
		if ('status' in action) {
			send(faultReply(logId, action, 'upload'));
			return;
		}
	}
	send({
		status,
		body: '',
		headers: { 'Content-Range': progressRange(session), 'x-tt-logid': logId },
	});
}
