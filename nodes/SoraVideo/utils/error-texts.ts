/**
 * Every text a user reads about a failed request: what happened, whether anything was paid for,
 * and what to do next. The builders in errors.ts put them together; nothing here runs a request.
 */

/** What the API's answer means, by HTTP status; `notFound` says it for the request at hand. */
const STATUS_HINTS: Record<number, string> = {
	400: 'The API refused the request as sent: check the parameters named in the message.',
	401: 'The API key was refused: check the CometAPI credential.',
	403: 'The API key may not use this model or endpoint: check your CometAPI plan.',
	410: "The video's files have expired (see expires_at): render it again.",
	429: "The API is rate limiting this key: lower the node's parallel requests or try again later.",
};

/** A 404 of a request about one video: the hint of Retrieve, Download, Remix and Delete. */
export const NO_SUCH_VIDEO =
	'No such video for this API key, or its files have expired (see expires_at): check the video ID.';

/** What an answer's status means for the request at hand. */
export interface StatusWords {
	/** Its own words for a 404. */
	notFound: string;
	/** For a link on another host (which never sees the key): what its refusal means. */
	link?: string;
}

export function statusHint(status: number, words: StatusWords, otherHost: boolean): string {
	if (otherHost) return status >= 400 && status < 500 && status !== 429 ? (words.link ?? '') : '';
	if (status === 404) return words.notFound;
	if (STATUS_HINTS[status]) return STATUS_HINTS[status];
	if (status >= 500) return 'The API had a server problem: try again later.';
	return '';
}

/** A temporary link to a finished video that another host refused. */
export const EXPIRED_LINK =
	'The file host refused the link; a temporary link (video_url) expires: get a new one by retrieving the video again.';

/** What happened to a request that got no answer, by socket error code; `ADDRESS` is where it went. */
const CONNECTION_PROBLEMS: Record<string, string> = {
	ECONNREFUSED: 'the connection to ADDRESS was refused',
	ECONNRESET: 'the connection to ADDRESS was closed before an answer arrived',
	ETIMEDOUT: 'the connection to ADDRESS timed out',
	ECONNABORTED: 'the connection to ADDRESS was aborted',
	EPIPE: 'the connection to ADDRESS was closed while sending',
	ENOTFOUND: 'the host name of ADDRESS could not be resolved',
	EAI_AGAIN: 'the host name of ADDRESS could not be resolved',
	ERR_CANCELED: 'the execution was cancelled',
};

/** The problems a wrong address causes: then the credential's Base URL is worth a look. */
const WRONG_ADDRESS_CODES = ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'];

/** Names the origin tried (never a path or query, which may carry tokens) and, for the API, where to fix it. */
export function connectionProblem(code: string, origin: string, isApi: boolean): string {
	const problem = (
		CONNECTION_PROBLEMS[code] ?? 'the connection to ADDRESS failed before an answer arrived'
	).replace('ADDRESS', origin);
	return WRONG_ADDRESS_CODES.includes(code) && isApi
		? `${problem}. Check the Base URL of your CometAPI credential.`
		: problem;
}

/** A paid request that may have reached the API: it was not sent again, and how to look for its job. */
export function mayHaveStartedHint(isChat: boolean, sourceVideoId?: string): string {
	const lookup = isChat
		? 'Chat generations cannot be looked up: check your CometAPI usage before you run this item again.'
		: 'Use the List operation to look for a new video before you run this item again.';
	const source = sourceVideoId ? ` The source video was ${sourceVideoId}.` : '';
	return `The request may have reached CometAPI and started paid work, so it was not sent again. ${lookup}${source}`;
}

/** A chat request that was answered: its generation may have been charged, and cannot be looked up. */
export const CHAT_MAY_BE_CHARGED =
	'The chat request reached CometAPI and may have been charged; chat generations cannot be looked up: check your CometAPI usage before you run this item again.';

export const NOT_STARTED = 'It was not sent, so nothing was started or paid for.';

/** A paid request the API refused every time: nothing was started. */
export function refusedHint(isChat: boolean): string {
	const next = isChat
		? 'Run the item again later.'
		: 'Raise Refusal Retries or Max Wait for Refusals, or lower Parallel Requests, in the options; or run the item again later.';
	return `CometAPI refused the request every time, so no job was started and nothing was paid for. ${next}`;
}

/** How to pick up a paid job after any wait error: the one way every such error names. */
export function continueWithRetrieve(videoId: string): string {
	return `Continue with Retrieve with wait, video id ${videoId}.`;
}

export const RESUME_DOWNLOAD =
	'Run the item again, or Download with the video ID: downloads are safe to repeat.';
