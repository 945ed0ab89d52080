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

const HOUR = 3_600_000;
const OWNERS = ['alice', 'key-accounts', 'emea-team', 'fallback'] as const;

interface CaseView {
  caseId: string;
  customerId: string;
  ownerId?: string;
  routedBy?: string;
  priority?: string;
  createdAt: string;
  slaDueAt: string;
  attributes?: Record<string, string>;
}

/**
 * Routing as one story — rules saved, campaign c1 answered by six detractors, the rules changed —
 * told afresh for every test: each starts on its own empty stack and webhook receiver with the four
 * owners, replays the steps before its own with the helpers below, and checks only its own step.
 */
describe('detractor cases are routed, prioritized and given an SLA', () => {
  // Each update alerts at once here; the debounce of updates has its own test (answer-replay).
  const stack = useLocalStack({
    extraEnv: { DEFAULT_OWNER_ID: 'fallback', ALERT_DEBOUNCE_SECONDS: '0' },
    perTest: true,
  });
  const secrets = Object.fromEntries(OWNERS.map((id) => [`/${id}`, newWebhookSecret()]));
  let receiver: WebhookReceiver;
  let emails: Map<string, StoredEmail>;

  beforeEach(async () => {
    emails = new Map(); // filled by routeC1 from this test's own emails
    // The owners' webhooks point at this test's own receiver: its deliveries are this test's only.
    receiver = await startWebhookReceiver({ secrets });
    for (const id of OWNERS) {
      const res = await adminFetch(stack(), 'POST', '/api/owners', {
        id,
        name: id,
        webhookUrl: `${receiver.url}/${id}`,
        webhookSecret: secrets[`/${id}`],
      });
      expect(res.status).toBe(200);
    }
  });
  afterEach(async () => {
    await receiver.close();
  });

  /** The ordered rules: key accounts first, then the EMEA team. */
  const saveRules = () =>
    adminFetch(stack(), 'PUT', '/api/routing', {
      rules: [
        { segment: 'Tier:Key', ownerId: 'key-accounts' },
        { segment: 'region:emea', ownerId: 'emea-team' },
      ],
    });

  /** The rules saved; six customers, one per routing path; c1 sent, and every one of them answers 2. */
  const routeC1 = async () => {
    expect((await saveRules()).status).toBe(200);
    await adminFetch(stack(), 'POST', '/api/customers', [
      // Own owner wins over a matching rule.
      { id: 'own', email: 'own@example.com', ownerId: 'alice', attributes: { tier: 'key', region: 'emea' } },
      // Both rules match: the first one wins.
      { id: 'key', email: 'key@example.com', attributes: { tier: 'key', region: 'emea' } },
      { id: 'emea', email: 'emea@example.com', attributes: { tier: 'smb', region: 'emea' } },
      // An owner that does not exist is no owner: routed by the rules.
      { id: 'ghost', email: 'ghost@example.com', ownerId: 'ghost', attributes: { tier: 'key' } },
      // Nothing matches: the default owner.
      { id: 'none', email: 'none@example.com', attributes: { tier: 'smb', region: 'na' } },
      // Invited as smb, upgraded to key before answering: the answer-time snapshot decides.
      { id: 'upgraded', email: 'upgraded@example.com', attributes: { tier: 'smb', region: 'na' } },
    ]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'c1', name: 'C1', brand: 'Acme' });
    expect((await adminFetch(stack(), 'POST', '/api/campaigns/c1/send')).status).toBe(202);
    await stack().settle();
    emails = new Map((await sesEmails(stack())).map((e) => [e.destination.to[0] ?? '', e]));
    expect(emails.size).toBe(6);
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'upgraded', email: 'upgraded@example.com', attributes: { tier: 'key', region: 'na' } },
    ]);

    for (const address of emails.keys()) {
      const res = await postAnswer(stack(), tokenOf(emails.get(address) as StoredEmail), { score: 2 });
      expect(res.status).toBe(200);
    }
    await stack().settle();
  };

  it('refuses routing rules naming unknown owners or malformed segments, and keeps nothing of them', async () => {
    const unknown = await adminFetch(stack(), 'PUT', '/api/routing', {
      rules: [{ segment: 'tier:key', ownerId: 'nobody' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('unknown_owner');
    for (const segment of ['tier', 'owner:alice', 'tier: key']) {
      const bad = await adminFetch(stack(), 'PUT', '/api/routing', {
        rules: [{ segment, ownerId: 'alice' }],
      });
      expect(bad.status, segment).toBe(400);
    }
    expect((await adminFetch(stack(), 'PUT', '/api/routing', { rules: 'tier:key' })).status).toBe(400);
    const stored = await adminFetch(stack(), 'GET', '/api/routing');
    expect(stored.body).toEqual({ rules: [], updatedAt: null });
  });

  it('saves the ordered rules and reads them back', async () => {
    const saved = await saveRules();
    expect(saved.status).toBe(200);
    const stored = await adminFetch(stack(), 'GET', '/api/routing');
    expect(stored.body).toEqual({
      rules: [
        { segment: 'tier:key', ownerId: 'key-accounts' },
        { segment: 'region:emea', ownerId: 'emea-team' },
      ],
      updatedAt: expect.any(String),
    });
  });

  it('routes by the customer owner, then the first matching rule, then the default owner', async () => {
    await routeC1();

    const cases = (await adminFetch(stack(), 'GET', '/api/cases')).body.cases as CaseView[];
    const byCustomer = Object.fromEntries(cases.map((c) => [c.customerId, c]));
    expect(byCustomer.own).toMatchObject({ ownerId: 'alice', routedBy: 'customer' });
    expect(byCustomer.key).toMatchObject({ ownerId: 'key-accounts', routedBy: 'rule' });
    expect(byCustomer.emea).toMatchObject({ ownerId: 'emea-team', routedBy: 'rule' });
    expect(byCustomer.ghost).toMatchObject({ ownerId: 'key-accounts', routedBy: 'rule' });
    expect(byCustomer.none).toMatchObject({ ownerId: 'fallback', routedBy: 'default' });
    expect(byCustomer.upgraded).toMatchObject({
      ownerId: 'key-accounts',
      routedBy: 'rule',
      attributes: { tier: 'key', region: 'na' },
    });

    // Each owner got exactly the alerts of their cases.
    const alerted = (owner: string) =>
      receiver.received
        .filter((h) => h.path === `/${owner}`)
        .map((h) => (h.payload as { customer: { id: string } }).customer.id)
        .sort();
    expect(alerted('alice')).toEqual(['own']);
    expect(alerted('key-accounts')).toEqual(['ghost', 'key', 'upgraded']);
    expect(alerted('emea-team')).toEqual(['emea']);
    expect(alerted('fallback')).toEqual(['none']);
    expect(receiver.received.every((h) => h.verified)).toBe(true);
  });

  it('gives key customers high priority and the 24 h SLA, everyone else normal priority and 72 h', async () => {
    await routeC1();
    const cases = (await adminFetch(stack(), 'GET', '/api/cases')).body.cases as CaseView[];
    expect(cases).toHaveLength(6);
    for (const c of cases) {
      const key = c.attributes?.tier === 'key';
      expect(c.priority, c.customerId).toBe(key ? 'high' : 'normal');
      expect(Date.parse(c.slaDueAt) - Date.parse(c.createdAt), c.customerId).toBe((key ? 24 : 72) * HOUR);
    }
  });

  it('keeps the owner a case was opened for when the rules change before the next update', async () => {
    await routeC1();
    await adminFetch(stack(), 'PUT', '/api/routing', { rules: [{ segment: 'all', ownerId: 'emea-team' }] });
    const before = receiver.received.length;
    const res = await postAnswer(stack(), tokenOf(emails.get('key@example.com') as StoredEmail), {
      score: 2,
      comment: 'Still waiting.',
    });
    expect(res.status).toBe(200);
    await stack().settle();
    const update = receiver.received.slice(before);
    expect(update.map((h) => h.path)).toEqual(['/key-accounts']);
    expect(update[0]?.payload).toMatchObject({
      type: 'detractor.updated',
      response: { comment: 'Still waiting.' },
    });
    const cases = (await adminFetch(stack(), 'GET', '/api/cases')).body.cases as CaseView[];
    expect(cases.find((c) => c.customerId === 'key')?.ownerId).toBe('key-accounts');
  });
});
