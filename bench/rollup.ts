/**
 * npm run bench:rollup [-- --n 20000] [-- --naive-n 2000] [-- --rate 200] [-- --warmup 8000] [-- --quiet 40]
 *
 * Pushes N answers through the real DynamoDB Streams pipeline on the local stack and measures the
 * rollup: answers/s, counter write units per answer and answer→aggregate-visible latency — for
 * this design (per-batch sums, one conditional write per counter item per batch) and, in the same
 * run, for the naive design (one UpdateItem per record per counter item). Each design gets its own
 * fresh stack and first writes warm-up answers through the same pipeline, reported apart: for its
 * first ~40 s DynamoDB Local's JVM is still compiling itself and every request is 2–3x slower.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { STREAM_CONSUMERS } from '../functions/routes.ts';
import { memoryCheckpoints } from '../local/checkpoints.ts';
import { localStreamsClient } from '../local/dynamodb.ts';
import { invoke } from '../local/lambda.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { StreamPoller } from '../local/stream-poller.ts';
import { type Clients, getClients, setClientsForTests } from '../shared/clients.ts';
import { classify } from '../shared/nps/score.ts';
import { DEFAULT_SEGMENT_DIMENSIONS, segmentsOf } from '../shared/nps/segments.ts';
import { localDate, periodOfDate, WINDOWS } from '../shared/nps/windows.ts';
import { responseItem } from '../shared/store/schemas.ts';
import { parseImage } from '../shared/stream/records.ts';
import { mapLimit } from '../shared/util/concurrency.ts';
import { answerItem, CARDINALITIES } from './answers.ts';
import { percentile } from './support.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '20000' },
    'naive-n': { type: 'string' },
    rate: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '8000' },
    quiet: { type: 'string', default: '40' },
  },
});
const N = Number(values.n);
const NAIVE_N = Number(values['naive-n'] ?? Math.min(N, 2000));
const RATE = Number(values.rate);
const WARMUP = Number(values.warmup);
const QUIET = Number(values.quiet);
// The naive design applies ~15 answers/s here: a quarter of its run warms the emulator as long.
const NAIVE_WARMUP = Math.min(WARMUP, Math.ceil(NAIVE_N / 4));
for (const [name, v] of [
  ['n', N],
  ['naive-n', NAIVE_N],
  ['rate', RATE],
  ['warmup', WARMUP + 1],
  ['quiet', QUIET],
] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
}
const ROLLUP = STREAM_CONSUMERS['rollup-responses'];

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

/**
 * The obvious design: a counter item per segment × window period (day, week, month, quarter, all),
 * and every record adds to each of its items with its own UpdateItem; no batching, no idempotency.
 * The bench writes only new answers, so a record's new image is all it counts.
 */
const naiveRollup = async (records: DynamoDBRecord[], table: string) => {
  const { ddb } = getClients();
  for (const record of records) {
    const answer = parseImage(responseItem, record.dynamodb?.NewImage);
    if (!answer) continue;
    const date = localDate(new Date(answer.firstAnsweredAt), 'UTC');
    const scoreClass = `${classify(answer.score)}s`;
    const items = segmentsOf(answer, DEFAULT_SEGMENT_DIMENSIONS).flatMap((segment) =>
      WINDOWS.map((window) => ({
        pk: `${segment}|${window}`,
        sk: periodOfDate(window, date),
        segment,
        window,
      })),
    );
    await mapLimit(items, 16, ({ pk, sk, segment, window }) =>
      ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk, sk },
          UpdateExpression: `SET #segment = :segment, #periodKey = :periodKey ADD #responses :one, #class :one, #scoreSum :score, #h :one`,
          ExpressionAttributeNames: {
            '#segment': 'segment',
            '#periodKey': 'periodKey',
            '#responses': 'responses',
            '#class': scoreClass,
            '#scoreSum': 'scoreSum',
            '#h': `h${answer.score}`,
          },
          ExpressionAttributeValues: {
            ':segment': segment,
            ':periodKey': `${window}|${sk}`,
            ':one': 1,
            ':score': answer.score,
          },
        }),
      ),
    );
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
  /** Every batch: [start ms after the first answer was due, records, handler ms]. */
  timeline: Array<[number, number, number]>;
}

