import { type SESv2Client, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { getClients, setClientsForTests } from '../../shared/clients.ts';
import { SendRate } from '../../shared/email/send-rate.ts';
import { adminFetch, sendDue, sesEmails, useLocalStack } from '../support/local-stack.ts';

const RATE = 4;

/** How many of these instants fall in each wall-clock second. */
const perSecond = (instantsMs: number[]) => {
  const counts = new Map<number, number>();
  for (const at of instantsMs)
    counts.set(Math.floor(at / 1000), (counts.get(Math.floor(at / 1000)) ?? 0) + 1);
  return [...counts.values()];
};

describe('one send rate for the account', () => {
  const stack = useLocalStack({ perTest: true, extraEnv: { SES_MAX_SEND_RATE: String(RATE) } });

  it('is shared by senders that know nothing of each other, as two Lambdas would be', async () => {
    // Two processes' worth of senders: each its own view of the rate, the table between them.
    const lambdas = [new SendRate(() => RATE), new SendRate(() => RATE)];
    const turns: number[] = [];
    const started = Date.now();
    await Promise.all(
      lambdas.flatMap((rate) =>
        Array.from({ length: 10 }, async () => {
          // The turn's own instant: when the promise resolves is up to the event loop, which a
          // loaded machine may hold past the end of the turn's second.
          turns.push(await rate.take());
        }),
      ),
    );
    expect(turns).toHaveLength(20);
    expect(Math.max(...perSecond(turns))).toBeLessThanOrEqual(RATE);
    // 20 turns at 4 a second: at least 5 seconds (the first may be a part of one).
    expect(perSecond(turns).length).toBeGreaterThanOrEqual(5);
    expect(Date.now() - started).toBeGreaterThan(3_000);
  });

  it('holds a campaign run and an event-triggered survey together to the account rate', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `c${i}`);
    await adminFetch(
      stack(),
      'POST',
      '/api/customers',
      ids.map((id) => ({ id, email: `${id}@example.com`, attributes: { tier: 'base' } })),
    );
    await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'all',
      name: 'All',
      fatigueDays: 0,
      audience: { tier: 'base' },
    });
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'desk', name: 'Help desk', fatigueDays: 0 });
    const [run, survey] = await Promise.all([
      adminFetch(stack(), 'POST', '/api/campaigns/all/send'),
      adminFetch(stack(), 'POST', '/api/surveys', {
        customer: { id: 'walk-in', email: 'walk-in@example.com' },
        campaignId: 'desk',
        idempotencyKey: 'ticket-1',
      }),
    ]);
    expect([run.status, survey.status]).toEqual([202, 202]);
    await stack().settle();
    const emails = (await sesEmails(stack())) as Array<{ at?: number; destination: { to: string[] } }>;
    expect(emails).toHaveLength(12);
    // The local SES stamps each email with its second. An email sent late in its second may reach
    // SES in the next one on a loaded machine, so any two seconds together hold at most two
    // seconds' worth — all 12 at once (no shared rate) would not.
    const counts = new Map<number, number>();
    for (const e of emails) counts.set(e.at ?? Number.NaN, (counts.get(e.at ?? Number.NaN) ?? 0) + 1);
    for (const [second, count] of counts) {
      expect(count + (counts.get(second + 1) ?? 0)).toBeLessThanOrEqual(2 * RATE);
    }
    expect(counts.size).toBeGreaterThanOrEqual(3);
  });

  it('waits out SES throttling and sends the email once, without counting it as a failure', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'solo', email: 'solo@example.com' }]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'one', name: 'One', fatigueDays: 0 });
    const ses = getClients().ses;
    let throttled = 0;
    const throttling = {
      send: (command: Parameters<SESv2Client['send']>[0]) => {
        if (throttled < 2) {
          throttled++;
          return Promise.reject(
            new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: {} }),
          );
        }
        return ses.send(command);
      },
    };
    setClientsForTests({ ...getClients(), ses: throttling as unknown as SESv2Client });
    try {
      const started = Date.now();
      await adminFetch(stack(), 'POST', '/api/campaigns/one/send');
      await stack().settle();
      expect(await sendDue()).toBe(0);
      expect(throttled).toBe(2);
      // Backed off 0.5 s, then 1 s, before the third try went through.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    } finally {
      setClientsForTests({ ...getClients(), ses });
    }
    const emails = await sesEmails(stack());
    expect(emails.map((e) => e.destination.to[0])).toEqual(['solo@example.com']);
    const campaign = await adminFetch(stack(), 'GET', '/api/campaigns/one');
    expect(campaign.body.runs).toEqual([
      expect.objectContaining({
        sent: 1,
        progress: expect.objectContaining({ sent: 1, failed: 0, settled: true }),
      }),
    ]);
  });
});
