import { CronExpressionParser } from 'cron-parser';
import { MINUTES_PER_MONTH } from './prices.ts';

/** The part of a synthesized CloudFormation template the cost reads. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
}

export interface FunctionFacts {
  logicalId: string;
  /** The function's name in functions/routes.ts (`send-invites`), when the template shows it. */
  name: string | undefined;
  memoryMb: number;
  arch: 'arm64' | 'x86_64';
  timeoutSeconds: number;
  /** X-Ray active tracing: Lambda records a trace for each sampled invocation. */
  traced: boolean;
  environment: Record<string, string>;
}

export interface ScheduleFacts {
  logicalId: string;
  expression: string;
  invocationsPerMonth: number;
  /** The logical id of the function it invokes, when its target is a function of this template. */
  target: string | undefined;
}

export interface AlarmFacts {
  logicalId: string;
  /** CloudWatch bills an alarm per metric it evaluates (a metric-math alarm: each metric in it). */
  metrics: number;
  /** A period under a minute makes it a high-resolution alarm, billed at three times the price. */
  highResolution: boolean;
}

export interface TableFacts {
  logicalId: string;
  onDemand: boolean;
  indexes: string[];
  stream: boolean;
  pointInTimeRecovery: boolean;
}

export interface EventSourceFacts {
  logicalId: string;
  /** The logical id of the function it invokes. */
  target: string | undefined;
  source: 'queue' | 'stream' | 'other';
  batchSize: number | undefined;
}

/** What the template says about everything that costs money. */
export interface TemplateFacts {
  functions: FunctionFacts[];
  schedules: ScheduleFacts[];
  secrets: number;
  alarms: AlarmFacts[];
  logGroups: Array<{ logicalId: string; retentionDays: number | undefined }>;
  /** Customer managed keys (AWS managed and AWS owned keys have no monthly fee). */
  kmsKeys: number;
  queues: number;
  eventSources: EventSourceFacts[];
  /** Event source mappings Lambda polls SQS for: each keeps long polls open while idle. */
  queueEventSources: number;
  /** Event source mappings on DynamoDB streams: their GetRecords calls are free. */
  streamEventSources: number;
  tables: TableFacts[];
  httpApis: number;
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at. */
const referenced = (value: unknown): string | undefined => {
  const v = record(value);
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
};

const kebab = (pascal: string) => pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * The routes.ts name of a function. The house construct is `<PascalName>/Function`, so CDK writes
 * its path as `<stack>/<PascalName>/Function/Resource` (cdk synth keeps it in the metadata) and its
 * logical id as `<PascalName>Function<8 hex digits>` (what a template without path metadata has).
 */
export const functionNameOf = (logicalId: string, resource: CfnResource): string | undefined => {
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path === 'string') {
    const parts = path.split('/');
    if (parts.length === 4 && parts[2] === 'Function' && parts[3] === 'Resource' && parts[1])
      return kebab(parts[1]);
  }
  const m = /^([A-Z][A-Za-z0-9]*?)Function[0-9A-F]{8}$/.exec(logicalId);
  return m?.[1] ? kebab(m[1]) : undefined;
};

const UNIT_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 1440 };

/** A fixed month to count cron firings over: the same count on every run. */
const CRON_MONTH_START = Date.UTC(2026, 0, 1);

/**
 * How often an EventBridge cron expression (`cron(min hour day-of-month month day-of-week year)`)
 * fires in a 730-hour month: its firings counted by cron-parser over that span (the year field
 * dropped and `?` read as `*`; a year-limited cron is refused rather than guessed).
 */
const cronPerMonth = (expression: string, fields: string): number => {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6 || (parts[5] !== '*' && parts[5] !== '?')) {
    throw new Error(`schedule expression ${expression}: the cost counts cron with six fields, any year`);
  }
  const cron = parts
    .slice(0, 5)
    .map((f) => (f === '?' ? '*' : f))
    .join(' ');
  const end = CRON_MONTH_START + MINUTES_PER_MONTH * 60_000;
  const firings = CronExpressionParser.parse(cron, {
    currentDate: new Date(CRON_MONTH_START - 1),
    tz: 'UTC',
  });
  let count = 0;
  while (firings.next().getTime() < end) count++;
  return count;
};

/**
 * How many times a month an EventBridge Scheduler expression fires: `rate(n unit)` every n units
 * of the 730-hour month, `cron(...)` as counted over such a month, `at(...)` once ever (no monthly
 * cost).
 */
