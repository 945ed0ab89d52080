import { createHmac, timingSafeEqual } from 'node:crypto';
import { GoneError, NotFoundError } from '../errors.ts';

/**
 * Survey tokens: `<inviteId>.<expiry>.<mac>`.
 * - inviteId: 128 bits, HMAC-derived from (campaign, run, customer), so the same invite always gets the
 *   same id (idempotent dispatch) while nobody without the key can compute one.
 * - expiry: unix seconds in base 36.
 * - mac: HMAC-SHA256 over the rest, truncated to 128 bits; any change to id or expiry is detected.
 */
const MAC_BYTES = 16;
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$/;

const hmac = (key: string, purpose: string, data: string): Buffer =>
  createHmac('sha256', key).update(`${purpose}\n${data}`).digest();

export const deriveInviteId = (key: string, campaignId: string, runId: string, customerId: string): string =>
  hmac(key, 'nps-loop/invite-id/v1', JSON.stringify([campaignId, runId, customerId]))
    .subarray(0, 16)
    .toString('base64url');

const isInviteId = (value: string): boolean => ID_PATTERN.test(value);

const macOf = (key: string, inviteId: string, expiry: string): Buffer =>
  hmac(key, 'nps-loop/survey-token/v1', `${inviteId}.${expiry}`).subarray(0, MAC_BYTES);

export const signSurveyToken = (key: string, inviteId: string, expiresAt: Date): string => {
  if (!isInviteId(inviteId)) throw new RangeError('invite id must be 22 base64url characters');
  const expiry = Math.floor(expiresAt.getTime() / 1000).toString(36);
  return `${inviteId}.${expiry}.${macOf(key, inviteId, expiry).toString('base64url')}`;
};

export interface VerifiedToken {
  inviteId: string;
  expiresAt: Date;
}

export interface VerifyOptions {
  now?: Date;
  /** Unsubscribe links keep working after the survey has closed. */
  allowExpired?: boolean;
}

/** Throws NotFoundError for malformed or tampered tokens, GoneError for expired ones. */
export const verifySurveyToken = (key: string, token: string, options: VerifyOptions = {}): VerifiedToken => {
  const m = TOKEN_PATTERN.exec(token);
  const unknown = () => new NotFoundError('This survey link is not valid.', 'invalid_token');
  if (!m) throw unknown();
  const [, inviteId = '', expiry = '', mac = ''] = m;
  // Compared as text, not as decoded bytes: the last base64url character carries unused bits, and
  // a decoded comparison would accept several spellings of one MAC (a malleable token).
  const given = Buffer.from(mac, 'ascii');
  const expected = Buffer.from(macOf(key, inviteId, expiry).toString('base64url'), 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unknown();
  const expiresAt = new Date(Number.parseInt(expiry, 36) * 1000);
  if (!options.allowExpired && expiresAt.getTime() <= (options.now ?? new Date()).getTime()) {
    throw new GoneError('This survey has closed. Thank you for your time.', 'survey_expired');
  }
  return { inviteId, expiresAt };
};
