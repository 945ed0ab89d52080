/**
 * The session cookie. HttpOnly: no script reads it (the dashboard learns its CSRF token from
 * GET /api/me instead). SameSite=Strict: no other site's page, link or form sends it — which is why
 * the emailed link lands on a page whose own button posts the sign-in. Secure everywhere but the
 * local stack, which serves plain http on loopback. Path=/: the API and the dashboard share it.
 */
export const SESSION_COOKIE = 'nps_session';

/** The request's cookie of that name: from API Gateway's `cookies` (payload 2.0), else the header. */
export const cookieValue = (
  request: { cookies?: string[] | undefined; headers?: Record<string, string | undefined> | undefined },
  name: string,
): string | undefined => {
  const pairs = [...(request.cookies ?? []), ...(request.headers?.cookie ?? '').split(';')];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    if (pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
};

const attributes = (maxAgeSeconds: number, secure: boolean) =>
  `HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;

/** The Set-Cookie value that signs the browser in for `maxAgeSeconds`. */
export const sessionCookie = (sessionId: string, maxAgeSeconds: number, secure: boolean): string =>
  `${SESSION_COOKIE}=${sessionId}; ${attributes(maxAgeSeconds, secure)}`;

/** The Set-Cookie value that removes the session cookie. */
export const clearedSessionCookie = (secure: boolean): string =>
  `${SESSION_COOKIE}=; ${attributes(0, secure)}`;
