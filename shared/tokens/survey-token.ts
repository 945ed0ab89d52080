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

/**
 * A loss's id (shared/winback): 128 bits derived from the customer and the loss's episode (their
 * last purchase before it), so detecting the same loss twice finds one item; a leave token carries it.
 */
export const deriveLossId = (key: string, customerId: string, episode: string): string =>
  hmac(key, 'nps-loop/loss-id/v1', JSON.stringify([customerId, episode]))
    .subarray(0, 16)
    .toString('base64url');

const isInviteId = (value: string): boolean => ID_PATTERN.test(value);

/**
 * What a token opens: a survey (an invite) or a "why did you leave?" page (a loss). Each has its
 * own MAC purpose, so a token of one can never be replayed as the other.
 */
type TokenPurpose = 'survey' | 'leave';
const MAC_PURPOSE: Record<TokenPurpose, string> = {
  survey: 'nps-loop/survey-token/v1',
  leave: 'nps-loop/leave-token/v1',
};

const macOf = (key: string, id: string, expiry: string, purpose: TokenPurpose = 'survey'): Buffer =>
  hmac(key, MAC_PURPOSE[purpose], `${id}.${expiry}`).subarray(0, MAC_BYTES);

const signToken = (key: string, id: string, expiresAt: Date, purpose: TokenPurpose): string => {
  if (!isInviteId(id)) throw new RangeError('the id must be 22 base64url characters');
  const expiry = Math.floor(expiresAt.getTime() / 1000).toString(36);
  return `${id}.${expiry}.${macOf(key, id, expiry, purpose).toString('base64url')}`;
};

export const signSurveyToken = (key: string, inviteId: string, expiresAt: Date): string =>
  signToken(key, inviteId, expiresAt, 'survey');

/** The "why did you leave?" link's token: `<lossId>.<expiry>.<mac>`. */
export const signLeaveToken = (key: string, lossId: string, expiresAt: Date): string =>
  signToken(key, lossId, expiresAt, 'leave');

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
export const verifySurveyToken = (key: string, token: string, options: VerifyOptions = {}): VerifiedToken =>
  verifyToken(key, token, 'survey', options);

/** A leave token's loss id; NotFoundError for a malformed or tampered one, GoneError once expired. */
export const verifyLeaveToken = (
  key: string,
  token: string,
  options: VerifyOptions = {},
): { lossId: string; expiresAt: Date } => {
  const { inviteId, expiresAt } = verifyToken(key, token, 'leave', options);
  return { lossId: inviteId, expiresAt };
};

const verifyToken = (
  key: string,
  token: string,
  purpose: TokenPurpose,
  options: VerifyOptions,
): VerifiedToken => {
  const m = TOKEN_PATTERN.exec(token);
  const unknown = () => new NotFoundError('This survey link is not valid.', 'invalid_token');
  if (!m) throw unknown();
  const [, inviteId = '', expiry = '', mac = ''] = m;
  // Compared as text, not as decoded bytes: the last base64url character carries unused bits, and
  // a decoded comparison would accept several spellings of one MAC (a malleable token).
  const given = Buffer.from(mac, 'ascii');
  const expected = Buffer.from(macOf(key, inviteId, expiry, purpose).toString('base64url'), 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unknown();
  const expiresAt = new Date(Number.parseInt(expiry, 36) * 1000);
  if (!options.allowExpired && expiresAt.getTime() <= (options.now ?? new Date()).getTime()) {
    throw new GoneError('This survey has closed. Thank you for your time.', 'survey_expired');
  }
  return { inviteId, expiresAt };
};
