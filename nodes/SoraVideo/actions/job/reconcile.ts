import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { UncertainOutcome } from '../../transport';
import { uncertainOutcomeOf } from '../../transport';
import type { Session } from '../../transport/session';
import type { Video } from '../../transport/videos';
import { listVideos } from '../../transport/videos';
import { cancelledError, operationError } from '../../utils/errors';
import { pause } from '../../utils/pause';
import { readOptions } from './wait-settings';

/**
 * Reconciliation: when a create or remix may have started a job but its answer was lost, the
 * job is looked for in the video list, never blindly asked for again.
 */

/** What identifies the job an item asked for. */
export type JobRequest =
	| { kind: 'create'; prompt: string; model: string; seconds?: string; size?: string }
	| { kind: 'remix'; prompt: string; sourceVideoId: string };

export interface StartedJob {
	video: Video;
	/** Set when the job was found in the list after its answer was lost. */
	recovered?: IDataObject;
}

/** The item's "Send Again When No Job Is Found" option (off unless set). */
export function resendAllowed(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return readOptions(ctx, itemIndex).resendIfNoJobFound === true;
}

/** Server clocks and ours differ: a job listed up to this long before the send still counts. */
const CLOCK_SKEW_MS = 120_000;
/** A job just started may take a moment to show in the list. */
const LIST_SETTLE_MS = 2000;
const LIST_PAGE_SIZE = 50;
const LIST_PAGES = 2;

/** Per execution: the jobs items already own, and the requests still on their way, by request. */
interface Ledger {
	claimed: Set<string>;
	inFlight: Map<string, Set<Promise<unknown>>>;
	searches: Map<string, Promise<unknown>>;
}

const ledgers = new WeakMap<Session, Ledger>();

function ledgerOf(session: Session): Ledger {
	let ledger = ledgers.get(session);
	if (!ledger) {
		ledger = { claimed: new Set(), inFlight: new Map(), searches: new Map() };
		ledgers.set(session, ledger);
	}
	return ledger;
}

function keyOf(request: JobRequest): string {
	return JSON.stringify(request);
}

async function tracked<T>(ledger: Ledger, key: string, work: () => Promise<T>): Promise<T> {
	// a search for the same request must not see this one's job half-way
	await ledger.searches.get(key);
	const promise = work();
	const pending = ledger.inFlight.get(key) ?? new Set();
	ledger.inFlight.set(key, pending.add(promise));
	try {
		return await promise;
	} finally {
		pending.delete(promise);
	}
}

/** One search per request at a time, each after the identical requests in flight have settled and claimed their jobs. */
async function serialized<T>(ledger: Ledger, key: string, work: () => Promise<T>): Promise<T> {
	const previous = ledger.searches.get(key) ?? Promise.resolve();
	const result = previous.then(async () => {
		await Promise.allSettled([...(ledger.inFlight.get(key) ?? [])]);
		return await work();
	});
	const tail = result.catch(() => undefined);
	ledger.searches.set(key, tail);
	try {
		return await result;
	} finally {
		if (ledger.searches.get(key) === tail) ledger.searches.delete(key);
	}
}

const sameText = (a: unknown, b: string) =>
	String(a ?? '')
		.trim()
		.toLowerCase() === b.trim().toLowerCase();

/** The listed job has this request's parameters; undefined when it shows no prompt to compare. */
function fits(video: Video, request: JobRequest): boolean | undefined {
	const details =
		request.kind === 'remix'
			? video.remixed_from_video_id === request.sourceVideoId
			: sameText(video.model, request.model) &&
				(request.seconds === undefined || String(video.seconds) === request.seconds) &&
				(request.size === undefined || video.size === request.size);
	if (!details) return false;
	if (typeof video.prompt !== 'string') return undefined;
	return video.prompt.trim() === request.prompt.trim();
}

type Search = { found: Video } | { absent: true } | { unclear: string } | { listError: Error };

/** The video list, newest first, as far back as `since` or two pages. */
async function recentVideos(
	ctx: IExecuteFunctions,
	session: Session,
	sinceMs: number,
	itemIndex: number,
): Promise<{ videos: Video[]; complete: boolean }> {
	const videos: Video[] = [];
	let after: string | undefined;
	for (let page = 0; page < LIST_PAGES; page++) {
		const list = await listVideos(
			ctx,
			session,
			{ order: 'desc', limit: LIST_PAGE_SIZE, ...(after ? { after } : {}) },
			itemIndex,
		);
		const data = Array.isArray(list.data) ? list.data : [];
		videos.push(...data);
		const oldest = data[data.length - 1];
		const reachedSince =
			!oldest || (typeof oldest.created_at === 'number' && oldest.created_at * 1000 < sinceMs);
		if (reachedSince || !list.has_more) return { videos, complete: true };
		after = list.last_id ?? oldest.id;
	}
	return { videos, complete: false };
}

async function search(
	ctx: IExecuteFunctions,
	session: Session,
	ledger: Ledger,
	request: JobRequest,
	sinceMs: number,
	itemIndex: number,
): Promise<Search> {
	let listed: { videos: Video[]; complete: boolean };
	try {
		listed = await recentVideos(ctx, session, sinceMs, itemIndex);
	} catch (error) {
		return { listError: error as Error };
	}
	const fresh = listed.videos.filter(
		(video) =>
			!ledger.claimed.has(video.id) &&
			(typeof video.created_at !== 'number' || video.created_at * 1000 >= sinceMs),
	);
	const found = fresh
		.filter((video) => typeof video.created_at === 'number' && fits(video, request) === true)
		.sort((a, b) => Number(a.created_at) - Number(b.created_at))[0];
	if (found) {
		ledger.claimed.add(found.id);
		return { found };
	}
	const maybe = fresh.filter((video) => fits(video, request) !== false);
	if (maybe.length) {
		return {
			unclear: `Jobs since then that may be it (their prompt or time is not shown): ${maybe.map((video) => video.id).join(', ')}.`,
		};
	}
	if (!listed.complete) {
		return { unclear: `The list holds more than ${LIST_PAGES * LIST_PAGE_SIZE} newer videos.` };
	}
	return { absent: true };
}

