import type { IDataObject } from 'n8n-workflow';

import type { Video } from '../../transport/videos';
import { listVideos } from '../../transport/videos';
import type { RunItem } from '../run/item';

/**
 * Looking for the job a paid request may have started when its answer was lost: the video list
 * read back to the time of the send, and the one listed job that fits the request.
 */

/** What identifies the job an item asked for. */
export type JobRequest =
	| { kind: 'create'; prompt: string; model: string; seconds?: string; size?: string }
	| { kind: 'remix'; prompt: string; sourceVideoId: string };

/** Server clocks and ours differ: a job listed up to this long before the send still counts. */
export const CLOCK_SKEW_MS = 120_000;
const LIST_PAGE_SIZE = 50;
const LIST_PAGES = 2;

export interface Listing {
	videos: Video[];
	/** The list reached back past the time of the send. */
	complete: boolean;
}

export type Finding =
	| { found: Video }
	| { absent: true }
	| { unclear: string }
	| { listError: Error };

/**
 * The video list, newest first, as far back as `sinceMs` or two pages. A paid job's id is at
 * stake, so the list's refusals (429, 503, Retry-After) are waited out like the paid request's own,
 * without using up its Retries per Request.
 */
export async function recentVideos(scope: RunItem, sinceMs: number): Promise<Listing> {
	const videos: Video[] = [];
	let after: string | undefined;
	for (let page = 0; page < LIST_PAGES; page++) {
		const query: IDataObject = {
			order: 'desc',
			limit: LIST_PAGE_SIZE,
			...(after ? { after } : {}),
		};
		const list = await listVideos(scope, query, { waitsOutRefusals: true });
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

/**
 * The job a lost answer started, from a listing: the oldest unclaimed job created since `sinceMs`
 * with the request's parameters; or why none can be named. No I/O, no clock.
 */
export function findLostJob(
	listing: Listing,
	request: JobRequest,
	sinceMs: number,
	isClaimed: (jobId: string) => boolean,
): Exclude<Finding, { listError: Error }> {
	const fresh = listing.videos.filter(
		(video) =>
			!isClaimed(video.id) &&
			(typeof video.created_at !== 'number' || video.created_at * 1000 >= sinceMs),
	);
	const found = fresh
		.filter((video) => typeof video.created_at === 'number' && fits(video, request) === true)
		.sort((a, b) => Number(a.created_at) - Number(b.created_at))[0];
	if (found) return { found };
	const maybe = fresh.filter((video) => fits(video, request) !== false);
	if (maybe.length) {
		return {
			unclear: `Jobs since then that may be it (their prompt or time is not shown): ${maybe.map((video) => video.id).join(', ')}.`,
		};
	}
	if (!listing.complete) {
		return { unclear: `The list holds more than ${LIST_PAGES * LIST_PAGE_SIZE} newer videos.` };
	}
	return { absent: true };
}

export function describeRequest(request: JobRequest): string {
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
