import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DAILY_FUNCTIONS,
  type DailyFunctionName,
  DISPATCH_FUNCTION,
  QUEUE_CONSUMERS,
  SCHEDULED_FUNCTIONS,
  SENDER_FUNCTION,
  SIGN_IN_LINK_FUNCTION,
  STREAM_CONSUMERS,
  type StreamFunctionName,
  VALUE_FUNCTION,
  visibilityTimeoutSeconds,
} from '#functions/routes';
import { getClients, setClientsForTests } from '#shared/clients';
import { resetConfigForTests } from '#shared/config';
import { redact } from '../shared/redact.ts';
import { type CheckpointStore, fileCheckpoints, memoryCheckpoints } from './checkpoints.ts';
import { localDynamoClient, localStreamsClient, type RunningDynamoDb, startDynamoDb } from './dynamodb.ts';
import { type LocalHttpServer, startHttpServer } from './http-server.ts';
import { type InternalEndpoints, startInternalEndpoints } from './internal-endpoints.ts';
import { invoke } from './lambda.ts';
import { freePort } from './ports.ts';
import { type RunningSes, startSes } from './ses.ts';
import { LocalSqs } from './sqs.ts';
import { type FailedBatch, StreamPoller } from './stream-poller.ts';
import { enforceTableAccess } from './table-access-check.ts';
import { ensureTables } from './tables.ts';

export interface LocalStackOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  sesPort?: number;
  ddbPort?: number;
  /** Use an already running DynamoDB Local instead of starting one (tests share one). */
  dynamoEndpoint?: string;
  /** Use an already running local SES instead of starting one in this process (a benchmark's, in its own). */
  sesEndpoint?: string;
  /** Keep DynamoDB data, secrets and stream positions here; without it everything is in memory. */
  dataDir?: string;
  tableName?: string;
  aggregatesTableName?: string;
  adminKey?: string;
  publicUrl?: string;
  timeZone?: string;
  /** How often the scheduled functions run; 0 disables the ticker (tests tick by hand). */
  tickMs?: number;
  log?: (line: string) => void;
  extraEnv?: Record<string, string>;
  /** Which stream consumers to run (default all); tests that drive a consumer themselves leave it out. */
  streamConsumers?: StreamFunctionName[];
  /**
   * Start with the stream consumers and the schedule ticker stopped, until `resume()`: the demo
   * writes a year of history first, as the functions would have written it at the time, and only
   * then lets the consumers read the stream (from its start, as on AWS) and the ticker run.
   */
  startPaused?: boolean;
}

export interface LocalStack {
  url: string;
  sesUrl: string;
  dynamoEndpoint: string;
  adminKey: string;
  tables: { main: string; aggregates: string; purchases: string };
  tablesCreated: boolean;
  streamArn: string;
  streamFailures: FailedBatch[];
  /** Waits until async invocations and both stream consumers have nothing left to do. */
  settle: () => Promise<void>;
  /** Messages the local alert queue gave up on (its DLQ). */
  queueDeadLetters: () => Array<{ messageId: string; body: string; receiveCount: number }>;
  /** Runs the scheduled functions once, now. */
  tick: () => Promise<void>;
  /** Runs the daily functions (the value recompute) once, now. */
  tickDaily: () => Promise<void>;
  /** Starts the stream consumers and the ticker of a stack started with `startPaused` (once). */
  resume: () => void;
  stop: () => Promise<void>;
}

interface LocalSecrets {
  tokenKey: string;
  adminKey: string;
  /** Added later than the others: a data directory from before it gets one on next start. */
  suppressionKey?: string;
}

const generatedSecrets = (): LocalSecrets => ({
  tokenKey: randomBytes(32).toString('base64url'),
  adminKey: randomBytes(24).toString('base64url'),
  suppressionKey: randomBytes(32).toString('base64url'),
});

/** Local keys persist with the data, so survey links in old demo emails keep working. */
const loadSecrets = (dataDir: string | undefined): LocalSecrets => {
  if (!dataDir) return generatedSecrets();
  const path = join(dataDir, 'secrets.json');
  const kept = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as LocalSecrets) : undefined;
  if (kept?.suppressionKey) return kept;
  const secrets = { ...generatedSecrets(), ...kept };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
};

/** The calendar day (YYYY-MM-DD) and wall-clock time (HH:MM) of an instant in a time zone. */
const localDayAndTime = (at: Date, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
};

export const wipeData = (dataDir: string) => rmSync(dataDir, { recursive: true, force: true });

