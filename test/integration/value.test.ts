import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import type { LocalStack } from '../../local/stack.ts';
import { getClients } from '../../shared/clients.ts';
import { config } from '../../shared/config.ts';
import type { RecomputeOutcome } from '../../shared/value/recompute.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

/** A date `daysAgo` days before today (UTC, the stack's time zone), YYYY-MM-DD. */
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

const purchase = (
  purchaseId: string,
  customerId: string,
  amount: number,
  extra: { quantity?: number; productId?: string; date?: string } = {},
) => ({
  purchaseId,
  customerId,
  date: extra.date ?? day(10),
  amount,
  quantity: extra.quantity ?? 1,
  productId: extra.productId ?? 'sku-1',
});

const postCsv = async (stack: LocalStack, path: string, csv: string) => {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'text/csv' },
    body: csv,
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
  };
};

/** Every purchase item in the table, by id. */
const storedPurchases = async () => {
  const out = await getClients().ddb.send(
    new ScanCommand({
      TableName: config().PURCHASES_TABLE_NAME,
      FilterExpression: 'kind = :purchase',
      ExpressionAttributeValues: { ':purchase': 'purchase' },
    }),
  );
  return new Map((out.Items ?? []).map((i) => [String(i.purchaseId), i]));
};

/** Runs the recompute as its schedule does, and says what it did. */
const recompute = async () =>
  (await invoke('recompute-value', {})) as Exclude<RecomputeOutcome, { skipped: string }>;

