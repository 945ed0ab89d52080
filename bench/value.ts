/**
 * npm run bench:value [-- --customers 100000] [-- --purchases 1000000] [-- --naive 2000] [-- --seeders 8]
 *
 * The value recompute — value tiers and the loyalty index from the trailing 12 months of
 * purchases — on the real local stack: N customers and P purchases are seeded into DynamoDB Local
 * (BatchWriteItem, `--seeders` in flight; timed apart, it is not the recompute), then the recompute
 * function runs as its daily schedule starts it, twice: first with every customer to classify and
 * write, then again with nothing changed, which must write nobody. Measured: its time, the customers
 * it wrote, and the peak memory (RSS) of this process while it ran — the recompute and the local
 * runtime around it (its stream consumers read the customer writes).
 *
 * In the same run, the obvious design — per customer, one query of its purchases and an
 * unconditional write of its tier — runs over the first `--naive` customers; its time is given for
 * them and, per customer, extrapolated to N.
 *
 * Purchases are drawn from a fixed seed: customer i is picked with probability falling off like a
 * power law (a few customers buy very often, as the loyalty practice observes), amounts are
 * log-normal and forty times larger for one customer in forty (big tickets, mostly bought rarely:
 * the best customers who are not loyal), 2,000 products of uneven popularity, dates over the last
 * 15 months (so a fifth fall outside the period, and some customers have no purchase in it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { invoke } from '../local/lambda.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { getClients } from '../shared/clients.ts';
import { config } from '../shared/config.ts';
import { putCustomers } from '../shared/store/customers.ts';
import { mainTable, purchasesTable, queryPages } from '../shared/store/db.ts';
import { customerModel, PURCHASES_TABLE } from '../shared/store/model.ts';
import { putPurchases } from '../shared/store/purchases.ts';
import type { Customer, Purchase } from '../shared/store/schemas.ts';
import { mapLimit } from '../shared/util/concurrency.ts';
import { ActivityTally } from '../shared/value/activity.ts';
import { trailingYear } from '../shared/value/period.ts';
import type { RecomputeOutcome } from '../shared/value/recompute.ts';
import { valueSettingsOf } from '../shared/value/recompute.ts';
import { computeValue } from '../shared/value/report.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    purchases: { type: 'string', default: '1000000' },
    naive: { type: 'string', default: '2000' },
    seeders: { type: 'string', default: '8' },
  },
});
const CUSTOMERS = Number(values.customers);
const PURCHASES = Number(values.purchases);
const NAIVE = Math.min(Number(values.naive), CUSTOMERS);
const SEEDERS = Number(values.seeders);
for (const [name, v] of [
  ['customers', CUSTOMERS],
  ['purchases', PURCHASES],
  ['naive', NAIVE + 1],
  ['seeders', SEEDERS],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number`);
}

const log = (line: string) => console.error(`[bench:value] ${line}`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** mulberry32: a small seeded generator, so every run seeds the same data. */
const generator = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};
const customerId = (i: number) => `c${String(i).padStart(6, '0')}`;
const DAY_MS = 86_400_000;
const PRODUCTS = 2000;
const SEED_CHUNK = 500;

/** Purchases `from`..`from + n − 1`, each the same whatever the run. */
const purchasesOf = (from: number, n: number, today: number): Purchase[] => {
  const random = generator(from + 1);
  const recordedAt = new Date(today).toISOString();
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    // u³ piles the picks on the first customers: the first 1 % make ~22 % of the purchases.
    const who = Math.min(CUSTOMERS - 1, Math.floor(CUSTOMERS * random() ** 3));
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return {
      purchaseId: `o${String(i).padStart(8, '0')}`,
      customerId: customerId(who),
      date: new Date(today - Math.floor(random() * 456) * DAY_MS).toISOString().slice(0, 10),
      // One customer in 40 buys big tickets (×40): rarely, for most of them — the best who are not loyal.
      amount: Math.max(1, Math.round(Math.exp(3.5 + normal) * (who % 40 === 39 ? 40 : 1) * 100)) / 100,
      quantity: 1 + Math.floor(random() ** 2 * 5),
      productId: `sku-${Math.floor(PRODUCTS * random() ** 2)}`,
      recordedAt,
    };
  });
};

const seed = async () => {
  const started = performance.now();
  const now = new Date().toISOString();
  const customerChunks = Array.from({ length: Math.ceil(CUSTOMERS / SEED_CHUNK) }, (_, c) =>
    Array.from({ length: Math.min(SEED_CHUNK, CUSTOMERS - c * SEED_CHUNK) }, (_, k): Customer => {
      const i = c * SEED_CHUNK + k;
      return {
        id: customerId(i),
        email: `${customerId(i)}@example.com`,
        name: `Customer ${i}`,
        attributes: { region: ['emea', 'na', 'apac'][i % 3] as string },
        updatedAt: now,
      };
    }),
  );
  await mapLimit(customerChunks, SEEDERS, (chunk) => putCustomers(chunk));
  const customersS = seconds(performance.now() - started);
  log(`seeded ${CUSTOMERS} customers in ${customersS} s`);

  const today = Date.now();
  const chunks = Array.from({ length: Math.ceil(PURCHASES / SEED_CHUNK) }, (_, c) => c);
  let written = 0;
  const purchasesStarted = performance.now();
  await mapLimit(chunks, SEEDERS, async (c) => {
    await putPurchases(purchasesOf(c * SEED_CHUNK, Math.min(SEED_CHUNK, PURCHASES - c * SEED_CHUNK), today));
    written += Math.min(SEED_CHUNK, PURCHASES - c * SEED_CHUNK);
    if (written % 100_000 < SEED_CHUNK) {
      const s = (performance.now() - purchasesStarted) / 1000;
      log(`${written} purchases in ${s.toFixed(0)} s (${Math.round(written / s)}/s)`);
    }
  });
  const purchasesS = seconds(performance.now() - purchasesStarted);
  log(`seeded ${PURCHASES} purchases in ${purchasesS} s (${Math.round(PURCHASES / purchasesS)}/s)`);
  return { customersSeconds: customersS, purchasesSeconds: purchasesS };
};

