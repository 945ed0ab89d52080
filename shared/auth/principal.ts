import { ForbiddenError } from '../errors.ts';
import type { AuditActor, Session } from '../store/schemas.ts';
import { sameSecret } from './credentials.ts';

/**
 * Who a request is from: the bearer admin key (the API and CLI), or a signed-in session — an admin
 * (ADMIN_EMAILS) or an account manager (an owner's address). What each may do is shared/auth/roles.ts.
 */
export type Principal =
  | { via: 'admin-key'; role: 'admin'; ownerId: null; email: null; csrfToken: null }
  | {
      via: 'session';
      role: Session['role'];
      ownerId: string | null;
      email: string;
      csrfToken: string;
      /** The stored hash of the session's id (sign-out deletes by it). */
      sessionHash: string;
    };

export const ADMIN_KEY_PRINCIPAL: Principal = {
  via: 'admin-key',
  role: 'admin',
  ownerId: null,
  email: null,
  csrfToken: null,
};

export const principalOf = (session: Session, sessionHash: string): Principal => ({
  via: 'session',
  role: session.role,
  ownerId: session.role === 'owner' ? (session.ownerId ?? null) : null,
  email: session.email,
  csrfToken: session.csrfToken,
  sessionHash,
});

/** GET /api/me. */
export const meOf = (p: Principal) => ({
  role: p.role,
  ownerId: p.ownerId,
  email: p.email,
  csrfToken: p.csrfToken,
});

/** Who acted, as the audit log records it: the actor's own address is theirs to see, not a customer's. */
export const actorOf = (p: Principal): AuditActor => ({
  via: p.via,
  role: p.role,
  email: p.email,
  ownerId: p.ownerId,
});

/** Methods that change nothing: no CSRF token asked (every such route only reads). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_HEADER = 'x-csrf-token';

/**
 * A cookie is sent by the browser whoever made the page, so a write authenticated by one must also
 * prove it comes from a page that could read the session's CSRF token (GET /api/me, same origin):
 * the `x-csrf-token` header, equal to the session's. SameSite=Strict already keeps other sites'
 * requests from carrying the cookie; the header is the second lock, for browsers or proxies that
 * do not honour it. A bearer key is never sent by a browser on its own: no CSRF check for it.
 */
export const requireCsrf = (method: string, header: string | undefined, expected: string): void => {
  if (SAFE_METHODS.has(method.toUpperCase())) return;
  if (!header || !sameSecret(header, expected)) {
    throw new ForbiddenError(
      `A signed-in write must carry the ${CSRF_HEADER} header with the csrfToken of GET /api/me.`,
      'csrf_failed',
    );
  }
};