/**
 * Each design runs on its own fresh local stack. DynamoDB Local keeps every table's stream records
 * in one SQLite table and, on each write to a stream-enabled table, looks up its stream's oldest
 * record with a scan that starts at the oldest record of *any* stream: a design measured after
 * another would pay for the other's records on every answer written.
 */
const withStack = async <T>(run: (stack: LocalStack, counter: ReturnType<typeof counting>) => Promise<T>) => {
  const stack = await startLocalStack({ port: 0, tickMs: 0, streamConsumers: [] });
  const counter = counting(getClients());
  setClientsForTests(counter.clients);
  try {
    return await run(stack, counter);
  } finally {
    await stack.stop();
  }
};

const runDesign = (
  design: DesignResult['design'],
  counts: { warmup: number; answers: number; quiet: number },
) =>
  withStack(async (stack, counter) => {
    const { tables, streamArn } = stack;
    const streams = localStreamsClient(stack.dynamoEndpoint);
    try {
      return await measure(design, counts, { stack, counter, tables, streamArn, streams });
    } finally {
      streams.destroy();
    }
  });

/** What one phase (warm-up, or the measured answers) saw. */
class Phase {
  readonly latencies: number[] = [];
  readonly writeMs: number[] = [];
  readonly batchMs: number[] = [];
  readonly batchSizes: number[] = [];
  readonly timeline: DesignResult['timeline'] = [];
  readonly recordedAt = new Map<string, number>();
  readonly started = Date.now();
  readonly writesBefore: number;
  applied = 0;
  busyMs = 0;
  constructor(writesBefore: number) {
    this.writesBefore = writesBefore;
  }
}

const measure = async (
  design: DesignResult['design'],
  counts: { warmup: number; answers: number; quiet: number },
  {
    stack,
    counter,
    tables,
    streamArn,
    streams,
  }: {
    stack: LocalStack;
    counter: ReturnType<typeof counting>;
    tables: LocalStack['tables'];
    streamArn: string;
    streams: DynamoDBStreamsClient;
  },
): Promise<{ warmup: DesignResult; measured: DesignResult; quiet: DesignResult }> => {
  const writes = () => counter.writes.get(tables.aggregates) ?? 0;
  let phase = new Phase(writes());
  const poller = new StreamPoller({
    client: streams,
    streamArn,
    checkpoints: memoryCheckpoints(),
    // The mapping as the local stack runs it: its batch size and batching window, which is what
    // fills batches and makes each counter write serve many answers.
    consumers: [
      {
        name: 'rollup-responses',
        ...ROLLUP,
        batchingWindowMs: ROLLUP.localBatchingWindowMs,
        bisectOnError: true,
        tumblingWindow: true,
      },
    ],
    invoke: async (_name, event) => {
      const records = (event as { Records: DynamoDBRecord[] }).Records;
      const t0 = Date.now();
      const result =
        design === 'naive'
          ? await naiveRollup(records, tables.aggregates)
          : await invoke('rollup-responses', event);
      const done = Date.now();
      phase.busyMs += done - t0;
      phase.batchMs.push(done - t0);
      phase.batchSizes.push(records.length);
      phase.timeline.push([t0 - phase.started, records.length, done - t0]);
      for (const r of records) {
        // Visible-after-recorded: from the moment the answer's write was acknowledged (when the
        // survey page would say "thank you") to the moment its batch's counters are all written.
        const inviteId = r.dynamodb?.NewImage?.inviteId?.S ?? '';
        const acked = phase.recordedAt.get(inviteId);
        if (acked !== undefined) phase.latencies.push(Math.max(0, done - acked));
      }
      phase.applied += records.length;
      return result;
    },
    onFailure: (f) => {
      throw new Error(`bench batch failed: ${JSON.stringify(f)}`);
    },
  });
  const run = async (answers: number, prefix: string): Promise<DesignResult> => {
    // The answers arrive at a steady rate from a worker thread — the survey functions, which on
    // AWS never share a process (or an event loop) with the rollup consumer.
    await new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./answer-writer.ts', import.meta.url), {
        workerData: {
          endpoint: stack.dynamoEndpoint,
          table: tables.main,
          answers,
          rate: RATE,
          prefix,
          started: phase.started,
        },
      });
      worker.on('message', (m: { ids: string[]; at: number; ms: number }) => {
        phase.writeMs.push(m.ms);
        for (const id of m.ids) phase.recordedAt.set(id, m.at);
      });
      worker.on('error', reject);
      worker.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`answer writer exited with ${code}`)),
      );
    });
    while (phase.applied < answers) await new Promise((r) => setTimeout(r, 20));
    return summarize(design, answers, phase, writes() - phase.writesBefore);
  };
  poller.start();
  try {
    const warmup = await run(counts.warmup, `${design.slice(0, 2)}w`);
    // Every warm-up answer is applied before the measured ones start, so no batch mixes the two.
    phase = new Phase(writes());
    const measured = await run(counts.answers, `${design.slice(0, 2)}m`);
    // Quiet hours: one answer at a time, each applied before the next is written, so every batch
    // holds a single answer and nothing is shared between answers.
    phase = new Phase(writes());
    const { ddb } = getClients();
    for (let i = 0; i < counts.quiet; i++) {
      const item = answerItem(i, `${design.slice(0, 2)}q`);
      phase.recordedAt.set(item.inviteId, Date.now());
      await ddb.send(new PutCommand({ TableName: tables.main, Item: item }));
      while (phase.applied < i + 1) await new Promise((r) => setTimeout(r, 5));
    }
    const quiet = summarize(design, counts.quiet, phase, writes() - phase.writesBefore);
    return { warmup, measured, quiet };
  } finally {
    await poller.stop();
  }
};

