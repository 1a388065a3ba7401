import { sleep } from 'n8n-workflow';

/** Longest single timer, so a cancelled wait leaves no long timer behind. */
const SLICE_MS = 1000;

/**
 * Waits `ms`; resolves `false` at once when the execution is cancelled, `true` otherwise.
 * n8n-workflow's `sleep` takes the signal only from 2.34 on, so this races short plain sleeps
 * against the signal: the same code works on n8n 1.x and 2.x.
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
	const end = Date.now() + ms;
	let remaining = ms;
	while (remaining > 0) {
		if (!(await sleepUnlessAborted(Math.min(remaining, SLICE_MS), signal))) return false;
		remaining = end - Date.now();
	}
	return !signal?.aborted;
}

async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
	if (!signal) {
		await sleep(ms);
		return true;
	}
	if (signal.aborted) return false;
	let onAbort = () => {};
	const aborted = new Promise<boolean>((resolve) => {
		onAbort = () => resolve(false);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		return await Promise.race([sleep(ms).then(() => true), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
