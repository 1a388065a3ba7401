/**
 * What one run of the node knows about the jobs its items start: which jobs items already own,
 * and which requests are still on their way. A search for a lost answer's job reads it, so two
 * items never adopt the same job and a search never sees a job half-way to its owner.
 */

export interface LedgerTiming {
	/** How long a job just started may take to show in the video list. */
	settleMs: number;
}

/** The timing every run uses; tests of the whole node may shorten it. */
export const LEDGER_TIMING: LedgerTiming = { settleMs: 2000 };

export class JobLedger {
	private readonly claimed = new Set<string>();
	private readonly inFlight = new Map<string, Set<Promise<unknown>>>();
	private readonly searches = new Map<string, Promise<unknown>>();

	constructor(readonly timing: LedgerTiming = LEDGER_TIMING) {}

	claim(jobId: string): void {
		this.claimed.add(jobId);
	}

	isClaimed(jobId: string): boolean {
		return this.claimed.has(jobId);
	}

	/** Runs a paid request for `key`, after any search for the same key has settled. */
	async track<T>(key: string, work: () => Promise<T>): Promise<T> {
		await this.searches.get(key);
		const promise = work();
		const pending = this.inFlight.get(key) ?? new Set();
		this.inFlight.set(key, pending.add(promise));
		try {
			return await promise;
		} finally {
			pending.delete(promise);
		}
	}

	/** One search per key at a time, each after the identical requests in flight have settled and claimed their jobs. */
	async searchAlone<T>(key: string, search: () => Promise<T>): Promise<T> {
		const previous = this.searches.get(key) ?? Promise.resolve();
		const result = previous.then(async () => {
			await Promise.allSettled([...(this.inFlight.get(key) ?? [])]);
			return await search();
		});
		const tail = result.catch(() => undefined);
		this.searches.set(key, tail);
		try {
			return await result;
		} finally {
			if (this.searches.get(key) === tail) this.searches.delete(key);
		}
	}
}
