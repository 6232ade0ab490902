import { isTransient, RETRY_POLICIES, retryDelayMs } from '../../shared/retry';
import type { RetryPolicy } from '../../shared/retry';
import type { DownloadOutcome, PipeableBody, ResponseBody } from '../../shared/transport/download';
import { pauseUnlessCancelled } from '../../shared/utils/pause';
import { ChunkBody } from './chunkBody';
import { SerialReads, SourceStoppedError } from './chunkSource';
import type { ChunkPayload, UploadSource } from './chunkSource';
import { contentLengthOf, contentRangeOf, describeChange, Download } from './remoteFile';
import type { RemoteVersion } from './remoteFile';

/** A file at a URL, as the probe found it, and how to fetch its bytes. */
export interface RemoteFile extends RemoteVersion {
	/** For messages: the URL's host, never its query string (it may hold a signature) */
	host: string;
	/** Whether the server answers `Range` with 206; if not, the file is read from its start and cut */
	ranges: boolean;
	/** One GET: bytes first to last (inclusive), or the whole file without a range */
	get(range?: { first: number; last: number }): Promise<DownloadOutcome>;
	signal?: AbortSignal;
	retryPolicy?: Readonly<RetryPolicy>;
	onRetry?(retry: { position: number; attempt: number; reason: string; delayMs: number }): void;
}

/**
 * A URL's bytes as upload bodies that read while they are sent: every chunk is a ranged GET streamed
 * straight into its PUT, holding nothing but the pieces in flight. A 206 that declares exactly the chunk's
 * bytes is the PUT's body as it is (n8n's HTTP client pipes it, as a minimal client would); anything else
 * is read piece by piece. A server that ignores `Range` is read once from its start and cut as it streams.
 * A download dropped mid-chunk is retried within the upload retry policy: a piped chunk is fetched and
 * sent again (its PUT broke off with it), a chunk read piece by piece resumes where it stopped (a ranged
 * GET of the rest, or a new read from the start skipping to it). A chunk sent again is fetched again. A
 * file whose size, ETag or Last-Modified changes between requests stops the upload
 * (`upload_source_changed`): TikTok never gets a video made of two files.
 */
export function urlSource(file: RemoteFile): UploadSource {
	return new UrlSource(file);
}

/** Retries spent on one attempt at a chunk */
interface Retries {
	count: number;
}

/** A response body handed to a PUT as it is, and how its download went */
interface PipedBody {
	body: PipeableBody;
	ended: boolean;
	/** Why the download broke off before its end, which broke the PUT off too */
	problem?: string;
}

class UrlSource implements UploadSource {
	readonly size: number;
	private ranges: boolean;
	private download?: Download;
	/** The next chunk's GET, sent while this chunk's last bytes and TikTok's answer are on their way */
	private prefetched?: { first: number; last: number; outcome: Promise<DownloadOutcome> };
	private readonly reads = new SerialReads();
	private attempt = 0;
	private piped?: PipedBody;
	/** Retries spent on the chunk starting at `start` whose piped downloads broke off, across its attempts */
	private brokenOff?: { start: number; retries: Retries };

	get failure(): SourceStoppedError | undefined {
		return this.reads.failure;
	}

	get bodyCut(): string | undefined {
		return this.piped?.problem;
	}

	constructor(private readonly file: RemoteFile) {
		this.size = file.size;
		this.ranges = file.ranges;
	}

	async slice(start: number, end: number, contentType: string): Promise<ChunkPayload> {
		const attempt = ++this.attempt;
		const retries = await this.retriesFor(start);
		// The chunk's GET is answered before its PUT starts: a changed or vanished file sends nothing
		const download = await this.reads.run(async () => await this.positionAt(start, end, retries));
		const whole = download.takeBody();
		if (whole) {
			this.download = undefined;
			return this.handToPut(whole, end, end - start);
		}
		let remaining = end - start;
		return new ChunkBody(
			end - start,
			contentType,
			async () =>
				await this.reads.run(async () => {
					if (attempt !== this.attempt || remaining === 0) return undefined;
					const piece = await this.read(end - remaining, end, retries);
					remaining -= piece.length;
					if (remaining === 0 && end === this.size) await this.checkNothingFollows();
					if (remaining === 0 && end < this.size) this.prefetch(end, end - start);
					return piece;
				}),
		);
	}

