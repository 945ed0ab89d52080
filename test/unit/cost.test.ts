import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BenchFigures,
  newestResult,
  readBenchFigures,
  rollupFigures,
  sendFigures,
} from '../../scripts/cost/benches.ts';
import { type CostLine, dollarsOf, estimate } from '../../scripts/cost/estimate.ts';
import { PRICES } from '../../scripts/cost/prices.ts';
import { money } from '../../scripts/cost/render.ts';
import {
  type CfnTemplate,
  functionNameOf,
  invocationsPerMonth,
  templateFacts,
} from '../../scripts/cost/template.ts';
import { ASSUMPTIONS, type Assumptions, BUSINESS_METRICS } from '../../scripts/cost/usage.ts';

const fn = (memory: number, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    MemorySize: memory,
    Architectures: ['arm64'],
    Timeout: 60,
    TracingConfig: { Mode: 'Active' },
    ...extra,
  },
});

/** A small stack, by hand: seven functions, one live schedule, three alarms (one high-resolution)… */
const TEMPLATE: CfnTemplate = {
  Resources: {
    SurveyPageFunctionAAAAAAAA: fn(512),
    SubmitResponseFunctionBBBBBBBB: fn(512),
    RollupResponsesFunction0C0C0C0C: fn(1024, {
      Environment: { Variables: { SEGMENT_DIMENSIONS: 'tier,region' } },
    }),
    RaiseAlertsFunctionDDDDDDDD: fn(512),
    DeliverAlertsFunctionEEEEEEEE: fn(512),
    DispatchCampaignFunctionFFFFFFFF: fn(1024),
    SendInvitesFunction12345678: fn(512, {
      Timeout: 300,
      Environment: { Variables: { SES_MAX_SEND_RATE: '10', TABLE_NAME: { Ref: 'Table' } } },
    }),
    SenderTick: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        ScheduleExpression: 'rate(1 minute)',
        Target: { Arn: { 'Fn::GetAtt': ['SendInvitesFunction12345678', 'Arn'] } },
      },
    },
    SwitchedOff: {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        ScheduleExpression: 'rate(1 minute)',
        State: 'DISABLED',
        Target: { Arn: { 'Fn::GetAtt': ['SurveyPageFunctionAAAAAAAA', 'Arn'] } },
      },
    },
    KeyA: { Type: 'AWS::SecretsManager::Secret' },
    KeyB: { Type: 'AWS::SecretsManager::Secret' },
    Errors: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Period: 300 } },
    Age: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'IteratorAge', Period: 60 } },
    Fast: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Period: 10 } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    AccessLogs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 } },
    Key: { Type: 'AWS::KMS::Key' },
    Queue: { Type: 'AWS::SQS::Queue' },
    DeadLetters: { Type: 'AWS::SQS::Queue' },
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [{ IndexName: 'byKind' }],
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    },
    QueueToDeliver: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
        FunctionName: { Ref: 'DeliverAlertsFunctionEEEEEEEE' },
        BatchSize: 10,
      },
    },
    StreamToRaise: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
        FunctionName: { Ref: 'RaiseAlertsFunctionDDDDDDDD' },
        BatchSize: 50,
      },
    },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP' } },
  },
};

const BENCHES: BenchFigures = {
  rollup: {
    file: 'rollup.json',
    busyWritesPerAnswer: 2,
    busyBatchSize: 100,
    busyBatchMs: 200,
    quietWritesPerAnswer: undefined,
    quietBatchMs: undefined,
  },
  send: { file: 'send.json', fractionOfRate: 0.5, configuredRate: 20, emails: 1000 },
  alerts: { file: 'alerts.json', answerToWebhookP50Ms: 100 },
};

/** Round figures, so every dollar below can be worked out by hand. Logs are checked on their own. */
const ROUND: Assumptions = {
  ...ASSUMPTIONS,
  detractorShare: 0.2,
  alertWebhooks: 1,
  alertEmails: 1,
  idleTickMs: 100,
  surveyPageMs: 50,
  submitResponseMs: 50,
  raiseSevenPlusMs: 25,
  raiseAndWebhookMs: 999,
  alertEmailMs: 50,
  dispatchPerRecipientMs: 10,
  quietRollupBatchMs: 100,
  logBytesPerInvocation: 0,
  accessLogBytesPerRequest: 0,
  tracedShareBusy: 0.1,
  coldStartHoursPerDay: 24,
  sqsIdlePollsPerMinute: 10,
};

