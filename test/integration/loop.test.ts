import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhook-receiver.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import {
  adminFetch,
  postAnswer,
  type StoredEmail,
  sesEmails,
  tokenOf,
  useLocalStack,
} from '../support/local-stack.ts';

const CUSTOMERS = [
  {
    id: 'k1',
    email: 'k1@example.com',
    name: 'Kim Key',
    ownerId: 'alice',
    attributes: { tier: 'key', region: 'emea' },
  },
  {
    id: 'k2',
    email: 'k2@example.com',
    name: 'Kai Key',
    ownerId: 'alice',
    attributes: { tier: 'key', region: 'na' },
  },
  {
    id: 's1',
    email: 's1@example.com',
    name: '<b>Sam</b> & Co',
    ownerId: 'bob',
    attributes: { tier: 'smb', region: 'emea' },
  },
  {
    id: 's2',
    email: 's2@example.com',
    name: 'Sue Smb',
    ownerId: 'bob',
    attributes: { tier: 'smb', region: 'na' },
  },
  {
    id: 's3',
    email: 's3@example.com',
    name: 'Stu Smb',
    ownerId: 'bob',
    attributes: { tier: 'smb', region: 'apac' },
  },
  {
    id: 'x1',
    email: 'x1@example.com',
    name: 'Out Of Audience',
    ownerId: 'bob',
    attributes: { tier: 'trial' },
  },
];

/**
 * The loop as one story — send, answer, edit, answer by form, unsubscribe, erase — told afresh for
 * every test: each starts on its own empty stack and webhook receiver, replays the steps before its
 * own with the helpers below, and checks only its own step. Any test runs alone, in any order.
 */