const summarize = (
  design: DesignResult['design'],
  answers: number,
  phase: Phase,
  counterWrites: number,
): DesignResult => {
  const seconds = (Date.now() - phase.started) / 1000;
  const { latencies, writeMs, batchMs, batchSizes } = phase;
  return {
    design,
    answers,
    seconds,
    answersPerSecond: Math.round(answers / seconds),
    processedPerBusySecond: Math.round(answers / (phase.busyMs / 1000)),
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
    batches: batchMs.length,
    timeline: phase.timeline,
  };
};

try {
  const brief = ({ timeline: _, ...r }: DesignResult) => JSON.stringify(r);
  const {
    warmup: oursWarmup,
    measured: ours,
    quiet: oursQuiet,
  } = await runDesign('batched-exactly-once', { warmup: WARMUP, answers: N, quiet: QUIET });
  console.log(`this design, warm-up (not measured): ${brief(oursWarmup)}`);
  console.log(`this design: ${brief(ours)}`);
  console.log(`this design, quiet hours (one answer per batch): ${brief(oursQuiet)}`);
  const {
    warmup: naiveWarmup,
    measured: naive,
    quiet: naiveQuiet,
  } = await runDesign('naive', { warmup: NAIVE_WARMUP, answers: NAIVE_N, quiet: QUIET });
  console.log(`naive design, warm-up (not measured): ${brief(naiveWarmup)}`);
  console.log(`naive design: ${brief(naive)}`);
  console.log(`naive design, quiet hours: ${brief(naiveQuiet)}`);
  const ratio = naive.writesPerResponse / ours.writesPerResponse;
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    parameters: {
      n: N,
      naiveN: NAIVE_N,
      ratePerSecond: RATE,
      warmup: { ours: WARMUP, naive: NAIVE_WARMUP },
      batchSize: ROLLUP.batchSize,
      batchingWindowMs: ROLLUP.localBatchingWindowMs,
    },
    cardinalities: { ...CARDINALITIES, segmentsPerAnswer: 1 + DEFAULT_SEGMENT_DIMENSIONS.length },
    ours,
    naive,
    quiet: { ours: oursQuiet, naive: naiveQuiet },
    ratio,
    warmup: { ours: oursWarmup, naive: naiveWarmup },
  };
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `rollup-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results: ${file}`);
  console.log(
    `rollup: ${ours.writesPerResponse.toFixed(2)} writes/response vs naive ${naive.writesPerResponse.toFixed(2)} (${ratio.toFixed(1)}x fewer); p99 visible ${Math.round(ours.latencyMs.p99 ?? 0)} ms; quiet hours ${oursQuiet.writesPerResponse.toFixed(1)} counter writes/answer (naive ${naiveQuiet.writesPerResponse.toFixed(1)})`,
  );
} catch (err: unknown) {
  console.error(err);
  process.exitCode = 1;
}
