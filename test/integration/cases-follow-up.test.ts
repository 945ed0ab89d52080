import { beforeEach, describe, expect, it } from 'vitest';
import type { Case } from '../../shared/store/schemas.ts';
import {
  adminFetch,
  postAnswer,
  type StoredEmail,
  sesEmails,
  tokenOf,
  useLocalStack,
} from '../support/local-stack.ts';

/**
 * Every test starts on its own empty stack with four answered detractor cases (beforeEach), and
 * replays any earlier step it builds on with the helpers below: any test runs alone, in any order.
 */
describe('telling the customer what was done: the follow-up email', () => {
  const stack = useLocalStack({ perTest: true });
  // Survey emails (by message id) and each customer's case, for this test's stack only.
  let surveys: Map<string, StoredEmail>;
  let caseIds: Map<string, string>;

  const resolve = async (customerId: string, outcome: string) => {
    const res = await adminFetch(stack(), 'PATCH', `/api/cases/${caseIds.get(customerId)}`, {
      status: 'resolved',
      outcome,
    });
    expect(res.status).toBe(200);
  };
  const followUp = (customerId: string, body?: unknown) =>
    adminFetch(stack(), 'POST', `/api/cases/${caseIds.get(customerId)}/follow-up`, body);
  const mailTo = async (address: string) =>
    (await sesEmails(stack())).filter((e) => e.destination.to.includes(address) && !surveys.has(e.messageId));

  beforeEach(async () => {
    surveys = new Map();
    caseIds = new Map();
    await adminFetch(stack(), 'POST', '/api/owners', { id: 'alice', name: 'Alice' });
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'de1', email: 'de1@example.com', name: '<b>Dora</b> & Söhne', locale: 'de', ownerId: 'alice' },
      { id: 'fr1', email: 'fr1@example.com', name: 'Fleur', locale: 'fr', ownerId: 'alice' },
      { id: 'en1', email: 'en1@example.com', name: 'Ed', ownerId: 'alice' },
      { id: 'gone', email: 'gone@example.com', name: 'Gone', ownerId: 'alice' },
    ]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'c1', name: 'C1', brand: 'Acme' });
    await adminFetch(stack(), 'POST', '/api/campaigns/c1/send');
    await stack().settle();
    for (const email of await sesEmails(stack())) surveys.set(email.messageId, email);
    const tokenFor = (address: string) => {
      const email = [...surveys.values()].find((e) => e.destination.to.includes(address));
      if (!email) throw new Error(`no survey for ${address}`);
      return tokenOf(email);
    };
    await postAnswer(stack(), tokenFor('de1@example.com'), {
      score: 2,
      comment: 'Viel zu teuer <script>alert(1)</script>',
    });
    await postAnswer(stack(), tokenFor('fr1@example.com'), { score: 4 });
    await postAnswer(stack(), tokenFor('en1@example.com'), { score: 1, comment: 'Nobody answered.' });
    await postAnswer(stack(), tokenFor('gone@example.com'), { score: 0 });
    // gone@ unsubscribes (one click) after answering.
    await fetch(`${stack().url}/u/${tokenFor('gone@example.com')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    await stack().settle();
    const cases = (await adminFetch(stack(), 'GET', '/api/cases')).body.cases as Case[];
    for (const c of cases) caseIds.set(c.customerId, c.caseId);
    expect(caseIds.size).toBe(4);
  });

  /** de1's case resolved with an outcome, and the follow-up sent. */
  const resolveAndFollowUpDe1 = async () => {
    await resolve('de1', 'Wir haben Ihnen 20 % <Rabatt> gutgeschrieben.');
    return followUp('de1');
  };

  it('refuses a follow-up before the case is resolved, and for an unknown case', async () => {
    const res = await followUp('de1');
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('case_not_resolved');
    expect((await adminFetch(stack(), 'POST', '/api/cases/nope/follow-up')).status).toBe(404);
    expect(await mailTo('de1@example.com')).toEqual([]);
  });

  it('sends one localized, escaped email with the outcome, and records it on the case', async () => {
    const res = await resolveAndFollowUpDe1();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'resolved',
      followUp: {
        sentAt: expect.any(String),
        messageId: expect.any(String),
        message: 'Wir haben Ihnen 20 % <Rabatt> gutgeschrieben.',
      },
    });
    const sent = await mailTo('de1@example.com');
    expect(sent).toHaveLength(1);
    const [email] = sent;
    expect(email?.messageId).toBe((res.body.followUp as { messageId: string }).messageId);
    expect(email?.subject).toBe('Acme: Was wir aus Ihrem Feedback gemacht haben');
    const html = email?.body.html ?? '';
    expect(html).toContain('Hallo &lt;b&gt;Dora&lt;/b&gt; &amp; Söhne,');
    expect(html).toContain(
      'Sie haben uns geschrieben: „Viel zu teuer &lt;script&gt;alert(1)&lt;/script&gt;“',
    );
    expect(html).toContain('Das haben wir unternommen:');
    expect(html).toContain('Wir haben Ihnen 20 % &lt;Rabatt&gt; gutgeschrieben.');
    expect(html).not.toMatch(/<script|<b>|<Rabatt>/);
    expect(email?.body.text).toContain('Wir haben Ihnen 20 % <Rabatt> gutgeschrieben.');
    expect(email?.headers).toEqual(
      expect.arrayContaining([
        { name: 'List-Unsubscribe', value: expect.stringMatching(/^<http:\/\/127\.0\.0\.1:\d+\/u\/.+>$/) },
      ]),
    );
  });

  it('refuses a second follow-up of the same case and sends nothing more', async () => {
    expect((await resolveAndFollowUpDe1()).status).toBe(200);
    const again = await followUp('de1', { message: 'One more time' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('follow_up_already_sent');
    expect(await mailTo('de1@example.com')).toHaveLength(1);
  });

  it('sends the message the owner writes instead of the outcome, in the customer language', async () => {
    await resolve('fr1', 'Credit note issued');
    const res = await followUp('fr1', { message: 'Nous avons remboursé votre dernière facture.' });
    expect(res.status).toBe(200);
    const [email] = await mailTo('fr1@example.com');
    expect(email?.subject).toBe('Acme : ce que nous avons fait de votre avis');
    expect(email?.body.text).toContain('Vous avez donné à Acme la note de 4 sur 10.');
    expect(email?.body.text).toContain('Nous avons remboursé votre dernière facture.');
    expect(email?.body.text).not.toContain('Credit note issued');
  });

  it('defaults to English', async () => {
    await resolve('en1', 'We assigned you a dedicated support engineer.');
    expect((await followUp('en1', {})).status).toBe(200);
    const [email] = await mailTo('en1@example.com');
    expect(email?.subject).toBe('Acme: what we did about your feedback');
    expect(email?.body.text).toContain('You told us: “Nobody answered.”');
    expect(email?.body.text).toContain('We assigned you a dedicated support engineer.');
  });

  it('refuses to write to an address that unsubscribed, and records nothing', async () => {
    await resolve('gone', 'Refunded');
    const res = await followUp('gone');
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('recipient_suppressed');
    expect(await mailTo('gone@example.com')).toEqual([]);
    const cases = (await adminFetch(stack(), 'GET', '/api/cases?status=resolved')).body.cases as Case[];
    expect(cases.find((c) => c.customerId === 'gone')?.followUp).toBeUndefined();
  });
});
