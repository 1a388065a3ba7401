import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { uncertainOutcomeOf } from '../../transport';
import type { InputScope } from '../../transport/scope';
import type { Video } from '../../transport/videos';
import { pause } from '../../utils/pause';
import type { RunItem } from '../run/item';
import type { Finding, JobRequest } from './lost-job';
import { CLOCK_SKEW_MS, describeRequest, findLostJob, recentVideos } from './lost-job';

/**
 * Starting a paid job (a create or a remix). When its answer is lost, the job is looked for in the
 * video list and adopted, never blindly asked for again; only when the list clearly shows none, and
 * the user allows it, is the request sent again.
 */

export interface StartedJob {
	video: Video;
	/** Set when the job was found in the list after its answer was lost. */
	recovered?: IDataObject;
}

/** A request sent once more, each time only after the list clearly showed no job: a relay's 502s come in runs. */
const MAX_RESENDS = 3;

export const resendOption: INodeProperties = {
	displayName: 'Send Again When No Job Is Found',
	name: 'resendIfNoJobFound',
	type: 'boolean',
	default: false,
	description:
		'Whether to send the request once more when its answer was lost (connection reset, 5xx) and the video list clearly shows no job for it. Off: the item fails and says what to look for. A job the list does not show yet could then be paid twice.',
};

/** The item's "Send Again When No Job Is Found" option (off unless set). */
export function resendAllowed(scope: InputScope): boolean {
	return scope.options().resendIfNoJobFound === true;
}

type Search = Finding & { sinceMs: number };

/** Waits for the job to show in the list, then searches it once the same request's other items are settled. */
async function searchFor(scope: RunItem, request: JobRequest, sentAtMs: number): Promise<Search> {
	const { ledger, session } = scope;
	const sinceMs = sentAtMs - CLOCK_SKEW_MS;
	if (!(await pause(ledger.timing.settleMs, session.signal))) {
		throw scope.cancelled('Looking for the job of a lost answer', {
			resume: `Look with the List operation for ${describeRequest(request)}, created after ${new Date(sinceMs).toISOString()}.`,
		});
	}
	const finding = await ledger.searchAlone(JSON.stringify(request), async () => {
		const listing = await recentVideos(scope, sinceMs).catch((error: Error) => error);
		if (listing instanceof Error) return { listError: listing };
		const found = findLostJob(listing, request, sinceMs, (id) => ledger.isClaimed(id));
		if ('found' in found) ledger.claim(found.found.id);
		return found;
	});
	return { ...finding, sinceMs };
}

/** What the user reads when the job of a lost answer cannot be adopted. */
function notReconciled(
	scope: RunItem,
	lost: Error,
	request: JobRequest,
	search: Exclude<Search, { found: Video }>,
	resends: { allowed: boolean; used: number },
) {
	const why =
		'listError' in search
			? `the video list could not be read to look for the job (${search.listError.message})`
			: 'unclear' in search
				? 'the video list does not show clearly whether a job was started'
				: 'no job for it shows in the video list';
	const lookFor = `Look with the List operation for ${describeRequest(request)}, created after ${new Date(search.sinceMs).toISOString()}.`;
	const ifNone = !('absent' in search)
		? 'If there is none, run the item again.'
		: !resends.allowed
			? 'If there is none, run the item again, or turn on the Send Again When No Job Is Found option.'
			: `It was already sent ${resends.used} more times, each time after the list showed no job: if there is none, run the item again later.`;
	const next = 'unclear' in search ? `${search.unclear} ${lookFor}` : `${lookFor} ${ifNone}`;
	return scope.fail(`${lost.message}; ${why}`, {
		description: `The request may have started a paid job, so it was not sent again. ${next}`,
	});
}

/**
 * Starts an item's paid job. A lost answer's job is looked for and adopted; only when the list
 * clearly shows none, and `resendIfAbsent` allows it, is the request sent again (at most
 * MAX_RESENDS times). Two items with the same request never adopt the same job.
 */
export async function startJob(
	scope: RunItem,
	request: JobRequest,
	start: () => Promise<Video>,
	resendIfAbsent: boolean,
): Promise<StartedJob> {
	const { ledger } = scope;
	const key = JSON.stringify(request);
	for (let resends = 0; ; resends++) {
		const started = await ledger.track(key, start).catch((error: Error) => error);
		if (!(started instanceof Error)) {
			ledger.claim(started.id);
			return { video: started };
		}
		const outcome = uncertainOutcomeOf(started);
		// errors of transport/ are NodeApiError or NodeOperationError already
		if (!outcome) throw started;
		const search = await searchFor(scope, request, outcome.sentAtMs);
		if ('found' in search) {
			return {
				video: search.found,
				recovered: {
					recovered: true,
					recoveryNote: `The answer to this request was lost (${started.message}); the job was found in the video list by its prompt and parameters.`,
				},
			};
		}
		const mayResend = 'absent' in search && resendIfAbsent && resends < MAX_RESENDS;
		if (!mayResend) {
			throw notReconciled(scope, started, request, search, {
				allowed: resendIfAbsent,
				used: resends,
			});
		}
	}
}