/** Runs the recompute as its schedule does, sampling this process's memory every 100 ms. */
const timedRecompute = async (stack: LocalStack) => {
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const started = performance.now();
  try {
    const outcome = (await invoke('recompute-value', { source: 'bench' })) as RecomputeOutcome;
    if ('skipped' in outcome) throw new Error(`recompute skipped: ${outcome.skipped}`);
    const ms = performance.now() - started;
    // The stream consumers read the customer writes; the next run starts when they are done.
    await stack.settle().catch(() => undefined);
    return {
      seconds: seconds(ms),
      outcome,
      rssBeforeMb: mb(before.rss),
      peakRssMb: mb(peakRss),
      peakHeapMb: mb(peakHeap),
    };
  } finally {
    clearInterval(sampler);
  }
};

/**
 * The obvious design, over the first `n` customers: for each, one query of its purchases (by
 * customer), then the same pure ranking, then an unconditional write of every customer.
 */
const naiveRecompute = async (n: number) => {
  const started = performance.now();
  const c = config();
  const period = trailingYear(new Date(), c.TIME_ZONE);
  const ids = Array.from({ length: n }, (_, i) => customerId(i));
  const tally = new ActivityTally();
  await mapLimit(ids, 16, async (id) => {
    for await (const page of queryPages({
      TableName: purchasesTable(),
      IndexName: 'purchasesByCustomer',
      KeyConditionExpression: '#pk = :customer AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: {
        '#pk': PURCHASES_TABLE.indexes.purchasesByCustomer.partitionKey,
        '#sk': PURCHASES_TABLE.indexes.purchasesByCustomer.sortKey,
      },
      ExpressionAttributeValues: {
        ':customer': customerModel.key(id).pk,
        ':from': `PURCHASE#${period.from}`,
        ':to': `PURCHASE#${period.to}#~`,
      },
    })) {
      tally.add(page as unknown as Parameters<ActivityTally['add']>[0]);
    }
  });
  const activity = tally.result();
  const { customers } = computeValue(
    ids.map((id) => ({ id, activity: activity.get(id) })),
    valueSettingsOf(c),
  );
  await mapLimit(customers, 16, (v) =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: customerModel.key(v.id),
        UpdateExpression: 'SET #a.#v = :v, #a.#l = :l, loyaltyIndex = :f',
        ExpressionAttributeNames: { '#a': 'attributes', '#v': 'value', '#l': 'loyalty' },
        ExpressionAttributeValues: { ':v': v.value, ':l': v.loyalty, ':f': v.loyaltyIndex },
      }),
    ),
  );
  return seconds(performance.now() - started);
};

const stack = await startLocalStack({ port: 0, tickMs: 0, log: (line) => log(line) });
try {
  const seeding = await seed();
  log('recompute 1: every customer to classify and write');
  const first = await timedRecompute(stack);
  log(`recompute 1: ${first.seconds} s, ${JSON.stringify(first.outcome)}, peak ${first.peakRssMb} MB`);
  log('recompute 2: nothing changed');
  const second = await timedRecompute(stack);
  log(`recompute 2: ${second.seconds} s, ${JSON.stringify(second.outcome)}, peak ${second.peakRssMb} MB`);
  const naiveSeconds = await naiveRecompute(NAIVE);
  const naivePerCustomerMs = (naiveSeconds * 1000) / NAIVE;
  log(
    `naive: ${NAIVE} customers in ${naiveSeconds} s (${naivePerCustomerMs.toFixed(2)} ms each): ~${seconds(naivePerCustomerMs * CUSTOMERS)} s for ${CUSTOMERS}, extrapolated`,
  );

  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    parameters: { customers: CUSTOMERS, purchases: PURCHASES, naive: NAIVE, seeders: SEEDERS },
    seeding,
    recompute: first,
    recomputeUnchanged: second,
    naive: {
      customers: NAIVE,
      seconds: naiveSeconds,
      perCustomerMs: naivePerCustomerMs,
      extrapolatedSeconds: seconds(naivePerCustomerMs * CUSTOMERS),
    },
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `value-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`results in ${file}`);
  console.log(`value: ${CUSTOMERS} customers in ${first.seconds} s, peak ${first.peakRssMb} MB`);
} finally {
  await stack.stop();
}