const run = (over: Partial<Assumptions> = {}, benches: BenchFigures = BENCHES) =>
  estimate({
    facts: templateFacts(TEMPLATE),
    benches,
    assumptions: { ...ROUND, ...over },
    defaultSegmentDimensions: ['tier', 'region', 'plan'],
  });

const lineOf = (lines: CostLine[], service: string, item: string): CostLine => {
  const line = lines.find((l) => l.service === service && l.item.startsWith(item));
  if (!line) throw new Error(`no line ${service}: ${item}`);
  return line;
};

const GB = 1024 ** 3;
const u = PRICES.unit;

describe('cost: what the template says', () => {
  it('counts the resources that cost money, and skips a disabled schedule', () => {
    const facts = templateFacts(TEMPLATE);
    expect(facts.functions.map((f) => f.name)).toEqual([
      'survey-page',
      'submit-response',
      'rollup-responses',
      'raise-alerts',
      'deliver-alerts',
      'dispatch-campaign',
      'send-invites',
    ]);
    expect(facts.functions.find((f) => f.name === 'send-invites')).toMatchObject({
      memoryMb: 512,
      arch: 'arm64',
      timeoutSeconds: 300,
      traced: true,
      // Only literal values: a reference is resolved at deploy, not here.
      environment: { SES_MAX_SEND_RATE: '10' },
    });
    expect(facts.schedules).toEqual([
      {
        logicalId: 'SenderTick',
        expression: 'rate(1 minute)',
        invocationsPerMonth: 43_800,
        target: 'SendInvitesFunction12345678',
      },
    ]);
    expect(facts.secrets).toBe(2);
    expect(facts.alarms.map((a) => [a.metrics, a.highResolution])).toEqual([
      [1, false],
      [1, false],
      [1, true],
    ]);
    expect(facts.logGroups.map((g) => g.retentionDays)).toEqual([30, 14]);
    expect(facts).toMatchObject({
      kmsKeys: 1,
      queues: 2,
      queueEventSources: 1,
      streamEventSources: 1,
      httpApis: 1,
    });
    expect(facts.tables).toEqual([
      { logicalId: 'Table', onDemand: true, indexes: ['byKind'], stream: true, pointInTimeRecovery: true },
    ]);
  });

  it('bills a metric-math alarm per metric in it', () => {
    const facts = templateFacts({
      Resources: {
        Ratio: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Metrics: [
              { Id: 'a', MetricStat: { Period: 60 } },
              { Id: 'b', MetricStat: { Period: 60 } },
              { Id: 'ratio', Expression: 'a / b' },
            ],
          },
        },
      },
    });
    expect(facts.alarms).toEqual([{ logicalId: 'Ratio', metrics: 2, highResolution: false }]);
  });

  it('names a function from its CDK path, else from its logical id', () => {
    expect(
      functionNameOf('Whatever', {
        Type: 'AWS::Lambda::Function',
        Metadata: { 'aws:cdk:path': 'NpsLoop/RecordSesEvents/Function/Resource' },
      }),
    ).toBe('record-ses-events');
    expect(functionNameOf('NotFoundFunction9F8E7D6C', { Type: 'AWS::Lambda::Function' })).toBe('not-found');
    expect(functionNameOf('CustomResourceProvider', { Type: 'AWS::Lambda::Function' })).toBeUndefined();
  });

  it('counts rate and cron schedules over the 730-hour month', () => {
    expect(invocationsPerMonth('rate(1 minute)')).toBe(43_800);
    expect(invocationsPerMonth('rate(5 minutes)')).toBe(8_760);
    expect(invocationsPerMonth('rate(2 hours)')).toBe(365);
    expect(invocationsPerMonth('rate(1 day)')).toBeCloseTo(30.416667, 6);
    expect(invocationsPerMonth('at(2026-12-24T09:00:00)')).toBe(0);
    // From 1 January 2026 00:00 UTC for 730 hours (to 31 January 10:00): 31 mornings at 03:00,
    // 22 weekdays at 09:00 (1 January 2026 is a Thursday).
    expect(invocationsPerMonth('cron(0 3 * * ? *)')).toBe(31);
    expect(invocationsPerMonth('cron(0 9 ? * MON-FRI *)')).toBe(22);
    expect(() => invocationsPerMonth('cron(0 9 * * ? 2027)')).toThrow(/any year/);
    expect(() => invocationsPerMonth('every day')).toThrow(/rate\(\), cron\(\) and at\(\)/);
  });
});

