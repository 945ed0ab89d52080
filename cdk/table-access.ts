import type { FunctionName } from '#functions/routes';
import type { AGGREGATES_TABLE, MAIN_TABLE, PURCHASES_TABLE } from '#shared/store/model';

/**
 * Least privilege on the tables, in one place: what each function may do to which items, read off
 * the code it runs (functions/<name>.ts → shared/**). cdk/constructs/house-function.ts turns each
 * line into IAM statements; test/cdk checks the template against shared/store/model.ts.
 *
 * How the grants are expressed, and why:
 * - One verb per DynamoDB action, so a line says exactly what the function calls: `get` GetItem,
 *   `batchGet` BatchGetItem, `query` Query on the table itself, `put` PutItem, `update` UpdateItem,
 *   `delete` DeleteItem, `batchWrite` BatchWriteItem, `check` ConditionCheckItem.
 * - Each verb names the partitions it reaches, as IAM `dynamodb:LeadingKeys` patterns
 *   (`ForAllValues:StringLike` on the partition key). There is no IAM key for the sort key: a grant
 *   on `CUSTOMER#*` covers every item of a customer's partition (see MAIN_PARTITIONS).
 * - Inside TransactWriteItems each item is authorized as its own action — Put as PutItem, Update as
 *   UpdateItem, Delete as DeleteItem, ConditionCheck as ConditionCheckItem — with its own partition
 *   key ("Using IAM with DynamoDB transactions", DynamoDB developer guide). There is no
 *   TransactWriteItems action to grant.
 * - BatchWriteItem is one IAM action for its puts and its deletes alike: a `batchWrite` partition may
 *   be both put and deleted in a batch, whatever `put` and `delete` say. Only erasure (deletes) and
 *   the customer upsert (puts) use it.
 * - Index queries get their own statements, on the index ARN, with LeadingKeys patterns over the
 *   index's partition key: a Query on a global secondary index carries the partition key value of
 *   its key condition, which is the index's own partition key (`gsi1pk` / `gsi2pk`), not the
 *   table's. A listing such as `OWNER` is no table partition, and mixing the two value sets in one
 *   statement would let a function GetItem wherever it may list, and list wherever it may GetItem.
 * - Scan is never granted, and no verb maps to it: `ForAllValues` is vacuously true for a request
 *   that names no partition key, so a Scan would pass every LeadingKeys condition and read the whole
 *   table. PartiQL is never granted either (a PartiQL SELECT may scan).
 * - The aggregates table is keyed `<segment>|<window>` for any segment, `attr:value` of free
 *   customer attributes: no prefix narrows that meaningfully, so it is restricted by action only.
 * - The purchases table is keyed like the main table (`PURCHASE#<id>`, its indexes by month and by
 *   customer) and restricted the same way, by verb, partition and index partition.
 */

/**
 * The main table's partitions, as patterns on `pk`. shared/store/model.ts builds every key; the
 * CDK tests check that each pattern matches the keys it builds, and that no key falls outside them.
 */
export const MAIN_PARTITIONS = {
  /** The customer record, its survey slot (`LAST_INVITE`), recovery marks and erasure tombstone (`ERASED`). */
  customer: 'CUSTOMER#*',
  /** An owner, with their webhook URL and signing secret. */
  owner: 'OWNER#*',
  /** A campaign, its schedule marker, its runs and their progress counters. */
  campaign: 'CAMPAIGN#*',
  /** A run's log of the recipients it sent nothing to, and why. */
  runLog: 'RUNLOG#*',
  /** The account's send rate: the sends taken in each second, by every sender. */
  sendRate: 'SENDRATE#*',
  /** The invite sender's lease (one item). */
  sender: 'SENDER',
  /** An invite (`INVITE`), its response (`RESPONSE`) and provisional answer (`PROVISIONAL`). */
  invite: 'INVITE#*',
  case: 'CASE#*',
  alert: 'ALERT#*',
  /** A suppressed address, by keyed hash. */
  suppression: 'SUPPRESSION#*',
  /** The owner routing rules (one item). */
  routing: 'ROUTING',
  /** The user-defined comment themes and their keywords (one item). */
  themes: 'THEMES',
  /** The value report and the value recompute's lease. */
  value: 'VALUE',
  /** A lost customer (`LOSS`) and its win-back case (`WINBACK`). */
  loss: 'LOSS#*',
  /** A one-time sign-in link's token, by the hash of its secret. */
  signIn: 'SIGNIN#*',
  /** The sign-in links one address asked for in a window (by a hash of the address). */
  signInRate: 'SIGNINRATE#*',
  /** A signed-in session, by the hash of its id. */
  session: 'SESSION#*',
  /** The audit log, one partition a day. */
  audit: 'AUDIT#*',
} as const;
export type MainPartition = (typeof MAIN_PARTITIONS)[keyof typeof MAIN_PARTITIONS];

