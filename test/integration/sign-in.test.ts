import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { hashOf, newSecret } from '../../shared/auth/credentials.ts';
import { escalateOverdueCases } from '../../shared/cases/escalate.ts';
import { putSignIn } from '../../shared/store/auth.ts';
import type { Case } from '../../shared/store/schemas.ts';
import {
  adminFetch,
  postAnswer,
  type StoredEmail,
  sesEmails,
  tokenOf,
  useLocalStack,
} from '../support/local-stack.ts';

const ADMIN = 'boss@example.com';
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
/** The escalation owner: owns no customer, and works the cases escalated to them. */
const CAROL = 'carol@example.com';

interface Signed {
  /** The session cookie's value. */
  session: string;
  csrfToken: string;
}

/**
 * People and roles, against the real local stack over HTTP: account managers (owners alice and bob)
 * and an admin (ADMIN_EMAILS) sign in with one-time links from the local SES inbox; alice then sees
 * and works only her own customers' cases and segment; the audit log records who did what. Every
 * test signs in on its own (each address at most twice in the file, under the 5-a-window limit)
 * and touches cases no other test moves backwards, so they pass alone and in any order.
 */
describe('sign-in, sessions and roles', () => {
  const stack = useLocalStack({
    extraEnv: { ADMIN_EMAILS: ` ${ADMIN.toUpperCase()} , admin2@example.com`, ESCALATION_OWNER_ID: 'carol' },
  });
  const s = (): LocalStack => stack();
  let cases: Case[];

  const caseOf = (customerId: string): Case => {
    const found = cases.find((c) => c.customerId === customerId);
    if (!found) throw new Error(`no case for ${customerId}`);
    return found;
  };

  // Two owners, two customers each, every one a detractor: two open cases each.
  beforeAll(async () => {
    for (const [id, email] of [
      ['alice', ALICE],
      ['bob', BOB],
      ['carol', CAROL],
    ]) {
      expect(
        (await adminFetch(s(), 'POST', '/api/owners', { id, name: id, email, locale: 'en' })).status,
      ).toBe(200);
    }
    await adminFetch(s(), 'POST', '/api/customers', [
      { id: 'a1', email: 'a1@customers.example', ownerId: 'alice', attributes: { tier: 'key' } },
      { id: 'a2', email: 'a2@customers.example', ownerId: 'alice', attributes: { tier: 'smb' } },
      { id: 'b1', email: 'b1@customers.example', ownerId: 'bob', attributes: { tier: 'key' } },
      { id: 'b2', email: 'b2@customers.example', ownerId: 'bob', attributes: { tier: 'smb' } },
    ]);
    await adminFetch(s(), 'POST', '/api/campaigns', { id: 'spring', name: 'Spring', fatigueDays: 0 });
    expect((await adminFetch(s(), 'POST', '/api/campaigns/spring/send')).status).toBe(202);
    await s().settle();
    const surveys = (await sesEmails(s())).filter((e) => e.destination.to[0]?.endsWith('@customers.example'));
    expect(surveys).toHaveLength(4);
    for (const email of surveys)
      expect((await postAnswer(s(), tokenOf(email), { score: 3 })).status).toBe(200);
    await s().settle();
    cases = (await adminFetch(s(), 'GET', '/api/cases')).body.cases as Case[];
    expect(cases.map((c) => `${c.customerId}:${c.ownerId}`).sort()).toEqual([
      'a1:alice',
      'a2:alice',
      'b1:bob',
      'b2:bob',
    ]);
  });

  const signInEmailsTo = async (address: string): Promise<StoredEmail[]> =>
    (await sesEmails(s())).filter(
      (e) => e.destination.to.includes(address) && /sign-in link/.test(e.subject),
    );

  const linkOf = (email: StoredEmail | undefined): string => {
    const link = email?.body.text?.match(/https?:\/\/\S+\/auth\/callback\?token=\S+/)?.[0];
    if (!link) throw new Error('no sign-in link in the email');
    return link;
  };

  const askForLink = (email: string, headers: Record<string, string> = {}) =>
    fetch(`${s().url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ email }),
    });

  /** Asks for a link and returns the one that arrived. */
  const requestLink = async (email: string): Promise<string> => {
    const before = (await signInEmailsTo(email)).length;
    const res = await askForLink(email);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'sent' });
    // The email goes out after the answer, from its own function (invoked asynchronously).
    await s().settle();
    const emails = await signInEmailsTo(email);
    expect(emails).toHaveLength(before + 1);
    return linkOf(emails.at(-1));
  };

  const tokenIn = (link: string) => new URL(link).searchParams.get('token') ?? '';

  /** The button of the link's page: a same-site form post. */
  const postCallback = (token: string) =>
    fetch(`${s().url}/auth/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });

  const sessionOf = (res: Response): string => {
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('nps_session='));
    const value = cookie?.split(';')[0]?.slice('nps_session='.length);
    if (!value) throw new Error('no session cookie');
    return value;
  };

  const api = (
    method: string,
    path: string,
    opts: { session?: string; csrf?: string; body?: unknown; bearer?: boolean } = {},
  ) =>
    fetch(`${s().url}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(opts.session ? { cookie: `nps_session=${opts.session}` } : {}),
        ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}),
        ...(opts.bearer ? { authorization: `Bearer ${s().adminKey}` } : {}),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });

  const me = async (session: string) => {
    const res = await api('GET', '/api/me', { session });
    expect(res.status).toBe(200);
    return (await res.json()) as { role: string; ownerId: string | null; email: string; csrfToken: string };
  };

  const signIn = async (email: string): Promise<Signed> => {
    const res = await postCallback(tokenIn(await requestLink(email)));
    expect(res.status).toBe(303);
    const session = sessionOf(res);
    return { session, csrfToken: (await me(session)).csrfToken };
  };

  it('signs an account manager in: link by email, a page that uses nothing, one post that does, the cookie, /api/me', async () => {
    const link = await requestLink(ALICE);
    expect(link.startsWith(`${s().url}/auth/callback?token=`)).toBe(true);
    const token = tokenIn(link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A mail scanner, then the person: the page shows a button twice, and the link still works.
    for (let i = 0; i < 2; i++) {
      const page = await fetch(link);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.getSetCookie()).toEqual([]);
      const html = await page.text();
      expect(html).toContain('<form method="post" action="/auth/callback">');
      expect(html).toContain(`value="${token}"`);
      expect(html).toContain('<button type="submit">Sign in</button>');
    }

    const res = await postCallback(token);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const [cookie] = res.headers.getSetCookie();
    const [pair, ...attributes] = (cookie ?? '').split(';').map((p) => p.trim());
    expect(pair).toMatch(/^nps_session=[A-Za-z0-9_-]{43}$/);
    // Local mode serves plain http: everything but Secure.
    expect(attributes).toEqual(['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${8 * 3600}`]);
    const session = sessionOf(res);
    const who = await me(session);
    expect(who).toEqual({ role: 'owner', ownerId: 'alice', email: ALICE, csrfToken: expect.any(String) });
    expect(who.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The same link again: refused, the first session untouched.
    const again = await postCallback(token);
    expect(again.status).toBe(410);
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(await again.text()).toContain('already used');
    expect((await me(session)).ownerId).toBe('alice');

    // A token nobody issued, or none at all.
    expect((await postCallback(newSecret())).status).toBe(404);
    expect((await fetch(`${s().url}/auth/callback`)).status).toBe(404);
  });

  it('shows an account manager only their own cases and segment, lets them work their own case, and nothing else', async () => {
    const alice = await signIn(ALICE);
    const as = { session: alice.session, csrf: alice.csrfToken };

    const listed = await api('GET', '/api/cases?limit=1', as);
    expect(listed.status).toBe(200);
    const first = (await listed.json()) as { cases: Case[]; cursor: string | null };
    expect(first.cases.map((c) => c.ownerId)).toEqual(['alice']);
    expect(first.cursor).not.toBeNull();
    // Paging goes on through her cases only, and ends.
    const rest = (await (await api('GET', `/api/cases?limit=5&cursor=${first.cursor}`, as)).json()) as {
      cases: Case[];
      cursor: string | null;
    };
    expect([...first.cases, ...rest.cases].map((c) => c.customerId).sort()).toEqual(['a1', 'a2']);
    expect(rest.cursor).toBeNull();

    // Her own case: moved (the CSRF header sent); without the header a write is refused.
    const own = `/api/cases/${caseOf('a1').caseId}`;
    const noCsrf = await api('PATCH', own, { session: alice.session, body: { status: 'acknowledged' } });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    const wrongCsrf = await api('PATCH', own, { ...as, csrf: newSecret(), body: { status: 'acknowledged' } });
    expect(wrongCsrf.status).toBe(403);
    const moved = await api('PATCH', own, { ...as, body: { status: 'acknowledged' } });
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as Case).status).toBe('acknowledged');

    // Bob's case is no case of hers: 404, worded as for a case that does not exist, and untouched.
    const bobs = caseOf('b1').caseId;
    const bobsNow = async () =>
      ((await (await api('GET', '/api/cases', { bearer: true })).json()) as { cases: Case[] }).cases.find(
        (c) => c.caseId === bobs,
      );
    const before = await bobsNow();
    const other = await api('PATCH', `/api/cases/${bobs}`, {
      ...as,
      body: { status: 'contacted', note: 'x' },
    });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { message: string } }).error.message).toBe(
      `case ${bobs} does not exist`,
    );
    const missing = await api('PATCH', '/api/cases/no-such-case', {
      ...as,
      body: { status: 'acknowledged' },
    });
    expect(missing.status).toBe(404);
    expect((await api('POST', `/api/cases/${bobs}/follow-up`, as)).status).toBe(404);
    expect(await bobsNow()).toEqual(before);

    // Her own segment, and no other.
    expect((await api('GET', '/api/nps?segment=owner:alice&window=all', as)).status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const compare = `/api/nps/compare?segment=owner:alice&from=${today}&to=${today}&against=previous`;
    expect((await api('GET', compare, as)).status).toBe(200);
    const responses = await api('GET', '/api/responses?segment=owner:alice', as);
    expect(responses.status).toBe(200);
    const answered = ((await responses.json()) as { responses: Array<{ customerId: string }> }).responses;
    expect(answered.map((r) => r.customerId).sort()).toEqual(['a1', 'a2']);
    for (const path of [
      '/api/nps?segment=owner:bob&window=all',
      '/api/nps?window=all',
      '/api/nps/compare?segment=all',
      '/api/responses',
      '/api/responses?segment=tier:key',
    ]) {
      const res = await api('GET', path, as);
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    const segments = (await (await api('GET', '/api/nps/segments?window=all', as)).json()) as {
      segments: Array<{ segment: string; responses: number }>;
    };
    expect(segments.segments).toEqual([expect.objectContaining({ segment: 'owner:alice', responses: 2 })]);

    // Everything else is for admins.
    for (const [method, path] of [
      ['GET', '/api/owners'],
      ['GET', '/api/audit'],
      ['GET', '/api/cases/metrics'],
      ['GET', '/api/customers/a1'],
      ['DELETE', '/api/customers/b2'],
      ['PUT', '/api/routing'],
    ] as const) {
      const res = await api(method, path, { ...as, body: method === 'PUT' ? { rules: [] } : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('forbidden');
      expect(body.error.message).toMatch(/Only an admin/);
    }
  });

  it('lets the escalation owner see and work the cases escalated to them, and no other', async () => {
    const all = async () =>
      ((await (await api('GET', '/api/cases?limit=100', { bearer: true })).json()) as { cases: Case[] })
        .cases;
    // Past every SLA: each case still open is escalated to carol (a2's at least: no test moves it).
    const lastDue = Math.max(...(await all()).map((c) => Date.parse(c.slaDueAt)));
    await escalateOverdueCases(new Date(lastDue + 60_000));
    const cases = await all();
    const hers = cases.filter((c) => c.escalatedTo === 'carol').map((c) => c.caseId);
    expect(hers).toContain(caseOf('a2').caseId);

    const carol = await signIn(CAROL);
    const as = { session: carol.session, csrf: carol.csrfToken };
    const listed = (await (await api('GET', '/api/cases?limit=100', as)).json()) as { cases: Case[] };
    expect(listed.cases.map((c) => c.caseId).sort()).toEqual([...hers].sort());
    // She works alice's escalated case; alice still has it.
    const a2 = await api('PATCH', `/api/cases/${caseOf('a2').caseId}`, {
      ...as,
      body: { status: 'acknowledged' },
    });
    expect(a2.status).toBe(200);
    expect((await a2.json()) as Case).toMatchObject({
      status: 'acknowledged',
      ownerId: 'alice',
      escalatedTo: 'carol',
    });
    // A case not escalated to her is no case of hers.
    for (const other of cases.filter((c) => c.escalatedTo !== 'carol')) {
      const res = await api('PATCH', `/api/cases/${other.caseId}`, {
        ...as,
        body: { status: 'contacted', note: 'x' },
      });
      expect(res.status, other.customerId).toBe(404);
    }
  });

  it("ends an account manager's sessions when their owner is given another address", async () => {
    const saveDave = async (email: string) =>
      expect(
        (await adminFetch(s(), 'POST', '/api/owners', { id: 'dave', name: 'Dave', email, locale: 'en' }))
          .status,
      ).toBe(200);
    await saveDave('dave@example.com');
    const dave = await signIn('dave@example.com');
    expect((await me(dave.session)).ownerId).toBe('dave');
    // Saved again unchanged, the session goes on; with another address it ends at once.
    await saveDave('DAVE@example.com');
    expect((await api('GET', '/api/me', { session: dave.session })).status).toBe(200);
    await saveDave('dave.new@example.com');
    const ended = await api('GET', '/api/cases', { session: dave.session });
    expect(ended.status).toBe(401);
    expect(((await ended.json()) as { error: { message: string } }).error.message).toBe(
      'Your session has ended: sign in again.',
    );
    // The new address signs in as dave; the old one as nobody.
    expect((await me((await signIn('dave.new@example.com')).session)).ownerId).toBe('dave');
    await askForLink('dave@example.com');
    await s().settle();
    expect(await signInEmailsTo('dave@example.com')).toHaveLength(1);
  });

  it('refuses an expired link with a clear 410 page', async () => {
    const token = newSecret();
    const sent = new Date(Date.now() - 20 * 60_000);
    await putSignIn(
      hashOf(token),
      {
        email: ALICE,
        role: 'owner',
        ownerId: 'alice',
        createdAt: sent.toISOString(),
        expiresAt: new Date(sent.getTime() + 15 * 60_000).toISOString(),
      },
      new Date(Date.now() + 86_400_000),
    );
    const res = await postCallback(token);
    expect(res.status).toBe(410);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.text()).toContain('This sign-in link has expired');
    // A script asking for JSON gets the API's error shape.
    const json = await fetch(`${s().url}/auth/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(json.status).toBe(410);
    expect(await json.json()).toEqual({
      error: { code: 'sign_in_link_expired', message: 'This sign-in link has expired. Ask for a new one.' },
    });
  });

  it('answers an unknown address exactly as a known one, and emails nothing', async () => {
    const before = (await sesEmails(s())).length;
    const res = await askForLink('stranger@example.com');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'sent' });
    await s().settle();
    expect(await sesEmails(s())).toHaveLength(before);
    // A browser's form post gets a page that says the same whoever asks.
    const form = await fetch(`${s().url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'email=stranger%40example.com',
    });
    expect(form.status).toBe(202);
    expect(await form.text()).toContain('If this address may sign in');
    expect((await askForLink('not an address')).status).toBe(400);
  });

  it('sends at most 5 links per address in 15 minutes, known or not', async () => {
    const statuses: number[] = [];
    // Eleven asks: more than five fall in one window even if a window ends during the test.
    for (let i = 0; i < 11; i++) statuses.push((await askForLink('flood@example.com')).status);
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses).toContain(429);
    const limited = await askForLink('flood@example.com');
    if (limited.status === 429) {
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe(
        'too_many_sign_in_requests',
      );
    }
  });

  it('signs out: a write like any other (CSRF), the cookie cleared, the session gone', async () => {
    const bob = await signIn(BOB);
    const noCsrf = await fetch(`${s().url}/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: `nps_session=${bob.session}`, accept: 'application/json' },
      redirect: 'manual',
    });
    expect(noCsrf.status).toBe(403);
    expect((await me(bob.session)).ownerId).toBe('bob');

    const out = await fetch(`${s().url}/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: `nps_session=${bob.session}`, 'x-csrf-token': bob.csrfToken },
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/dashboard');
    expect(out.headers.getSetCookie()).toEqual([
      'nps_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
    ]);
    const after = await api('GET', '/api/me', { session: bob.session });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    // Signing out again, or with no session: nothing to end, the cookie cleared all the same.
    const again = await fetch(`${s().url}/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: `nps_session=${bob.session}`, accept: 'application/json' },
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'signed-out' });
  });

  it('refuses /api without the key or a live session', async () => {
    expect((await api('GET', '/api/me')).status).toBe(401);
    expect((await api('GET', '/api/me', { session: newSecret() })).status).toBe(401);
    expect((await api('GET', '/api/cases', { session: 'not-a-session' })).status).toBe(401);
    const wrongKey = await fetch(`${s().url}/api/me`, {
      headers: { authorization: 'Bearer wrong-key-0123456789' },
    });
    expect(wrongKey.status).toBe(401);
  });

  it('lets an admin sign in, do everything, and read the audit log: sign-ins, case moves, erasures', async () => {
    const admin = await signIn(ADMIN);
    const as = { session: admin.session, csrf: admin.csrfToken };
    expect(await me(admin.session)).toEqual({
      role: 'admin',
      ownerId: null,
      email: ADMIN,
      csrfToken: admin.csrfToken,
    });

    // Every case, every segment.
    const all = (await (await api('GET', '/api/cases', as)).json()) as { cases: Case[] };
    expect(new Set(all.cases.map((c) => c.ownerId))).toEqual(new Set(['alice', 'bob']));
    expect((await api('GET', '/api/nps?segment=all&window=all', as)).status).toBe(200);

    const b2 = caseOf('b2').caseId;
    expect(
      (await api('PATCH', `/api/cases/${b2}`, { ...as, body: { status: 'contacted', note: 'Called.' } }))
        .status,
    ).toBe(200);
    const resolve = { status: 'resolved', outcome: 'Refunded the order.' };
    expect((await api('PATCH', `/api/cases/${b2}`, { ...as, body: resolve })).status).toBe(200);
    const followUp = await api('POST', `/api/cases/${b2}/follow-up`, as);
    expect(followUp.status).toBe(200);
    expect(((await followUp.json()) as Case).followUp?.message).toBe('Refunded the order.');
    expect(
      (
        await api('POST', '/api/customers', {
          ...as,
          body: [{ id: 'leaver', email: 'leaver@customers.example' }],
        })
      ).status,
    ).toBe(200);
    expect((await api('DELETE', '/api/customers/leaver', as)).status).toBe(200);

    const read = await api('GET', '/api/audit?limit=200', as);
    expect(read.status).toBe(200);
    const log = (await read.json()) as {
      entries: Array<{
        at: string;
        action: string;
        actor: { via: string; role: string; email: string | null; ownerId: string | null };
        caseId?: string;
        from?: string;
        to?: string;
        customerId?: string;
      }>;
      cursor: string | null;
    };
    const byAdmin = { via: 'session', role: 'admin', email: ADMIN, ownerId: null };
    expect(log.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'auth.sign-in', actor: byAdmin }),
        expect.objectContaining({
          action: 'case.update',
          actor: byAdmin,
          caseId: b2,
          from: 'open',
          to: 'contacted',
        }),
        expect.objectContaining({ action: 'case.update', caseId: b2, from: 'contacted', to: 'resolved' }),
        expect.objectContaining({ action: 'case.follow-up', actor: byAdmin, caseId: b2 }),
        expect.objectContaining({
          action: 'customer.erase',
          actor: byAdmin,
          customerId: expect.stringMatching(/^ref:[A-Za-z0-9_-]{22}$/),
        }),
      ]),
    );
    // Newest first, and no customer's address anywhere in it.
    const times = log.entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(JSON.stringify(log)).not.toMatch(/@customers\.example/);

    // Paging: one entry a page, no entry twice.
    const first = (await (await api('GET', '/api/audit?limit=1', as)).json()) as typeof log;
    expect(first.entries).toHaveLength(1);
    const second = (await (
      await api('GET', `/api/audit?limit=1&cursor=${first.cursor}`, as)
    ).json()) as typeof log;
    expect((second.entries[0]?.at ?? '') <= (first.entries[0]?.at ?? '')).toBe(true);
    expect(second.entries[0]).not.toEqual(first.entries[0]);
  });

  it('still takes the bearer key everywhere, with no CSRF header, and audits it as the key', async () => {
    expect(await (await api('GET', '/api/me', { bearer: true })).json()).toEqual({
      role: 'admin',
      ownerId: null,
      email: null,
      csrfToken: null,
    });
    const b1 = caseOf('b1').caseId;
    // b1 is only ever acknowledged (by this test), so the move holds in any order.
    const moved = await api('PATCH', `/api/cases/${b1}`, { bearer: true, body: { status: 'acknowledged' } });
    expect(moved.status).toBe(200);
    const all = (await (await api('GET', '/api/cases', { bearer: true })).json()) as { cases: Case[] };
    expect(all.cases).toHaveLength(4);
    expect((await api('GET', '/api/owners', { bearer: true })).status).toBe(200);
    const log = (await (await api('GET', '/api/audit', { bearer: true })).json()) as {
      entries: Array<{ action: string; caseId?: string; actor: unknown }>;
    };
    expect(log.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'case.update',
          caseId: b1,
          actor: { via: 'admin-key', role: 'admin', email: null, ownerId: null },
        }),
      ]),
    );
  });
});