describe('cost: exact dollars of a hand-written stack', () => {
  it('prices an idle month: secrets, alarms, KMS, the ticks and all they cause, the queue pollers', () => {
    const { lines, totals } = run();
    const idle = (service: string, item: string) => dollarsOf(lineOf(lines, service, item)).idle;
    expect(idle('Secrets Manager', '2 secrets')).toBeCloseTo(0.8, 12);
    // 43,800 ticks × 0.2 (one read per 300 s cache) × $0.05 / 10,000
    expect(idle('Secrets Manager', 'GetSecretValue')).toBeCloseTo(0.0438, 12);
    expect(idle('CloudWatch', '3 alarms')).toBeCloseTo(0.2, 12);
    expect(idle('CloudWatch', 'high-resolution')).toBeCloseTo(0.3, 12);
    // A cold start in every hour: one whole metric-month.
    expect(idle('CloudWatch', 'custom metrics')).toBeCloseTo(0.3, 12);
    expect(idle('EventBridge Scheduler', '1 schedule')).toBeCloseTo(0.0438, 12);
    expect(idle('Lambda', 'requests')).toBeCloseTo(0.00876, 12);
    // 43,800 × 0.1 s × 0.5 GB = 2,190 GB-s
    expect(idle('Lambda', 'duration (arm64)')).toBeCloseTo(2190 * 0.0000133334, 12);
    // The sender's idle tick: 2 WRU (lease put and delete), 1.5 RRU (three empty queries).
    expect(idle('DynamoDB', 'write')).toBeCloseTo(87_600 * 0.625e-6, 12);
    expect(idle('DynamoDB', 'read')).toBeCloseTo(65_700 * 0.125e-6, 12);
    expect(idle('DynamoDB', 'storage')).toBe(0);
    // One queue trigger × 10 polls a minute × 43,800 minutes
    expect(idle('SQS', 'requests')).toBeCloseTo(0.1752, 12);
    expect(idle('X-Ray', 'traces')).toBeCloseTo(0.219, 12);
    expect(idle('KMS', '1 customer managed key')).toBeCloseTo(1, 12);
    expect(idle('SES', 'emails')).toBe(0);
    expect(totals.idle).toBeCloseTo(
      0.8 +
        0.0438 +
        0.2 +
        0.3 +
        0.3 +
        0.0438 +
        0.00876 +
        2190 * 0.0000133334 +
        0.05475 +
        0.0082125 +
        0.1752 +
        0.219 +
        1,
      12,
    );
  });

  it('prices 1,000 answers at a busy rate from the measured writes and batches', () => {
    const { lines, totals } = run();
    const busy = (service: string, item: string) => dollarsOf(lineOf(lines, service, item)).answersBusy;
    // Page 1,000 + post 1,000 + rollup 1,000/100 + alerts 1,000/50 + delivery 400 alerts/10
    expect(busy('Lambda', 'requests')).toBeCloseTo(2070 * 0.2e-6, 12);
    // 25 + 25 (page, post) + 2 (10 batches × 0.2 s × 1 GB) + 10 (800 × 25 ms) + 10 (200 × 100 ms)
    // + 5 (200 emails × 50 ms), at 0.5 GB where not said
    expect(busy('Lambda', 'duration (arm64)')).toBeCloseTo(77 * 0.0000133334, 12);
    // answer 4 + counters 2 × 2 + 7+ 2 × 0.8 + detractor 22 × 0.2 + delivery 12 × 0.4 + email turn 0.2
    expect(busy('DynamoDB', 'write')).toBeCloseTo(19_000 * 0.625e-6, 12);
    // answer 6.5 + 7+ 4 × 0.8 + detractor 8 × 0.2 + delivery 0.5 × 0.4
    expect(busy('DynamoDB', 'read')).toBeCloseTo(11_500 * 0.125e-6, 12);
    expect(busy('API Gateway', 'HTTP API')).toBeCloseTo(0.002, 12);
    expect(busy('SES', 'emails')).toBeCloseTo(0.02, 12);
    // 200 SendMessageBatch + 40 receives + 40 deletes
    expect(busy('SQS', 'requests')).toBeCloseTo(280 * 0.4e-6, 12);
    // 10 % of 2,070 invocations
    expect(busy('X-Ray', 'traces')).toBeCloseTo(207 * 5e-6, 12);
    expect(busy('Secrets Manager', 'GetSecretValue')).toBe(0);
    // 1,000 responses × 3 KB + 200 detractors × 12 KB, a month, at $0.45 a GB-month
    const storage = (5400 / 1024 / 1024) * 0.45;
    expect(busy('DynamoDB', 'storage')).toBeCloseTo(storage, 12);
    expect(totals.answersBusy).toBeCloseTo(
      2070 * 0.2e-6 +
        77 * 0.0000133334 +
        19_000 * 0.625e-6 +
        11_500 * 0.125e-6 +
        0.002 +
        0.02 +
        280 * 0.4e-6 +
        207 * 5e-6 +
        storage,
      12,
    );
  });

  it('prices 1,000 answers one at a time, deriving the counter writes when the bench did not measure them', () => {
    const { lines, totals, segmentsPerAnswer } = run();
    // all + the template's SEGMENT_DIMENSIONS (tier, region), not the default list
    expect(segmentsPerAnswer).toBe(3);
    const quiet = (service: string, item: string) => dollarsOf(lineOf(lines, service, item)).answersQuiet;
    expect(quiet('Lambda', 'requests')).toBeCloseTo(4200 * 0.2e-6, 12);
    // 25 + 25 + 100 (1,000 one-answer batches × 0.1 s × 1 GB) + 20 + 5
    expect(quiet('Lambda', 'duration (arm64)')).toBeCloseTo(175 * 0.0000133334, 12);
    // counters 3 × 2 instead of 2 × 2; delivery is one invocation a detractor
    expect(quiet('DynamoDB', 'write')).toBeCloseTo(21_000 * 0.625e-6, 12);
    expect(quiet('DynamoDB', 'read')).toBeCloseTo(11_500 * 0.125e-6, 12);
    expect(quiet('SQS', 'requests')).toBeCloseTo(600 * 0.4e-6, 12);
    expect(quiet('X-Ray', 'traces')).toBeCloseTo(4200 * 5e-6, 12);
    expect(quiet('Secrets Manager', 'GetSecretValue')).toBeCloseTo(0.01, 12);
    const storage = (5400 / 1024 / 1024) * 0.45;
    expect(totals.answersQuiet).toBeCloseTo(
      4200 * 0.2e-6 +
        175 * 0.0000133334 +
        21_000 * 0.625e-6 +
        11_500 * 0.125e-6 +
        0.002 +
        0.02 +
        600 * 0.4e-6 +
        4200 * 5e-6 +
        0.01 +
        storage,
      12,
    );
  });

  it('uses the quiet rollup figures when the benchmark measured them', () => {
    const measured = {
      ...BENCHES,
      rollup: { ...BENCHES.rollup, quietWritesPerAnswer: 5, quietBatchMs: 40 },
    };
    const { lines } = run({}, measured);
    const quiet = (service: string, item: string) => dollarsOf(lineOf(lines, service, item)).answersQuiet;
    // counters 5 × 2 = 10 WRU an answer instead of 6
    expect(quiet('DynamoDB', 'write')).toBeCloseTo(25_000 * 0.625e-6, 12);
    // rollup 1,000 × 0.04 s × 1 GB = 40 GB-s instead of 100
    expect(quiet('Lambda', 'duration (arm64)')).toBeCloseTo(115 * 0.0000133334, 12);
  });

  it('prices 1,000 emails from the send rate the template sets and the share of it the bench achieved', () => {
    const { lines, totals } = run();
    const emails = (service: string, item: string) => dollarsOf(lineOf(lines, service, item)).emails;
    expect(emails('SES', 'emails')).toBeCloseTo(0.1, 12);
    // 10/s configured × 0.5 achieved: the sender is busy 200 s. Invocations: the dispatch, two
    // sender starts for the page, and 200/290 of a sender run.
    const invocations = 1 + 2 + 200 / 290;
    expect(emails('Lambda', 'requests')).toBeCloseTo(invocations * 0.2e-6, 12);
    // dispatch 1,000 × 10 ms × 1 GB + starts 2 × 0.1 s × 0.5 GB + sender 200 s × 0.5 GB
    expect(emails('Lambda', 'duration (arm64)')).toBeCloseTo(110.1 * 0.0000133334, 12);
    // dispatch 8.002 + send 9 an email, and 200 seconds of one send-rate ask
    expect(emails('DynamoDB', 'write')).toBeCloseTo(17_202 * 0.625e-6, 12);
    // dispatch 3.5625 + send 1.625 an email, and 200 seconds of one run read
    expect(emails('DynamoDB', 'read')).toBeCloseTo(5387.5 * 0.125e-6, 12);
    expect(emails('X-Ray', 'traces')).toBeCloseTo(invocations * 5e-6, 12);
    const storage = (2000 / 1024 / 1024) * 0.45;
    expect(totals.emails).toBeCloseTo(
      0.1 +
        invocations * 0.2e-6 +
        110.1 * 0.0000133334 +
        17_202 * 0.625e-6 +
        5387.5 * 0.125e-6 +
        invocations * 5e-6 +
        storage,
      12,
    );
  });

  it('prices logs by the bytes each invocation and request writes, kept as long as the longest retention', () => {
    const { lines } = run({ logBytesPerInvocation: 1024, accessLogBytesPerRequest: 512 });
    const ingested = dollarsOf(lineOf(lines, 'CloudWatch Logs', 'ingestion'));
    const stored = dollarsOf(lineOf(lines, 'CloudWatch Logs', 'storage, kept 30 days'));
    expect(ingested.idle).toBeCloseTo(((43_800 * 1024) / GB) * u.logsIngestedGb, 12);
    // 2,070 invocations × 1 KB and 2,000 requests × ½ KB
    expect(ingested.answersBusy).toBeCloseTo(((2070 * 1024 + 2000 * 512) / GB) * 0.5, 12);
    // 30 days of a 730-hour month
    expect(stored.idle).toBeCloseTo(((43_800 * 1024) / GB) * (720 / 730) * u.logsStoredGbMonth, 12);
  });

  it('follows the detractor share', () => {
    const none = run({ detractorShare: 0 }).lines;
    expect(dollarsOf(lineOf(none, 'SES', 'emails')).answersBusy).toBe(0);
    expect(dollarsOf(lineOf(none, 'SQS', 'requests')).answersBusy).toBe(0);
  });

  it('states the custom metrics once there is traffic: business metrics and each named function', () => {
    expect(run().customMetricsCeiling).toEqual({
      metrics: BUSINESS_METRICS + 7,
      dollars: (BUSINESS_METRICS + 7) * 0.3,
    });
  });

  it('refuses a template that lacks a function the code paths need, naming it', () => {
    const { SurveyPageFunctionAAAAAAAA: _, ...rest } = TEMPLATE.Resources ?? {};
    expect(() =>
      estimate({
        facts: templateFacts({ Resources: rest }),
        benches: BENCHES,
        assumptions: ROUND,
        defaultSegmentDimensions: [],
      }),
    ).toThrow(/no function survey-page/);
  });

  it('refuses a schedule whose idle tick nobody derived', () => {
    const resources = {
      ...TEMPLATE.Resources,
      PageTick: {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          ScheduleExpression: 'rate(1 hour)',
          Target: { Arn: { 'Fn::GetAtt': ['SurveyPageFunctionAAAAAAAA', 'Arn'] } },
        },
      },
    };
    expect(() =>
      estimate({
        facts: templateFacts({ Resources: resources }),
        benches: BENCHES,
        assumptions: ROUND,
        defaultSegmentDimensions: [],
      }),
    ).toThrow(/no idle tick is derived for survey-page/);
  });
});

