import type { AuthRouteKey } from '#functions/routes';
import { signInCallbackInput, signInInput } from '#shared/api/inputs';
import { clearedSessionCookie, cookieValue, SESSION_COOKIE, sessionCookie } from '#shared/auth/cookies';
import { CSRF_HEADER } from '#shared/auth/principal';
import { endSession, openSession, requestSignIn, SIGN_IN_LINK_MINUTES } from '#shared/auth/sign-in';
import { config } from '#shared/config';
import { NotFoundError } from '#shared/errors';
import { type HttpEvent, httpHandler, parseBody } from '#shared/http/handler';
import { type HttpResult, html, json, wantsHtml } from '#shared/http/responses';
import { pageLocaleOf, signInConfirmPage, signInErrorPage, signInSentPage } from '#shared/pages/auth-pages';
import { accountBrand } from '#shared/winback/open-loss';

/** Where a signed-in (or signed-out) browser goes: the dashboard. */
const HOME = '/dashboard';

/** Only a browser's own navigation asks for HTML: a script's fetch gets the JSON of the contract. */
const asksForHtml = (event: HttpEvent) => (event.headers?.accept ?? '').includes('text/html');

const localeOf = (event: HttpEvent) => pageLocaleOf(event.headers?.['accept-language']);

/** The cookie is Secure everywhere but the local stack (plain http on loopback). */
const secureCookies = () => !config().LOCAL_MODE;

const seeOther = (location: string, cookie: string): HttpResult => ({
  statusCode: 303,
  headers: { location, 'cache-control': 'no-store' },
  cookies: [cookie],
});

const routes: Record<AuthRouteKey, (event: HttpEvent) => Promise<HttpResult>> = {
  // 202 whatever the address: whether it may sign in is told only to its own inbox.
  'POST /auth/sign-in': async (event) => {
    const { email } = parseBody(signInInput, event.body);
    await requestSignIn({ email, locale: localeOf(event) });
    return asksForHtml(event)
      ? html(202, signInSentPage({ minutes: SIGN_IN_LINK_MINUTES, locale: localeOf(event) }))
      : json(202, { status: 'sent' });
  },
  // Reads and writes nothing: mail scanners fetch every link, and must not use it up.
  'GET /auth/callback': async (event) => {
    const token = event.queryStringParameters?.token;
    if (!token) throw new NotFoundError('This sign-in link is not valid.', 'invalid_sign_in_link');
    return html(200, signInConfirmPage({ token, brand: accountBrand(config()), locale: localeOf(event) }));
  },
  'POST /auth/callback': async (event) => {
    const { token } = parseBody(signInCallbackInput, event.body);
    const { sessionId, maxAgeSeconds } = await openSession(token);
    return seeOther(HOME, sessionCookie(sessionId, maxAgeSeconds, secureCookies()));
  },
  'POST /auth/sign-out': async (event) => {
    await endSession(cookieValue(event, SESSION_COOKIE), event.headers?.[CSRF_HEADER]);
    const cleared = clearedSessionCookie(secureCookies());
    if ((event.headers?.accept ?? '').includes('application/json')) {
      return { ...json(200, { status: 'signed-out' }), cookies: [cleared] };
    }
    return seeOther(HOME, cleared);
  },
};

/**
 * The sign-in routes (shared/auth/sign-in.ts): ask for a link, land on it, use it, sign out. The
 * link's page and its post answer HTML to a browser, errors included (a clear "expired" page).
 */
const handle = async (event: HttpEvent): Promise<HttpResult> => {
  const route = routes[event.routeKey as AuthRouteKey];
  if (!route) throw new NotFoundError(`no route ${event.routeKey}`);
  return route(event);
};

export const handler = httpHandler(handle, {
  renderErrorPage: (event, error) => {
    const page = event.routeKey.endsWith('/auth/callback') ? wantsHtml(event) : asksForHtml(event);
    return page ? html(error.status, signInErrorPage(error, localeOf(event))) : undefined;
  },
});
