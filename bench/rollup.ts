/**
 * npm run bench:rollup [-- --n 20000] [-- --naive-n 2000] [-- --rate 200]
 *
 * Pushes N answers through the real DynamoDB Streams pipeline on the local stack and measures the
 * rollup: answers/s, counter write units per answer and answer→aggregate-visible latency — for
 * this design (per-batch sums, one conditional write per counter item per batch) and, in the same
 * run, for the naive design (one UpdateItem per record per counter item), on fresh tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { STREAM_CONSUMERS } from '../functions/routes.ts';
import { memoryCheckpoints } from '../local/checkpoints.ts';
import { localDynamoClient } from '../local/dynamodb.ts';
import { invoke } from '../local/lambda.ts';
import { startLocalStack } from '../local/stack.ts';
import { StreamPoller } from '../local/stream-poller.ts';
import { ensureTables } from '../local/tables.ts';
import { type Clients, getClients, setClientsForTests } from '../shared/clients.ts';
import { changeOf } from '../shared/rollup/counters.ts';
import { responseItem } from '../shared/store/schemas.ts';
import { parseImage } from '../shared/stream/records.ts';
import { mapLimit } from '../shared/util/concurrency.ts';
import { percentile } from './support.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '20000' },
    'naive-n': { type: 'string' },
    rate: { type: 'string', default: '200' },
  },
});
const N = Number(values.n);
const NAIVE_N = Number(values['naive-n'] ?? Math.min(N, 2000));
const RATE = Number(values.rate);
for (const [name, v] of [
  ['n', N],
  ['naive-n', NAIVE_N],
  ['rate', RATE],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
}

/** Counts UpdateItem requests per table: each is one write unit (counter items stay under 1 KB). */
const counting = (real: Clients) => {
  const writes = new Map<string, number>();
  const ddb = {
    send: (command: unknown) => {
      if (command instanceof UpdateCommand) {
        const table = command.input.TableName ?? '';
        writes.set(table, (writes.get(table) ?? 0) + 1);
      }
      return real.ddb.send(command as never);
    },
  };
  return { clients: { ...real, ddb: ddb as unknown as Clients['ddb'] }, writes };
};

/** The obvious design: every record, every counter item, one UpdateItem; no batching, no idempotency. */
const naiveRollup = async (records: DynamoDBRecord[], table: string) => {
  const { ddb } = getClients();
  for (const record of records) {
    const change = changeOf(
      parseImage(responseItem, record.dynamodb?.OldImage),
      parseImage(responseItem, record.dynamodb?.NewImage),
      'UTC',
    );
    await mapLimit([...change.values()], 16, ({ key, delta }) => {
      const fields = Object.entries(delta).filter(([, v]) => v !== 0);
      return ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: `SET #segment = :segment, #periodKey = :periodKey ADD ${fields.map(([f]) => `#${f} :${f}`).join(', ')}`,
          ExpressionAttributeNames: {
            '#segment': 'segment',
            '#periodKey': 'periodKey',
            ...Object.fromEntries(fields.map(([f]) => [`#${f}`, f])),
          },
          ExpressionAttributeValues: {
            ':segment': key.segment,
            ':periodKey': `${key.window}|${key.period}`,
            ...Object.fromEntries(fields.map(([f, v]) => [`:${f}`, v])),
          },
        }),
      );
    });
  }
  return { batchItemFailures: [] };
};

interface DesignResult {
  design: 'batched-exactly-once' | 'naive';
  answers: number;
  seconds: number;
  answersPerSecond: number;
  /** Answers per second of rollup handler time: what one shard's consumer can keep up with. */
  processedPerBusySecond: number;
  counterWrites: number;
  writesPerResponse: number;
  /** How long recording 25 answers (one BatchWriteItem) took: the load generator's own view. */
  answerWriteMs: { p50: number; p99: number };
  /** Rollup handler time per batch, and records per batch. */
  batchMs: { p50: number; max: number };
  batchSize: { p50: number; max: number };
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  batches: number;
}

