/**
 * What one answer, one email and one idle minute ask of AWS, where no benchmark measures it: derived
 * by reading the code path, call by call, each step naming the code that makes the call. When that
 * code changes, change its step here (test/unit/cost.test.ts pins the sums, so the change shows).
 *
 * DynamoDB on-demand request units, per the DynamoDB developer guide ("DynamoDB read and write
 * operations"): a read of up to 4 KB costs 1 RRU strongly consistent, ½ eventually consistent; a
 * Query sums the sizes of the items it reads, rounded up to 4 KB, and costs at least that much when
 * it finds nothing; BatchGetItem is one read per key. A write of up to 1 KB costs 1 WRU, 2 inside a
 * transaction. Each global secondary index entry a write creates, rewrites or deletes costs the
 * same again at its size (both tables project ALL attributes, so an entry is as big as its item,
 * and an update that moves an entry is a delete and a put). A ConditionCheck inside a transaction is
 * counted as a transactional read, 2 RRU. Items are taken as under 1 KB except where a step says.
 */

export interface Units {
  /** Read request units. */
  rru: number;
  /** Write request units. */
  wru: number;
}

export interface Step {
  /** The function (functions/routes.ts) making the call. */
  fn: string;
  what: string;
  /** Where the call is made. */
  source: string;
  units: Units;
}

const read = (rru: number): Units => ({ rru, wru: 0 });
const eventual = read(0.5);
const strong = read(1);
/** A write of an item of `kb` KB (rounded up) touching `indexEntries` index entries. */
const write = (kb: number, indexEntries = 0): Units => ({ rru: 0, wru: kb * (1 + indexEntries) });
/** The same inside a transaction: the table write costs double, the index entries do not. */
const txWrite = (kb: number, indexEntries = 0): Units => ({ rru: 0, wru: 2 * kb + kb * indexEntries });
const txCheck = read(2);
const times = (n: number, u: Units): Units => ({ rru: n * u.rru, wru: n * u.wru });

export const sumUnits = (steps: readonly { units: Units }[]): Units =>
  steps.reduce((sum, s) => ({ rru: sum.rru + s.units.rru, wru: sum.wru + s.units.wru }), { rru: 0, wru: 0 });

/** Alert items carry the alert's JSON payload (customer, answer and comment): taken as 2 KB. */
const ALERT_KB = 2;
/** A customer item as the audience page reads it from the byKind index: taken as ½ KB. */
const CUSTOMER_KB = 0.5;
/** Customers per audience page (AUDIENCE_PAGE in shared/store/model.ts). */
export const AUDIENCE_PAGE = 1000;

/**
 * One answer as the survey page records it: the page view, then the post (trigger `person`, a first
 * answer, the customer still on file, no provisional answer held).
 */
export const ANSWER_STEPS: Step[] = [
  {
    fn: 'survey-page',
    what: 'GetItem invite (eventual)',
    source: 'shared/survey/answer.ts openInvite',
    units: eventual,
  },
  {
    fn: 'survey-page',
    what: 'GetItem response (strong)',
    source: 'shared/survey/answer.ts currentAnswer',
    units: strong,
  },
  {
    fn: 'submit-response',
    what: 'GetItem invite (eventual)',
    source: 'shared/survey/answer.ts openInvite',
    units: eventual,
  },
  {
    fn: 'submit-response',
    what: 'GetItem customer (eventual)',
    source: 'shared/survey/answer.ts submitAnswer',
    units: eventual,
  },
  {
    fn: 'submit-response',
    what: 'GetItem provisional answer (strong)',
    source: 'shared/survey/answer.ts submitAnswer',
    units: strong,
  },
  {
    fn: 'submit-response',
    what: 'GetItem response (strong)',
    source: 'shared/survey/answer.ts recordAnswer',
    units: strong,
  },
  {
    fn: 'submit-response',
    what: 'transaction: Put response (listed in byKind and byCustomer)',
    source: 'shared/store/responses.ts writeAnswer',
    units: txWrite(1, 2),
  },
  {
    fn: 'submit-response',
    what: 'transaction: ConditionCheck erasure tombstone',
    source: 'shared/store/erasure.ts writeUnlessErased',
    units: txCheck,
  },
];

