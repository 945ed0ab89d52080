import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes.ts';
import {
  clearedSessionCookie,
  cookieValue,
  SESSION_COOKIE,
  sessionCookie,
} from '../../shared/auth/cookies.ts';
import { hashOf, isSecret, newSecret } from '../../shared/auth/credentials.ts';
import { ADMIN_KEY_PRINCIPAL, meOf, requireCsrf } from '../../shared/auth/principal.ts';
import { accessFor, OWNER_RULES, type OwnerRule } from '../../shared/auth/roles.ts';
import { renderSignInEmail, signInCallbackUrl } from '../../shared/email/sign-in-email.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import { signInConfirmPage } from '../../shared/pages/auth-pages.ts';

const attributesOf = (setCookie: string) =>
  setCookie
    .split(';')
    .slice(1)
    .map((a) => a.trim());

describe('the session cookie', () => {
  const id = newSecret();

  it('is HttpOnly, SameSite=Strict, for the whole site, for the session’s hours — and Secure off the local stack only', () => {
    const cookie = sessionCookie(id, 8 * 3600, true);
    expect(cookie.startsWith(`${SESSION_COOKIE}=${id};`)).toBe(true);
    expect(attributesOf(cookie)).toEqual([
      'HttpOnly',
      'SameSite=Strict',
      'Path=/',
      'Max-Age=28800',
      'Secure',
    ]);
    expect(attributesOf(sessionCookie(id, 3600, false))).not.toContain('Secure');
  });

  it('is cleared with the same attributes and Max-Age=0', () => {
    expect(clearedSessionCookie(true)).toBe(
      `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure`,
    );
    expect(clearedSessionCookie(false)).toBe(
      `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`,
    );
  });

  it('is read from API Gateway’s cookies array or from a Cookie header, by its exact name', () => {
    expect(cookieValue({ cookies: ['theme=dark', `nps_session=${id}`] }, SESSION_COOKIE)).toBe(id);
    expect(cookieValue({ headers: { cookie: `a=1; nps_session=${id}; b=2` } }, SESSION_COOKIE)).toBe(id);
    expect(cookieValue({ headers: { cookie: `xnps_session=${id}` } }, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue({ headers: { cookie: 'nps_session=' } }, SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue({}, SESSION_COOKIE)).toBeUndefined();
    // A value with `=` in it (never one of ours, but cookies may) is kept whole.
    expect(cookieValue({ cookies: ['x=a=b'] }, 'x')).toBe('a=b');
  });
});

describe('secrets', () => {
  it('are 256 bits of base64url, different each time, stored only as their SHA-256', () => {
    const a = newSecret();
    expect(isSecret(a)).toBe(true);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newSecret()).not.toBe(a);
    expect(hashOf(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf(a)).not.toContain(a);
    expect(isSecret('short')).toBe(false);
    expect(isSecret(`${a}x`)).toBe(false);
    expect(isSecret(undefined)).toBe(false);
  });
});

describe('the CSRF check of cookie-authenticated requests', () => {
  const csrf = newSecret();

  it('asks nothing of reads', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get'])
      expect(() => requireCsrf(method, undefined, csrf)).not.toThrow();
  });

  it('refuses a write without the header, or with another value, as 403 csrf_failed', () => {
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      expect(() => requireCsrf(method, csrf, csrf)).not.toThrow();
      for (const header of [undefined, '', newSecret(), csrf.slice(1)]) {
        let thrown: unknown;
        try {
          requireCsrf(method, header, csrf);
        } catch (err) {
          thrown = err;
        }
        expect(thrown, `${method} ${header}`).toBeInstanceOf(ForbiddenError);
        expect((thrown as ForbiddenError).status).toBe(403);
        expect((thrown as ForbiddenError).code).toBe('csrf_failed');
      }
    }
  });
});

