import type { IDataObject } from 'n8n-workflow';

import {
	NOT_STARTED,
	connectionProblem,
	mayHaveStartedHint,
	refusedHint,
	statusHint,
} from '../utils/error-texts';
import { providerError } from '../utils/errors';
import { pause } from '../utils/pause';
import type { HttpAnswer, HttpCall, Unanswered } from './http';
import { isApiOrigin, readText, requestOnce, resolveUrl } from './http';
import type { Decision, Outcome } from './retry';
import { decide, isModelUnavailable, requestIdOf } from './retry';
import type { ItemScope } from './scope';

export type { HttpAnswer, HttpCall } from './http';
export { checkedHttpUrl, isApiOrigin, readText } from './http';

const isChat = (call: HttpCall) => call.url.startsWith('/chat');

type Answered = Exclude<Outcome, { unanswered: string }>;

/** A paid request that may have started a job: when it was sent, for whoever looks for the job. */
export interface UncertainOutcome {
	sentAtMs: number;
}

function markedUncertain<E extends { context: IDataObject }>(error: E, sentAtMs: number): E {
	error.context.outcomeUnknown = true;
	error.context.sentAtMs = sentAtMs;
	return error;
}

/** Set on the error of a paid request whose outcome is unknown (a reset after sending, a 502). */
export function uncertainOutcomeOf(error: unknown): UncertainOutcome | undefined {
	const context = (error as { context?: IDataObject } | undefined)?.context;
	if (context?.outcomeUnknown !== true || typeof context.sentAtMs !== 'number') return undefined;
	return { sentAtMs: context.sentAtMs };
}

/** Set on the error of a request whose model the API does not serve (see isModelUnavailable). */
export function isModelUnavailableError(error: unknown): boolean {
	return (error as { context?: IDataObject } | undefined)?.context?.modelUnavailable === true;
}

/** The execution was stopped; a paid request says whether it may have started a job. */
function stopped(scope: ItemScope, call: HttpCall, mayHaveStarted: boolean) {
	const fate = mayHaveStarted ? mayHaveStartedHint(isChat(call), call.videoId) : NOT_STARTED;
	return scope.cancelled(`${call.action} stopped`, {
		videoId: call.videoId,
		resume: call.paid ? [fate, call.hint].filter(Boolean).join(' ') : call.hint,
	});
}

function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return 'the server';
	}
}

/** The error of a request that never got an answer. */
function unansweredError(scope: ItemScope, call: HttpCall, answer: Unanswered, decision: Decision) {
	const mayHaveStarted = decision.next === 'fail' && decision.mayHaveStarted;
	return scope.connectionFailed({
		action: call.action,
		videoId: call.videoId,
		cause: connectionProblem(
			answer.unanswered,
			originOf(answer.url),
			isApiOrigin(scope.session, answer.url),
		),
		hint: mayHaveStarted ? mayHaveStartedHint(isChat(call), call.videoId) : undefined,
	});
}

/** The error of an error answer, with what it means for this request and what to do. */
function answerError(
	scope: ItemScope,
	call: HttpCall,
	outcome: Answered,
	decision: Extract<Decision, { next: 'fail' }>,
	tries: { refusals: number; spentMs: number },
) {
	const { status, headers, body } = outcome;
	const requestId = requestIdOf(headers, providerError(body).message);
	const otherHost = !isApiOrigin(scope.session, resolveUrl(scope.session, call.url));
	const common = { status, body, action: call.action, videoId: call.videoId };
	if (decision.because === 'refused') {
		const times = `refused ${tries.refusals} ${tries.refusals === 1 ? 'time' : 'times'} in ${Math.round(tries.spentMs / 1000)} s`;
		return scope.apiFailed({
			...common,
			hints: [
				statusHint(status, call.words, otherHost),
				call.paid ? refusedHint(isChat(call)) : (call.hint ?? ''),
			],
			note: requestId ? `${times}, request id ${requestId}` : times,
		});
	}
	const next = decision.mayHaveStarted ? mayHaveStartedHint(isChat(call), call.videoId) : call.hint;
	const error = scope.apiFailed({
		...common,
		hints: [
			statusHint(status, call.words, otherHost),
			next ?? '',
			requestId ? `Request id: ${requestId}.` : '',
		],
	});
	if (isModelUnavailable(status, body)) error.context.modelUnavailable = true;
	return error;
}

/** An answer's body ready for the retry decision: an error's streamed body is read as text. */
async function outcomeOf(call: HttpCall, answer: HttpAnswer | Unanswered): Promise<Outcome> {
	if ('unanswered' in answer) return answer;
	const failed = answer.statusCode >= 400;
	const body = failed && call.stream ? await readText(answer.body) : answer.body;
	return { status: answer.statusCode, headers: answer.headers, body };
}

/**
 * Sends one request under the retry policy (retry.ts decides), pausing between tries through the
 * execution's cancel signal. A paid request whose outcome is unknown is never repeated here: its
 * error is marked (uncertainOutcomeOf) so the job it may have started can be looked for. Any
 * answer of 400 or more becomes a NodeApiError naming the action, the video and what to do.
 * Gives the answer and how many requests it took.
 */
export async function send<T = unknown>(
	scope: ItemScope,
	call: HttpCall,
): Promise<HttpAnswer<T> & { attempts: number }> {
	const { session } = scope;
	const firstSentMs = Date.now();
	let refusals = 0;
	for (let attempt = 0; ; attempt++) {
		if (session.signal?.aborted) throw stopped(scope, call, false);
		const sentAtMs = Date.now();
		const answer = await session.requests(async () => await requestOnce(scope, call));
		const outcome = await outcomeOf(call, answer);
		const spentMs = Date.now() - firstSentMs;
		const decision = decide(session.retry, call, outcome, { attempt, refusals, spentMs });
		if (session.signal?.aborted && !(call.paid && decision.next === 'done')) {
			// a paid request's answer is kept even then: it names the job that was started
			throw stopped(scope, call, decision.next === 'fail' && decision.mayHaveStarted);
		}
		if (decision.next === 'done') {
			return { ...(answer as HttpAnswer<T>), attempts: attempt + 1 };
		}
		if (decision.next === 'retry') {
			if (decision.refusal) refusals++;
			if (!(await pause(decision.afterMs, session.signal))) throw stopped(scope, call, false);
			continue;
		}
		const error =
			'unanswered' in answer
				? unansweredError(scope, call, answer, decision)
				: answerError(scope, call, outcome as Answered, decision, {
						refusals: refusals + (decision.because === 'refused' ? 1 : 0),
						spentMs,
					});
		throw decision.mayHaveStarted ? markedUncertain(error, sentAtMs) : error;
	}
}

/** The JSON body of a request under the credential's base URL. */
export async function apiRequest<T = IDataObject>(scope: ItemScope, call: HttpCall): Promise<T> {
	const answer = await send<T>(scope, call);
	return answer.body;
}