const stack = await startLocalStack({ port: 0, tickMs: 0, streamConsumers: [] });
const counter = counting(getClients());
setClientsForTests(counter.clients);
const ddbAdmin = localDynamoClient(stack.dynamoEndpoint);
const streams = new DynamoDBStreamsClient({
  endpoint: stack.dynamoEndpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const getRecordsMs: number[] = [];
streams.middlewareStack.add(
  (next) => async (args) => {
    const t0 = Date.now();
    const out = await next(args);
    getRecordsMs.push(Date.now() - t0);
    return out;
  },
  { step: 'initialize', name: 'timing' },
);

const runDesign = async (design: DesignResult['design'], answers: number): Promise<DesignResult> => {
  const tables =
    design === 'naive'
      ? { main: `${stack.tables.main}-naive`, aggregates: `${stack.tables.aggregates}-naive` }
      : stack.tables;
  await ensureTables(ddbAdmin, tables);
  const streamArn = (await ddbAdmin.send(new DescribeTableCommand({ TableName: tables.main }))).Table
    ?.LatestStreamArn;
  if (!streamArn) throw new Error('no stream');
  const latencies: number[] = [];
  let applied = 0;
  let batches = 0;
  let busyMs = 0;
  const recordedAt = new Map<string, number>();
  const writeMs: number[] = [];
  const batchMs: number[] = [];
  const batchSizes: number[] = [];
  const config = STREAM_CONSUMERS['rollup-responses'];
  const poller = new StreamPoller({
    client: streams,
    streamArn,
    checkpoints: memoryCheckpoints(),
    consumers: [{ name: 'rollup-responses', ...config, bisectOnError: true, tumblingWindow: true }],
    invoke: async (_name, event) => {
      const records = (event as { Records: DynamoDBRecord[] }).Records;
      const t0 = Date.now();
      const result =
        design === 'naive'
          ? await naiveRollup(records, tables.aggregates)
          : await invoke('rollup-responses', event);
      const done = Date.now();
      busyMs += done - t0;
      batchMs.push(done - t0);
      batchSizes.push(records.length);
      batches++;
      for (const r of records) {
        // Visible-after-recorded: from the moment the answer's write was acknowledged (when the
        // survey page would say "thank you") to the moment its batch's counters are all written.
        const inviteId = r.dynamodb?.NewImage?.inviteId?.S ?? '';
        const acked = recordedAt.get(inviteId);
        if (acked !== undefined) latencies.push(Math.max(0, done - acked));
      }
      applied += records.length;
      return result;
    },
    onFailure: (f) => {
      throw new Error(`bench batch failed: ${JSON.stringify(f)}`);
    },
  });
  poller.start();
  const before = counter.writes.get(tables.aggregates) ?? 0;
  const started = Date.now();
  // The answers arrive at a steady rate from a worker thread — the survey functions, which on AWS
  // never share a process (or an event loop) with the rollup consumer.
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL('./answer-writer.ts', import.meta.url), {
      workerData: {
        endpoint: stack.dynamoEndpoint,
        table: tables.main,
        answers,
        rate: RATE,
        prefix: design === 'naive' ? 'nv' : 'bx',
        started,
      },
    });
    worker.on('message', (m: { ids: string[]; at: number; ms: number }) => {
      writeMs.push(m.ms);
      for (const id of m.ids) recordedAt.set(id, m.at);
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`answer writer exited with ${code}`)),
    );
  });
  while (applied < answers) await new Promise((r) => setTimeout(r, 20));
  const seconds = (Date.now() - started) / 1000;
  await poller.stop();
  const counterWrites = (counter.writes.get(tables.aggregates) ?? 0) - before;
  return {
    design,
    answers,
    seconds,
    answersPerSecond: Math.round(answers / seconds),
    processedPerBusySecond: Math.round(answers / (busyMs / 1000)),
    counterWrites,
    writesPerResponse: counterWrites / answers,
    answerWriteMs: { p50: percentile(writeMs, 50), p99: percentile(writeMs, 99) },
    batchMs: { p50: percentile(batchMs, 50), max: percentile(batchMs, 100) },
    batchSize: { p50: percentile(batchSizes, 50), max: percentile(batchSizes, 100) },
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    batches,
  };
};

try {
  const ours = await runDesign('batched-exactly-once', N);
  console.log(`this design: ${JSON.stringify(ours)}`);
  const naive = await runDesign('naive', NAIVE_N);
  console.log(`naive design: ${JSON.stringify(naive)}`);
  console.log(
    `streams calls: p50 ${percentile(getRecordsMs, 50)} ms, p99 ${percentile(getRecordsMs, 99)} ms, max ${percentile(getRecordsMs, 100)} ms, n ${getRecordsMs.length}`,
  );
  const ratio = naive.writesPerResponse / ours.writesPerResponse;
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    parameters: {
      n: N,
      naiveN: NAIVE_N,
      ratePerSecond: RATE,
      batchSize: STREAM_CONSUMERS['rollup-responses'].batchSize,
    },
    cardinalities: { tiers: 3, regions: 6, plans: 4, owners: 40, campaigns: 2, windows: 5 },
    ours,
    naive,
    ratio,
  };
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `rollup-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results: ${file}`);
  console.log(
    `rollup: ${ours.writesPerResponse.toFixed(2)} writes/response vs naive ${naive.writesPerResponse.toFixed(2)} (${ratio.toFixed(1)}x fewer); p99 visible ${Math.round(ours.latencyMs.p99)} ms`,
  );
} finally {
  streams.destroy();
  ddbAdmin.destroy();
  await stack.stop();
}
