'use strict';

/** Error raised by the e2e harness itself (missing host, CLI failure, timeout, unparsable output). */
class HarnessError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.name = 'HarnessError';
	}
}

/**
 * Last `maxChars` characters of a log, prefixed with a marker when cut.
 * @param {string} text
 * @param {number} [maxChars]
 */
function tail(text, maxChars = 6000) {
	if (text.length <= maxChars) return text;
	return `[... ${text.length - maxChars} earlier characters cut ...]\n${text.slice(-maxChars)}`;
}

/**
 * First and last characters of a long log (start-up messages and the latest lines both matter).
 * @param {string} text
 * @param {number} [maxChars]
 */
function headTail(text, maxChars = 8000) {
	if (text.length <= maxChars) return text;
	const half = Math.floor(maxChars / 2);
	return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters cut ...]\n${text.slice(-half)}`;
}

/**
 * A block with the captured stdout and stderr of a process, for error messages.
 * @param {string} stdout
 * @param {string} stderr
 * @param {number} [maxChars]
 */
function formatLogs(stdout, stderr, maxChars = 6000) {
	return (
		`--- stdout (tail) ---\n${tail(stdout, maxChars) || '(empty)'}\n` +
		`--- stderr (tail) ---\n${tail(stderr, maxChars) || '(empty)'}`
	);
}

module.exports = { HarnessError, tail, headTail, formatLogs };