/** Each counter write of the rollup: the item (under 1 KB) and its entry in the byPeriod index. */
export const COUNTER_WRITE: Step = {
  fn: 'rollup-responses',
  what: 'UpdateItem counter item (listed in byPeriod)',
  source: 'shared/store/counters.ts addToCounter',
  units: write(1, 1),
};

/** The alert consumer's work for a first answer of 7 or more (promoter or passive). */
export const RAISE_SEVEN_PLUS_STEPS: Step[] = [
  {
    fn: 'raise-alerts',
    what: 'GetItem case (strong)',
    source: 'shared/cases/from-answer.ts raiseDetractorAlert',
    units: strong,
  },
  {
    fn: 'raise-alerts',
    what: 'transaction: Put 7+ mark, ConditionCheck erasure',
    source: 'shared/store/recovery-marks.ts putSevenPlusMark',
    units: sumUnits([{ units: txWrite(1) }, { units: txCheck }]),
  },
  {
    fn: 'raise-alerts',
    what: "Query the customer's case marks (strong)",
    source: 'shared/cases/recovery.ts recoverEarlierCases',
    units: strong,
  },
];

/** The alert consumer's work for a first detractor answer, with an alert per owner channel. */
export const raiseDetractorSteps = (channels: number): Step[] => [
  {
    fn: 'raise-alerts',
    what: 'GetItem customer (eventual), case (strong), owner (eventual)',
    source: 'shared/cases/from-answer.ts raiseDetractorAlert, shared/cases/routing.ts routeCase',
    units: sumUnits([{ units: eventual }, { units: strong }, { units: eventual }]),
  },
  {
    fn: 'raise-alerts',
    what: 'transaction: Put case (listed by status and by customer), Update case mark',
    source: 'shared/cases/from-answer.ts raiseDetractorAlert',
    units: sumUnits([{ units: txWrite(1, 2) }, { units: txWrite(1) }]),
  },
  {
    fn: 'raise-alerts',
    what: `transaction: Put ${channels} alert(s) of ${ALERT_KB} KB (listed pending and by customer)`,
    source: 'shared/alerts/outbox.ts alertPuts',
    units: times(channels, txWrite(ALERT_KB, 2)),
  },
  {
    fn: 'raise-alerts',
    what: 'transaction: ConditionCheck answer still there, erasure tombstone',
    source: 'shared/cases/from-answer.ts raiseDetractorAlert',
    units: times(2, txCheck),
  },
  {
    fn: 'raise-alerts',
    what: 'Query case marks and 7+ marks (strong)',
    source: 'shared/cases/recovery.ts recoverIfAlreadyAnsweredBetter',
    units: times(2, strong),
  },
];

/** One alert's delivery (webhook or email): lease, owner, delivered. */
export const DELIVER_ALERT_STEPS: Step[] = [
  {
    fn: 'deliver-alerts',
    what: `UpdateItem lease the ${ALERT_KB} KB alert (both index entries rewritten)`,
    source: 'shared/store/alerts.ts leaseAlert',
    units: write(ALERT_KB, 2),
  },
  {
    fn: 'deliver-alerts',
    what: 'GetItem owner (eventual)',
    source: 'shared/alerts/deliver.ts deliverAlert',
    units: eventual,
  },
  {
    fn: 'deliver-alerts',
    what: 'UpdateItem delivered (leaves the pending listing, by-customer entry rewritten)',
    source: 'shared/store/alerts.ts markAlertDelivered',
    units: write(ALERT_KB, 2),
  },
];

/** An alert email also takes a turn of the account's send rate: at low rates, one ask per email. */
export const ALERT_EMAIL_TURN: Step = {
  fn: 'deliver-alerts',
  what: 'UpdateItem send-rate second',
  source: 'shared/store/send-rate.ts takeSendsOfSecond',
  units: write(1),
};