describe('cost: benchmark results', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('takes the newest file of each benchmark', () => {
    dir = mkdtempSync(join(tmpdir(), 'cost-'));
    for (const name of [
      'rollup-2026-11-23T17-27-18-120Z.json',
      'rollup-2026-12-02T00-56-11-124Z.json',
      'rollup-notes.txt',
      'send-2026-12-06T07-18-16-134Z.json',
    ])
      writeFileSync(join(dir, name), '{}');
    expect(newestResult(dir, 'rollup')).toBe('rollup-2026-12-02T00-56-11-124Z.json');
    expect(newestResult(dir, 'alerts')).toBeUndefined();
    expect(newestResult(join(dir, 'absent'), 'rollup')).toBeUndefined();
  });

  it('reads a rollup result without a quiet section, and one with it', () => {
    const old = { ours: { writesPerResponse: 1.778, batchSize: { p50: 150 }, batchMs: { p50: 273 } } };
    expect(rollupFigures(old, 'old.json')).toEqual({
      file: 'old.json',
      busyWritesPerAnswer: 1.778,
      busyBatchSize: 150,
      busyBatchMs: 273,
      quietWritesPerAnswer: undefined,
      quietBatchMs: undefined,
    });
    const withQuiet = { ...old, quiet: { ours: { writesPerResponse: 9, batchMs: { p50: 31 } } } };
    expect(rollupFigures(withQuiet, 'new.json')).toMatchObject({ quietWritesPerAnswer: 9, quietBatchMs: 31 });
    expect(() => rollupFigures({ ours: {} }, 'broken.json')).toThrow(
      /broken.json has no positive number at ours/,
    );
  });

  it('reads the achieved share of the send rate, or works it out from the rate', () => {
    expect(
      sendFigures({ parameters: { configuredRate: 20 }, emails: 100, fractionOfRate: 0.98 }, 's')
        .fractionOfRate,
    ).toBe(0.98);
    expect(
      sendFigures({ parameters: { configuredRate: 20 }, emails: 100, ratePerSecond: 15 }, 's').fractionOfRate,
    ).toBe(0.75);
  });

  it('reads the committed results of this repository', () => {
    const figures = readBenchFigures(join(process.cwd(), 'bench', 'results'));
    expect(figures.rollup.busyWritesPerAnswer).toBeGreaterThan(0);
    expect(figures.send.fractionOfRate).toBeGreaterThan(0);
  });

  it('fails with the command to run when a result is missing', () => {
    dir = mkdtempSync(join(tmpdir(), 'cost-'));
    mkdirSync(join(dir, 'x'));
    expect(() => readBenchFigures(dir as string)).toThrow(/npm run bench:rollup/);
  });
});

describe('cost: the report', () => {
  it('shows cents to four places, a dash for nothing', () => {
    expect(money(0)).toBe('–');
    expect(money(0.00001)).toBe('<$0.0001');
    expect(money(1.2)).toBe('$1.2000');
  });

  it('counts the custom metrics the handlers publish (shared/observability.ts)', () => {
    const source = readFileSync(join(process.cwd(), 'shared', 'observability.ts'), 'utf8');
    const union = /export type BusinessMetric =([^;]+);/.exec(source)?.[1] ?? '';
    const named = new Set([
      ...[...union.matchAll(/'(\w+)'/g)].map((m) => m[1]),
      ...[...source.matchAll(/addMetric\('(\w+)'/g)].map((m) => m[1]),
    ]);
    expect(named.size).toBe(BUSINESS_METRICS);
  });
});
