import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The benchmark figures the cost uses, each with the file it came from. Result files are read
 * defensively: the benchmarks grow new sections over time (bench:rollup's `quiet`), and an older
 * file simply lacks them — the cost then says it derived that figure instead.
 */
export interface RollupFigures {
  file: string;
  /** Counter writes per answer at the bench's busy rate (batches of many answers). */
  busyWritesPerAnswer: number;
  /** Answers per rollup batch at that rate (p50), and the handler's time per batch (p50, ms). */
  busyBatchSize: number;
  busyBatchMs: number;
  /** Counter writes per answer at one answer per batch, when the file measured it. */
  quietWritesPerAnswer: number | undefined;
  /** Handler time of a one-answer batch (p50, ms), when measured. */
  quietBatchMs: number | undefined;
}

export interface SendFigures {
  file: string;
  /** The achieved share of the configured send rate: the sender is busy 1 / (rate × this) s an email. */
  fractionOfRate: number;
  configuredRate: number;
  emails: number;
}

export interface AlertFigures {
  file: string;
  /** Answer → signed webhook received, p50 ms: bounds the alert functions' own time per detractor. */
  answerToWebhookP50Ms: number;
}

export interface BenchFigures {
  rollup: RollupFigures;
  send: SendFigures;
  alerts: AlertFigures | undefined;
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const positive = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;

/** A field the cost cannot do without: a clear error naming the file and the field. */
const required = (value: number | undefined, file: string, field: string): number => {
  if (value === undefined) throw new Error(`${file} has no positive number at ${field}`);
  return value;
};

export const rollupFigures = (json: unknown, file: string): RollupFigures => {
  const r = record(json);
  const ours = record(r.ours);
  const quiet = record(record(r.quiet).ours);
  return {
    file,
    busyWritesPerAnswer: required(positive(ours.writesPerResponse), file, 'ours.writesPerResponse'),
    busyBatchSize: required(positive(record(ours.batchSize).p50), file, 'ours.batchSize.p50'),
    busyBatchMs: required(positive(record(ours.batchMs).p50), file, 'ours.batchMs.p50'),
    quietWritesPerAnswer: positive(quiet.writesPerResponse),
    quietBatchMs: positive(record(quiet.batchMs).p50),
  };
};

export const sendFigures = (json: unknown, file: string): SendFigures => {
  const s = record(json);
  const configuredRate = required(
    positive(record(s.parameters).configuredRate),
    file,
    'parameters.configuredRate',
  );
  const emails = required(positive(s.emails), file, 'emails');
  // Older files may lack the ratio; it is the measured rate over the configured one.
  const fraction = positive(s.fractionOfRate) ?? (positive(s.ratePerSecond) ?? 0) / configuredRate;
  return {
    file,
    fractionOfRate: required(positive(fraction), file, 'fractionOfRate'),
    configuredRate,
    emails,
  };
};

export const alertFigures = (json: unknown, file: string): AlertFigures => ({
  file,
  answerToWebhookP50Ms: required(
    positive(record(record(json).steadyLatencyMs).p50),
    file,
    'steadyLatencyMs.p50',
  ),
});

/**
 * The newest result of one benchmark in `dir`: files are named `<bench>-<ISO time>.json` with the
 * time's `:` and `.` written `-`, so the names sort in time order.
 */
export const newestResult = (dir: string, bench: string): string | undefined => {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const pattern = new RegExp(`^${bench}-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z\\.json$`);
  return names
    .filter((n) => pattern.test(n))
    .sort()
    .at(-1);
};

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** The newest rollup, send and alerts results in `dir` (the first two are required). */
export const readBenchFigures = (dir: string): BenchFigures => {
  const rollup = newestResult(dir, 'rollup');
  const send = newestResult(dir, 'send');
  if (!rollup) throw new Error(`no rollup-*.json in ${dir}: run npm run bench:rollup first`);
  if (!send) throw new Error(`no send-*.json in ${dir}: run npm run bench:send first`);
  const alerts = newestResult(dir, 'alerts');
  return {
    rollup: rollupFigures(readJson(join(dir, rollup)), join(dir, rollup)),
    send: sendFigures(readJson(join(dir, send)), join(dir, send)),
    alerts: alerts ? alertFigures(readJson(join(dir, alerts)), join(dir, alerts)) : undefined,
  };
};