	async close(): Promise<void> {
		await this.reads.idle();
		this.closeDownload();
		this.takePiped();
		discard(this.takePrefetched());
	}

	/**
	 * The retries this attempt at the chunk may spend. After a piped download broke off, this attempt is that
	 * chunk's retry: it is counted, and waited for, here (TikTok's failures are counted by the engine).
	 */
	private async retriesFor(start: number): Promise<Retries> {
		const problem = this.takePiped()?.problem;
		if (problem === undefined) return { count: 0 };
		if (this.brokenOff?.start !== start) this.brokenOff = { start, retries: { count: 0 } };
		const { retries } = this.brokenOff;
		await this.retryAfter(problem, start, retries);
		return retries;
	}

	/**
	 * Hands the body to the PUT. Listeners added before the PUT's own learn first how the download ended;
	 * the next chunk's GET goes out once this one's last byte has arrived.
	 */
	private handToPut(body: PipeableBody, end: number, length: number): PipeableBody {
		const piped: PipedBody = { body, ended: false };
		body.on('end', () => {
			piped.ended = true;
			if (end < this.size) this.prefetch(end, length);
		});
		body.on('error', (error) => {
			piped.problem ??= describeProblem(error);
		});
		body.on('close', () => {
			if (!piped.ended) piped.problem ??= 'the connection was cut';
		});
		this.piped = piped;
		return body;
	}

	/** Drops the body handed to the previous attempt, returning how it went. */
	private takePiped(): PipedBody | undefined {
		const piped = this.piped;
		this.piped = undefined;
		piped?.body.destroy();
		return piped;
	}

	/**
	 * Sends the GET of the chunk after [.., start + length) ahead: chunks are planned of equal length, the
	 * final one absorbing the remainder. Its body waits in the connection until the chunk's PUT reads it.
	 */
	private prefetch(start: number, length: number): void {
		if (!this.ranges) return;
		discard(this.takePrefetched());
		const last = start + 2 * length > this.size ? this.size - 1 : start + length - 1;
		const outcome = this.file.get({ first: start, last });
		// Awaited when the next chunk starts; a failure then is that chunk's to handle
		outcome.catch(() => undefined);
		this.prefetched = { first: start, last, outcome };
	}

	private takePrefetched() {
		const prefetched = this.prefetched;
		this.prefetched = undefined;
		return prefetched;
	}

	/** The next bytes at `position`, at most up to `end`, resuming a dropped download. */
	private async read(position: number, end: number, retries: Retries): Promise<Buffer> {
		for (;;) {
			const download = await this.positionAt(position, end, retries);
			let problem: unknown;
			try {
				const piece = await download.next(end - position);
				if (piece) return piece;
				problem = `the download ended at byte ${position}`;
			} catch (error) {
				problem = error;
			}
			await this.retryAfter(problem, position, retries);
		}
	}

	/** A download whose next byte is `position` and that reaches `end`: the open one, or a new one. */
	private async positionAt(position: number, end: number, retries: Retries): Promise<Download> {
		for (;;) {
			let problem: unknown;
			try {
				if (!this.canContinue(position, end)) {
					this.closeDownload();
					const opened = await this.open(position, end);
					if (typeof opened === 'string') problem = opened;
					else this.download = opened;
				}
				const download = this.download;
				while (problem === undefined && download && download.position < position) {
					const skipped = await download.next(position - download.position);
					if (!skipped) problem = `the download ended at byte ${download.position}`;
				}
				if (problem === undefined && download) return download;
			} catch (error) {
				problem = error;
			}
			await this.retryAfter(problem, position, retries);
		}
	}

	private canContinue(position: number, end: number): boolean {
		const download = this.download;
		if (!download || download.position > position || download.end < end) return false;
		return this.ranges ? download.position === position : true;
	}

