import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import { getClients } from '../../shared/clients.ts';
import { caseModel, responseModel } from '../../shared/store/model.ts';
import { adminFetch, useLocalStack } from '../support/local-stack.ts';

/**
 * The customers of the churn unit test (test/unit/retention-churn.test.ts), through the API. A:
 * buys 1 Dec 2025 and 1 May 2026. B: last bought 1 Aug 2025, lost in Q1. C: bought 15 Dec, marked
 * churned (to a competitor) 10 Feb. D: first buys in January, twice. E: never buys.
 */
const PURCHASES = [
  ['p1', 'A', '2025-12-01', 100],
  ['p2', 'A', '2026-05-01', 50],
  ['p3', 'B', '2025-08-01', 30],
  ['p4', 'C', '2025-12-15', 200],
  ['p5', 'D', '2026-01-10', 10],
  ['p6', 'D', '2026-01-20', 20],
] as const;

/** Answers given on these days (written as stored answers: the API records answers only today). */
const ANSWERS = [
  ['A', '2025-12-20', 10],
  ['B', '2025-11-01', 2],
  ['C', '2025-12-20', 4],
  ['D', '2026-03-01', 8],
] as const;

describe('churn, retention and revenue at risk', () => {
  // No stream consumer: the stored answers below are history, not news to alert on.
  const stack = useLocalStack({ streamConsumers: [], perTest: true, timeZone: 'UTC' });

  const seed = async () => {
    const customers = ['A', 'B', 'C', 'D', 'E'].map((id) => ({
      id,
      email: `${id.toLowerCase()}@example.com`,
      attributes: { tier: id === 'C' ? 'key' : 'base' },
    }));
    expect((await adminFetch(stack(), 'POST', '/api/customers', customers)).status).toBe(200);
    const purchases = PURCHASES.map(([purchaseId, customerId, date, amount]) => ({
      purchaseId,
      customerId,
      date,
      amount,
      quantity: 1,
      productId: 'widget',
    }));
    expect((await adminFetch(stack(), 'POST', '/api/purchases', purchases)).status).toBe(200);
    const { ddb } = getClients();
    for (const [customerId, day, score] of ANSWERS) {
      const inviteId = `inv-${customerId}`;
      const at = `${day}T12:00:00.000Z`;
      await ddb.send(
        new PutCommand({
          TableName: stack().tables.main,
          Item: {
            ...responseModel.key(inviteId),
            kind: responseModel.kind,
            inviteId,
            campaignId: 'spring',
            customerId,
            attributes: { tier: customerId === 'C' ? 'key' : 'base' },
            score,
            firstAnsweredAt: at,
            respondedAt: at,
            version: 1,
            ...responseModel.listed(at, inviteId),
          },
        }),
      );
    }
    // C's detractor answer is being worked on: a case still open.
    await ddb.send(
      new PutCommand({
        TableName: stack().tables.main,
        Item: {
          ...caseModel.key('case-c'),
          ...caseModel.withStatus('open', '2025-12-21T12:00:00.000Z', 'case-c'),
          caseId: 'case-c',
          customerId: 'C',
        },
      }),
    );
  };

  it('marks a churn, and reads churn, retention and repeat purchases per quarter', async () => {
    await seed();
    const marked = await adminFetch(stack(), 'POST', '/api/customers/C/churn', {
      kind: 'competitor',
      on: '2026-02-10',
      note: 'moved to a rival',
    });
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({ customerId: 'C', kind: 'competitor', on: '2026-02-10' });

    // B is marked too, in Q1 after its window ran out (no change to the counts), and D after the range.
    await adminFetch(stack(), 'POST', '/api/customers/B/churn', { kind: 'natural', on: '2026-03-01' });
    await adminFetch(stack(), 'POST', '/api/customers/D/churn', { kind: 'competitor', on: '2026-09-01' });
    // The value tiers as the daily recompute writes them, over the trailing year: C (200) is the top
    // customer; B bought nothing in it (value none).
    await invoke('recompute-value', {});

    const res = await adminFetch(
      stack(),
      'GET',
      '/api/retention?window=quarter&from=2026-01-01&to=2026-06-30',
    );
    expect(res.status).toBe(200);
    expect(res.body.churnAfterDays).toBe(180);
    // Marked in the range, by value tier today and by kind: B and C (D's mark is after it).
    expect(res.body.churnMarks).toEqual({
      total: 2,
      byValue: [
        { value: 'best', natural: 0, competitor: 1, 'our-fault': 0, 'ended-by-us': 0 },
        { value: 'none', natural: 1, competitor: 0, 'our-fault': 0, 'ended-by-us': 0 },
      ],
    });
    expect(res.body.periods).toEqual([
      {
        period: '2026-Q1',
        activeAtStart: 3,
        lost: 2,
        churnRate: 66.7,
        retentionRate: 33.3,
        buyers: 1,
        repeatBuyers: 1,
        repeatPurchaseRate: 100,
        partial: false,
      },
      {
        period: '2026-Q2',
        activeAtStart: 2,
        lost: 0,
        churnRate: 0,
        retentionRate: 100,
        buyers: 1,
        repeatBuyers: 0,
        repeatPurchaseRate: 0,
        partial: false,
      },
    ]);
    // Both detractors active at a quarter's start left in it; neither promoter did. Newcombe's
    // interval of 2/2 − 0/2 (hand-computed from the two Wilson intervals): 7.0 to 100 points.
    expect(res.body.churnByNpsClass).toEqual({
      promoter: { activeAtStart: 2, lost: 0, churnRate: 0, retentionRate: 100 },
      passive: { activeAtStart: 1, lost: 0, churnRate: 0, retentionRate: 100 },
      detractor: { activeAtStart: 2, lost: 2, churnRate: 100, retentionRate: 0 },
      detractorsVsPromoters: { difference: { points: 100, low: 7, high: 100 }, relativeRisk: null },
    });
  });

  it('puts revenue at risk where the latest answer is a detractor, and says how much has an open case', async () => {
    await seed();
    const res = await adminFetch(stack(), 'GET', '/api/value/revenue-at-risk');
    expect(res.status).toBe(200);
    // Trailing 12 months from today: A's May purchase, C's December one, D's two (if still in the
    // year); only C's latest answer of the year is a detractor's.
    const revenueAtRisk = res.body as {
      atRisk: number;
      withOpenCase: number;
      segments: Array<{ segment: string }>;
    };
    expect(revenueAtRisk.atRisk).toBe(200);
    expect(revenueAtRisk.withOpenCase).toBe(200);
    expect(revenueAtRisk.segments).toEqual([
      { segment: 'all', customers: 1, revenue: 200, withOpenCase: { customers: 1, revenue: 200 } },
      {
        segment: 'campaign:spring',
        customers: 1,
        revenue: 200,
        withOpenCase: { customers: 1, revenue: 200 },
      },
      { segment: 'tier:key', customers: 1, revenue: 200, withOpenCase: { customers: 1, revenue: 200 } },
    ]);
  });

  it('refuses a bad churn mark or window with a clear error, and an unknown customer with 404', async () => {
    await seed();
    const bad = await adminFetch(stack(), 'POST', '/api/customers/C/churn', { kind: 'bored' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(
      /kind must be one of natural, competitor, our-fault, ended-by-us/,
    );
    const unknown = await adminFetch(stack(), 'POST', '/api/customers/nobody/churn', { kind: 'natural' });
    expect(unknown.status).toBe(404);
    expect((await adminFetch(stack(), 'DELETE', '/api/customers/E')).status).toBe(200);
    const erased = await adminFetch(stack(), 'POST', '/api/customers/E/churn', { kind: 'natural' });
    expect(erased.status).toBe(409);
    expect(erased.body.error?.code).toBe('customer_erased');
    const window = await adminFetch(stack(), 'GET', '/api/retention?window=week');
    expect(window.status).toBe(400);
    expect(window.body.error?.code).toBe('invalid_window');
    for (const bad of [
      'to=2999-01-01',
      'window=month&from=2020-01-01&to=2026-01-31',
      'from=2026-03-01&to=2026-02-01',
    ]) {
      const res = await adminFetch(stack(), 'GET', `/api/retention?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error?.code).toBe('invalid_date');
    }
  });
});
