import { describe, expect, it } from 'vitest';
import { adminFetch, sendDue, sesEmails, useLocalStack } from '../support/local-stack.ts';
import { zoneWhereItIs } from '../support/time-zones.ts';

const MINUTE = 60_000;

describe('event-triggered surveys: POST /api/surveys', () => {
  const stack = useLocalStack({ perTest: true });

  const campaign = () =>
    adminFetch(stack(), 'POST', '/api/campaigns', { id: 'support', name: 'After support', brand: 'Acme' });

  it('sends at once to an inline customer, once per idempotency key', async () => {
    await campaign();
    const request = {
      customer: { id: 'c1', email: 'c1@example.com', name: 'Cy One', attributes: { tier: 'key' } },
      campaignId: 'support',
      idempotencyKey: 'ticket-4711',
    };
    const first = await adminFetch(stack(), 'POST', '/api/surveys', request);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ scheduled: true, inviteId: expect.any(String) });
    await stack().settle();
    expect((await adminFetch(stack(), 'GET', '/api/customers/c1')).status).toBe(200);
    // The help desk retries: no news, the same invite, no second email.
    const again = await adminFetch(stack(), 'POST', '/api/surveys', request);
    expect(again.status).toBe(202);
    expect(again.body.inviteId).toBe(first.body.inviteId);
    await stack().settle();
    expect(await sesEmails(stack())).toHaveLength(1);
    // Another ticket for the same customer the same day: fatigue (the campaign's 90 days).
    const other = await adminFetch(stack(), 'POST', '/api/surveys', {
      ...request,
      idempotencyKey: 'ticket-4712',
    });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ scheduled: false, skipped: 'fatigued' });
    expect(await sesEmails(stack())).toHaveLength(1);
  });

  it('sends after the delay, when the sweep finds it due', async () => {
    await campaign();
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'c2', email: 'c2@example.com' }]);
    const start = Date.now();
    const res = await adminFetch(stack(), 'POST', '/api/surveys', {
      customer: 'c2',
      campaignId: 'support',
      delay: 'PT2H',
      idempotencyKey: 'ticket-9',
    });
    expect(res.status).toBe(202);
    expect(Date.parse(String(res.body.sendAfter))).toBeGreaterThanOrEqual(start + 120 * MINUTE);
    await stack().settle();
    expect(await sendDue(new Date(start + 60 * MINUTE))).toBe(0);
    expect(await sesEmails(stack())).toEqual([]);
    expect(await sendDue(new Date(start + 125 * MINUTE))).toBe(1);
    expect((await sesEmails(stack())).map((e) => e.destination.to[0])).toEqual(['c2@example.com']);
  });

  it('waits for the campaign’s send window in the customer’s own time', async () => {
    await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'daytime',
      name: 'Daytime',
      sendWindow: { start: '11:00', end: '14:00' },
    });
    // It is about midnight where the customer lives: the window opens at 11:00 their time.
    const inline = { id: 'owl', email: 'owl@example.com', attributes: { timezone: zoneWhereItIs(0) } };
    const start = Date.now();
    const res = await adminFetch(stack(), 'POST', '/api/surveys', {
      customer: inline,
      campaignId: 'daytime',
      idempotencyKey: 'ticket-night',
    });
    expect(res.status).toBe(202);
    const goesAt = Date.parse(String(res.body.sendAfter));
    expect(goesAt).toBeGreaterThan(start + 9 * 60 * MINUTE);
    expect(goesAt).toBeLessThan(start + 12 * 60 * MINUTE);
    await stack().settle();
    expect(await sesEmails(stack())).toEqual([]);
    expect(await sendDue(new Date(goesAt - MINUTE))).toBe(0);
    expect(await sendDue(new Date(goesAt + MINUTE))).toBe(1);
  });

  it('refuses a bad delay, an unknown campaign or customer, and writes nothing', async () => {
    await campaign();
    const bad = await adminFetch(stack(), 'POST', '/api/surveys', {
      customer: 'nobody',
      campaignId: 'support',
      delay: 'P1M',
      idempotencyKey: 'k',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toContain('ISO 8601');
    const noCampaign = await adminFetch(stack(), 'POST', '/api/surveys', {
      customer: 'nobody',
      campaignId: 'nope',
      idempotencyKey: 'k',
    });
    expect(noCampaign.status).toBe(404);
    const noCustomer = await adminFetch(stack(), 'POST', '/api/surveys', {
      customer: 'nobody',
      campaignId: 'support',
      idempotencyKey: 'k',
    });
    expect(noCustomer.status).toBe(404);
    await stack().settle();
    expect(await sesEmails(stack())).toEqual([]);
  });
});