/**
 * The partitions of each main-table index that functions query. byKind lists items of one kind
 * (model.ts `LISTING`, cases by status); `ERASED` lists erasure tombstones awaiting their
 * follow-up pass. byCustomer is keyed by the customer's partition.
 */
export interface MainIndexPartitions {
  byKind:
    | 'CUSTOMER'
    | 'OWNER'
    | 'CAMPAIGN'
    | 'SCHEDULED'
    | 'RUN#open'
    | 'INVITE#unsent'
    | 'INVITE#held'
    | 'INVITE#remind'
    | 'RESPONSE'
    | 'PROVISIONAL'
    | 'CASE#*'
    | 'CASE#open'
    | 'ALERT#pending'
    | 'ALERT#dead'
    | 'ERASED'
    | 'VALUE#best-not-loyal'
    | 'CHURNED'
    | 'LOSS'
    | 'WINBACK#*'
    | 'WINBACK#open'
    | 'WINBACK#contacted';
  byCustomer: 'CUSTOMER#*';
}
export type MainIndexName = keyof typeof MAIN_TABLE.indexes;

/** The purchases table's partitions: one per purchase, by its purchaseId. */
export const PURCHASES_PARTITIONS = { purchase: 'PURCHASE#*' } as const;
export type PurchasesPartition = (typeof PURCHASES_PARTITIONS)[keyof typeof PURCHASES_PARTITIONS];
/** byMonth lists purchases by month (`PURCHASE#<month>#<shard>`); purchasesByCustomer by customer. */
export interface PurchasesIndexPartitions {
  byMonth: 'PURCHASE#*';
  purchasesByCustomer: 'CUSTOMER#*';
}
export type PurchasesIndexName = keyof typeof PURCHASES_TABLE.indexes;
export type AggregatesIndexName = keyof typeof AGGREGATES_TABLE.indexes;

export type ItemVerb = 'get' | 'batchGet' | 'query' | 'put' | 'update' | 'delete' | 'batchWrite' | 'check';

/** The IAM action each verb grants. */
export const ITEM_ACTIONS: Record<ItemVerb, string> = {
  get: 'dynamodb:GetItem',
  batchGet: 'dynamodb:BatchGetItem',
  query: 'dynamodb:Query',
  put: 'dynamodb:PutItem',
  update: 'dynamodb:UpdateItem',
  delete: 'dynamodb:DeleteItem',
  batchWrite: 'dynamodb:BatchWriteItem',
  check: 'dynamodb:ConditionCheckItem',
};

/** What may be done to a table keyed by partition: each verb's partitions, each index's partitions. */
export type KeyedTableAccess<Partition extends string, IndexPartitions> = {
  readonly [V in ItemVerb]?: readonly Partition[];
} & {
  /** Query on these indexes, in these index partitions only. */
  readonly indexes?: { readonly [I in keyof IndexPartitions]?: readonly IndexPartitions[I][] };
};
export type MainTableAccess = KeyedTableAccess<MainPartition, MainIndexPartitions>;
/** The purchases table is keyed like the main table, and restricted the same way. */
export type PurchasesTableAccess = KeyedTableAccess<PurchasesPartition, PurchasesIndexPartitions>;

/** By action only (see above). */
export interface AggregatesTableAccess {
  /** UpdateItem of counter items (the rollup's conditional adds). */
  readonly update?: true;
  /** Query of one segment's series. */
  readonly query?: true;
  /** Query on these indexes. */
  readonly indexes?: readonly AggregatesIndexName[];
}

export interface FunctionTableAccess {
  readonly main?: MainTableAccess;
  readonly aggregates?: AggregatesTableAccess;
  readonly purchases?: PurchasesTableAccess;
}

/**
 * Typed by the function list of functions/routes.ts: a new function does not compile until it has
 * a line here. Accesses marked "erasure" belong to the customer erasure tombstone (`CUSTOMER#<id>` /
 * `ERASED`): every later write of that customer's invite, slot, response, case, alert or mark is
 * conditional on its absence.
 */