export const invocationsPerMonth = (expression: string): number => {
  const rate = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (rate?.[1] && rate[2]) {
    const every = Number(rate[1]) * (UNIT_MINUTES[rate[2].replace(/s$/, '')] ?? Number.NaN);
    if (!(every > 0)) throw new Error(`schedule expression ${expression}: a rate must be positive`);
    return MINUTES_PER_MONTH / every;
  }
  if (/^at\(/.test(expression.trim())) return 0;
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  if (cron?.[1]) return cronPerMonth(expression, cron[1]);
  throw new Error(
    `schedule expression ${expression}: the cost counts rate(), cron() and at() schedules only`,
  );
};

const alarmFacts = (logicalId: string, p: Record<string, unknown>): AlarmFacts => {
  const queries = Array.isArray(p.Metrics) ? p.Metrics.map(record) : undefined;
  if (queries) {
    const stats = queries.map((q) => record(q.MetricStat)).filter((s) => Object.keys(s).length > 0);
    return {
      logicalId,
      metrics: stats.length,
      highResolution: stats.some((s) => (numberOf(s.Period) ?? 60) < 60),
    };
  }
  return { logicalId, metrics: 1, highResolution: (numberOf(p.Period) ?? 60) < 60 };
};

const stringValues = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(record(value)).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
  );

/** Reads the cost-relevant resources of a template: counts and settings, nothing assumed. */
export const templateFacts = (template: CfnTemplate): TemplateFacts => {
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const typeOf = (logicalId: string | undefined) =>
    logicalId === undefined ? undefined : template.Resources?.[logicalId]?.Type;

  const functions = ofType('AWS::Lambda::Function').map(([logicalId, r]): FunctionFacts => {
    const p = r.Properties ?? {};
    const archs = Array.isArray(p.Architectures) ? p.Architectures : [];
    return {
      logicalId,
      name: functionNameOf(logicalId, r),
      // CloudFormation's defaults when a property is left out.
      memoryMb: numberOf(p.MemorySize) ?? 128,
      arch: archs.includes('arm64') ? 'arm64' : 'x86_64',
      timeoutSeconds: numberOf(p.Timeout) ?? 3,
      traced: record(p.TracingConfig).Mode === 'Active',
      environment: stringValues(record(p.Environment).Variables),
    };
  });

  const schedules = ofType('AWS::Scheduler::Schedule').flatMap(([logicalId, r]): ScheduleFacts[] => {
    const p = r.Properties ?? {};
    if (p.State === 'DISABLED') return [];
    const expression = String(p.ScheduleExpression ?? '');
    const target = referenced(record(p.Target).Arn);
    return [
      {
        logicalId,
        expression,
        invocationsPerMonth: invocationsPerMonth(expression),
        target: typeOf(target) === 'AWS::Lambda::Function' ? target : undefined,
      },
    ];
  });

  const eventSources = ofType('AWS::Lambda::EventSourceMapping').map(([logicalId, r]): EventSourceFacts => {
    const p = r.Properties ?? {};
    const from = typeOf(referenced(p.EventSourceArn));
    return {
      logicalId,
      target: referenced(p.FunctionName),
      source: from === 'AWS::SQS::Queue' ? 'queue' : from === 'AWS::DynamoDB::Table' ? 'stream' : 'other',
      batchSize: numberOf(p.BatchSize),
    };
  });

  return {
    functions,
    schedules,
    secrets: ofType('AWS::SecretsManager::Secret').length,
    alarms: ofType('AWS::CloudWatch::Alarm').map(([id, r]) => alarmFacts(id, r.Properties ?? {})),
    logGroups: ofType('AWS::Logs::LogGroup').map(([logicalId, r]) => ({
      logicalId,
      retentionDays: numberOf(r.Properties?.RetentionInDays),
    })),
    kmsKeys: ofType('AWS::KMS::Key').length,
    queues: ofType('AWS::SQS::Queue').length,
    eventSources,
    queueEventSources: eventSources.filter((e) => e.source === 'queue').length,
    streamEventSources: eventSources.filter((e) => e.source === 'stream').length,
    tables: ofType('AWS::DynamoDB::Table').map(([logicalId, r]) => {
      const p = r.Properties ?? {};
      const indexes = Array.isArray(p.GlobalSecondaryIndexes) ? p.GlobalSecondaryIndexes.map(record) : [];
      return {
        logicalId,
        onDemand: p.BillingMode === 'PAY_PER_REQUEST',
        indexes: indexes.map((i) => String(i.IndexName)),
        stream: Object.keys(record(p.StreamSpecification)).length > 0,
        pointInTimeRecovery:
          record(p.PointInTimeRecoverySpecification).PointInTimeRecoveryEnabled === true ||
          record(p.PointInTimeRecoverySpecification).PointInTimeRecoveryEnabled === 'true',
      };
    }),
    httpApis: ofType('AWS::ApiGatewayV2::Api').filter(([, r]) => r.Properties?.ProtocolType === 'HTTP')
      .length,
  };
};
