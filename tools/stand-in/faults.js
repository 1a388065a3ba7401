// @ts-check
'use strict';
/**
 * Seeded fault decisions. Three independent mulberry32 streams, all from `faults.seed`:
 *  - the general stream: exactly five draws per eligible request (every /v1 request but /v1/models);
 *  - the paid stream: exactly five draws per paid request (create, remix, chat);
 *  - the latency stream: one draw per create or remix (for a `createLatencyMs` range).
 * A separate stream per kind keeps the general decisions the same whatever the paid options are.
 */

/**
 * @typedef {object} Faults
 * @property {number} seed             PRNG seed (mulberry32); same seed + same request order = same faults
 * @property {number} rate5xx          fraction of eligible requests answered 500/502/503
 * @property {number[]} statuses5xx    statuses to pick from for rate5xx (default [500, 502, 503])
 * @property {number} rateDrop         fraction of eligible requests whose socket is destroyed without an answer
 * @property {boolean} dropAfterCreate a dropped paid request is dropped AFTER its job was created ("fate unknown")
 * @property {boolean} errorAfterCreate a 5xx'd paid request gets its 5xx AFTER its job was created
 * @property {number} burst429         probability that an eligible request starts a burst of 429 answers
 * @property {number} burstLength      length K of a 429 burst (the starting request included)
 * @property {number|null} retryAfterS `Retry-After` seconds on 429 answers (null: no header)
 * @property {number|null} retryAfterMs `retry-after-ms` on 429 and paid 503 answers (null: no header)
 * @property {number} rateTruncate     fraction of binary downloads cut off (socket closed) after half the bytes
 * @property {number} slowMs           latency added before answering every eligible request
 * @property {boolean} fileHost        faults also apply to the file host (default: API only)
 * @property {number} paidBurst429     probability that a paid request starts a burst of 429s on paid requests
 * @property {number} paidBurstLength  length of a paid 429 burst, counted in paid requests
 * @property {number} paidRate503      fraction of paid requests refused with 503 service_unavailable
 * @property {number} paidRateDropAfterCreate  fraction of paid requests dropped after their job was created
 * @property {number} paidRateErrorAfterCreate fraction of paid requests answered an error after their job was created
 * @property {number[]} paidStatusesAfterCreate statuses to pick from for paidRateErrorAfterCreate
 */

/** @type {Faults} */
const DEFAULT_FAULTS = {
	seed: 1,
	rate5xx: 0,
	statuses5xx: [500, 502, 503],
	rateDrop: 0,
	dropAfterCreate: false,
	errorAfterCreate: false,
	burst429: 0,
	burstLength: 3,
	retryAfterS: 1,
	retryAfterMs: null,
	rateTruncate: 0,
	slowMs: 0,
	fileHost: false,
	paidBurst429: 0,
	paidBurstLength: 3,
	paidRate503: 0,
	paidRateDropAfterCreate: 0,
	paidRateErrorAfterCreate: 0,
	paidStatusesAfterCreate: [500, 502, 504, 524],
};

const PAID_SALT = 0x7a1d;
const LATENCY_SALT = 0x1a7e;
const PROGRESS_SALT = 0x9e3779b1;