/**
 * The whole pipeline on one machine: DynamoDB Local, the local SES, the HTTP API, the stream
 * consumers and the schedule ticker — all invoking the same handlers that run on AWS.
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const log = options.log ?? (() => undefined);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((err: unknown) => log(`stop failed: ${String(err)}`));
    stops.length = 0;
  };
  try {
    let dynamoEndpoint = options.dynamoEndpoint;
    if (!dynamoEndpoint) {
      const dynamo: RunningDynamoDb = await startDynamoDb({
        port: options.ddbPort || (await freePort()),
        dataDir: options.dataDir ? join(options.dataDir, 'dynamodb') : undefined,
      });
      stops.push(dynamo.stop);
      dynamoEndpoint = dynamo.endpoint;
    }

    const ses: RunningSes = options.sesEndpoint
      ? { url: options.sesEndpoint, stop: async () => undefined }
      : await startSes(options.sesPort || (await freePort()));
    stops.push(ses.stop);

    let ready = false;
    let sqs: LocalSqs | undefined;
    // Printed like the handlers' own log lines: without survey tokens or addresses.
    const onInvokeError = (name: string, err: unknown) =>
      log(redact(`[${name}] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
    const http: LocalHttpServer = await startHttpServer({
      port: options.port ?? 0,
      isReady: () => ready,
      onInvokeError,
    });
    stops.push(http.close);
    const url = `http://127.0.0.1:${http.port}`;
    // The Lambda Invoke and SQS APIs the handlers call: a loopback port of their own, behind a
    // secret of this run that only the SDK clients configured below carry.
    const internal: InternalEndpoints = await startInternalEndpoints({ sqs: () => sqs, onInvokeError });
    stops.push(internal.close);
    sqs = new LocalSqs(internal.origin);
    const alertQueueUrl = sqs.createQueue(QUEUE_CONSUMERS['deliver-alerts'].queue, {
      visibilityTimeoutMs: visibilityTimeoutSeconds('deliver-alerts') * 1000,
      maxReceiveCount: QUEUE_CONSUMERS['deliver-alerts'].maxReceiveCount,
    });

    const secrets = loadSecrets(options.dataDir);
    const adminKey = options.adminKey ?? secrets.adminKey;
    const main = options.tableName ?? 'nps-loop';
    const tables = {
      main,
      aggregates: options.aggregatesTableName ?? 'nps-loop-aggregates',
      purchases: `${main}-purchases`,
    };
    const logLevel = (process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN').toUpperCase();
    // The settings below are this stack's: put back as they were when it stops, so that a setting
    // of one stack (say, strict mode) never reaches the next one started in the same process.
    const earlierEnv = { ...process.env };
    stops.push(async () => {
      for (const name of Object.keys(process.env)) if (!(name in earlierEnv)) delete process.env[name];
      Object.assign(process.env, earlierEnv);
    });
    Object.assign(process.env, {
      TABLE_NAME: tables.main,
      AGGREGATES_TABLE_NAME: tables.aggregates,
      PURCHASES_TABLE_NAME: tables.purchases,
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      SES_ENDPOINT: ses.url,
      LAMBDA_ENDPOINT: internal.endpoint,
      SQS_ENDPOINT: internal.endpoint,
      ALERT_QUEUE_URL: alertQueueUrl,
      PUBLIC_URL: options.publicUrl ?? url,
      SENDER_EMAIL: 'surveys@nps-loop.example',
      TIME_ZONE: options.timeZone ?? 'UTC',
      DISPATCH_FUNCTION_NAME: DISPATCH_FUNCTION,
      SENDER_FUNCTION_NAME: SENDER_FUNCTION,
      VALUE_FUNCTION_NAME: VALUE_FUNCTION,
      SIGN_IN_FUNCTION_NAME: SIGN_IN_LINK_FUNCTION,
      LOCAL_MODE: 'true',
      TOKEN_KEY: secrets.tokenKey,
      SUPPRESSION_KEY: secrets.suppressionKey,
      ADMIN_KEY: adminKey,
      POWERTOOLS_LOG_LEVEL: logLevel,
      // The EMF metric lines are info: printed with the info lines (POWERTOOLS_LOG_LEVEL=INFO).
      POWERTOOLS_METRICS_DISABLED:
        process.env.POWERTOOLS_METRICS_DISABLED ?? String(!['DEBUG', 'INFO'].includes(logLevel)),
      ...options.extraEnv,
    });
    resetConfigForTests();
    setClientsForTests(undefined);
    // Each handler's DynamoDB calls held to its IAM grant, as on AWS (cdk/table-access.ts).
    enforceTableAccess(getClients().ddb, tables);

    const ddb = localDynamoClient(dynamoEndpoint);
    stops.push(async () => ddb.destroy());
    const { created } = await ensureTables(ddb, tables);
    const described = await ddb.send(new DescribeTableCommand({ TableName: tables.main }));
    const streamArn = described.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${tables.main} has no stream`);

    const streams = localStreamsClient(dynamoEndpoint);
    stops.push(async () => streams.destroy());
    const checkpoints: CheckpointStore = options.dataDir
      ? fileCheckpoints(join(options.dataDir, 'stream-positions.json'))
      : memoryCheckpoints();
    const streamFailures: FailedBatch[] = [];
    const poller = new StreamPoller({
      client: streams,
      streamArn,
      checkpoints,
      consumers: (options.streamConsumers ?? (Object.keys(STREAM_CONSUMERS) as StreamFunctionName[])).map(
        (name) => ({
          name,
          ...STREAM_CONSUMERS[name],
          batchingWindowMs: STREAM_CONSUMERS[name].localBatchingWindowMs,
          bisectOnError: true,
          tumblingWindow: STREAM_CONSUMERS[name].tumblingWindowSeconds > 0,
        }),
      ),
      invoke: (name, event) => invoke(name as StreamFunctionName, event),
      onFailure: (failure) => {
        streamFailures.push(failure);
        log(
          redact(
            `[stream] ${failure.consumer}: batch sent to the on-failure destination: ${JSON.stringify(failure)}`,
          ),
        );
        if (options.dataDir)
          appendFileSync(join(options.dataDir, 'stream-failures.jsonl'), `${JSON.stringify(failure)}\n`);
      },
    });
    let running = false;
    const startPoller = () => poller.start();
    stops.push(() => poller.stop());

    const localSqs = sqs;
    localSqs.addConsumer({
      queue: QUEUE_CONSUMERS['deliver-alerts'].queue,
      batchSize: QUEUE_CONSUMERS['deliver-alerts'].batchSize,
      invoke: (event) => invoke('deliver-alerts', event),
    });
    stops.push(() => localSqs.stop());

    const tick = async () => {
      for (const name of SCHEDULED_FUNCTIONS) {
        await invoke(name, { source: 'local.scheduler', time: new Date().toISOString() }).catch(
          (err: unknown) => onInvokeError(name, err),
        );
      }
    };
    const dailyNames = Object.keys(DAILY_FUNCTIONS) as DailyFunctionName[];
    const tickDaily = async (names: readonly DailyFunctionName[] = dailyNames) => {
      for (const name of names) {
        await invoke(name, { source: 'local.scheduler', time: new Date().toISOString() }).catch(
          (err: unknown) => onInvokeError(name, err),
        );
      }
    };
    const startTicker = () => {
      if (options.tickMs !== 0) {
        let ticking = false;
        let dailyRunning = false;
        const timeZone = options.timeZone ?? 'UTC';
        // A daily function runs at the first tick past its time each day, beside the minute ticks,
        // which it never holds up. A start after its time waits for tomorrow's: starting is no
        // reason to run it (what it wrote last is kept with the data), and one running at once would
        // race whatever the starter does first (the demo's purchases).
        const started = localDayAndTime(new Date(), timeZone);
        const lastDailyRun = new Map<DailyFunctionName, string>(
          dailyNames.filter((n) => started.time >= DAILY_FUNCTIONS[n].at).map((n) => [n, started.day]),
        );
        const timer = setInterval(() => {
          const now = new Date();
          const { day, time } = localDayAndTime(now, timeZone);
          const due = dailyNames.filter((n) => time >= DAILY_FUNCTIONS[n].at && lastDailyRun.get(n) !== day);
          if (due.length > 0 && !dailyRunning) {
            dailyRunning = true;
            for (const name of due) lastDailyRun.set(name, day);
            void tickDaily(due).finally(() => {
              dailyRunning = false;
            });
          }
          if (ticking) return;
          ticking = true;
          void tick().finally(() => {
            ticking = false;
          });
        }, options.tickMs ?? 5_000);
        stops.push(async () => clearInterval(timer));
      }
    };
    const resume = () => {
      if (running) return;
      running = true;
      startPoller();
      startTicker();
    };
    if (!options.startPaused) resume();
    // Let in-flight async invocations finish before the tables and emulators go away.
    stops.push(() => internal.drain());

    ready = true;
    return {
      url,
      sesUrl: ses.url,
      dynamoEndpoint,
      adminKey,
      tables,
      tablesCreated: created,
      streamArn,
      streamFailures,
      settle: async () => {
        // In flow order: async invocations (dispatch), the stream consumers, then the alert queue
        // they feed (its delayed retries excepted: those wait for their backoff).
        const deadline = Date.now() + 30_000;
        await internal.drain();
        // Paused: nothing reads the stream yet (waiting for it would start its readers).
        if (!running) return;
        await poller.waitForIdle();
        await internal.drain();
        while (!localSqs.isIdle()) {
          if (Date.now() > deadline) throw new Error('the local alert queue did not settle within 30 s');
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      queueDeadLetters: () => localSqs.deadLetters(QUEUE_CONSUMERS['deliver-alerts'].queue),
      tick,
      tickDaily: () => tickDaily(),
      resume,
      stop: stopAll,
    };
  } catch (err: unknown) {
    await stopAll();
    throw err;
  }
};
