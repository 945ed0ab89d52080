/**
 * The measured half of bench:value, in a process of its own so that its memory is the recompute's
 * (and the local runtime's around it), not the seeding's: a local stack on the benchmark's DynamoDB
 * Local and its seeded tables, the recompute twice, then the naive design over `--naive` customers.
 * Prints its figures as one JSON line.
 */
import { parseArgs } from 'node:util';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { invoke } from '../local/lambda.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { getClients } from '../shared/clients.ts';
import { config } from '../shared/config.ts';
import { customerPages } from '../shared/store/customers.ts';
import { mainTable, purchasesTable, queryPages } from '../shared/store/db.ts';
import { customerModel, PURCHASES_TABLE } from '../shared/store/model.ts';
import { mapLimit } from '../shared/util/concurrency.ts';
import { ActivityTally } from '../shared/value/activity.ts';
import { trailingYear } from '../shared/value/period.ts';
import { type RecomputeOutcome, valueSettingsOf } from '../shared/value/recompute.ts';
import { computeValue } from '../shared/value/report.ts';

/** The tables the benchmark seeds and measures. */
export const BENCH_TABLES = { tableName: 'bench', aggregatesTableName: 'bench-agg' } as const;

const log = (line: string) => console.error(`[bench:value] ${line}`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

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
  const ids: string[] = [];
  for await (const page of customerPages()) {
    ids.push(...page.slice(0, n - ids.length).map((c) => c.id));
    if (ids.length >= n) break;
  }
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

export interface ChildResult {
  recompute: Awaited<ReturnType<typeof timedRecompute>>;
  recomputeUnchanged: Awaited<ReturnType<typeof timedRecompute>>;
  naive: { customers: number; seconds: number; perCustomerMs: number; extrapolatedSeconds: number };
  /** This process's highest RSS over its whole life: start, both recomputes and the naive run. */
  maxRssMb: number;
}

const run = async () => {
  const { values } = parseArgs({
    options: { endpoint: { type: 'string' }, naive: { type: 'string', default: '2000' } },
  });
  if (!values.endpoint) throw new Error('--endpoint is required');
  const stack = await startLocalStack({
    ...BENCH_TABLES,
    dynamoEndpoint: values.endpoint,
    port: 0,
    tickMs: 0,
    log: (line) => log(line),
  });
  try {
    // The stream consumers first read what the seeding wrote (customers), before anything is timed.
    for (;;) {
      try {
        await stack.settle();
        break;
      } catch {
        log('the stream consumers are still reading the seeding');
      }
    }
    log('recompute 1: every customer to classify and write');
    const first = await timedRecompute(stack);
    log(`recompute 1: ${first.seconds} s, ${JSON.stringify(first.outcome)}, peak ${first.peakRssMb} MB`);
    log('recompute 2: nothing changed');
    const second = await timedRecompute(stack);
    log(`recompute 2: ${second.seconds} s, ${JSON.stringify(second.outcome)}, peak ${second.peakRssMb} MB`);
    const customers = first.outcome.customers;
    const naiveN = Math.min(Number(values.naive), customers);
    const naiveSeconds = await naiveRecompute(naiveN);
    const perCustomerMs = (naiveSeconds * 1000) / naiveN;
    log(
      `naive: ${naiveN} customers in ${naiveSeconds} s (${perCustomerMs.toFixed(2)} ms each): ~${seconds(perCustomerMs * customers)} s for ${customers}, extrapolated`,
    );
    const result: ChildResult = {
      recompute: first,
      recomputeUnchanged: second,
      naive: {
        customers: naiveN,
        seconds: naiveSeconds,
        perCustomerMs,
        extrapolatedSeconds: seconds(perCustomerMs * customers),
      },
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stack.stop();
  }
};

// Run only as the child process, not when bench/value.ts imports the shared names above.
if (import.meta.filename === process.argv[1]) await run();
