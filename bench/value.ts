/**
 * npm run bench:value [-- --customers 100000] [-- --purchases 1000000] [-- --naive 2000] [-- --seeders 8]
 *
 * The value recompute — value tiers and the loyalty index from the trailing 12 months of
 * purchases — on the real local stack: N customers and P purchases are seeded into DynamoDB Local
 * (BatchWriteItem, `--seeders` in flight; timed apart, it is not the recompute), then, in a process
 * of its own (bench/value-child.ts), the recompute function runs as its daily schedule starts it,
 * twice: first with every customer to classify and write, then again with nothing changed, which
 * must write nobody. Measured: its time, the customers it wrote, and the peak memory (RSS) of that
 * process while it ran — the recompute and the local runtime around it (its stream consumers read
 * the customer writes), not the seeding.
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
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDynamoDb } from '../local/dynamodb.ts';
import { freePort } from '../local/ports.ts';
import { startLocalStack } from '../local/stack.ts';
import { putCustomers } from '../shared/store/customers.ts';
import { putPurchases } from '../shared/store/purchases.ts';
import type { Customer, Purchase } from '../shared/store/schemas.ts';
import { mapLimit } from '../shared/util/concurrency.ts';
import { type ChildResult, BENCH_TABLES as TABLES } from './value-child.ts';

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

const dynamo = await startDynamoDb({ port: await freePort() });
try {
  // Seeding without stream consumers: the recompute's process starts its own, which read the
  // seeding's stream records before anything is measured.
  const seeder = await startLocalStack({
    ...TABLES,
    dynamoEndpoint: dynamo.endpoint,
    port: 0,
    tickMs: 0,
    streamConsumers: [],
  });
  let seeding: Awaited<ReturnType<typeof seed>>;
  try {
    seeding = await seed();
  } finally {
    await seeder.stop();
  }

  // The recompute in a process of its own: its memory is the recompute's and the local runtime's
  // around it (as a Lambda's would be), not the seeding's.
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      fileURLToPath(new URL('./value-child.ts', import.meta.url)),
      '--endpoint',
      dynamo.endpoint,
      '--naive',
      String(NAIVE),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the recompute process exited with ${code}`);
  const measured = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ChildResult;

  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    parameters: { customers: CUSTOMERS, purchases: PURCHASES, naive: NAIVE, seeders: SEEDERS },
    seeding,
    ...measured,
  };
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `value-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`results in ${file}`);
  console.log(
    `value: ${measured.recompute.outcome.customers} customers in ${measured.recompute.seconds} s, peak ${measured.recompute.peakRssMb} MB`,
  );
} finally {
  await dynamo.stop();
}
