import type { BenchFigures } from './benches.ts';
import { DAYS_PER_MONTH, HOURS_PER_MONTH, MINUTES_PER_MONTH, PRICES, type Prices } from './prices.ts';
import type { FunctionFacts, TemplateFacts } from './template.ts';
import {
  ALERT_EMAIL_TURN,
  ANSWER_STEPS,
  API_REQUESTS_PER_ANSWER,
  ASSUMPTIONS,
  type Assumptions,
  AUDIENCE_PAGE,
  BUSINESS_METRICS,
  COUNTER_WRITE,
  DELIVER_ALERT_STEPS,
  DISPATCH_STEPS,
  IDLE_SECRET_READS_PER_TICK,
  IDLE_TICK_STEPS,
  RAISE_SEVEN_PLUS_STEPS,
  raiseDetractorSteps,
  SECRET_READS_PER_QUIET_ANSWER,
  SEND_STEPS,
  SENDER_EACH_SECOND,
  SENDER_RESERVE_SECONDS,
  sumUnits,
} from './usage.ts';

/**
 * The four columns of the table: a month with no traffic, and what 1,000 answers (at a busy rate,
 * and one at a time) and 1,000 survey emails add to it.
 */
export interface Column {
  idle: number;
  answersBusy: number;
  answersQuiet: number;
  emails: number;
}
export const COLUMNS = ['idle', 'answersBusy', 'answersQuiet', 'emails'] as const;

export interface CostLine {
  service: string;
  item: string;
  /** What a quantity counts (`requests`, `GB-s`, …) and the dollars one of it costs. */
  unit: string;
  unitPrice: number;
  quantity: Column;
  /** How the quantities were made: template, benchmark file, code path or assumption. */
  basis: string;
}

export interface Estimate {
  lines: CostLine[];
  /** Dollars per column. */
  totals: Column;
  /** Custom metrics once traffic publishes all of them: monthly, not per answer. */
  customMetricsCeiling: { metrics: number; dollars: number };
  /** Segments an answer is counted in (the quiet rollup's writes when the bench did not measure them). */
  segmentsPerAnswer: number;
}

export interface EstimateInput {
  facts: TemplateFacts;
  benches: BenchFigures;
  assumptions?: Assumptions;
  prices?: Prices;
  /** The segment dimensions when the template sets none (the code's default list). */
  defaultSegmentDimensions: readonly string[];
}

const zero = (): Column => ({ idle: 0, answersBusy: 0, answersQuiet: 0, emails: 0 });
const mapColumns = (f: (column: keyof Column) => number): Column => ({
  idle: f('idle'),
  answersBusy: f('answersBusy'),
  answersQuiet: f('answersQuiet'),
  emails: f('emails'),
});
const GB = 1024 ** 3;
const PER = 1000;

export const dollarsOf = (line: CostLine): Column => mapColumns((c) => line.quantity[c] * line.unitPrice);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const fixed = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, ''));

/**
 * The monthly cost of the stack the template describes: every resource counted from the template,
 * every rate of use from the benchmarks where they measure it and from the code path (usage.ts)
 * where they do not, priced from the one dated price table.
 */
