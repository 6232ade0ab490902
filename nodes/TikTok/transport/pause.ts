/**
 * Waiting that a stopped execution cuts short. n8n's `sleep` cannot be interrupted, and a timer left
 * running keeps the process busy after the execution ended, so the timer is cleared on cancel.
 */

/** The execution's cancel signal, where the context has one (node executions, n8n >= 1.x). */
export function cancelSignalOf(context: object): AbortSignal | undefined {
	const candidate = context as { getExecutionCancelSignal?: () => AbortSignal | undefined };
	return typeof candidate.getExecutionCancelSignal === 'function' ? candidate.getExecutionCancelSignal() : undefined;
}

/** Waits `ms` milliseconds, or until `signal` aborts; resolves true when it was cancelled. */
export async function pauseUnlessCancelled(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
	if (signal?.aborted) return true;
	return await new Promise<boolean>((resolve) => {
		const done = (cancelled: boolean) => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
			resolve(cancelled);
		};
		const onAbort = () => done(true);
		const timer = setTimeout(() => done(false), ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}