export const TABLE_ACCESS: Record<FunctionName, FunctionTableAccess> = {
  'survey-page': {
    // The invite behind the token, and its current answer to preselect.
    main: { get: ['INVITE#*'] },
  },
  'submit-response': {
    main: {
      // The invite, the customer whose attributes become the answer's snapshot, and the theme
      // definitions a comment is tagged by.
      get: ['INVITE#*', 'CUSTOMER#*', 'THEMES'],
      // The answer (`INVITE#<id>` / `RESPONSE`, a whole-item put conditional on the revision it
      // read), or the provisional answer of a mail scanner's pattern (`PROVISIONAL`, held or
      // confirmed), each in one transaction with the erasure check.
      put: ['INVITE#*'],
      check: ['CUSTOMER#*'],
    },
  },
  'record-scan': {
    // The honeypot fetch noted on the invite (`scannedAt`, conditional on the invite existing):
    // one UpdateItem, nothing read.
    main: { update: ['INVITE#*'] },
  },
  unsubscribe: {
    main: {
      // The invite behind a survey link; for a leave link, the loss and its customer's address.
      get: ['INVITE#*', 'LOSS#*', 'CUSTOMER#*'],
      // The suppression (by address hash), then the invite's `unsubscribedAt`.
      put: ['SUPPRESSION#*'],
      update: ['INVITE#*'],
    },
  },
  'leave-survey': {
    main: {
      // The loss behind the link, its customer's locale.
      get: ['LOSS#*', 'CUSTOMER#*'],
      // The answer on the loss and its win-back case, in one transaction with the erasure check.
      update: ['LOSS#*'],
      check: ['CUSTOMER#*'],
    },
  },
  'admin-api': {
    main: {
      // Customers, owners, campaigns and runs, cases, alerts, routing, theme definitions; for a
      // follow-up email the case's invite and whether its address is suppressed; the session of a
      // signed-in caller.
      get: [
        'SESSION#*',
        'CUSTOMER#*',
        'OWNER#*',
        'CAMPAIGN#*',
        'INVITE#*',
        'CASE#*',
        'ALERT#*',
        'SUPPRESSION#*',
        'ROUTING',
        'THEMES',
        // The value report.
        'VALUE',
        // A lost customer and their win-back case.
        'LOSS#*',
      ],
      // Which customers of an upsert or of purchases were erased (their tombstones), exist, and
      // what the value recompute kept on them.
      batchGet: ['CUSTOMER#*'],
      // A campaign's runs and their progress counters, a run's log of skipped recipients; erasure
      // reads the customer's own partition (record, slot, marks); the audit log, a day at a time.
      query: ['CAMPAIGN#*', 'RUNLOG#*', 'CUSTOMER#*', 'AUDIT#*'],
      // Owners (webhook secrets: only here), campaigns with their schedule marker and runs, routing
      // rules, theme definitions, the erasure tombstone, and an event-triggered survey's invite
      // (POST /api/surveys).
      // A customer's churn mark (its own partition).
      // A marked churn's loss and win-back case. The audit entries of case moves and follow-ups (in
      // their transactions) and of erasures.
      put: ['OWNER#*', 'CAMPAIGN#*', 'ROUTING', 'THEMES', 'CUSTOMER#*', 'INVITE#*', 'LOSS#*', 'AUDIT#*'],
      // Case moves and follow-up claims; a dead alert reset for redelivery; for an event-triggered
      // survey, as a campaign run does: the customer's survey slot and the invite's send lease; the
      // send rate's turns (follow-up and event survey emails); a paused run resumed, its held
      // invites released with its counters.
      // A win-back case moved, a marked churn's "why did you leave?" email claimed and settled.
      update: ['CASE#*', 'ALERT#*', 'CUSTOMER#*', 'INVITE#*', 'SENDRATE#*', 'CAMPAIGN#*', 'LOSS#*'],
      // The invite and the slot are written only while the customer is not erased.
      check: ['CUSTOMER#*'],
      // A campaign's schedule marker once nothing is scheduled.
      delete: ['CAMPAIGN#*'],
      // The customer upsert (puts) and erasure (deletes of the customer's partition, invites,
      // responses, cases, alerts, run log entries, losses and win-back cases).
      batchWrite: ['CUSTOMER#*', 'INVITE#*', 'CASE#*', 'ALERT#*', 'RUNLOG#*', 'LOSS#*'],
      indexes: {
        // … and the held invites a resumed run releases; the best customers who are not loyal.
        byKind: [
          'OWNER',
          // Every campaign (GET /api/campaigns).
          'CAMPAIGN',
          'RESPONSE',
          'PROVISIONAL',
          'CASE#*',
          'ALERT#dead',
          'INVITE#held',
          'VALUE#best-not-loyal',
          // Churn marks (retention).
          'CHURNED',
          // Losses by day (why customers left), win-back cases by status.
          'LOSS',
          'WINBACK#*',
        ],
        // Erasure: every item that carries the customer's personal data.
        byCustomer: ['CUSTOMER#*'],
      },
    },
    // One segment's series, and every segment of one period.
    aggregates: { query: true, indexes: ['byPeriod'] },
    purchases: {
      // Which purchases are recorded already, then the new and corrected ones (puts) — and erasure:
      // a customer's purchases found and deleted.
      batchGet: ['PURCHASE#*'],
      batchWrite: ['PURCHASE#*'],
      // … and the purchases by month: retention and revenue at risk.
      indexes: { purchasesByCustomer: ['CUSTOMER#*'], byMonth: ['PURCHASE#*'] },
    },
  },
  auth: {
    main: {
      // A link's token read before it is used; the session a sign-out ends (its CSRF token).
      get: ['SIGNIN#*', 'SESSION#*'],
      // The session (in one transaction with the token used); the audit entries of sign-ins and
      // sign-outs (in those transactions).
      put: ['SESSION#*', 'AUDIT#*'],
      // The token marked used; the address's count of links.
      update: ['SIGNIN#*', 'SIGNINRATE#*'],
      // Sign-out.
      delete: ['SESSION#*'],
    },
  },
  'send-sign-in-link': {
    main: {
      // The owner an address belongs to (a filtered read of the owner listing, only id and locale).
      indexes: { byKind: ['OWNER'] },
      // A link's token (a fresh hash each time).
      put: ['SIGNIN#*'],
      // The send rate's turns (the email).
      update: ['SENDRATE#*'],
    },
  },
  dashboard: {},
  'not-found': {},
  'rollup-responses': {
    // The records carry everything it needs: nothing of the main table. (An erased customer's answer
    // is deleted by raise-alerts; its REMOVE takes it out of the counters here.)
    // Conditional counter adds and mark clean-ups, nothing else.
    aggregates: { update: true },
  },
  'raise-alerts': {
    main: {
      // The case, the customer (alert payload), the owner and routing rules, the invite (payload of
      // an erased customer's answer).
      get: ['CASE#*', 'CUSTOMER#*', 'OWNER#*', 'ROUTING', 'INVITE#*'],
      // The customer's recovery marks (consistent query of their own partition).
      query: ['CUSTOMER#*'],
      // Seven-plus marks; the outbox alerts (in the case transaction).
      put: ['CUSTOMER#*', 'ALERT#*'],
      // The case (in its transaction, and when marked recovered), the case mark (in the transaction).
      update: ['CASE#*', 'CUSTOMER#*'],
      // A seven-plus mark whose answer fell below 7; erasure: an erased customer's answer.
      delete: ['CUSTOMER#*', 'INVITE#*'],
      // The answer still exists (its response item), and the customer is not erased.
      check: ['INVITE#*', 'CUSTOMER#*'],
    },
  },
  'record-ses-events': {
    main: {
      // Hard bounces and complaints become suppressions (conditional puts).
      put: ['SUPPRESSION#*'],
      // A survey email's feedback: its invite and run, the run's counters (one consistent query).
      get: ['INVITE#*', 'CAMPAIGN#*'],
      query: ['CAMPAIGN#*'],
      // Noted once on the invite, counted on the run (one transaction); the run paused.
      update: ['INVITE#*', 'CAMPAIGN#*'],
    },
  },
  'deliver-alerts': {
    main: {
      get: ['ALERT#*', 'OWNER#*'],
      // Delivery lease and outcome; an owner's webhook disabled after 410 Gone; the send rate's
      // turns (alert emails).
      update: ['ALERT#*', 'OWNER#*', 'SENDRATE#*'],
    },
  },
  'run-schedules': {
    main: {
      get: ['CAMPAIGN#*'],
      // The run (created once), the schedule moved on (or ended) and the campaign's next run.
      put: ['CAMPAIGN#*'],
      update: ['CAMPAIGN#*'],
      delete: ['CAMPAIGN#*'],
      indexes: { byKind: ['SCHEDULED'] },
    },
  },
  'sweep-outbox': {
    main: {
      // An invite's response (reminders), suppressions, owners (alert delivery); erasure: the
      // customer and their tombstone.
      get: ['INVITE#*', 'SUPPRESSION#*', 'OWNER#*', 'CUSTOMER#*'],
      // Erasure: the customer's own partition, again.
      query: ['CUSTOMER#*'],
      // Stalled-run claims; reminder leases and outcomes; alert delivery; owners' webhooks disabled
      // after 410 Gone; erasure: the tombstone leaves its listing; the send rate's turns.
      update: ['CAMPAIGN#*', 'INVITE#*', 'ALERT#*', 'OWNER#*', 'CUSTOMER#*', 'SENDRATE#*'],
      // Erasure: the deletes of the follow-up pass.
      batchWrite: ['CUSTOMER#*', 'INVITE#*', 'CASE#*', 'ALERT#*', 'RUNLOG#*', 'LOSS#*'],
      indexes: {
        byKind: ['RUN#open', 'INVITE#remind', 'ALERT#pending', 'ERASED'],
        byCustomer: ['CUSTOMER#*'],
      },
    },
    // Erasure's follow-up pass: the customer's purchases, again.
    purchases: { batchWrite: ['PURCHASE#*'], indexes: { purchasesByCustomer: ['CUSTOMER#*'] } },
  },
  'escalate-cases': {
    main: {
      // The escalation owner, and the case's answer and customer for the alert payload.
      get: ['OWNER#*', 'INVITE#*', 'CUSTOMER#*'],
      // The escalation alert and the case, in one transaction with the erasure check.
      put: ['ALERT#*'],
      update: ['CASE#*'],
      check: ['CUSTOMER#*'],
      indexes: { byKind: ['CASE#open'] },
    },
  },
  'recompute-value': {
    main: {
      // What the last recompute kept on a customer (value, loyalty, F) where it changed, on a record
      // that is there; a best-but-not-loyal entry (in the customer's partition, in a transaction
      // with the erasure check) or its removal; the report; the lease (one recompute at a time).
      // The win-back pass: a lost customer, their owner by routing, whether their address is
      // suppressed, whether the customer is erased; a loss read before its email.
      get: ['CUSTOMER#*', 'OWNER#*', 'ROUTING', 'SUPPRESSION#*', 'LOSS#*'],
      // Which of the day's losses are recorded already.
      batchGet: ['LOSS#*'],
      // … a loss and its case (with the erasure check); its email claimed and settled, a case
      // closed as won back; the send rate's turns.
      update: ['CUSTOMER#*', 'LOSS#*', 'SENDRATE#*'],
      put: ['CUSTOMER#*', 'VALUE', 'LOSS#*'],
      check: ['CUSTOMER#*'],
      delete: ['CUSTOMER#*', 'VALUE'],
      indexes: {
        // Every customer, the answers of the year, the list as it was; churn marks, the losses of
        // the lookback, the win-back cases still worked.
        byKind: [
          'CUSTOMER',
          'RESPONSE',
          'VALUE#best-not-loyal',
          'CHURNED',
          'LOSS',
          'WINBACK#open',
          'WINBACK#contacted',
        ],
      },
    },
    // A year of purchases, by month; a churned customer's last purchase (their loss's episode).
    purchases: { indexes: { byMonth: ['PURCHASE#*'], purchasesByCustomer: ['CUSTOMER#*'] } },
  },
  'dispatch-campaign': {
    main: {
      // The campaign and run, a survey slot read again after a race, an invite written by an
      // earlier attempt.
      get: ['CAMPAIGN#*', 'CUSTOMER#*', 'INVITE#*'],
      // A page's suppressions and survey slots, one batched read each.
      batchGet: ['SUPPRESSION#*', 'CUSTOMER#*'],
      // The invite, once; a skipped recipient's log entry, once (each in a transaction with the
      // erasure check and the run's counters).
      put: ['INVITE#*', 'RUNLOG#*'],
      // The run's status and position, its counters; survey slots (in a transaction with the
      // erasure check).
      update: ['CAMPAIGN#*', 'CUSTOMER#*'],
      check: ['CUSTOMER#*'],
      // The audience, a page of customers at a time.
      indexes: { byKind: ['CUSTOMER'] },
    },
  },
  'send-invites': {
    main: {
      // Erasure tombstones and suppressions, checked for a page of invites at once before sending.
      batchGet: ['CUSTOMER#*', 'SUPPRESSION#*'],
      // Whether an invite's run is paused.
      get: ['CAMPAIGN#*'],
      // Send leases, outcomes and retries of invites; the run's counters (in the same transaction);
      // the send rate's turns.
      update: ['INVITE#*', 'CAMPAIGN#*', 'SENDRATE#*'],
      // The log entry of an invite given up or skipped (in that transaction); the sender's lease.
      put: ['RUNLOG#*', 'SENDER'],
      delete: ['SENDER'],
      // The invites that are due, soonest first; held invites of resumed runs.
      indexes: { byKind: ['INVITE#unsent', 'INVITE#held'] },
    },
  },
};
