import { createHash, timingSafeEqual } from 'node:crypto';
import { cookieValue, SESSION_COOKIE } from '../auth/cookies.ts';
import { hashOf, isSecret } from '../auth/credentials.ts';
import {
  ADMIN_KEY_PRINCIPAL,
  CSRF_HEADER,
  type Principal,
  principalOf,
  requireCsrf,
} from '../auth/principal.ts';
import { config } from '../config.ts';
import { UnauthorizedError } from '../errors.ts';
import { adminKey } from '../secrets.ts';
import { getSession } from '../store/auth.ts';
import { ownerEmailOf } from '../store/owners.ts';
import type { Session } from '../store/schemas.ts';
import type { HttpEvent } from './handler.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Bearer key check in constant time (hashing first makes the lengths equal). */
const requireAdminKey = async (header: string): Promise<Principal> => {
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw new UnauthorizedError();
  const key = await adminKey();
  if (!timingSafeEqual(digest(match[1]), digest(key))) {
    throw new UnauthorizedError('The admin key is not valid.');
  }
  return ADMIN_KEY_PRINCIPAL;
};

const SIGN_IN_AGAIN = 'Your session has ended: sign in again.';

/** Whether the session's address would still sign in as the session's role (and owner). */
const stillSignsInAs = async (session: Session): Promise<boolean> => {
  if (session.role === 'admin') return config().ADMIN_EMAILS.includes(session.email);
  if (!session.ownerId) return false;
  return (await ownerEmailOf(session.ownerId))?.toLowerCase() === session.email;
};

/**
 * Who the request is from, or a 401: the bearer admin key when an Authorization header is sent (the
 * API and CLI; a wrong key is refused, never tried as a session), else the session cookie. A session
 * counts until its expiry (its TTL deletion may come days later), and only while its address still
 * signs in as it did: an admin's still in ADMIN_EMAILS, an account manager's still their owner's
 * (an owner given another address, or taken away, is signed out everywhere at once). A
 * cookie-authenticated write must carry its CSRF header (403 `csrf_failed`).
 */
export const requireUser = async (event: HttpEvent, now = new Date()): Promise<Principal> => {
  const authorization = event.headers?.authorization;
  if (authorization) return requireAdminKey(authorization);
  const sessionId = cookieValue(event, SESSION_COOKIE);
  if (sessionId === undefined) throw new UnauthorizedError();
  if (!isSecret(sessionId)) throw new UnauthorizedError(SIGN_IN_AGAIN);
  const sessionHash = hashOf(sessionId);
  const session = await getSession(sessionHash);
  if (!session || Date.parse(session.expiresAt) <= now.getTime()) throw new UnauthorizedError(SIGN_IN_AGAIN);
  if (!(await stillSignsInAs(session))) throw new UnauthorizedError(SIGN_IN_AGAIN);
  requireCsrf(event.requestContext.http.method, event.headers?.[CSRF_HEADER], session.csrfToken);
  return principalOf(session, sessionHash);
};