describe('purchases', () => {
  const stack = useLocalStack();
  const api = (method: string, path: string, body?: unknown) => adminFetch(stack(), method, path, body);

  it('records purchases once: a replay is no news, another body under the same id a correction', async () => {
    await api('POST', '/api/customers', [
      { id: 'p-c1', email: 'p-c1@example.com' },
      { id: 'p-c2', email: 'p-c2@example.com' },
    ]);
    const first = [purchase('o-1', 'p-c1', 10), purchase('o-2', 'p-c1', 20.5, { quantity: 3 })];
    expect(await api('POST', '/api/purchases', first)).toEqual({
      status: 200,
      body: { recorded: 2, corrected: 0, unchanged: 0 },
    });
    // The same again, with a third one, in one request: only the new one is news.
    const replay = await api('POST', '/api/purchases', [...first, purchase('o-3', 'p-c2', 5)]);
    expect(replay.body).toEqual({ recorded: 1, corrected: 0, unchanged: 2 });
    // o-2 was someone else's: the correction moves it, it is never counted twice.
    const corrected = await api('POST', '/api/purchases', [purchase('o-2', 'p-c2', 20.5, { quantity: 3 })]);
    expect(corrected.body).toEqual({ recorded: 0, corrected: 1, unchanged: 0 });
    const stored = await storedPurchases();
    expect([...stored.keys()].filter((id) => id.startsWith('o-')).sort()).toEqual(['o-1', 'o-2', 'o-3']);
    expect(stored.get('o-2')).toMatchObject({ customerId: 'p-c2', amount: 20.5, quantity: 3 });
  });

  it('checks everything first: an unknown customer or a bad row leaves nothing written', async () => {
    await api('POST', '/api/customers', [{ id: 'q-c1', email: 'q-c1@example.com' }]);
    const unknown = await api('POST', '/api/purchases', [
      purchase('q-1', 'q-c1', 1),
      purchase('q-2', 'nobody', 1),
      purchase('q-3', 'q-c1', 1),
    ]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toEqual({
      code: 'unknown_customer',
      message: 'no purchases recorded — [1]: customer nobody is not known (import the customer first)',
    });
    const twice = await api('POST', '/api/purchases', [
      purchase('q-4', 'q-c1', 1),
      purchase('q-4', 'q-c1', 2),
    ]);
    expect(twice.status).toBe(400);
    expect(twice.body.error?.code).toBe('duplicate_purchase');
    expect(twice.body.error?.message).toContain('[1]: purchaseId q-4 is also at [0], with another body');
    const badRow = await postCsv(
      stack(),
      '/api/purchases/import',
      'purchaseId,customerId,date,amount,quantity,productId\nq-5,q-c1,2026-01-05,3.50,1,sku\nq-6,q-c1,2026-01-05,abc,1,sku\n',
    );
    expect(badRow.status).toBe(400);
    expect(badRow.body.error?.code).toBe('invalid_csv');
    expect(badRow.body.error?.message).toContain('line 3: amount:');
    const stored = await storedPurchases();
    expect([...stored.keys()].filter((id) => id.startsWith('q-'))).toEqual([]);
  });

  it('imports a CSV file and refuses purchases of an erased customer', async () => {
    await api('POST', '/api/customers', [
      { id: 'r-c1', email: 'r-c1@example.com' },
      { id: 'r-gone', email: 'r-gone@example.com' },
    ]);
    const csv = `purchaseId,customerId,date,amount,quantity,productId\nr-1,r-c1,${day(3)},12.00,2,sku-a\nr-2,r-c1,${day(2)},7.25,1,sku-b\n`;
    expect((await postCsv(stack(), '/api/purchases/import', csv)).body).toEqual({
      recorded: 2,
      corrected: 0,
      unchanged: 0,
    });
    expect((await postCsv(stack(), '/api/purchases/import', csv)).body).toEqual({
      recorded: 0,
      corrected: 0,
      unchanged: 2,
    });
    expect((await api('DELETE', '/api/customers/r-gone')).status).toBe(200);
    const erased = await api('POST', '/api/purchases', [purchase('r-3', 'r-gone', 1)]);
    expect(erased.status).toBe(409);
    expect(erased.body.error?.code).toBe('customer_erased');
  });
});

/**
 * Each test gets a fresh stack with six customers, their purchases and a first survey answered
 * (`seed`), so that any test runs alone, in any order.
 */
describe('value tiers and loyalty, through the API', () => {
  const stack = useLocalStack({ perTest: true });
  const api = (method: string, path: string, body?: unknown) => adminFetch(stack(), method, path, body);

  /** Sends campaign `id` to everyone and answers for each customer given a score: who answered. */
  const survey = async (id: string, scores: Record<string, number>) => {
    await api('POST', '/api/campaigns', { id, name: id, fatigueDays: 0 });
    expect((await api('POST', `/api/campaigns/${id}/send`)).status).toBe(202);
    await stack().settle();
    const emails = (await sesEmails(stack())).filter((e) => e.subject && tokenOf(e));
    for (const [customer, score] of Object.entries(scores)) {
      const email = emails.findLast((e) => e.destination.to[0] === `${customer}@example.com`);
      if (!email) throw new Error(`no survey email to ${customer}`);
      expect((await postAnswer(stack(), tokenOf(email), { score })).status).toBe(200);
    }
    await stack().settle();
  };

  /**
   * a buys big, once; b often, widely, much; c, d, e less and less; f only before the period. All
   * but d answer a first survey, before any recompute.
   */
  const seed = async () => {
    await api(
      'POST',
      '/api/customers',
      ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({
        id,
        email: `${id}@example.com`,
        name: `Customer ${id}`,
      })),
    );
    const purchases = [
      purchase('a-1', 'a', 1000),
      ...[5, 4, 3, 2].flatMap((n, i) =>
        Array.from({ length: n }, (_, k) =>
          purchase(`${'bcde'[i]}-${k}`, 'bcde'[i] as string, 100, {
            productId: `sku-${k}`,
            date: day(5 + k),
          }),
        ),
      ),
      purchase('f-1', 'f', 5000, { date: day(400) }),
    ];
    expect((await api('POST', '/api/purchases', purchases)).body).toMatchObject({ recorded: 16 });
    await survey('first', { a: 3, b: 9, c: 10, e: 7, f: 0 });
  };

  it('classes customers, keeps F on them, and reports tiers, the matrix and the best who are not loyal', async () => {
    // Before any recompute: the shape, empty.
    const before = await api('GET', '/api/value');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      computedAt: null,
      matrix: [],
      bestButNotLoyal: { customers: [], cursor: null },
    });

    await seed();
    expect((await api('POST', '/api/value/recompute')).status).toBe(202);
    await stack().settle();

    const customer = async (id: string) => (await api('GET', `/api/customers/${id}`)).body;
    expect(await customer('a')).toMatchObject({
      attributes: { value: 'best', loyalty: 'not' },
      loyaltyIndex: 0.3,
    });
    expect(await customer('b')).toMatchObject({
      attributes: { value: 'ordinary', loyalty: 'loyal' },
      loyaltyIndex: 0.85,
    });
    expect(await customer('c')).toMatchObject({
      attributes: { value: 'ordinary', loyalty: 'not' },
      loyaltyIndex: 0.65,
    });
    expect(await customer('f')).toMatchObject({
      attributes: { value: 'none', loyalty: 'not' },
      loyaltyIndex: 0,
    });

    const value = await api('GET', '/api/value');
    expect(value.body).toMatchObject({
      period: { from: expect.any(String), to: day(0) },
      customers: { total: 6, withPurchases: 5 },
      revenue: 2400,
      loyalty: { threshold: 0.8, weights: { purchases: 1, products: 1, quantity: 1, revenue: 1 } },
    });
    expect(value.body.tiers).toEqual({
      method: 'three-way',
      classes: [
        { value: 'best', customers: 1, customerShare: 16.7, revenue: 1000, revenueShare: 41.7 },
        { value: 'secondary', customers: 0, customerShare: 0, revenue: 0, revenueShare: 0 },
        { value: 'ordinary', customers: 4, customerShare: 66.7, revenue: 1400, revenueShare: 58.3 },
        { value: 'none', customers: 1, customerShare: 16.7, revenue: 0, revenueShare: 0 },
      ],
    });
    const cell = (v: string, l: string) =>
      (value.body.matrix as Array<Record<string, unknown>>).find((m) => m.value === v && m.loyalty === l);
    expect(cell('best', 'not')).toMatchObject({
      customers: 1,
      revenue: 1000,
      nps: { responses: 1, promoters: 0, passives: 0, detractors: 1, nps: -100 },
    });
    expect(cell('ordinary', 'loyal')).toMatchObject({
      customers: 1,
      nps: { responses: 1, promoters: 1, nps: 100 },
    });
    // c promoter, e passive, d did not answer.
    expect(cell('ordinary', 'not')).toMatchObject({
      customers: 3,
      revenue: 900,
      nps: { responses: 2, promoters: 1, passives: 1, detractors: 0, nps: 50 },
    });
    expect(cell('none', 'not')).toMatchObject({
      customers: 1,
      nps: { responses: 1, detractors: 1, nps: -100 },
    });
    expect(cell('secondary', 'loyal')).toMatchObject({ customers: 0, nps: { responses: 0, nps: null } });
    expect(value.body.bestButNotLoyal).toEqual({
      customers: [
        {
          id: 'a',
          name: 'Customer a',
          ownerId: null,
          value: 'best',
          revenue: 1000,
          purchases: 1,
          products: 1,
          quantity: 1,
          loyaltyIndex: 0.3,
          latestScore: 3,
        },
      ],
      cursor: null,
    });

    // Nothing changed: a second recompute writes no customer and no entry.
    expect(await recompute()).toMatchObject({ customers: 6, buyers: 5, customersWritten: 0, watchWrites: 0 });
  });

  it('snapshots value and loyalty on answers given after a recompute, and never rewrites them', async () => {
    await seed();
    await recompute();
    // The answers given before the recompute carry no value.
    const earlier = await api('GET', '/api/responses?segment=campaign:first');
    for (const r of earlier.body.responses as Array<{ attributes: Record<string, string> }>) {
      expect(r.attributes.value).toBeUndefined();
    }
    await survey('second', { a: 2 });
    const best = await api('GET', '/api/nps?segment=value:best&window=all');
    expect(best.body.points).toEqual([expect.objectContaining({ responses: 1, detractors: 1 })]);

    // b buys far more: b is now best, a falls to ordinary (2 of 5 buyers: best takes one).
    await api('POST', '/api/purchases', [purchase('b-big', 'b', 9000, { productId: 'sku-9' })]);
    const outcome = await recompute();
    expect(outcome.customersWritten).toBeGreaterThanOrEqual(2);
    expect((await api('GET', '/api/customers/a')).body).toMatchObject({ attributes: { value: 'ordinary' } });
    expect((await api('GET', '/api/customers/b')).body).toMatchObject({
      attributes: { value: 'best', loyalty: 'loyal' },
    });
    // a's answer keeps the tier a had when answering.
    const after = await api('GET', '/api/nps?segment=value:best&window=all');
    expect(after.body.points).toEqual([expect.objectContaining({ responses: 1, detractors: 1 })]);
    // b is best and loyal: nobody is on the list any more.
    expect((await api('GET', '/api/value')).body.bestButNotLoyal).toEqual({ customers: [], cursor: null });
  });

  it('keeps what the recompute wrote when customers are imported again, and refuses setting it', async () => {
    await seed();
    await recompute();
    expect(
      (
        await api('POST', '/api/customers', [
          { id: 'a', email: 'a@example.com', attributes: { region: 'emea' } },
        ])
      ).status,
    ).toBe(200);
    expect((await api('GET', '/api/customers/a')).body).toMatchObject({
      attributes: { region: 'emea', value: 'best', loyalty: 'not' },
      loyaltyIndex: 0.3,
    });
    const refused = await api('POST', '/api/customers', [
      { id: 'a', email: 'a@example.com', attributes: { value: 'best' } },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toContain('value and loyalty are computed from purchases');
  });
});

