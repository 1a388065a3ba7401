// @ts-check
/** A per-file record of how long each host step took, printed as one table at the end. */
function createTimings() {
	/** @type {Array<{ version: string, step: string, ms: number }>} */
	const entries = [];
	return {
		entries,
		/** @param {string} version @param {string} step @param {number} ms */
		add(version, step, ms) {
			entries.push({ version, step, ms });
		},
		/**
		 * @template T
		 * @param {string} version @param {string} step @param {() => Promise<T>} fn
		 * @returns {Promise<T>}
		 */
		async timed(version, step, fn) {
			const started = Date.now();
			try {
				return await fn();
			} finally {
				entries.push({ version, step, ms: Date.now() - started });
			}
		},
		/** @param {string} title @param {{ totals?: boolean }} [options] */
		report(title, { totals = true } = {}) {
			const row = (/** @type {string} */ version, /** @type {string} */ step, /** @type {number} */ ms) =>
				`  n8n ${version.padEnd(9)} ${step.padEnd(48)} ${(ms / 1000).toFixed(1)} s`;
			const lines = entries.map((t) => row(t.version, t.step, t.ms));
			if (totals) {
				const byHost = new Map();
				for (const t of entries) byHost.set(t.version, (byHost.get(t.version) || 0) + t.ms);
				for (const [version, ms] of byHost) lines.push(row(version, 'TOTAL', ms));
			}
			console.log(`${title}:\n${lines.join('\n')}`);
		},
	};
}

module.exports = { createTimings };