	/** GETs bytes from `position` (the whole file without range support); a string is a passing problem. */
	private async open(position: number, end: number): Promise<Download | string> {
		const prefetched = this.takePrefetched();
		const ahead = this.ranges && prefetched?.first === position && prefetched.last === end - 1;
		if (!ahead) discard(prefetched);
		const outcome = ahead
			? await prefetched.outcome
			: await this.file.get(this.ranges ? { first: position, last: end - 1 } : undefined);
		if ('networkError' in outcome) {
			if (!outcome.redirectLoop) return outcome.networkError;
			throw this.failed(`${this.file.host} now redirects without end`);
		}
		const { status, body } = outcome;
		if (status === 206 && this.ranges) {
			const range = contentRangeOf(outcome.headers);
			this.checkUnchanged(outcome.headers, range?.total ?? undefined, body);
			if (range?.first === position && range.last === end - 1 && body) {
				const exact = contentLengthOf(outcome.headers) === end - position;
				return new Download(body, position, end, exact);
			}
			body?.destroy();
			throw this.failed(
				`${this.file.host} answered bytes ${position}-${end - 1} with ${range ? `bytes ${range.first}-${range.last}` : 'no usable Content-Range'}`,
			);
		}
		if (status === 200 && body) {
			this.checkUnchanged(outcome.headers, contentLengthOf(outcome.headers), body);
			// A server that stopped honouring Range is read from the start from here on
			this.ranges = false;
			return new Download(body, 0, this.size);
		}
		body?.destroy();
		if (status === 412 || status === 416) throw this.changed('it no longer has the same bytes');
		if (isTransient({ httpStatus: status })) return `HTTP ${status}`;
		throw this.failed(
			`${this.file.host} answered HTTP ${status} when bytes ${position}-${end - 1} were downloaded`,
		);
	}

	private checkUnchanged(
		headers: Record<string, unknown>,
		size: number | undefined,
		body: ResponseBody | undefined,
	): void {
		const change = describeChange(this.file, headers, size);
		if (change === undefined) return;
		body?.destroy();
		throw this.changed(change);
	}

	/** After the final chunk: a longer file than declared means it changed. */
	private async checkNothingFollows(): Promise<void> {
		const extra = await this.download?.next(1).catch(() => undefined);
		if (extra) throw this.changed('it now holds more bytes than the size read at the start');
	}

	/** Waits before the next try within the retry policy, or stops the upload. */
	private async retryAfter(problem: unknown, position: number, retries: Retries): Promise<void> {
		this.closeDownload();
		if (problem instanceof SourceStoppedError) throw problem;
		const { signal } = this.file;
		if (signal?.aborted) throw signal.reason;
		const reason = describeProblem(problem);
		retries.count++;
		const delayMs = retryDelayMs(
			this.file.retryPolicy ?? RETRY_POLICIES.uploadChunk,
			retries.count,
		);
		if (delayMs === undefined) {
			throw new SourceStoppedError(
				`downloading the video from ${this.file.host} failed ${retries.count} times at byte ${position} (last: ${reason})`,
				'upload_download_failed',
				`Check that ${this.file.host} stays reachable from the n8n host for the whole upload (n8n's proxy settings apply), then publish again.`,
			);
		}
		this.file.onRetry?.({ position, attempt: retries.count, reason, delayMs });
		if (await pauseUnlessCancelled(delayMs, signal)) {
			throw signal?.reason ?? new Error('The execution was cancelled');
		}
	}

	private changed(what: string): SourceStoppedError {
		return new SourceStoppedError(
			`the video at ${this.file.host} changed while it was uploaded (${what})`,
			'upload_source_changed',
			'The file behind the URL was replaced during the upload, so TikTok would have received parts of two files. Make sure the URL keeps serving the same file until the upload ends, then publish again.',
		);
	}

	private failed(what: string): SourceStoppedError {
		return new SourceStoppedError(
			`the video could not be downloaded: ${what}`,
			'upload_download_failed',
			'Check that the URL stays valid for the whole upload (a presigned link must not expire before it ends), then publish again.',
		);
	}

	private closeDownload(): void {
		this.download?.close();
		this.download = undefined;
	}
}

/** Drops a GET sent ahead that is not needed after all. */
function discard(prefetched: { outcome: Promise<DownloadOutcome> } | undefined): void {
	prefetched?.outcome.then(
		(outcome) => ('body' in outcome ? outcome.body?.destroy() : undefined),
		() => undefined,
	);
}

function describeProblem(problem: unknown): string {
	if (typeof problem === 'string') return problem;
	const { code, message } = (problem ?? {}) as { code?: unknown; message?: unknown };
	if (code === 'ECONNRESET' || message === 'aborted') return 'the connection was cut';
	return typeof message === 'string' && message !== '' ? message : String(problem);
}