/** One recipient of a campaign run, as the dispatch decides and writes it. */
export const DISPATCH_STEPS: Step[] = [
  {
    fn: 'dispatch-campaign',
    what: `Query audience page (eventual, ${CUSTOMER_KB} KB a customer)`,
    source: 'shared/store/customers.ts customerPages',
    units: read((CUSTOMER_KB / 4) * 0.5),
  },
  {
    fn: 'dispatch-campaign',
    what: 'BatchGetItem suppression (eventual)',
    source: 'shared/store/suppressions.ts suppressedEmails',
    units: eventual,
  },
  {
    fn: 'dispatch-campaign',
    what: 'BatchGetItem survey slot (strong)',
    source: 'shared/store/invites.ts getSurveySlots',
    units: strong,
  },
  {
    fn: 'dispatch-campaign',
    what: 'transaction: Put invite (listed unsent and by customer), Update slot, Update run counter lane',
    source: 'shared/store/invites.ts takeSlotAndPutInvite, shared/store/run-progress.ts runCounterAdd',
    units: sumUnits([{ units: txWrite(1, 2) }, { units: txWrite(1) }, { units: txWrite(1) }]),
  },
  {
    fn: 'dispatch-campaign',
    what: 'transaction: ConditionCheck erasure tombstone',
    source: 'shared/store/erasure.ts customerNotErasedCheck',
    units: txCheck,
  },
  {
    fn: 'dispatch-campaign',
    what: `UpdateItem run position, once a page of ${AUDIENCE_PAGE} (run listed open)`,
    source: 'shared/store/campaigns.ts saveRunPosition',
    units: times(1 / AUDIENCE_PAGE, write(1, 1)),
  },
];

/** One survey email as the sender sends it (besides what it does once a second, below). */
export const SEND_STEPS: Step[] = [
  {
    fn: 'send-invites',
    what: 'Query due invites (eventual, 1 KB an invite)',
    source: 'shared/store/invites.ts dueUnsentInvites',
    units: read((1 / 4) * 0.5),
  },
  {
    fn: 'send-invites',
    what: 'BatchGetItem erasure tombstone (strong), suppression (eventual)',
    source: 'shared/store/erasure.ts erasedAmong, shared/store/suppressions.ts suppressedEmails',
    units: sumUnits([{ units: strong }, { units: eventual }]),
  },
  {
    fn: 'send-invites',
    what: 'UpdateItem send lease on the invite (both index entries rewritten)',
    source: 'shared/store/invites.ts leaseInviteSend',
    units: write(1, 2),
  },
  {
    fn: 'send-invites',
    what: 'transaction: Update invite sent (leaves unsent, by-customer entry rewritten), run counter lane',
    source: 'shared/store/invites.ts markInviteSent, shared/campaigns/send-invite.ts progressWrites',
    units: sumUnits([{ units: txWrite(1, 2) }, { units: txWrite(1) }]),
  },
];

/**
 * What the sender does once a second whatever the rate: one ask for the second's turns of the send
 * rate (every waiting send at once), and one read of each run's pause state.
 */
export const SENDER_EACH_SECOND: Step[] = [
  {
    fn: 'send-invites',
    what: 'UpdateItem send-rate second',
    source: 'shared/email/send-rate.ts SendRate.fill',
    units: write(1),
  },
  {
    fn: 'send-invites',
    what: 'GetItem run (strong), to see a pause',
    source: 'shared/campaigns/send-invites.ts runPaused',
    units: strong,
  },
];

