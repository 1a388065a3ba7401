export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `limit` tasks at once; the rest wait in arrival order. */
export function createLimiter(limit: number): Limiter {
	let running = 0;
	const waiting: Array<() => void> = [];

	return async <T>(task: () => Promise<T>) => {
		if (running < limit) {
			running++;
		} else {
			// the finishing task hands its slot over, so `running` stays unchanged
			await new Promise<void>((resolve) => waiting.push(resolve));
		}
		try {
			return await task();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else running--;
		}
	};
}
