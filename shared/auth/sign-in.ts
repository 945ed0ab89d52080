import { z } from 'zod';
import { auditWrite } from '../audit/log.ts';
import { config } from '../config.ts';
import { sendEmail } from '../email/send-email.ts';
import { renderSignInEmail } from '../email/sign-in-email.ts';
import { GoneError, NotFoundError, TooManyRequestsError } from '../errors.ts';
import { invokeAsync } from '../invoke.ts';
import { logger } from '../observability.ts';
import {
  deleteSession,
  findOwnerByEmail,
  getSession,
  getSignIn,
  putSignIn,
  takeSignInTurn,
  useSignIn,
} from '../store/auth.ts';
import type { Role, Session } from '../store/schemas.ts';
import { accountBrand } from '../winback/open-loss.ts';
import { hashOf, isSecret, newSecret } from './credentials.ts';
import { requireCsrf } from './principal.ts';

/** A sign-in link works once, this many minutes after it was sent. */
export const SIGN_IN_LINK_MINUTES = 15;
/** Links one address may ask for per window: enough for a lost email, too few to flood an inbox. */
export const SIGN_IN_LINKS_PER_WINDOW = 5;
const WINDOW_MS = 15 * 60_000;
/** A used or expired link's item is kept a day (then TTL), so its page can say which it was. */
const USED_LINK_KEPT_MS = 86_400_000;

/** The fixed window `now` falls in. */
export const signInWindowOf = (now: Date): { index: number; endsAt: Date } => {
  const index = Math.floor(now.getTime() / WINDOW_MS);
  return { index, endsAt: new Date((index + 1) * WINDOW_MS) };
};

type Identity = { role: 'admin' } | { role: 'owner'; ownerId: string; locale?: string | undefined };

/** Who an address signs in as: an admin if it is in ADMIN_EMAILS, else the owner it is saved on. */
const identityOf = async (email: string): Promise<Identity | undefined> => {
  if (config().ADMIN_EMAILS.includes(email)) return { role: 'admin' };
  const owner = await findOwnerByEmail(email);
  return owner ? { role: 'owner', ownerId: owner.id, locale: owner.locale } : undefined;
};

/** What POST /auth/sign-in hands to the sign-in link's email function: the address as asked. */
export const signInLinkRequest = z.object({
  email: z.email().max(254),
  locale: z.string().max(100).optional(),
});
export type SignInLinkRequest = z.infer<typeof signInLinkRequest>;

/**
 * POST /auth/sign-in: takes the address's turn and hands the rest to the sign-in link's email
 * function (functions/send-sign-in-link.ts) — for every address alike, so the route does the same
 * work and answers in the same time whether the address may sign in or not: it tells nobody which
 * addresses have accounts, not even by its timing. The per-address count comes first (a 429 says
 * nothing either): its key is a SHA-256 of the address, gone by TTL after its window.
 */
export const requestSignIn = async (
  input: { email: string; locale?: string | undefined },
  now = new Date(),
): Promise<void> => {
  const email = input.email.trim().toLowerCase();
  if (!(await takeSignInTurn(hashOf(email), signInWindowOf(now), SIGN_IN_LINKS_PER_WINDOW))) {
    throw new TooManyRequestsError(
      `At most ${SIGN_IN_LINKS_PER_WINDOW} sign-in links per address every 15 minutes: use the last one, or try again later.`,
      'too_many_sign_in_requests',
    );
  }
  const request: SignInLinkRequest = { email, ...(input.locale ? { locale: input.locale } : {}) };
  await invokeAsync(config().SIGN_IN_FUNCTION_NAME, request);
};

/**
 * The sign-in link's email: to an address that may sign in, a one-time link — to any other,
 * nothing. The link's secret is stored only as its hash. The email takes its turn at the account's
 * send rate. Sent at most once: the function is never retried (a lost link is asked for again,
 * where a retry could send two), and one SES refuses is logged, not retried.
 */