/** @param {number} seed */
function mulberry32(seed) {
	let a = seed | 0;
	return function next() {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A stream of its own for `salt`, derived from the seed. @param {number} seed @param {number} salt */
const derivedRandom = (seed, salt) => mulberry32((seed ^ salt) + Math.imul(salt, 31));

/** @param {number[]|undefined} list @param {number} r @param {number} fallback */
const pick = (list, r, fallback) => {
	const l = list && list.length ? list : [fallback];
	return l[Math.min(l.length - 1, Math.floor(r * l.length))];
};

/**
 * What the faults do to one request.
 * @typedef {object} Plan
 * @property {null|'drop'|'429'|'5xx'|'paid429'|'paid503'} before  answered (or dropped) before the handler runs
 * @property {null|'drop'|'5xx'} after  the handler runs (a job may be created), then this replaces its answer
 * @property {number} status  the status of a 429/5xx/503
 * @property {boolean} truncate  a binary answer is cut after half its bytes
 */

/** @type {Plan} */
const NO_FAULT = { before: null, after: null, status: 0, truncate: false };

/** @param {() => Faults} faults the live fault options */
function createFaultEngine(faults) {
	let rnd = mulberry32(faults().seed);
	let paidRnd = derivedRandom(faults().seed, PAID_SALT);
	let latencyRnd = derivedRandom(faults().seed, LATENCY_SALT);
	let burstRemaining = 0;
	let paidBurstRemaining = 0;

	const reset = () => {
		rnd = mulberry32(faults().seed);
		paidRnd = derivedRandom(faults().seed, PAID_SALT);
		latencyRnd = derivedRandom(faults().seed, LATENCY_SALT);
		burstRemaining = 0;
		paidBurstRemaining = 0;
	};

	/** The general faults, for any eligible request. @returns {{kind: 'none'|'429'|'5xx'|'drop', status: number, truncate: boolean}} */
	const decide = () => {
		const f = faults();
		const [rBurst, r5xx, rCode, rDrop, rTrunc] = [rnd(), rnd(), rnd(), rnd(), rnd()];
		const truncate = rTrunc < f.rateTruncate;
		if (burstRemaining > 0) {
			burstRemaining--;
			return { kind: '429', status: 429, truncate };
		}
		if (rBurst < f.burst429) {
			burstRemaining = Math.max(0, Math.floor(f.burstLength) - 1);
			return { kind: '429', status: 429, truncate };
		}
		if (r5xx < f.rate5xx) return { kind: '5xx', status: pick(f.statuses5xx, rCode, 500), truncate };
		if (rDrop < f.rateDrop) return { kind: 'drop', status: 0, truncate };
		return { kind: 'none', status: 0, truncate };
	};

	/** The paid-only faults. @returns {{kind: 'none'|'paid429'|'paid503'|'dropAfter'|'errorAfter', status: number}} */
	const decidePaid = () => {
		const f = faults();
		const [rBurst, r503, rDrop, rError, rCode] = [paidRnd(), paidRnd(), paidRnd(), paidRnd(), paidRnd()];
		if (paidBurstRemaining > 0) {
			paidBurstRemaining--;
			return { kind: 'paid429', status: 429 };
		}
		if (rBurst < f.paidBurst429) {
			paidBurstRemaining = Math.max(0, Math.floor(f.paidBurstLength) - 1);
			return { kind: 'paid429', status: 429 };
		}
		if (r503 < f.paidRate503) return { kind: 'paid503', status: 503 };
		if (rDrop < f.paidRateDropAfterCreate) return { kind: 'dropAfter', status: 0 };
		if (rError < f.paidRateErrorAfterCreate) return { kind: 'errorAfter', status: pick(f.paidStatusesAfterCreate, rCode, 500) };
		return { kind: 'none', status: 0 };
	};

	/**
	 * The plan for one request. Paid refusals come first (no job is created), then the general
	 * faults (drop / 5xx move after the handler on paid requests with dropAfterCreate / errorAfterCreate),
	 * then the paid after-create faults.
	 * @param {{eligible: boolean, paid: boolean}} request
	 * @returns {Plan}
	 */
	const plan = ({ eligible, paid }) => {
		if (!eligible) return NO_FAULT;
		const f = faults();
		const g = decide();
		const p = paid ? decidePaid() : { kind: 'none', status: 0 };
		const truncate = g.truncate;
		if (p.kind === 'paid429' || p.kind === 'paid503') return { before: p.kind, after: null, status: p.status, truncate };
		if (g.kind === 'drop') return paid && f.dropAfterCreate ? { before: null, after: 'drop', status: 0, truncate } : { before: 'drop', after: null, status: 0, truncate };
		if (g.kind === '429') return { before: '429', after: null, status: 429, truncate };
		if (g.kind === '5xx') return paid && f.errorAfterCreate ? { before: null, after: '5xx', status: g.status, truncate } : { before: '5xx', after: null, status: g.status, truncate };
		if (p.kind === 'dropAfter') return { before: null, after: 'drop', status: 0, truncate };
		if (p.kind === 'errorAfter') return { before: null, after: '5xx', status: p.status, truncate };
		return { ...NO_FAULT, truncate };
	};

	/**
	 * How long a create or remix takes to answer: a number, or a seeded draw from [min, max].
	 * Draws once per call whatever the spec, so the sequence depends only on the order of creates.
	 * @param {number|[number, number]|undefined} spec
	 */
	const latency = (spec) => {
		const r = latencyRnd();
		if (Array.isArray(spec)) return Math.round(spec[0] + r * (spec[1] - spec[0]));
		return spec || 0;
	};

	/** The random stream of one job's uneven progress. @param {number} jobSeq */
	const progressRandom = (jobSeq) => derivedRandom(faults().seed, PROGRESS_SALT + jobSeq);

	return { reset, decide, plan, latency, progressRandom };
}

/** @type {Record<number, {message: string, type: string, code: string|null}>} */
const FIVE_XX = {
	500: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null },
	502: { message: 'Bad gateway: upstream returned an invalid response.', type: 'comet_api_error', code: 'bad_response_status_code' },
	503: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', code: 'service_unavailable' },
	504: { message: 'Gateway timeout.', type: 'comet_api_error', code: 'gateway_timeout' },
	524: { message: 'A timeout occurred.', type: 'comet_api_error', code: 'timeout' },
};

/** `Retry-After` / `retry-after-ms` from the fault options. @param {Faults} f @returns {Record<string, string>} */
function retryHeaders(f) {
	/** @type {Record<string, string>} */
	const h = {};
	if (f.retryAfterS !== null && f.retryAfterS !== undefined) h['retry-after'] = String(f.retryAfterS);
	if (f.retryAfterMs !== null && f.retryAfterMs !== undefined) h['retry-after-ms'] = String(f.retryAfterMs);
	return h;
}

module.exports = { DEFAULT_FAULTS, FIVE_XX, mulberry32, createFaultEngine, retryHeaders };
