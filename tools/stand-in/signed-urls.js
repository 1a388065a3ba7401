// @ts-check
'use strict';
/**
 * A finished task's `video_url`: signed and time-limited on the file host (another origin, no key),
 * or a path on the API origin that takes the Bearer key. The file host checks the signature.
 */

const crypto = require('node:crypto');
const { modelSpec } = require('./families');

/** The HMAC of a signed file name and its expiry. @param {string} key @param {string} name @param {number} expires */
const signature = (key, name, expires) => crypto.createHmac('sha256', key).update(`${name}\n${expires}`).digest('hex');

/**
 * The `video_url` of a job that completed at `completedMs`, or null when its family has none.
 * Signed URLs expire `videoUrlTtlS` seconds after completion (the same URL on every retrieve).
 * @param {import('./state').State} st @param {import('./state').Job} job @param {number} completedMs @returns {string|null}
 */
function videoUrl(st, job, completedMs) {
	const where = modelSpec(job.model).family.videoUrl;
	if (where === 'none') return null;
	if (where === 'api' || st.options.videoUrlOnApiOrigin) return `${st.baseUrl}/v1/video-files/${job.id}.mp4`;
	const name = `${job.id}.mp4`;
	const expires = Math.floor(completedMs / 1000) + st.options.videoUrlTtlS;
	return `${st.fileHostUrl}/signed/${name}?expires=${expires}&signature=${signature(st.signingKey, name, expires)}`;
}

/**
 * Why the file host refuses a signed request, or null when it may serve it.
 * @param {import('./state').State} st @param {string} name @param {URLSearchParams} query @param {number} nowMs
 * @returns {'signature'|'expired'|null}
 */
function signedUrlDenial(st, name, query, nowMs) {
	const expires = query.get('expires') || '';
	const given = Buffer.from(query.get('signature') || '');
	const expected = Buffer.from(/^\d+$/.test(expires) ? signature(st.signingKey, name, Number(expires)) : '');
	if (expected.length === 0 || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'signature';
	return nowMs / 1000 >= Number(expires) ? 'expired' : null;
}

/** The object store's 403 bodies. */
const DENIAL_BODIES = {
	signature: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>',
	expired: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
};

module.exports = { videoUrl, signedUrlDenial, DENIAL_BODIES };