export const estimate = ({
  facts,
  benches,
  assumptions = ASSUMPTIONS,
  prices = PRICES,
  defaultSegmentDimensions,
}: EstimateInput): Estimate => {
  const a = assumptions;
  const unit = prices.unit;
  const byLogicalId = new Map(facts.functions.map((f) => [f.logicalId, f]));
  const fn = (name: string): FunctionFacts => {
    const found = facts.functions.find((f) => f.name === name);
    if (!found) throw new Error(`the template has no function ${name}: the cost's code paths need updating`);
    return found;
  };
  const gb = (f: FunctionFacts) => f.memoryMb / 1024;

  // Quantities accumulated per column, then turned into lines.
  const requests = zero();
  const gbSeconds = { arm64: zero(), x86_64: zero() };
  const rru = zero();
  const wru = zero();
  const traces = zero();
  const logBytes = zero();
  const secretReads = zero();
  const sqs = zero();
  const ses = zero();
  const api = zero();
  const scheduler = zero();
  const storedGb = zero();

  /** `count` invocations of `f` in `column`, each billed `ms`, traced at `tracedShare`. */
  const invoke = (column: keyof Column, f: FunctionFacts, count: number, ms: number, tracedShare = 1) => {
    requests[column] += count;
    gbSeconds[f.arch][column] += count * (ms / 1000) * gb(f);
    if (f.traced) traces[column] += count * tracedShare;
    logBytes[column] += count * a.logBytesPerInvocation;
  };
  const units = (column: keyof Column, times: number, u: { rru: number; wru: number }) => {
    rru[column] += times * u.rru;
    wru[column] += times * u.wru;
  };

  // Idle: every schedule's ticks, and what each tick does when there is nothing to do.
  let coldStartMetricMonths = 0;
  const tickNotes: string[] = [];
  for (const schedule of facts.schedules) {
    const target = schedule.target === undefined ? undefined : byLogicalId.get(schedule.target);
    if (!target?.name) throw new Error(`schedule ${schedule.logicalId} targets no known function`);
    const steps = IDLE_TICK_STEPS[target.name];
    if (!steps)
      throw new Error(`no idle tick is derived for ${target.name}: add it to scripts/cost/usage.ts`);
    const n = schedule.invocationsPerMonth;
    scheduler.idle += n;
    invoke('idle', target, n, a.idleTickMs);
    units('idle', n, sumUnits(steps));
    secretReads.idle += n * (IDLE_SECRET_READS_PER_TICK[target.name] ?? 0);
    coldStartMetricMonths += (a.coldStartHoursPerDay * DAYS_PER_MONTH) / HOURS_PER_MONTH;
    tickNotes.push(`${target.name} ${schedule.expression}`);
  }
  const idleTicks = scheduler.idle;

  // Per 1,000 answers.
  const { rollup, send } = benches;
  const detractors = PER * a.detractorShare;
  const sevenPlus = PER - detractors;
  const alertEmails = a.alertEmails;
  const channels = a.alertWebhooks + alertEmails;
  const surveyPage = fn('survey-page');
  const submit = fn('submit-response');
  const rollupFn = fn('rollup-responses');
  const raise = fn('raise-alerts');
  const deliver = fn('deliver-alerts');
  const mappingBatch = (f: FunctionFacts, fallback: number) =>
    facts.eventSources.find((e) => e.target === f.logicalId)?.batchSize ?? fallback;
  const raiseBatchBusy = Math.min(mappingBatch(raise, 100), rollup.busyBatchSize);
  const deliverBatchBusy = mappingBatch(deliver, 10);
  const dimensions =
    fn('rollup-responses').environment.SEGMENT_DIMENSIONS?.split(',').filter(Boolean) ??
    defaultSegmentDimensions;
  const segmentsPerAnswer = 1 + dimensions.length;
  const quietWrites = rollup.quietWritesPerAnswer ?? segmentsPerAnswer;
  const raiseAndWebhookMs = benches.alerts?.answerToWebhookP50Ms ?? a.raiseAndWebhookMs;

  for (const column of ['answersBusy', 'answersQuiet'] as const) {
    const busy = column === 'answersBusy';
    const traced = busy ? a.tracedShareBusy : 1;
    api[column] += PER * API_REQUESTS_PER_ANSWER;
    logBytes[column] += PER * API_REQUESTS_PER_ANSWER * a.accessLogBytesPerRequest;
    invoke(column, surveyPage, PER, a.surveyPageMs, traced);
    invoke(column, submit, PER, a.submitResponseMs, traced);
    units(column, PER, sumUnits(ANSWER_STEPS));

    // The rollup: measured writes per answer; the handler's measured time per batch.
    invoke(
      column,
      rollupFn,
      busy ? PER / rollup.busyBatchSize : PER,
      busy ? rollup.busyBatchMs : (rollup.quietBatchMs ?? a.quietRollupBatchMs),
      traced,
    );
    units(column, PER * (busy ? rollup.busyWritesPerAnswer : quietWrites), COUNTER_WRITE.units);

    // Alerts: every answer passes the alert consumer; detractors raise a case and alerts.
    const raiseInvocations = busy ? PER / raiseBatchBusy : PER;
    invoke(column, raise, raiseInvocations, 0, traced);
    gbSeconds[raise.arch][column] += ((sevenPlus * a.raiseSevenPlusMs) / 1000) * gb(raise);
    // The alerts bench's answer→webhook p50 spans raising the case and posting the webhook (and the
    // hops between, which are not billed: an upper bound); billed at the larger memory of the two.
    const alertFn = gb(raise) >= gb(deliver) ? raise : deliver;
    gbSeconds[alertFn.arch][column] += ((detractors * raiseAndWebhookMs) / 1000) * gb(alertFn);
    units(column, sevenPlus, sumUnits(RAISE_SEVEN_PLUS_STEPS));
    units(column, detractors, sumUnits(raiseDetractorSteps(channels)));

    const deliverInvocations = busy ? (detractors * channels) / deliverBatchBusy : detractors;
    invoke(column, deliver, deliverInvocations, 0, traced);
    gbSeconds[deliver.arch][column] += ((detractors * alertEmails * a.alertEmailMs) / 1000) * gb(deliver);
    units(column, detractors * channels, sumUnits(DELIVER_ALERT_STEPS));
    units(column, detractors * alertEmails, ALERT_EMAIL_TURN.units);
    ses[column] += detractors * alertEmails;
    // One SendMessageBatch per detractor record; Lambda's receive and delete per batch it hands over.
    sqs[column] += detractors + 2 * deliverInvocations;

    secretReads[column] += busy ? 0 : PER * SECRET_READS_PER_QUIET_ANSWER;
    // Kept: the response and its two index entries; a detractor's case (+2), mark, and alerts (2 KB,
    // their pending entry gone once delivered).
    storedGb[column] += (PER * 3 + detractors * (3 + 1 + channels * 2 * 2)) / 1024 / 1024;
  }

  // Per 1,000 emails: the dispatch writes the invites, the sender sends them at the account's rate.
  const dispatch = fn('dispatch-campaign');
  const sender = fn('send-invites');
  const rate = Number(sender.environment.SES_MAX_SEND_RATE);
  if (!(rate > 0)) throw new Error('the sender function has no SES_MAX_SEND_RATE in the template');
  const achieved = rate * send.fractionOfRate;
  const senderSeconds = PER / achieved;
  const senderRunSeconds = Math.max(1, sender.timeoutSeconds - SENDER_RESERVE_SECONDS);
  ses.emails += PER;
  invoke('emails', dispatch, 1, PER * a.dispatchPerRecipientMs);
  // Each audience page starts the sender twice (the first invite, the page's end); while one sender
  // holds the lease those starts return at once.
  invoke('emails', sender, (2 * PER) / AUDIENCE_PAGE, a.idleTickMs);
  invoke('emails', sender, senderSeconds / senderRunSeconds, 0);
  gbSeconds[sender.arch].emails += senderSeconds * gb(sender);
  units('emails', PER, sumUnits(DISPATCH_STEPS));
  units('emails', PER, sumUnits(SEND_STEPS));
  units('emails', senderSeconds, sumUnits(SENDER_EACH_SECOND));
  // Kept: each invite with its by-customer entry once sent.
  storedGb.emails += (PER * 2) / 1024 / 1024;

  // Idle polling of SQS by Lambda's pollers: no messages, but each long poll is a request.
  sqs.idle += facts.queueEventSources * a.sqsIdlePollsPerMinute * MINUTES_PER_MONTH;

  const retention = Math.max(0, ...facts.logGroups.map((g) => g.retentionDays ?? 0));
  const neverExpire = facts.logGroups.filter((g) => g.retentionDays === undefined).length;
  const logGb = mapColumns((c) => logBytes[c] / GB);
  // A month's logs kept `retention` days: that share of a month, in every month from then on.
  const logStoredGbMonths = mapColumns((c) => (logBytes[c] / GB) * (retention / DAYS_PER_MONTH));

  const only = (column: keyof Column, value: number): Column => ({ ...zero(), [column]: value });
  const standardAlarms = facts.alarms.filter((x) => !x.highResolution).reduce((s, x) => s + x.metrics, 0);
  const highResAlarms = facts.alarms.filter((x) => x.highResolution).reduce((s, x) => s + x.metrics, 0);
  // Each path's request units, to show in the lines' basis.
  const perPath = {
    answer: sumUnits(ANSWER_STEPS),
    sevenPlus: sumUnits(RAISE_SEVEN_PLUS_STEPS),
    detractor: sumUnits(raiseDetractorSteps(channels)),
    delivery: sumUnits([
      ...Array.from({ length: channels }, () => DELIVER_ALERT_STEPS).flat(),
      ...Array.from({ length: alertEmails }, () => ALERT_EMAIL_TURN),
    ]),
    dispatch: sumUnits(DISPATCH_STEPS),
    send: sumUnits(SEND_STEPS),
    eachSecond: sumUnits(SENDER_EACH_SECOND),
  };
  const namedFunctions = facts.functions.filter((f) => f.name !== undefined).length;

  const lines: CostLine[] = [
    {
      service: 'Secrets Manager',
      item: plural(facts.secrets, 'secret'),
      unit: 'secret-months',
      unitPrice: unit.secretMonth,
      quantity: only('idle', facts.secrets),
      basis: 'AWS::SecretsManager::Secret in the template',
    },
    {
      service: 'Secrets Manager',
      item: 'GetSecretValue calls',
      unit: 'calls',
      unitPrice: unit.secretsApiCall,
      quantity: secretReads,
      basis:
        'code path: Powertools caches a key 300 s; idle, the sender reads the token key every tick; ' +
        `one at a time, each answer's page and post read it (${SECRET_READS_PER_QUIET_ANSWER}); busy, warm environments hold it`,
    },
    {
      service: 'CloudWatch',
      item: plural(facts.alarms.length, 'alarm'),
      unit: 'alarm metric-months',
      unitPrice: unit.alarmMetricStandard,
      quantity: only('idle', standardAlarms),
      basis: 'AWS::CloudWatch::Alarm in the template, one metric each unless metric math, periods ≥ 60 s',
    },
    ...(highResAlarms > 0
      ? [
          {
            service: 'CloudWatch',
            item: 'high-resolution alarms',
            unit: 'alarm metric-months',
            unitPrice: unit.alarmMetricHighResolution,
            quantity: only('idle', highResAlarms),
            basis: 'alarms of the template with a period under 60 s',
          },
        ]
      : []),
    {
      service: 'CloudWatch',
      item: 'custom metrics (ColdStart)',
      unit: 'metric-months',
      unitPrice: unit.customMetricMonth,
      quantity: only('idle', coldStartMetricMonths),
      basis:
        `assumed: each scheduled function starts cold in ${a.coldStartHoursPerDay} hours a day, and its ` +
        'ColdStart metric is billed for the hours it is published',
    },
    {
      service: 'CloudWatch Logs',
      item: 'ingestion',
      unit: 'GB',
      unitPrice: unit.logsIngestedGb,
      quantity: logGb,
      basis: `assumed: ${a.logBytesPerInvocation} bytes an invocation, ${a.accessLogBytesPerRequest} an HTTP API access log line`,
    },
    {
      service: 'CloudWatch Logs',
      item: `storage, kept ${retention} days`,
      unit: 'GB-months',
      unitPrice: unit.logsStoredGbMonth,
      quantity: logStoredGbMonths,
      basis:
        `RetentionInDays of the template's ${facts.logGroups.length} log groups (the longest); uncompressed, so an upper bound` +
        (neverExpire ? `; ${neverExpire} group(s) never expire and grow on` : ''),
    },
    {
      service: 'EventBridge Scheduler',
      item: plural(facts.schedules.length, 'schedule'),
      unit: 'invocations',
      unitPrice: unit.schedulerInvocation,
      quantity: scheduler,
      basis: `AWS::Scheduler::Schedule in the template: ${tickNotes.join(', ')}`,
    },
    {
      service: 'Lambda',
      item: 'requests',
      unit: 'requests',
      unitPrice: unit.lambdaRequest,
      quantity: requests,
      basis:
        `idle: ${idleTicks.toLocaleString('en-US')} scheduled ticks; answers: page + post, rollup batches of ${fixed(rollup.busyBatchSize)} ` +
        `busy (${rollup.file}), alert batches of ${fixed(raiseBatchBusy)}, one of each a quiet answer; ` +
        `emails: a dispatch, 2 sender starts a page of ${AUDIENCE_PAGE}, sender runs of ${senderRunSeconds} s`,
    },
    ...(['arm64', 'x86_64'] as const)
      .filter((arch) => COLUMNS.some((c) => gbSeconds[arch][c] > 0))
      .map(
        (arch): CostLine => ({
          service: 'Lambda',
          item: `duration (${arch})`,
          unit: 'GB-s',
          unitPrice: arch === 'arm64' ? unit.lambdaGbSecondArm : unit.lambdaGbSecondX86,
          quantity: gbSeconds[arch],
          basis:
            `MemorySize of each function in the template; rollup ${fixed(rollup.busyBatchMs)} ms a busy batch ` +
            `(${rollup.file})` +
            (rollup.quietBatchMs !== undefined
              ? `, ${fixed(rollup.quietBatchMs)} ms a one-answer batch`
              : '') +
            `; a detractor's case and webhook ${fixed(raiseAndWebhookMs)} ms` +
            (benches.alerts ? ` (answer→webhook p50, ${benches.alerts.file})` : ' (assumed)') +
            `; the sender ${fixed(1000 / achieved)} ms an email: ${rate}/s (SES_MAX_SEND_RATE) × ` +
            `${fixed(send.fractionOfRate)} of rate achieved (${send.file}); other handlers assumed (see below)`,
        }),
      ),
    {
      service: 'DynamoDB',
      item: 'write request units',
      unit: 'WRU',
      unitPrice: unit.dynamoWriteRequestUnit,
      quantity: wru,
      basis:
        `code path (scripts/cost/usage.ts), index entries included: an answer ${fixed(perPath.answer.wru)}; ` +
        `counter writes × ${fixed(COUNTER_WRITE.units.wru)} (item and byPeriod entry), busy ` +
        `${fixed(rollup.busyWritesPerAnswer)} an answer (${rollup.file}), quiet ${fixed(quietWrites)} ` +
        (rollup.quietWritesPerAnswer !== undefined
          ? '(its quiet section)'
          : `(derived: at most one counter item per segment and day, ${segmentsPerAnswer} segments)`) +
        `; a 7+ answer's alert check ${fixed(perPath.sevenPlus.wru)}; a detractor's case and alerts ` +
        `${fixed(perPath.detractor.wru)}, their delivery ${fixed(perPath.delivery.wru)} ` +
        `(${fixed(a.detractorShare * 100)} % detractors, ${channels} alerts each); an email: dispatch ` +
        `${fixed(perPath.dispatch.wru)}, send ${fixed(perPath.send.wru)}, and ${fixed(perPath.eachSecond.wru)} a second of sending; ` +
        `idle ${fixed(sumUnits(Object.values(IDLE_TICK_STEPS).flat()).wru)} a minute`,
    },
    {
      service: 'DynamoDB',
      item: 'read request units',
      unit: 'RRU',
      unitPrice: unit.dynamoReadRequestUnit,
      quantity: rru,
      basis:
        `code path (scripts/cost/usage.ts), items under 4 KB, transaction condition checks as 2: an answer ` +
        `${fixed(perPath.answer.rru)}; a 7+ answer's alert check ${fixed(perPath.sevenPlus.rru)}; a detractor ` +
        `${fixed(perPath.detractor.rru)}, its delivery ${fixed(perPath.delivery.rru)}; an email: dispatch ` +
        `${fixed(perPath.dispatch.rru)}, send ${fixed(perPath.send.rru)}, ${fixed(perPath.eachSecond.rru)} a ` +
        `second of sending; idle ${fixed(sumUnits(Object.values(IDLE_TICK_STEPS).flat()).rru)} a minute`,
    },
    {
      service: 'DynamoDB',
      item: `stream reads (${plural(facts.streamEventSources, 'trigger')})`,
      unit: 'RRU',
      unitPrice: 0,
      quantity: zero(),
      basis: 'GetRecords calls made by Lambda triggers are free (DynamoDB pricing)',
    },
    {
      service: 'DynamoDB',
      item: `storage + PITR (${plural(facts.tables.length, 'table')})`,
      unit: 'GB-months',
      unitPrice: unit.dynamoStorageGbMonth + unit.dynamoPitrGbMonth,
      quantity: storedGb,
      basis:
        'on-demand tables cost nothing at rest when empty; each month an answer or invite is kept: ~1 KB ' +
        'items with their ALL-projected index entries (per-1,000 columns are per month kept)',
    },
    {
      service: 'SQS',
      item: `requests (${plural(facts.queues, 'queue')})`,
      unit: 'requests',
      unitPrice: unit.sqsRequest,
      quantity: sqs,
      basis:
        `idle: Lambda's pollers of ${facts.queueEventSources} queue trigger(s), ${a.sqsIdlePollsPerMinute} long polls a minute; ` +
        'a detractor: one SendMessageBatch, and a receive and a delete per batch handed to deliver-alerts; no charge at rest',
    },
    {
      service: 'SES',
      item: 'emails',
      unit: 'emails',
      unitPrice: unit.sesEmail,
      quantity: ses,
      basis: "survey emails; a detractor's owner alert email",
    },
    {
      service: 'API Gateway',
      item: `HTTP API requests (${plural(facts.httpApis, 'API')})`,
      unit: 'requests',
      unitPrice: unit.httpApiRequest,
      quantity: api,
      basis: `code path: ${API_REQUESTS_PER_ANSWER} an answer (the survey page and its post)`,
    },
    {
      service: 'X-Ray',
      item: 'traces recorded',
      unit: 'traces',
      unitPrice: unit.xrayTraceRecorded,
      quantity: traces,
      basis:
        `active tracing in the template (${facts.functions.filter((f) => f.traced).length} functions); every invocation ` +
        `traced idle and one at a time, ${fixed(a.tracedShareBusy * 100)} % busy`,
    },
    {
      service: 'KMS',
      item: plural(facts.kmsKeys, 'customer managed key'),
      unit: 'key-months',
      unitPrice: unit.kmsKeyMonth,
      quantity: only('idle', facts.kmsKeys),
      basis: 'AWS::KMS::Key in the template (secrets, queues and tables use AWS managed or owned keys)',
    },
  ];

  const totals = zero();
  for (const line of lines) {
    const d = dollarsOf(line);
    for (const c of COLUMNS) totals[c] += d[c];
  }
  const metrics = BUSINESS_METRICS + namedFunctions;
  return {
    lines,
    totals,
    customMetricsCeiling: { metrics, dollars: metrics * unit.customMetricMonth },
    segmentsPerAnswer,
  };
};