function describeRequest(request: JobRequest): string {
	const start = request.prompt.length > 60 ? `${request.prompt.slice(0, 60)}…` : request.prompt;
	if (request.kind === 'remix') {
		return `a remix of ${request.sourceVideoId} with the prompt "${start}"`;
	}
	const parts = [
		`model ${request.model}`,
		request.seconds ? `${request.seconds} s` : '',
		request.size ?? '',
	];
	return `a video with the prompt "${start}", ${parts.filter(Boolean).join(', ')}`;
}

/**
 * How often a request may be sent again, each time only after the list clearly showed no job for
 * the answer that was lost: a relay's 502s come in runs, and a clear list means nothing was paid.
 */
const MAX_RESENDS = 3;

/** The re-sends a request has left; none when the Send Again option is off. */
interface Resend {
	allowed: boolean;
	used: number;
}

function absentNext(resend: Resend): string {
	if (!resend.allowed) {
		return 'If there is none, run the item again, or turn on the Send Again When No Job Is Found option.';
	}
	if (resend.used < MAX_RESENDS) return '';
	return `It was already sent ${resend.used} more times, each time after the list showed no job: if there is none, run the item again later.`;
}

function notReconciled(
	ctx: IExecuteFunctions,
	session: Session,
	lost: Error,
	request: JobRequest,
	sinceMs: number,
	found: Exclude<Search, { found: Video }>,
	resend: Resend,
	itemIndex: number,
) {
	const why =
		'listError' in found
			? `the video list could not be read to look for the job (${found.listError.message})`
			: 'unclear' in found
				? 'the video list does not show clearly whether a job was started'
				: 'no job for it shows in the video list';
	const lookFor = `Look with the List operation for ${describeRequest(request)}, created after ${new Date(sinceMs).toISOString()}.`;
	const next =
		'unclear' in found
			? `${found.unclear} ${lookFor}`
			: 'absent' in found
				? `${lookFor} ${absentNext(resend)}`
				: `${lookFor} If there is none, run the item again.`;
	return operationError(ctx, itemIndex, `${lost.message}; ${why}`, {
		secret: session.secret,
		description: `The request may have started a paid job, so it was not sent again. ${next}`,
	});
}

function recoveredNote(lost: Error): IDataObject {
	return {
		recovered: true,
		recoveryNote: `The answer to this request was lost (${lost.message}); the job was found in the video list by its prompt and parameters.`,
	};
}

async function reconcile(
	ctx: IExecuteFunctions,
	session: Session,
	ledger: Ledger,
	request: JobRequest,
	lost: Error,
	outcome: UncertainOutcome,
	resend: Resend,
	itemIndex: number,
): Promise<StartedJob | { absent: Error }> {
	const sinceMs = outcome.sentAtMs - CLOCK_SKEW_MS;
	if (!(await pause(LIST_SETTLE_MS, session.signal))) {
		throw cancelledError(ctx, itemIndex, 'Looking for the job of a lost answer', {
			secret: session.secret,
		});
	}
	const found = await serialized(
		ledger,
		keyOf(request),
		async () => await search(ctx, session, ledger, request, sinceMs, itemIndex),
	);
	if ('found' in found) return { video: found.found, recovered: recoveredNote(lost) };
	const error = notReconciled(ctx, session, lost, request, sinceMs, found, resend, itemIndex);
	if ('absent' in found) return { absent: error };
	throw error;
}

/**
 * Starts an item's paid job. When the answer is lost, the job is looked for and adopted; only when
 * the list clearly shows none, and `resendIfAbsent` allows it, is the request sent again (at most
 * MAX_RESENDS times).
 * Two items with the same request never adopt the same job.
 */
export async function startJob(
	ctx: IExecuteFunctions,
	session: Session,
	request: JobRequest,
	start: () => Promise<Video>,
	itemIndex: number,
	resendIfAbsent: boolean,
): Promise<StartedJob> {
	return await attemptJob(ctx, session, request, start, itemIndex, {
		allowed: resendIfAbsent,
		used: 0,
	});
}

async function attemptJob(
	ctx: IExecuteFunctions,
	session: Session,
	request: JobRequest,
	start: () => Promise<Video>,
	itemIndex: number,
	resend: Resend,
): Promise<StartedJob> {
	const ledger = ledgerOf(session);
	const started = await tracked(ledger, keyOf(request), start).catch((error: Error) => error);
	if (!(started instanceof Error)) {
		ledger.claimed.add(started.id);
		return { video: started };
	}
	const outcome = uncertainOutcomeOf(started);
	// errors of transport/ are NodeApiError or NodeOperationError already
	if (!outcome) throw started;
	const result = await reconcile(
		ctx,
		session,
		ledger,
		request,
		started,
		outcome,
		resend,
		itemIndex,
	);
	if (!('absent' in result)) return result;
	if (!resend.allowed || resend.used >= MAX_RESENDS) throw result.absent;
	return await attemptJob(ctx, session, request, start, itemIndex, {
		...resend,
		used: resend.used + 1,
	});
}
