import * as n8nWorkflow from 'n8n-workflow';

/**
 * Waiting that a stopped execution cuts short, through n8n-workflow's own sleep (n8n Cloud allows no
 * timers of a node's own): a wait of up to an hour must not outlive the execution.
 */

type AbortableSleep = (ms: number, abortSignal?: AbortSignal) => Promise<void>;

/**
 * n8n-workflow 1.98 to 2.33 (n8n 1.101 to 2.33) export `sleepWithAbort(ms, signal)`; from 2.34 `sleep(ms,
 * signal)` takes the signal itself. On n8n 1.94 to 1.100 neither is cancellable: the wait runs out, and
 * nothing follows it once the execution was stopped. Looked up at call time from the host's n8n-workflow.
 */
function abortableSleep(): AbortableSleep {
	const helpers = n8nWorkflow as unknown as {
		sleepWithAbort?: AbortableSleep;
		sleep: AbortableSleep;
	};
	return helpers.sleepWithAbort ?? helpers.sleep;
}

/** The execution's cancel signal, where the context has one (node executions, n8n >= 1.x). */
export function cancelSignalOf(context: object): AbortSignal | undefined {
	const candidate = context as { getExecutionCancelSignal?: () => AbortSignal | undefined };
	return typeof candidate.getExecutionCancelSignal === 'function'
		? candidate.getExecutionCancelSignal()
		: undefined;
}

/** Waits `ms` milliseconds, or until `signal` aborts; resolves true when it was cancelled. */
export async function pauseUnlessCancelled(
	ms: number,
	signal: AbortSignal | undefined,
): Promise<boolean> {
	if (signal?.aborted) return true;
	return await abortableSleep()(ms, signal).then(
		() => signal?.aborted === true,
		// Both sleeps reject only when the signal aborts
		() => true,
	);
}