describe('the closed loop, end to end on the local stack', () => {
  // Each update alerts at once here; the debounce of updates has its own test (answer-replay).
  const stack = useLocalStack({ perTest: true, extraEnv: { ALERT_DEBOUNCE_SECONDS: '0' } });
  const secrets = { '/alice': newWebhookSecret(), '/bob': newWebhookSecret() };
  let receiver: WebhookReceiver;
  let emails: Map<string, StoredEmail>;

  beforeEach(async () => {
    receiver = await startWebhookReceiver({ secrets });
  });
  afterEach(async () => {
    await receiver.close();
  });

  const token = (address: string) => tokenOf(emails.get(address) as StoredEmail);

  /** Owners with webhooks, the customers, and campaign q4 sent to the key and smb tiers. */
  const sendQ4 = async () => {
    for (const [path, secret] of Object.entries(secrets)) {
      const id = path.slice(1);
      const res = await adminFetch(stack(), 'POST', '/api/owners', {
        id,
        name: id.toUpperCase(),
        webhookUrl: `${receiver.url}${path}`,
        webhookSecret: secret,
      });
      expect(res.status).toBe(200);
    }
    expect((await adminFetch(stack(), 'POST', '/api/customers', CUSTOMERS)).status).toBe(200);
    const campaign = await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'q4',
      name: 'Q4',
      brand: 'Acme',
      audience: { tier: ['key', 'smb'] },
    });
    expect(campaign.status).toBe(201);
    const send = await adminFetch(stack(), 'POST', '/api/campaigns/q4/send');
    expect(send.status).toBe(202);
    await stack().settle();
    emails = new Map((await sesEmails(stack())).map((e) => [e.destination.to[0] ?? '', e]));
    return send;
  };

  const FIRST_ANSWERS: Record<string, number> = {
    'k1@example.com': 3,
    'k2@example.com': 10,
    's1@example.com': 9,
    's2@example.com': 7,
    's3@example.com': 5,
  };
  const answerQ4 = async () => {
    for (const [address, score] of Object.entries(FIRST_ANSWERS)) {
      const res = await postAnswer(stack(), token(address), { score });
      expect(res.status).toBe(200);
    }
    await stack().settle();
  };

  /** s3 raises the score to 9; k1 keeps 3 and adds a comment. */
  const editAnswers = async () => {
    expect((await postAnswer(stack(), token('s3@example.com'), { score: 9 })).status).toBe(200);
    expect(
      (
        await postAnswer(stack(), token('k1@example.com'), {
          score: 3,
          comment: 'Support never called back.',
        })
      ).status,
    ).toBe(200);
    await stack().settle();
  };

  /** k2 changes the answer to 8 with a comment, by a plain form post. */
  const formPostK2 = () =>
    fetch(`${stack().url}/s/${token('k2@example.com')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'score=8&comment=Fine%20%3Cmostly%3E',
    });

  /** s2 unsubscribes in one click, then campaign q1 goes to everyone. */
  const unsubscribeS2AndSendQ1 = async () => {
    const res = await fetch(`${stack().url}/u/${token('s2@example.com')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'q1', name: 'Q1', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/q1/send');
    await stack().settle();
    return res;
  };

  it('sends one survey email per audience member, with one-click unsubscribe headers', async () => {
    const send = await sendQ4();
    expect(send.body.runId).toMatch(/^run_/);

    const all = await sesEmails(stack());
    expect(all).toHaveLength(5);
    expect(emails.has('x1@example.com')).toBe(false);

    const email = emails.get('s1@example.com');
    expect(email?.subject).toBe('A quick question about Acme');
    expect(email?.headers).toEqual(
      expect.arrayContaining([
        { name: 'List-Unsubscribe', value: expect.stringMatching(/^<http:\/\/127\.0\.0\.1:\d+\/u\/.+>$/) },
        { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
      ]),
    );
    expect(email?.body.html?.match(/\?score=\d+"/g)).toHaveLength(11);
    expect(email?.body.html).toContain('&lt;b&gt;Sam&lt;/b&gt; &amp; Co');
    expect(email?.body.html).not.toContain('<b>Sam</b>');

    const run = await adminFetch(stack(), 'GET', '/api/campaigns/q4');
    expect(run.body.runs).toEqual([
      expect.objectContaining({ status: 'sent', invited: 5, sent: 5, skipped: 0 }),
    ]);
  });

  it('never records a score on a bare GET of a survey link', async () => {
    await sendQ4();
    const page = await fetch(`${stack().url}/s/${token('k1@example.com')}?score=3`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('value="3" checked');
    await stack().settle();
    const responses = await adminFetch(stack(), 'GET', '/api/responses');
    expect(responses.body.responses).toEqual([]);
  });

  it('rolls answers up per segment exactly and alerts the owner of a detractor with a signed webhook', async () => {
    await sendQ4();
    await answerQ4();

    const overall = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    expect(overall.body.points).toEqual([
      expect.objectContaining({
        period: 'all',
        responses: 5,
        promoters: 2,
        passives: 1,
        detractors: 2,
        nps: 0,
      }),
    ]);
    const key = await adminFetch(stack(), 'GET', '/api/nps?segment=tier:key&window=month');
    expect(key.body.points).toEqual([
      // Adjusted Wald: n' = 5, p' = d' = 0.35 → 0 ± 1.96 × sqrt(0.7 / 5) × 100 = ±73.3 (plain Wald said ±138.6).
      expect.objectContaining({
        responses: 2,
        promoters: 1,
        detractors: 1,
        nps: 0,
        marginOfError: 73.3,
        interval: { low: -73.3, high: 73.3 },
        lowN: true,
      }),
    ]);
    const segments = await adminFetch(stack(), 'GET', '/api/nps/segments?window=all');
    const bySegment = Object.fromEntries(
      (segments.body.segments as Array<{ segment: string; nps: number; responses: number }>).map((s) => [
        s.segment,
        s,
      ]),
    );
    expect(bySegment['tier:smb']).toMatchObject({ responses: 3, nps: 0 });
    expect(bySegment['owner:bob']).toMatchObject({ responses: 3 });
    expect(bySegment['region:emea']).toMatchObject({ responses: 2, nps: 0 });
    expect(bySegment['campaign:q4']).toMatchObject({ responses: 5 });

    const hooks = receiver.received.filter((h) => h.path === '/alice');
    expect(hooks).toHaveLength(1);
    const hook = hooks[0];
    // Verified independently with the standardwebhooks package, as a receiver would.
    const payload = new Webhook(secrets['/alice']).verify(hook?.body ?? '', hook?.headers ?? {}) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      type: 'detractor.created',
      case: { status: 'open', slaDueAt: expect.any(String) },
      response: { score: 3, comment: null },
      customer: {
        id: 'k1',
        name: 'Kim Key',
        email: 'k1@example.com',
        attributes: { tier: 'key', region: 'emea' },
      },
      owner: { id: 'alice', name: 'ALICE' },
      links: {
        case: expect.stringContaining('/dashboard#case='),
        dashboard: expect.stringContaining('/dashboard'),
      },
    });
    expect(receiver.received.filter((h) => h.path === '/bob')).toHaveLength(1);

    const cases = await adminFetch(stack(), 'GET', '/api/cases?status=open');
    expect((cases.body.cases as unknown[]).length).toBe(2);
  });

  it('moves the counts when a score is edited, and alerts again when a detractor adds a comment', async () => {
    await sendQ4();
    await answerQ4();
    await editAnswers();

    const overall = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    expect(overall.body.points).toEqual([
      expect.objectContaining({ responses: 5, promoters: 3, passives: 1, detractors: 1, nps: 40 }),
    ]);
    const updates = receiver.received.filter((h) => h.path === '/alice');
    expect(updates).toHaveLength(2);
    expect(updates[1]?.verified).toBe(true);
    expect(updates[1]?.payload).toMatchObject({
      type: 'detractor.updated',
      response: { score: 3, comment: 'Support never called back.' },
    });
    const responses = await adminFetch(stack(), 'GET', '/api/responses?segment=tier:key');
    expect(responses.body.responses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ customerId: 'k1', score: 3, comment: 'Support never called back.' }),
      ]),
    );
  });

  it('accepts a plain form post, the path without JavaScript', async () => {
    await sendQ4();
    await answerQ4();
    const res = await formPostK2();
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Thank you');
    expect(html).toContain('Fine &lt;mostly&gt;');
    await stack().settle();
    const key = await adminFetch(stack(), 'GET', '/api/nps?segment=tier:key&window=all');
    expect(key.body.points).toEqual([expect.objectContaining({ responses: 2, passives: 1, detractors: 1 })]);
  });

  it('unsubscribes in one click and skips the address in the next run', async () => {
    await sendQ4();
    const res = await unsubscribeS2AndSendQ1();
    expect(res.status).toBe(200);
    const q1 = await adminFetch(stack(), 'GET', '/api/campaigns/q1');
    expect(q1.body.runs).toEqual([expect.objectContaining({ invited: 5, sent: 5, skipped: 1 })]);
  });

  it('erases a customer on request: personal data gone, their answers out of every aggregate', async () => {
    await sendQ4();
    await answerQ4();
    await editAnswers();
    expect((await formPostK2()).status).toBe(200);
    await stack().settle();
    await unsubscribeS2AndSendQ1();
    const before = await adminFetch(stack(), 'GET', '/api/nps?segment=tier:key&window=all');
    expect(before.body.points).toEqual([expect.objectContaining({ responses: 2 })]);
    const erased = await adminFetch(stack(), 'DELETE', '/api/customers/k1');
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ customer: true, invites: 2, responses: 1, cases: 1 });
    expect((erased.body.alerts as number) >= 2).toBe(true);
    await stack().settle();
    expect((await adminFetch(stack(), 'GET', '/api/customers/k1')).status).toBe(404);
    const after = await adminFetch(stack(), 'GET', '/api/nps?segment=tier:key&window=all');
    expect(after.body.points).toEqual([
      expect.objectContaining({ responses: 1, detractors: 0, passives: 1 }),
    ]);
    const cases = await adminFetch(stack(), 'GET', '/api/cases');
    expect((cases.body.cases as Array<{ customerId: string }>).some((c) => c.customerId === 'k1')).toBe(
      false,
    );
    // A repeated erasure is no news: nothing left to delete, and the customer stays erased.
    const again = await adminFetch(stack(), 'DELETE', '/api/customers/k1');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ customer: false, invites: 0, responses: 0, cases: 0, alerts: 0 });
    const recreated = await adminFetch(stack(), 'POST', '/api/customers', [CUSTOMERS[0]]);
    expect(recreated.status).toBe(409);
    expect(recreated.body.error?.code).toBe('customer_erased');
    expect((await adminFetch(stack(), 'DELETE', '/api/customers/nobody')).status).toBe(404);
  });
});
