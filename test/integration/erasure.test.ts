import { createHash } from 'node:crypto';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import type { WebhookReceiver } from '../../local/webhook-receiver.ts';
import { escalateOverdueCases } from '../../shared/cases/escalate.ts';
import { getClients } from '../../shared/clients.ts';
import { config } from '../../shared/config.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import { rollupScopeOf } from '../../shared/rollup/counters.ts';
import { reconcile } from '../../shared/rollup/reconcile.ts';
import { erasureModel } from '../../shared/store/model.ts';
import {
  adminFetch,
  postAnswer,
  sesEmails,
  tokenOf,
  useLocalStack,
  useWebhookReceiver,
} from '../support/local-stack.ts';

const ERASED = 30;
const KEPT = 5;

const customer = (kind: 'gone' | 'kept', n: number) => ({
  id: `${kind}-${n}`,
  email: `${kind}-${n}@erase.example`,
  name: `Erin ${kind} ${n}`,
  ownerId: 'alice',
  // `contact` is a free-form property, not a declared segment dimension: it must never become a key.
  attributes: { tier: n % 2 ? 'key' : 'smb', region: 'emea', contact: `${kind}-${n}@erase.example` },
});

const scanAll = async (table: string) => {
  const items: Array<Record<string, unknown>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await getClients().ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/** Owner alice (webhook), the customers, one campaign sent to all: each address's survey token. */
const surveyAll = async (stack: LocalStack, receiver: WebhookReceiver, secret: string) => {
  await adminFetch(stack, 'POST', '/api/owners', {
    id: 'alice',
    name: 'Alice',
    webhookUrl: `${receiver.url}/alice`,
    webhookSecret: secret,
  });
  const customers = [
    ...Array.from({ length: ERASED }, (_, n) => customer('gone', n)),
    ...Array.from({ length: KEPT }, (_, n) => customer('kept', n)),
  ];
  expect((await adminFetch(stack, 'POST', '/api/customers', customers)).status).toBe(200);
  await adminFetch(stack, 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', brand: 'Acme' });
  expect((await adminFetch(stack, 'POST', '/api/campaigns/q4/send')).status).toBe(202);
  await stack.settle();
  return new Map((await sesEmails(stack)).map((e) => [e.destination.to[0] ?? '', tokenOf(e)]));
};

describe('erasure is final', () => {
  const stack = useLocalStack({ perTest: true, extraEnv: { ALERT_DEBOUNCE_SECONDS: '0' } });
  const secret = newWebhookSecret();
  const receiver = useWebhookReceiver({ '/alice': secret });

  it('leaves nothing of 30 customers erased while they answer and buy, and the aggregates exact', async () => {
    const tokens = await surveyAll(stack(), receiver(), secret);
    expect(tokens.size).toBe(ERASED + KEPT);
    // Everyone has purchases; gone-0 only buys big, once — the best customer, and not loyal — so the value
    // recompute writes value, loyalty and F on every customer and lists gone-0 among the ones to win.
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const bought = await adminFetch(stack(), 'POST', '/api/purchases', [
      { purchaseId: 'big-0', customerId: 'gone-0', date: day, amount: 5000, quantity: 1, productId: 'a' },
      ...[
        ...Array.from({ length: ERASED - 1 }, (_, n) => `gone-${n + 1}`),
        ...Array.from({ length: KEPT }, (_, n) => `kept-${n}`),
      ].flatMap((id) =>
        [1, 2].map((k) => ({
          purchaseId: `${id}-${k}`,
          customerId: id,
          date: day,
          amount: 10 * k,
          quantity: k,
          productId: `p${k}`,
        })),
      ),
    ]);
    expect(bought.body).toEqual({ recorded: 2 * (ERASED + KEPT - 1) + 1, corrected: 0, unchanged: 0 });
    expect((await adminFetch(stack(), 'POST', '/api/value/recompute')).status).toBe(202);
    await stack().settle();
    const value = await adminFetch(stack(), 'GET', '/api/value');
    expect(
      (value.body.bestButNotLoyal as { customers: Array<{ id: string }> }).customers.map((c) => c.id),
    ).toEqual(['gone-0']);

    // Each erased customer answers (a detractor with a comment, then an edit) while the erasure
    // runs; the order within each pair varies, so every interleaving is tried somewhere.
    const answer = (id: string, score: number) =>
      postAnswer(stack(), tokens.get(`${id}@erase.example`) ?? '', {
        score,
        comment: `comment of ${id}`,
      });
    const race = Array.from({ length: ERASED }, async (_, n) => {
      const id = `gone-${n}`;
      const erase = () => adminFetch(stack(), 'DELETE', `/api/customers/${id}`);
      const answers = async () => {
        const first = await answer(id, n % 7);
        const purchase = await adminFetch(stack(), 'POST', '/api/purchases', [
          { purchaseId: `race-${n}`, customerId: id, date: day, amount: 1, quantity: 1, productId: 'p1' },
        ]);
        const second = await answer(id, (n % 7) + 3);
        // A purchase racing the erasure is recorded (and erased with the rest) or refused.
        expect([200, 409]).toContain(purchase.status);
        return [first.status, second.status];
      };
      let statuses: number[];
      let erased: Awaited<ReturnType<typeof erase>>;
      if (n % 3 === 0) {
        statuses = await answers();
        erased = await erase();
      } else if (n % 3 === 1) {
        [statuses, erased] = await Promise.all([answers(), erase()]);
      } else {
        erased = await erase();
        statuses = await answers();
      }
      expect(erased?.status).toBe(200);
      // Answers racing the erasure are recorded (200) or find the survey gone (404), nothing else.
      for (const status of statuses) expect([200, 404]).toContain(status);
    });
    const kept = Array.from({ length: KEPT }, (_, n) => answer(`kept-${n}`, 2));
    await Promise.all([...race, ...kept]);
    await stack().settle();
    await stack().tick();
    await stack().settle();

    const main = await scanAll(config().TABLE_NAME);
    const aggregates = await scanAll(config().AGGREGATES_TABLE_NAME);
    const purchases = await scanAll(config().PURCHASES_TABLE_NAME);
    expect(purchases.length).toBeGreaterThanOrEqual(2 * KEPT);
    for (const item of [...main, ...aggregates, ...purchases]) {
      const text = JSON.stringify(item);
      // The tombstone keeps the bare id and the erasure time: what later writes are checked against.
      if (item.kind === 'erasure') {
        expect(Object.keys(item).sort()).toEqual([
          'customerId',
          'erasedAt',
          'gsi1pk',
          'gsi1sk',
          'kind',
          'pk',
          'sk',
        ]);
        continue;
      }
      expect(text, `an item still names an erased customer: ${text.slice(0, 300)}`).not.toMatch(/gone-\d/);
      expect(text).not.toMatch(/Erin gone/i);
    }
    expect(main.filter((i) => i.kind === 'erasure')).toHaveLength(ERASED);
    const alerts = main.filter((i) => i.kind === 'alert');
    expect(alerts.length).toBeGreaterThanOrEqual(KEPT);
    for (const alert of alerts) expect(typeof alert.expiresAtEpoch).toBe('number');

    const report = await reconcile(rollupScopeOf(config()));
    expect(report.totalDrift).toBe(0);
    expect(report.responses).toBe(KEPT);
    const nps = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    expect(nps.body.points).toEqual([expect.objectContaining({ responses: KEPT, detractors: KEPT })]);
    // The kept customers' alerts all reached the owner.
    const alerted = receiver().received.map((h) => (h.payload as { customer: { id: string } }).customer.id);
    for (let n = 0; n < KEPT; n++) expect(alerted).toContain(`kept-${n}`);
  }, 90_000);

  it('keys aggregates by declared dimensions only, and hashes suppressed addresses with a key', async () => {
    const tokens = await surveyAll(stack(), receiver(), secret);
    expect((await postAnswer(stack(), tokens.get('kept-0@erase.example') ?? '', { score: 9 })).status).toBe(
      200,
    );
    const unsubscribed = await fetch(`${stack().url}/u/${tokens.get('kept-1@erase.example')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribed.status).toBe(200);
    await stack().settle();

    const aggregates = await scanAll(config().AGGREGATES_TABLE_NAME);
    expect(aggregates.length).toBeGreaterThan(0);
    expect(aggregates.some((i) => String(i.pk).startsWith('tier:'))).toBe(true);
    expect(aggregates.filter((i) => JSON.stringify(i).includes('erase.example'))).toEqual([]);
    const undeclared = await adminFetch(stack(), 'GET', '/api/nps?segment=contact:kept-0@erase.example');
    expect(undeclared.status).toBe(400);
    expect(undeclared.body.error?.code).toBe('unknown_segment_dimension');

    const main = await scanAll(config().TABLE_NAME);
    const suppressions = main.filter((i) => i.kind === 'suppression');
    expect(suppressions).toHaveLength(1);
    const bareHash = createHash('sha256').update('kept-1@erase.example').digest('base64url');
    expect(String(suppressions[0]?.pk)).not.toContain(bareHash);
    expect(JSON.stringify(suppressions[0])).not.toContain('erase.example');

    // Invites and alerts carry a TTL; answers and cases do not (they are erased, not expired).
    const ttl = (kind: string) => main.filter((i) => i.kind === kind).map((i) => typeof i.expiresAtEpoch);
    expect(new Set(ttl('invite'))).toEqual(new Set(['number']));
    expect(new Set(ttl('response'))).toEqual(new Set(['undefined']));
    const invite = main.find((i) => i.kind === 'invite');
    const linkExpires = Date.parse(String(invite?.expiresAt)) / 1000;
    expect(Number(invite?.expiresAtEpoch)).toBeGreaterThan(linkExpires);
  });
});

describe('an erasure racing the writers that do not start from an answer', () => {
  const stack = useLocalStack({ perTest: true, extraEnv: { ESCALATION_OWNER_ID: 'duty' } });
  const secret = newWebhookSecret();
  const receiver = useWebhookReceiver({ '/alice': secret, '/duty': secret });

  it('escalates no case of a customer whose erasure has begun, and alerts nobody about them', async () => {
    const tokens = await surveyAll(stack(), receiver(), secret);
    await adminFetch(stack(), 'POST', '/api/owners', {
      id: 'duty',
      name: 'Duty',
      webhookUrl: `${receiver().url}/duty`,
      webhookSecret: secret,
    });
    expect((await postAnswer(stack(), tokens.get('gone-0@erase.example') ?? '', { score: 1 })).status).toBe(
      200,
    );
    await stack().settle();
    const [open] = (await adminFetch(stack(), 'GET', '/api/cases')).body.cases as Array<{ slaDueAt: string }>;
    // The erasure has written its tombstone and not yet deleted the case: the moment of the race.
    await getClients().ddb.send(
      new PutCommand({
        TableName: config().TABLE_NAME,
        Item: {
          ...erasureModel.key('gone-0'),
          kind: erasureModel.kind,
          customerId: 'gone-0',
          erasedAt: new Date().toISOString(),
        },
      }),
    );
    const { escalated } = await escalateOverdueCases(new Date(Date.parse(open?.slaDueAt ?? '') + 60_000));
    await stack().settle();
    expect(escalated).toEqual([]);
    expect(receiver().received.filter((h) => h.path === '/duty')).toEqual([]);
  });
});