describe('the role table', () => {
  const adminRoutes = ROUTES.filter((r) => r.fn === 'admin-api').map((r) => r.routeKey);
  const owner = { role: 'owner' as const, ownerId: 'alice' };
  const admin = { role: 'admin' as const, ownerId: null };
  const rule = (routeKey: string): OwnerRule | undefined =>
    (OWNER_RULES as Record<string, OwnerRule>)[routeKey];
  const forbidden = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof ForbiddenError && err.status === 403 && err.code === 'forbidden';
    }
    return false;
  };

  it('has a rule for exactly the admin API’s routes', () => {
    expect(Object.keys(OWNER_RULES).sort()).toEqual([...adminRoutes].sort());
  });

  it('lets an admin (key or session) do everything, unnarrowed', () => {
    for (const routeKey of adminRoutes) expect(accessFor(admin, rule(routeKey))).toEqual({ kind: 'all' });
    expect(meOf(ADMIN_KEY_PRINCIPAL)).toEqual({ role: 'admin', ownerId: null, email: null, csrfToken: null });
  });

  it('gives an account manager their own cases, their own case routes and their own segment', () => {
    expect(accessFor(owner, rule('GET /api/me'))).toEqual({ kind: 'all' });
    expect(accessFor(owner, rule('GET /api/cases'))).toEqual({ kind: 'own-cases', ownerId: 'alice' });
    expect(accessFor(owner, rule('PATCH /api/cases/{id}'))).toEqual({ kind: 'own-case', ownerId: 'alice' });
    expect(accessFor(owner, rule('POST /api/cases/{id}/follow-up'))).toEqual({
      kind: 'own-case',
      ownerId: 'alice',
    });
    expect(accessFor(owner, rule('GET /api/nps/segments'))).toEqual({
      kind: 'own-segments',
      ownerId: 'alice',
    });
    for (const routeKey of ['GET /api/nps', 'GET /api/nps/compare', 'GET /api/responses']) {
      expect(accessFor(owner, rule(routeKey), { segment: 'owner:alice' })).toEqual({
        kind: 'own-segment',
        ownerId: 'alice',
      });
      // Segments are read in lower case: so is the comparison.
      expect(accessFor(owner, rule(routeKey), { segment: ' Owner:Alice ' }).kind).toBe('own-segment');
      for (const segment of [
        undefined,
        'all',
        'owner:bob',
        'tier:key',
        'owner:alice,owner:bob',
        'owner:alic',
      ]) {
        expect(
          forbidden(() => accessFor(owner, rule(routeKey), { segment })),
          `${routeKey} ${segment}`,
        ).toBe(true);
      }
    }
  });

  it('forbids an account manager everything else, and anything the table does not know', () => {
    const allowed = new Set([
      'GET /api/me',
      'GET /api/cases',
      'PATCH /api/cases/{id}',
      'POST /api/cases/{id}/follow-up',
      'GET /api/nps',
      'GET /api/nps/compare',
      'GET /api/responses',
      'GET /api/nps/segments',
      // Win-back cases are cases: their own lost customers'.
      'GET /api/winbacks',
      'PATCH /api/winbacks/{id}',
    ]);
    const others = adminRoutes.filter((routeKey) => !allowed.has(routeKey));
    expect(others).toEqual(
      expect.arrayContaining(['GET /api/audit', 'DELETE /api/customers/{id}', 'GET /api/owners']),
    );
    for (const routeKey of others) {
      expect(
        forbidden(() => accessFor(owner, rule(routeKey), { segment: 'owner:alice' })),
        routeKey,
      ).toBe(true);
    }
    expect(forbidden(() => accessFor(owner, undefined))).toBe(true);
    // An owner session without its owner id reaches nothing of an owner's.
    expect(forbidden(() => accessFor({ role: 'owner', ownerId: null }, rule('GET /api/cases')))).toBe(true);
  });
});

describe('the sign-in email and page', () => {
  const token = newSecret();

  it('links to the callback page, in English or Chinese, and says how long the link works', () => {
    const en = renderSignInEmail({ publicUrl: 'https://nps.example.com', token, brand: 'Acme', minutes: 15 });
    expect(en.text).toContain(`https://nps.example.com/auth/callback?token=${token}`);
    expect(en.subject).toBe('Your sign-in link for Acme');
    expect(en.text).toContain('15 minutes');
    expect(en.unsubscribeUrl).toBeUndefined();
    const zh = renderSignInEmail({
      publicUrl: 'https://nps.example.com',
      token,
      brand: '联想',
      locale: 'zh-CN',
      minutes: 15,
    });
    expect(zh.subject).toBe('您的 联想 登录链接');
    expect(zh.html).toContain('lang="zh-CN"');
    expect(zh.html).toContain(signInCallbackUrl('https://nps.example.com', token));
  });

  it('lands on a page whose button posts the token (a GET uses nothing up)', () => {
    const page = signInConfirmPage({ token, brand: '<b>Acme</b>' });
    expect(page.html).toContain('<form method="post" action="/auth/callback">');
    expect(page.html).toContain(`name="token" value="${token}"`);
    expect(page.html).not.toContain('<b>Acme</b>');
    expect(page.csp).toContain("form-action 'self'");
  });
});
