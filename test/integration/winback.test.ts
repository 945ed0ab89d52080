import { describe, expect, it } from 'vitest';
import type { StoredEmail } from '../../local/client.ts';
import { invoke } from '../../local/lambda.ts';
import type { RecomputeOutcome } from '../../shared/value/recompute.ts';
import { adminFetch, sesEmails, useLocalStack } from '../support/local-stack.ts';

/** A date `daysAgo` days before today (UTC, the stack's time zone), YYYY-MM-DD. */
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

const recompute = async () =>
  (await invoke('recompute-value', {})) as Exclude<RecomputeOutcome, { skipped: string }>;

/** The "why did you leave?" link in an email: its token. */
const leaveTokenOf = (email: StoredEmail): string => {
  const m = /\/leave\/([^?"\s]+)/.exec(email.body.text ?? '');
  if (!m?.[1]) throw new Error('no leave link in the email');
  return decodeURIComponent(m[1]);
};

interface WinBackView {
  lossId: string;
  customerId: string;
  valueTier: string;
  priority: string;
  status: string;
  slaDueAt: string;
  trigger: string;
  churnKind?: string;
  ownerId?: string;
  reason?: string;
  comment?: string;
  notes: Array<{ text: string; status: string }>;
}

/**
 * 100 customers, so the three-way tiers fall cleanly: `best` the top 1 (b-0), `secondary` the next
 * 19, `ordinary` the other 80. Everyone bought 20 days ago except the ones each test sets apart.
 */
const seedCustomers = async (
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>,
  lastBought: Record<string, number>,
) => {
  const ids = Array.from({ length: 100 }, (_, i) => `b-${i}`);
  const customers = ids.map((id) => ({
    id,
    email: `${id}@example.com`,
    name: `Customer ${id}`,
    locale: id === 'b-1' ? 'zh-CN' : 'en',
    ownerId: 'am-1',
  }));
  expect(
    (await api('POST', '/api/owners', { id: 'am-1', name: 'Ann Manager', email: 'am-1@example.com' })).status,
  ).toBe(200);
  expect((await api('POST', '/api/customers', customers)).status).toBe(200);
  const purchases = ids.map((id, i) => ({
    purchaseId: `p-${id}`,
    customerId: id,
    date: day(lastBought[id] ?? 20),
    // Revenue falls with the index: b-0 is the best customer, b-1…b-19 secondary.
    amount: 10_000 - i * 50,
    quantity: 1,
    productId: 'sku-1',
  }));
  expect((await api('POST', '/api/purchases', purchases)).status).toBe(200);
};

describe('win-back by value', () => {
  const stack = useLocalStack({ streamConsumers: [], perTest: true, timeZone: 'UTC' });
  const api = (method: string, path: string, body?: unknown) => adminFetch(stack(), method, path, body);
  const winBacks = async (query = '') =>
    ((await api('GET', `/api/winbacks${query}`)).body as { winBacks: WinBackView[] }).winBacks;

  it('a lapsed key customer gets a case and the email, an ordinary one only the email; a second pass opens nothing', async () => {
    // b-0 (best) and b-5 (secondary) last bought 185 days ago: lost 5 days ago (180 days without a
    // purchase); b-50 (ordinary) 181 days ago. b-70 bought 170 days ago: not lost yet. b-80 was lost
    // 40 days ago, before the 30 days the pass looks back over: a loss of the past, not today's news.
    await seedCustomers(api, { 'b-0': 185, 'b-5': 185, 'b-50': 181, 'b-70': 170, 'b-80': 220 });
    const first = await recompute();
    expect(first.winBack).toMatchObject({ lapsed: 3, marked: 0, cases: 2, surveysSent: 3, wonBack: 0 });

    const cases = await winBacks();
    expect(cases.map((c) => [c.customerId, c.valueTier, c.priority, c.status, c.trigger]).sort()).toEqual([
      ['b-0', 'best', 'urgent', 'open', 'lapsed'],
      ['b-5', 'secondary', 'high', 'open', 'lapsed'],
    ]);
    const best = cases.find((c) => c.customerId === 'b-0') as WinBackView;
    expect(best.ownerId).toBe('am-1');
    // The SLA runs from the case's opening: 24 h for the best tier, 72 h for secondary.
    const hoursLeft = (c: WinBackView) => (Date.parse(c.slaDueAt) - Date.now()) / 3_600_000;
    expect(hoursLeft(best)).toBeGreaterThan(23);
    expect(hoursLeft(best)).toBeLessThanOrEqual(24);
    expect(hoursLeft(cases.find((c) => c.customerId === 'b-5') as WinBackView)).toBeGreaterThan(71);

    const emails = await sesEmails(stack());
    expect(emails.map((e) => e.destination.to[0]).sort()).toEqual([
      'b-0@example.com',
      'b-50@example.com',
      'b-5@example.com',
    ]);
    for (const email of emails) {
      expect(email.subject).toContain('may we ask why you left');
      expect(email.headers?.find((h) => h.name === 'List-Unsubscribe')?.value).toMatch(/\/u\//);
    }

    // The next day's pass (or a replayed one) finds every loss recorded: no case, no email again.
    const second = await recompute();
    expect(second.winBack).toMatchObject({ lapsed: 0, marked: 0, cases: 0, surveysSent: 0 });
    expect(await sesEmails(stack())).toHaveLength(3);
    expect(await winBacks()).toHaveLength(2);
  });

  it('the customer says why on the page (a GET records nothing), the owner reads it, the tally counts it', async () => {
    await seedCustomers(api, { 'b-0': 185, 'b-50': 183 });
    await recompute();
    const emails = await sesEmails(stack());
    const toBest = emails.find((e) => e.destination.to[0] === 'b-0@example.com') as StoredEmail;
    const token = leaveTokenOf(toBest);

    // A scanner (or the person) opening the reason link sees the form with it preselected: nothing recorded.
    const page = await fetch(`${stack().url}/leave/${encodeURIComponent(token)}?reason=price`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/value="price" checked/);
    const before = await api('GET', '/api/winbacks/reasons');
    expect((before.body as { tiers: Array<{ answered: number }> }).tiers.every((t) => t.answered === 0)).toBe(
      true,
    );

    // The person sends the form, with a comment that tries to run script.
    const sent = await fetch(`${stack().url}/leave/${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({
        reason: 'competitor',
        comment: '<script>alert(1)</script> cheaper elsewhere',
      }),
    });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Thank you');

    const [best] = await winBacks();
    expect(best).toMatchObject({ customerId: 'b-0', reason: 'competitor' });
    expect(best?.comment).toBe('<script>alert(1)</script> cheaper elsewhere');
    // The page shows it back as text, preselected, and says it may be changed.
    const again = await (await fetch(`${stack().url}/leave/${encodeURIComponent(token)}`)).text();
    expect(again).toMatch(/value="competitor" checked/);
    expect(again).not.toContain('<script>alert(1)');
    expect(again).toContain('&lt;script&gt;');

    // An unknown reason is a 400 and changes nothing; a tampered token is a 404.
    const bad = await fetch(`${stack().url}/leave/${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ reason: 'weather' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('choose a reason'),
    });
    const tampered = await fetch(`${stack().url}/leave/${encodeURIComponent(`${token.slice(0, -2)}xx`)}`);
    expect(tampered.status).toBe(404);
    // A survey token's MAC is not a leave token's: the same id signed for the other purpose fails.
    const asSurvey = await fetch(`${stack().url}/s/${encodeURIComponent(token)}`);
    expect(asSurvey.status).toBe(404);

    const tally = (await api('GET', '/api/winbacks/reasons')).body as {
      tiers: Array<{
        tier: string;
        lost: number;
        asked: number;
        answered: number;
        reasons: Record<string, number>;
      }>;
    };
    expect(tally.tiers.map((t) => [t.tier, t.lost, t.asked, t.answered])).toEqual([
      ['best', 1, 1, 1],
      ['ordinary', 1, 1, 0],
    ]);
    expect(tally.tiers[0]?.reasons).toMatchObject({ competitor: 1, price: 0 });
  });

  it("a churn marked by hand opens the case at once, by the customer's tier; ended-by-us opens nothing", async () => {
    // b-3 lapsed 5 days ago, but we ended it the day after their last purchase: no loss to fight.
    await seedCustomers(api, { 'b-3': 185 });
    const ended3 = await api('POST', '/api/customers/b-3/churn', { kind: 'ended-by-us', on: day(184) });
    expect(ended3.body).toMatchObject({ winBack: null });
    const pass = await recompute(); // value tiers written on the customers; the lapse is no news
    expect(pass.winBack).toMatchObject({ lapsed: 0, marked: 0, cases: 0, surveysSent: 0 });
    expect(await sesEmails(stack())).toHaveLength(0);

    const marked = await api('POST', '/api/customers/b-1/churn', {
      kind: 'our-fault',
      note: 'outage in May',
    });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ winBack: { case: true, survey: 'sent' } });
    const [c] = await winBacks('?status=open');
    expect(c).toMatchObject({
      customerId: 'b-1',
      valueTier: 'secondary',
      trigger: 'marked',
      churnKind: 'our-fault',
    });
    // b-1 reads Chinese: so does the email.
    const [email] = await sesEmails(stack());
    expect(email?.subject).toMatch(/[\u4e00-\u9fff]/);

    // Marked again (a retried request): the same loss, no second case, no second email.
    expect((await api('POST', '/api/customers/b-1/churn', { kind: 'our-fault' })).status).toBe(200);
    expect(await winBacks()).toHaveLength(1);
    expect(await sesEmails(stack())).toHaveLength(1);

    const ended = await api('POST', '/api/customers/b-2/churn', { kind: 'ended-by-us' });
    expect(ended.body).toMatchObject({ winBack: null });
    expect(await winBacks()).toHaveLength(1);
  });

  it('the owner works the case; a purchase after the loss closes it as won back', async () => {
    await seedCustomers(api, { 'b-0': 185, 'b-3': 186 });
    await recompute();
    const [first, second] = (await winBacks()).sort((a, b) => a.customerId.localeCompare(b.customerId));
    if (!first || !second) throw new Error('two cases expected');

    const noNote = await api('PATCH', `/api/winbacks/${first.lossId}`, { status: 'contacted' });
    expect(noNote.status).toBe(400);
    const contacted = await api('PATCH', `/api/winbacks/${first.lossId}`, {
      status: 'contacted',
      note: 'called, offered a discount',
    });
    expect(contacted.status).toBe(200);
    expect(contacted.body).toMatchObject({
      status: 'contacted',
      notes: [{ text: 'called, offered a discount' }],
    });
    expect(
      (await api('PATCH', `/api/winbacks/${first.lossId}`, { status: 'contacted', note: 'x' })).status,
    ).toBe(409);
    expect((await api('PATCH', '/api/winbacks/nope', { status: 'contacted', note: 'x' })).status).toBe(404);

    // b-0 buys again: the next pass closes the case as won back; b-3's stays open.
    await api('POST', '/api/purchases', [
      { purchaseId: 'p-back', customerId: 'b-0', date: day(1), amount: 500, quantity: 1, productId: 'sku-2' },
    ]);
    const pass = await recompute();
    expect(pass.winBack.wonBack).toBe(1);
    expect(await winBacks('?status=won-back')).toMatchObject([{ customerId: 'b-0' }]);
    expect(await winBacks('?status=open')).toMatchObject([{ customerId: 'b-3' }]);
  });

  it("the leave email's unsubscribe link stops every later email; erasure takes the loss and its case", async () => {
    await seedCustomers(api, { 'b-0': 185 });
    await recompute();
    const [email] = await sesEmails(stack());
    const unsubscribe = (email?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '').slice(
      1,
      -1,
    );
    const path = new URL(unsubscribe).pathname;
    const res = await fetch(`${stack().url}${path}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(200);
    // The address is suppressed for every email: a survey to it is skipped.
    await api('POST', '/api/campaigns', { id: 'support', name: 'After support', brand: 'Acme' });
    const survey = await api('POST', '/api/surveys', {
      customer: 'b-0',
      campaignId: 'support',
      idempotencyKey: 't-1',
    });
    expect(survey.body).toEqual({ scheduled: false, skipped: 'suppressed' });

    const erased = await api('DELETE', '/api/customers/b-0');
    expect(erased.body).toMatchObject({ losses: 1 });
    expect(await winBacks()).toEqual([]);
    const tally = (await api('GET', '/api/winbacks/reasons')).body as { tiers: unknown[] };
    expect(tally.tiers).toEqual([]);
  });
});