/** One tick of each scheduled function with nothing to do: what an idle stack pays every minute. */
export const IDLE_TICK_STEPS: Record<string, Step[]> = {
  'run-schedules': [
    {
      fn: 'run-schedules',
      what: 'Query due schedules',
      source: 'shared/store/campaigns.ts dueSchedules',
      units: eventual,
    },
  ],
  'escalate-cases': [
    {
      fn: 'escalate-cases',
      what: 'Query overdue open cases',
      source: 'shared/cases/escalate.ts escalateOverdueCases',
      units: eventual,
    },
  ],
  'sweep-outbox': [
    {
      fn: 'sweep-outbox',
      what: 'Query stalled runs, due alerts, due reminders, recent erasures',
      source: 'functions/sweep-outbox.ts sweep',
      units: times(4, eventual),
    },
  ],
  // Daily, not every minute: with no data it still reads a year of empty purchase listings.
  'recompute-value': [
    {
      fn: 'recompute-value',
      what: 'PutItem and DeleteItem the recompute lease, PutItem the value report',
      source: 'shared/value/recompute.ts recomputeValue, shared/store/value.ts',
      units: times(3, write(1)),
    },
    {
      fn: 'recompute-value',
      what: 'Query 13 months × 4 shards of purchases, the answers of the year, the customers',
      source: 'shared/store/model.ts purchaseModel.dated, shared/store/value.ts',
      units: times(54, eventual),
    },
  ],
  'send-invites': [
    {
      fn: 'send-invites',
      what: 'PutItem and DeleteItem the sender lease',
      source: 'shared/store/invites.ts takeSenderLease, releaseSenderLease',
      units: times(2, write(1)),
    },
    {
      fn: 'send-invites',
      what: 'Query held invites, due invites, due invites again at the end',
      source: 'shared/campaigns/send-invites.ts drain, run-health.ts releaseHeldInvites',
      units: times(3, eventual),
    },
  ],
};

/**
 * Secrets Manager reads of an idle tick: the sender reads the token key every tick, and Powertools
 * caches it for 300 s (shared/secrets.ts), so a warm environment asks once in five ticks.
 */
export const IDLE_SECRET_READS_PER_TICK: Record<string, number> = {
  'run-schedules': 0,
  'escalate-cases': 0,
  'sweep-outbox': 0,
  'recompute-value': 0,
  'send-invites': 60 / 300,
};

/** The sender stops this long before its timeout (RESERVE_MS in functions/send-invites.ts). */
export const SENDER_RESERVE_SECONDS = 10;
/** API requests per answer: the page (GET /s/{token}) and its one post (POST /s/{token}). */
export const API_REQUESTS_PER_ANSWER = 2;
/** Secrets read per answer when no warm environment holds the token key: the page and the post. */
export const SECRET_READS_PER_QUIET_ANSWER = 2;
/**
 * The business metrics the handlers publish (the BusinessMetric names and RollupIteratorAge of
 * shared/observability.ts), each one custom metric with the service dimension; every function also
 * publishes its own ColdStart metric.
 */
export const BUSINESS_METRICS = 18;

/**
 * Figures neither measured nor read off the code: each one a judgement, printed with the output so
 * the reader can weigh it. Times are Lambda billed durations on AWS (DynamoDB answers in ~5–10 ms).
 */
export const ASSUMPTIONS = {
  /** Share of answers 0–6. */
  detractorShare: 0.25,
  /** Alerts per detractor: to the owner's webhook and to their email, as the demo's owners have both. */
  alertWebhooks: 1,
  alertEmails: 1,
  /** Billed ms of an idle scheduled tick (one to five DynamoDB calls). */
  idleTickMs: 50,
  surveyPageMs: 60,
  submitResponseMs: 80,
  /** The alert consumer's time for a 7+ answer. */
  raiseSevenPlusMs: 40,
  /** Raising a detractor's case and delivering its webhook, when no alerts benchmark result exists. */
  raiseAndWebhookMs: 150,
  /** Delivering an owner alert email. */
  alertEmailMs: 100,
  /** The dispatch's time per recipient (16 transactions in flight). */
  dispatchPerRecipientMs: 5,
  /** A one-answer rollup batch, when the rollup benchmark did not measure it. */
  quietRollupBatchMs: 60,
  /** Lambda's START, END and REPORT lines, and an EMF metric line when the invocation counts something. */
  logBytesPerInvocation: 500,
  /** One JSON access log line of the HTTP API (cdk/constructs/api.ts). */
  accessLogBytesPerRequest: 350,
  /** Share of invocations X-Ray traces at a busy rate: its default rule takes 1 a second, then 5 %. */
  tracedShareBusy: 0.05,
  /** Hours a day in which an every-minute function starts cold (and publishes ColdStart). */
  coldStartHoursPerDay: 6,
  /** Lambda's pollers of an SQS event source: 5 long polls of 20 s kept open while the queue is empty. */
  sqsIdlePollsPerMinute: 5 * 3,
};

export type Assumptions = typeof ASSUMPTIONS;