describe('the best-but-not-loyal list, paged', () => {
  // Nobody reaches F = 1, so nobody is loyal; count deciles over 30 buyers: d1 holds three.
  const stack = useLocalStack({ extraEnv: { VALUE_TIER_METHOD: 'count-deciles', LOYALTY_THRESHOLD: '1' } });
  const api = (method: string, path: string, body?: unknown) => adminFetch(stack(), method, path, body);

  it('lists the top decile highest revenue first, a page at a time', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    await api(
      'POST',
      '/api/customers',
      ids.map((id) => ({ id, email: `${id}@example.com` })),
    );
    await api(
      'POST',
      '/api/purchases',
      ids.map((id, i) => purchase(`${id}-1`, id, 10 + i)),
    );
    // As the local ticker runs it each day.
    await stack().tickDaily();
    const first = await api('GET', '/api/value?limit=2');
    const listed = first.body.bestButNotLoyal as {
      customers: Array<{ id: string; revenue: number }>;
      cursor: string;
    };
    expect(listed.customers.map((c) => [c.id, c.revenue])).toEqual([
      ['w29', 39],
      ['w28', 38],
    ]);
    const second = await api('GET', `/api/value?limit=2&cursor=${encodeURIComponent(listed.cursor)}`);
    expect(second.body.bestButNotLoyal).toEqual({
      customers: [expect.objectContaining({ id: 'w27', value: 'd1', revenue: 37 })],
      cursor: null,
    });
    expect(
      (second.body.tiers as { classes: Array<{ value: string; customers: number }> }).classes[0],
    ).toEqual(expect.objectContaining({ value: 'd1', customers: 3, customerShare: 10 }));
    expect((await api('GET', '/api/value?limit=0')).status).toBe(400);
  });
});