export const sendSignInLink = async (request: SignInLinkRequest, now = new Date()): Promise<void> => {
  const { email } = request;
  const identity = await identityOf(email);
  if (!identity) return;
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000);
  await putSignIn(
    hashOf(token),
    {
      email,
      role: identity.role,
      ...(identity.role === 'owner' ? { ownerId: identity.ownerId } : {}),
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    },
    new Date(expiresAt.getTime() + USED_LINK_KEPT_MS),
  );
  const c = config();
  const rendered = renderSignInEmail({
    publicUrl: c.PUBLIC_URL,
    token,
    brand: accountBrand(c),
    locale: (identity.role === 'owner' ? identity.locale : undefined) ?? request.locale,
    minutes: SIGN_IN_LINK_MINUTES,
  });
  try {
    await sendEmail(email, rendered, { kind: 'sign-in' });
  } catch (err: unknown) {
    // The logger blanks addresses in the error's text.
    logger.error('sign-in email not sent', { err });
  }
};

const INVALID = 'This sign-in link is not valid. Ask for a new one.';

/**
 * POST /auth/callback: uses the link's token and opens a session — both, with the sign-in's audit
 * entry, in one transaction whose condition lets a token open one session, once, before it expires.
 * Returns the session id (the cookie's value, stored only as its hash).
 */
export const openSession = async (
  token: string,
  now = new Date(),
): Promise<{ sessionId: string; maxAgeSeconds: number; role: Role }> => {
  if (!isSecret(token)) throw new NotFoundError(INVALID, 'invalid_sign_in_link');
  const tokenHash = hashOf(token);
  const signIn = await getSignIn(tokenHash);
  if (!signIn) throw new NotFoundError(INVALID, 'invalid_sign_in_link');
  const used = () =>
    new GoneError('This sign-in link was already used. Ask for a new one.', 'sign_in_link_used');
  if (signIn.usedAt) throw used();
  if (Date.parse(signIn.expiresAt) <= now.getTime()) {
    throw new GoneError('This sign-in link has expired. Ask for a new one.', 'sign_in_link_expired');
  }
  // An address taken off ADMIN_EMAILS since the link was sent signs in as nobody.
  if (signIn.role === 'admin' && !config().ADMIN_EMAILS.includes(signIn.email)) {
    throw new NotFoundError(INVALID, 'invalid_sign_in_link');
  }
  const maxAgeSeconds = config().SESSION_HOURS * 3600;
  const sessionId = newSecret();
  const session: Session = {
    role: signIn.role,
    ...(signIn.ownerId ? { ownerId: signIn.ownerId } : {}),
    email: signIn.email,
    csrfToken: newSecret(),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000).toISOString(),
  };
  const actor = {
    via: 'session' as const,
    role: signIn.role,
    email: signIn.email,
    ownerId: signIn.ownerId ?? null,
  };
  const opened = await useSignIn(tokenHash, now, { hash: hashOf(sessionId), item: session }, [
    auditWrite(actor, { action: 'auth.sign-in' }, now),
  ]);
  // Refused: another post of the same link won the race (or it expired in between).
  if (!opened) throw used();
  return { sessionId, maxAgeSeconds, role: signIn.role };
};

/**
 * POST /auth/sign-out: ends the cookie's session (with its audit entry). A write like any other, so
 * it needs the session's CSRF header; without a live session there is nothing to end, and the
 * caller's cookie is cleared all the same.
 */
export const endSession = async (
  sessionId: string | undefined,
  csrfHeader: string | undefined,
  now = new Date(),
): Promise<void> => {
  if (!isSecret(sessionId)) return;
  const sessionHash = hashOf(sessionId);
  const session = await getSession(sessionHash);
  if (!session || Date.parse(session.expiresAt) <= now.getTime()) return;
  requireCsrf('POST', csrfHeader, session.csrfToken);
  const actor = {
    via: 'session' as const,
    role: session.role,
    email: session.email,
    ownerId: session.ownerId ?? null,
  };
  await deleteSession(sessionHash, [auditWrite(actor, { action: 'auth.sign-out' }, now)]);
};
