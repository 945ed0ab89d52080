import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { monthsBetween } from '../nps/windows.ts';

/**
 * The single-table model, declared once: every item type with its key, the index keys it is listed
 * under, and the named access patterns that read it. No other module composes a key or an index-key
 * value; repositories build their writes from these and run the patterns as they are.
 *
 * The local runtime creates the tables from `MAIN_TABLE` / `AGGREGATES_TABLE` and the CDK stack
 * declares them from the same constants, so the two cannot drift.
 */
export const MAIN_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Items with an epoch-seconds value here are deleted by DynamoDB TTL. */
  ttlAttribute: 'expiresAtEpoch',
  indexes: {
    /** Everything of one kind (customers, owners, open cases, due alerts…), ordered by gsi1sk. */
    byKind: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A customer's invites, responses, cases and alerts, in time order: erasure finds them here. */
    byCustomer: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  },
} as const;

/** The TTL attribute's value for an item DynamoDB may delete after `at`. */
export const expiresAfter = (at: Date) => ({ [MAIN_TABLE.ttlAttribute]: Math.floor(at.getTime() / 1000) });

export const AGGREGATES_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: {
    /** Every segment's counters for one window period: the segments overview. */
    byPeriod: { partitionKey: 'periodKey', sortKey: 'segment' },
  },
} as const;

/**
 * Customers' purchases, in a table of their own with no stream. A purchase import can be a year of
 * an ERP's orders at once: in the main table each row would be a stream record that the rollup and
 * the alert consumers must read past (on AWS the answers and detractor alerts behind an import wait
 * for it; DynamoDB Local wrote 200,000 purchases at 1,329/s there against 2,336/s in a table without
 * a stream). Keys and index keys have the main table's names, so the same key builders serve.
 */
export const PURCHASES_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: {
    /** Purchases by the month of their date, in shards: the value recompute reads a year of them. */
    byMonth: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A customer's purchases, in date order: erasure finds them here. */
    purchasesByCustomer: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  },
} as const;

const INDEX_KEYS: Record<string, { partitionKey: string; sortKey: string }> = {
  ...MAIN_TABLE.indexes,
  ...AGGREGATES_TABLE.indexes,
  ...PURCHASES_TABLE.indexes,
};

/**
 * The attributes of a query's start key (its ExclusiveStartKey, a listing cursor's position): the
 * table's key and, on an index, the index's key too. A cursor carrying any other attributes is not
 * a position in that query.
 */
export const startKeyAttributes = (query: Pick<QueryCommandInput, 'TableName' | 'IndexName'>): string[] => {
  const table =
    query.TableName === aggregatesTableName()
      ? AGGREGATES_TABLE
      : query.TableName === purchasesTableName()
        ? PURCHASES_TABLE
        : MAIN_TABLE;
  const index = query.IndexName === undefined ? undefined : INDEX_KEYS[query.IndexName];
  if (query.IndexName !== undefined && !index) throw new Error(`no index ${query.IndexName} in the model`);
  return [table.partitionKey, table.sortKey, ...(index ? [index.partitionKey, index.sortKey] : [])];
};

export interface Key {
  pk: string;
  sk: string;
}
/** Where an item is listed in the byKind index. */
export interface KindIndex {
  gsi1pk: string;
  gsi1sk: string;
}
/** Where an item is listed in the byCustomer index. */
export interface CustomerIndex {
  gsi2pk: string;
  gsi2sk: string;
}

/** The byKind partitions that list items of one kind (cases list by status: `CASE#<status>`). */
const LISTING = {
  customer: 'CUSTOMER',
  owner: 'OWNER',
  campaign: 'CAMPAIGN',
  scheduled: 'SCHEDULED',
  openRun: 'RUN#open',
  unsentInvite: 'INVITE#unsent',
  heldInvite: 'INVITE#held',
  remindInvite: 'INVITE#remind',
  response: 'RESPONSE',
  provisional: 'PROVISIONAL',
  pendingAlert: 'ALERT#pending',
  deadAlert: 'ALERT#dead',
  recentErasure: 'ERASED',
  bestNotLoyal: 'VALUE#best-not-loyal',
  churned: 'CHURNED',
  loss: 'LOSS',
} as const;

/** Whether a run id names a campaign run (with a run item and its counters), not an event survey. */
export const EVENT_RUN_PREFIX = 'event:';
export const isCampaignRun = (runId: string): boolean => !runId.startsWith(EVENT_RUN_PREFIX);

const mainTableName = (): string => config().TABLE_NAME;
const aggregatesTableName = (): string => config().AGGREGATES_TABLE_NAME;
const purchasesTableName = (): string => config().PURCHASES_TABLE_NAME;

/** Sorts after every `<instant>#<id>` key of that instant: the inclusive upper bound "due by now". */
const dueBy = (now: Date) => `${now.toISOString()}#~`;

type Range =
  | { lt: string }
  | { lte: string }
  | { gt: string }
  | { gte: string }
  | { between: [string, string] };

const rangeCondition = (range: Range | undefined): { expr: string; values: Record<string, string> } => {
  if (!range) return { expr: '', values: {} };
  if ('lt' in range) return { expr: ' AND #sk < :lo', values: { ':lo': range.lt } };
  if ('lte' in range) return { expr: ' AND #sk <= :lo', values: { ':lo': range.lte } };
  if ('gt' in range) return { expr: ' AND #sk > :lo', values: { ':lo': range.gt } };
  if ('gte' in range) return { expr: ' AND #sk >= :lo', values: { ':lo': range.gte } };
  return {
    expr: ' AND #sk BETWEEN :lo AND :hi',
    values: { ':lo': range.between[0], ':hi': range.between[1] },
  };
};

/** One byKind partition, optionally a range of its sort keys. */
const kindQuery = (
  kind: string,
  range?: Range,
  options: { newestFirst?: boolean; limit?: number } = {},
): QueryCommandInput => {
  const r = rangeCondition(range);
  return {
    TableName: mainTableName(),
    IndexName: 'byKind',
    KeyConditionExpression: `#pk = :kind${r.expr}`,
    ExpressionAttributeNames: {
      '#pk': MAIN_TABLE.indexes.byKind.partitionKey,
      ...(range ? { '#sk': MAIN_TABLE.indexes.byKind.sortKey } : {}),
    },
    ExpressionAttributeValues: { ':kind': kind, ...r.values },
    ScanIndexForward: options.newestFirst ? false : undefined,
    Limit: options.limit,
  };
};

/** Items of one partition of the main table whose sort key starts with `prefix`. */
const partitionQuery = (
  pk: string,
  prefix: string,
  options: { consistent?: boolean } = {},
): QueryCommandInput => ({
  TableName: mainTableName(),
  KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
  ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
  ConsistentRead: options.consistent,
});

const customerPartition = (customerId: string) => `CUSTOMER#${customerId}`;
/** Customers per audience page: a dispatch records its position after each one. */
const AUDIENCE_PAGE = 1000;
const customerIndex = (customerId: string, sort: string): CustomerIndex => ({
  gsi2pk: customerPartition(customerId),
  gsi2sk: sort,
});

export const customerModel = {
  kind: 'customer',
  key: (id: string): Key => ({ pk: customerPartition(id), sk: 'CUSTOMER' }),
  listed: (id: string): KindIndex => ({ gsi1pk: LISTING.customer, gsi1sk: id }),
  /** customer.all — every customer, in id order (after `afterId`): audience selection. */
  all: (afterId?: string) =>
    kindQuery(LISTING.customer, afterId === undefined ? undefined : { gt: afterId }, {
      limit: AUDIENCE_PAGE,
    }),
  /**
   * customer.values — every customer, with only what the value recompute reads: the id, what it
   * last kept (value, loyalty, F) and what a best-but-not-loyal entry shows (name, owner).
   */
  values: (): QueryCommandInput => ({
    ...kindQuery(LISTING.customer),
    ProjectionExpression: 'id, #name, ownerId, loyaltyIndex, #attributes.#value, #attributes.#loyalty',
    ExpressionAttributeNames: {
      ...kindQuery(LISTING.customer).ExpressionAttributeNames,
      '#name': 'name',
      '#attributes': 'attributes',
      '#value': 'value',
      '#loyalty': 'loyalty',
    },
  }),
  /** customer.related — the customer's invites, responses, cases and alerts: erasure. */
  related: (customerId: string): QueryCommandInput => ({
    TableName: mainTableName(),
    IndexName: 'byCustomer',
    KeyConditionExpression: '#pk = :customer',
    ExpressionAttributeNames: { '#pk': MAIN_TABLE.indexes.byCustomer.partitionKey },
    ExpressionAttributeValues: { ':customer': customerPartition(customerId) },
    ProjectionExpression: 'pk, sk',
  }),
  /** customer.partition — the customer's own partition (the record, its survey slot, its marks). */
  partition: (customerId: string): QueryCommandInput => ({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': customerPartition(customerId) },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  }),
} as const;

/**
 * A customer marked churned (the customer left, or we ended it): in the customer's own partition,
 * so it goes with the customer's erasure; listed under CHURNED for churn and retention.
 */
export const churnMarkModel = {
  kind: 'churn-mark',
  key: (customerId: string): Key => ({ pk: customerPartition(customerId), sk: 'CHURN' }),
  listed: (customerId: string): KindIndex => ({ gsi1pk: LISTING.churned, gsi1sk: customerId }),
  /** churn.all — every churn mark, in customer id order. */
  all: () => kindQuery(LISTING.churned),
} as const;

/**
 * The erasure tombstone: the customer's id and when it was erased, nothing else — kept for good.
 * Every later write of that customer's invite, slot, response, case, alert or mark is conditional
 * on its absence (`erasureModel.absent`), so nothing written in a race with the erasure survives it.
 */
const erasureKey = (customerId: string): Key => ({ pk: customerPartition(customerId), sk: 'ERASED' });

export const erasureModel = {
  kind: 'erasure',
  key: erasureKey,
  /**
   * Listed while the follow-up passes run: an item written just before the tombstone may not be in
   * the byCustomer index yet when the first pass reads it (the index is eventually consistent).
   */
  recent: (erasedAt: string, customerId: string): KindIndex => ({
    gsi1pk: LISTING.recentErasure,
    gsi1sk: `${erasedAt}#${customerId}`,
  }),
  /** erasure.recent — tombstones still listed for a follow-up pass, oldest first. */
  listed: (limit?: number) => kindQuery(LISTING.recentErasure, undefined, { limit }),
  /** A transaction item that holds only while the customer is not erased. */
  absent: (customerId: string) => ({
    ConditionCheck: {
      TableName: mainTableName(),
      Key: erasureKey(customerId),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  }),
} as const;

/** When the customer was last invited, and by which run: the fatigue marker. */
export const surveySlotModel = {
  key: (customerId: string): Key => ({ pk: customerPartition(customerId), sk: 'LAST_INVITE' }),
  /** The customer a slot item (read by key) belongs to. */
  customerOf: (key: Key): string => key.pk.slice(customerPartition('').length),
} as const;

export const ownerModel = {
  kind: 'owner',
  key: (id: string): Key => ({ pk: `OWNER#${id}`, sk: 'OWNER' }),
  listed: (id: string): KindIndex => ({ gsi1pk: LISTING.owner, gsi1sk: id }),
  /** owner.all */
  all: () => kindQuery(LISTING.owner),
  /**
   * owner.withEmail — the owners whose address is this one (saved in lower case), with only what a
   * sign-in needs: never their webhook secrets. A filter over the owner listing, which GET
   * /api/owners reads whole as well: owners are the account's few account managers.
   */
  withEmail: (email: string): QueryCommandInput => {
    const listing = kindQuery(LISTING.owner);
    return {
      ...listing,
      FilterExpression: '#email = :email',
      ProjectionExpression: 'id, #email, locale',
      ExpressionAttributeNames: { ...listing.ExpressionAttributeNames, '#email': 'email' },
      ExpressionAttributeValues: { ...listing.ExpressionAttributeValues, ':email': email },
    };
  },
} as const;

const campaignPartition = (id: string) => `CAMPAIGN#${id}`;

export const campaignModel = {
  kind: 'campaign',
  key: (id: string): Key => ({ pk: campaignPartition(id), sk: 'CAMPAIGN' }),
  listed: (id: string): KindIndex => ({ gsi1pk: LISTING.campaign, gsi1sk: id }),
  /** campaign.all — every campaign, in id order: GET /api/campaigns, a page at a time. */
  all: () => kindQuery(LISTING.campaign),
} as const;

/** A campaign's next scheduled run: its own item, so the due-campaign query is one index range. */
export const scheduleModel = {
  key: (campaignId: string): Key => ({ pk: campaignPartition(campaignId), sk: 'SCHEDULE' }),
  due: (nextRunAt: string, campaignId: string): KindIndex => ({
    gsi1pk: LISTING.scheduled,
    gsi1sk: `${nextRunAt}#${campaignId}`,
  }),
  /** schedule.due — schedules whose next run is due by `now`, oldest first. */
  dueBy: (now: Date, limit?: number) => kindQuery(LISTING.scheduled, { lte: dueBy(now) }, { limit }),
} as const;

export const runModel = {
  kind: 'run',
  key: (campaignId: string, runId: string): Key => ({
    pk: campaignPartition(campaignId),
    sk: `RUN#${runId}`,
  }),
  /** Listed while not completed, by when the sweep should (re)start it. */
  open: (restartAt: Date, campaignId: string, runId: string): KindIndex => ({
    gsi1pk: LISTING.openRun,
    gsi1sk: `${restartAt.toISOString()}#${campaignId}#${runId}`,
  }),
  /** run.ofCampaign — a campaign's runs, oldest first. */
  ofCampaign: (campaignId: string) => partitionQuery(campaignPartition(campaignId), 'RUN#'),
  /** run.open — open runs whose restart time has come: never started, or their dispatch died. */
  openDue: (now: Date, limit?: number) => kindQuery(LISTING.openRun, { lte: dueBy(now) }, { limit }),
} as const;

/**
 * A run's recipients who got no email from it, each with why (fatigued, suppressed, expired, given
 * up…): the run's own partition, listed in customer id order. Listed under the customer too, so
 * erasure finds the entry.
 */
const runLogPartition = (campaignId: string, runId: string) => `RUNLOG#${campaignId}#${runId}`;

export const runLogModel = {
  kind: 'runlog',
  key: (campaignId: string, runId: string, customerId: string): Key => ({
    pk: runLogPartition(campaignId, runId),
    sk: customerId,
  }),
  ofCustomer: (customerId: string, at: string, campaignId: string, runId: string): CustomerIndex =>
    customerIndex(customerId, `RUNLOG#${at}#${campaignId}#${runId}`),
  /** runlog.ofRun — the run's skipped recipients, in customer id order. */
  ofRun: (campaignId: string, runId: string): QueryCommandInput => ({
    TableName: mainTableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': runLogPartition(campaignId, runId) },
  }),
} as const;

/**
 * The account's send rate (shared/email/send-rate.ts): one item per wall-clock second holding how
 * many sends every sender together has taken in it. Gone by TTL a few minutes later.
 */
export const sendRateModel = {
  key: (epochSecond: number): Key => ({ pk: `SENDRATE#${epochSecond}`, sk: 'SENDRATE' }),
} as const;

/** The invite sender's lease: one sender drains the unsent invites at a time. */
export const senderLeaseModel = {
  key: (): Key => ({ pk: 'SENDER', sk: 'LEASE' }),
} as const;

/**
 * A run's progress counters (queued, sent, …), spread over items in the campaign's partition, one
 * per writer lane (see store/run-progress.ts); read together, one query.
 */
export const runCounterModel = {
  key: (campaignId: string, runId: string, lane: string): Key => ({
    pk: campaignPartition(campaignId),
    sk: `COUNT#${runId}#${lane}`,
  }),
  /** runCounter.ofRun — every counter item of the run. */
  ofRun: (campaignId: string, runId: string) =>
    partitionQuery(campaignPartition(campaignId), `COUNT#${runId}#`, { consistent: true }),
} as const;

export const inviteModel = {
  kind: 'invite',
  key: (inviteId: string): Key => ({ pk: `INVITE#${inviteId}`, sk: 'INVITE' }),
  /** Listed from its creation until SES has it. */
  unsent: (createdAt: string, inviteId: string): KindIndex => ({
    gsi1pk: LISTING.unsentInvite,
    gsi1sk: `${createdAt}#${inviteId}`,
  }),
  /** The partition of unsent invites (a condition checks an invite is still there). */
  unsentListing: LISTING.unsentInvite,
  /** Listed while its run is paused, by run: taken out of the sender's way until the run resumes. */
  held: (campaignId: string, runId: string, inviteId: string): KindIndex => ({
    gsi1pk: LISTING.heldInvite,
    gsi1sk: `${campaignId}#${runId}#${inviteId}`,
  }),
  /** invite.held — paused runs' held invites (after the list key `after`, if any), in key order. */
  heldAfter: (after: string | undefined, limit: number) =>
    kindQuery(LISTING.heldInvite, after === undefined ? undefined : { gt: after }, { limit }),
  /** The list key that sorts after every held invite of a run. */
  heldRunEnd: (campaignId: string, runId: string) => `${campaignId}#${runId}#~`,
  /** The partition of invites waiting for their reminder (a condition checks an invite is there). */
  remindListing: LISTING.remindInvite,
  /** Listed once sent, when its campaign asked for a reminder, by when the reminder is due. */
  remind: (dueAt: string, inviteId: string): KindIndex => ({
    gsi1pk: LISTING.remindInvite,
    gsi1sk: `${dueAt}#${inviteId}`,
  }),
  ofCustomer: (customerId: string, createdAt: string): CustomerIndex =>
    customerIndex(customerId, `INVITE#${createdAt}`),
  /** invite.unsentDue — invites due by `now`, soonest due first, from after `after` (a list key). */
  unsentDue: (now: Date, limit: number, after?: string) =>
    kindQuery(LISTING.unsentInvite, after ? { between: [after, dueBy(now)] } : { lte: dueBy(now) }, {
      limit,
    }),
  /** invite.remindDue — sent invites whose reminder is due by `now`, oldest first. */
  remindDue: (now: Date, limit?: number) => kindQuery(LISTING.remindInvite, { lte: dueBy(now) }, { limit }),
} as const;

/** The response item's sort key: the stream consumers filter on it. */
export const RESPONSE_SORT_KEY = 'RESPONSE';

export const responseModel = {
  kind: 'response',
  key: (inviteId: string): Key => ({ pk: `INVITE#${inviteId}`, sk: RESPONSE_SORT_KEY }),
  listed: (respondedAt: string, inviteId: string): KindIndex => ({
    gsi1pk: LISTING.response,
    gsi1sk: `${respondedAt}#${inviteId}`,
  }),
  ofCustomer: (customerId: string, at: string, inviteId: string): CustomerIndex =>
    customerIndex(customerId, `RESPONSE#${at}#${inviteId}`),
  /**
   * response.answered — newest first, answered at or after `since` and before `until`. List keys
   * are `<respondedAt>#<inviteId>`: one at `until` sorts after the bare instant, so BETWEEN leaves
   * it out and the upper bound is exclusive, as a day range wants.
   */
  answered: (since: Date | undefined, until: Date | undefined) =>
    kindQuery(
      LISTING.response,
      { between: [since?.toISOString() ?? '0000', until?.toISOString() ?? '9999'] },
      { newestFirst: true },
    ),
} as const;

/**
 * A provisional answer (shared/survey/scanner.ts): a submission in a scanner's pattern, kept in the
 * invite's partition under its own sort key — so the stream consumers, which take only
 * RESPONSE_SORT_KEY, neither count nor alert it. Listed while held; listed under the customer
 * (held or confirmed) so that erasure finds it.
 */
export const PROVISIONAL_SORT_KEY = 'PROVISIONAL';

export const provisionalModel = {
  kind: 'provisional',
  key: (inviteId: string): Key => ({ pk: `INVITE#${inviteId}`, sk: PROVISIONAL_SORT_KEY }),
  /** Listed while held, by when it was first held. A confirmed one leaves the listing. */
  held: (heldAt: string, inviteId: string): KindIndex => ({
    gsi1pk: LISTING.provisional,
    gsi1sk: `${heldAt}#${inviteId}`,
  }),
  ofCustomer: (customerId: string, heldAt: string, inviteId: string): CustomerIndex =>
    customerIndex(customerId, `PROVISIONAL#${heldAt}#${inviteId}`),
  /**
   * provisional.held — held answers newest first, first held at or after `since` and before
   * `until` (the same bounds as response.answered).
   */
  heldBetween: (since: Date | undefined, until: Date | undefined) =>
    kindQuery(
      LISTING.provisional,
      { between: [since?.toISOString() ?? '0000', until?.toISOString() ?? '9999'] },
      { newestFirst: true },
    ),
} as const;

const CASE_KIND = (status: string) => `CASE#${status}`;

/**
 * Cases sort by SLA due time inside their `CASE#<status>` partition, so the escalation check reads
 * exactly the open cases that are overdue (a key range up to now). An escalated case moves behind
 * every timestamp (`~`), out of that range, so it is never read by the check again.
 */
export const caseModel = {
  kind: 'case',
  key: (caseId: string): Key => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  withStatus: (status: string, slaDueAt: string, caseId: string): KindIndex => ({
    gsi1pk: CASE_KIND(status),
    gsi1sk: `${slaDueAt}#${caseId}`,
  }),
  escalated: (slaDueAt: string, caseId: string): KindIndex => ({
    gsi1pk: CASE_KIND('open'),
    gsi1sk: `~escalated#${slaDueAt}#${caseId}`,
  }),
  ofCustomer: (customerId: string, createdAt: string, caseId: string): CustomerIndex =>
    customerIndex(customerId, `CASE#${createdAt}#${caseId}`),
  /**
   * case.byStatus — the cases of one status, latest SLA due time first (escalated open cases, keyed
   * behind every time, come before the rest); with `openedFrom`, only those whose key (their SLA due
   * time, never before their creation) is at or after it, so the key range narrows the read.
   */
  byStatus: (status: string, openedFrom?: string) =>
    kindQuery(CASE_KIND(status), openedFrom ? { gte: openedFrom } : undefined, { newestFirst: true }),
  /** case.overdue — open, unescalated cases whose SLA is due by `now`, soonest due first. */
  overdue: (now: Date, limit?: number) => kindQuery(CASE_KIND('open'), { lte: dueBy(now) }, { limit }),
} as const;

export const alertModel = {
  kind: 'alert',
  key: (alertId: string): Key => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' }),
  pending: (nextAttemptAt: string, alertId: string): KindIndex => ({
    gsi1pk: LISTING.pendingAlert,
    gsi1sk: `${nextAttemptAt}#${alertId}`,
  }),
  dead: (at: string, alertId: string): KindIndex => ({
    gsi1pk: LISTING.deadAlert,
    gsi1sk: `${at}#${alertId}`,
  }),
  /** Listed under the customer so that erasure finds the personal data in the payload. */
  ofCustomer: (customerId: string, createdAt: string, alertId: string): CustomerIndex =>
    customerIndex(customerId, `ALERT#${createdAt}#${alertId}`),
  /** alert.due — alerts waiting for an attempt that is due by `now`, oldest first. */
  due: (now: Date, limit?: number) => kindQuery(LISTING.pendingAlert, { lte: dueBy(now) }, { limit }),
  /** alert.dead — alerts given up on, newest first. */
  allDead: () => kindQuery(LISTING.deadAlert, undefined, { newestFirst: true }),
} as const;

/**
 * Recovery marks, in the customer's own partition (see shared/cases/recovery.ts): a case's
 * detractor answer time, and the time an answer became 7 or more.
 */
export const caseMarkModel = {
  key: (customerId: string, caseId: string): Key => ({
    pk: customerPartition(customerId),
    sk: `MARK#CASE#${caseId}`,
  }),
  /** mark.cases — strongly consistent, so the second of two racing sides sees the first. */
  ofCustomer: (customerId: string) =>
    partitionQuery(customerPartition(customerId), 'MARK#CASE#', { consistent: true }),
} as const;

export const sevenPlusMarkModel = {
  key: (customerId: string, inviteId: string): Key => ({
    pk: customerPartition(customerId),
    sk: `MARK#7+#${inviteId}`,
  }),
  /** mark.sevenPlus */
  ofCustomer: (customerId: string) =>
    partitionQuery(customerPartition(customerId), 'MARK#7+#', { consistent: true }),
} as const;

/**
 * Keyed by a keyed hash of the address (see store/suppressions.ts), so an unsubscribe outlives the
 * erasure of the address it protects and the list names nobody to whoever reads the table.
 */
export const suppressionModel = {
  kind: 'suppression',
  key: (addressHash: string): Key => ({ pk: `SUPPRESSION#${addressHash}`, sk: 'SUPPRESSION' }),
} as const;

/** The owner routing rules: one item holding the ordered list. */
export const routingModel = {
  kind: 'routing',
  key: (): Key => ({ pk: 'ROUTING', sk: 'RULES' }),
} as const;

/**
 * The user-defined comment themes (shared/themes/tagging.ts): one item holding every theme and its
 * keywords, read by each answer with a comment and replaced whole by the admin.
 */
export const themeDefinitionsModel = {
  kind: 'themes',
  key: (): Key => ({ pk: 'THEMES', sk: 'DEFINITIONS' }),
} as const;

/**
 * People who sign in (shared/auth): a one-time sign-in link's token, a session, and the count of
 * links one address asked for in a window. Each is keyed by a SHA-256 of its secret (or of the
 * address): whoever reads the table finds no credential to present and no address in a key.
 */
export const signInModel = {
  kind: 'sign-in',
  key: (tokenHash: string): Key => ({ pk: `SIGNIN#${tokenHash}`, sk: 'SIGNIN' }),
} as const;

/** Sign-in links asked for by one address in one fixed window (`window`: its index since the epoch). */
export const signInRateModel = {
  key: (addressHash: string, window: number): Key => ({
    pk: `SIGNINRATE#${addressHash}#${window}`,
    sk: 'RATE',
  }),
} as const;

export const sessionModel = {
  kind: 'session',
  key: (sessionHash: string): Key => ({ pk: `SESSION#${sessionHash}`, sk: 'SESSION' }),
} as const;

/**
 * The audit log: who did what, when. One partition per UTC day (`AUDIT#2026-12-06`), sorted by
 * time, so a range of days is one query a day, newest first, and no partition grows without end.
 */
const auditPartition = (utcDay: string) => `AUDIT#${utcDay}`;
const DAY_MS = 86_400_000;

export const auditModel = {
  kind: 'audit',
  key: (at: string, id: string): Key => ({ pk: auditPartition(at.slice(0, 10)), sk: `${at}#${id}` }),
  /**
   * audit.between — the entries at or after `since` and before `until`, newest first: one query
   * per UTC day, latest day first. Sort keys are `<at>#<id>`: one at `until` sorts after the bare
   * instant, so BETWEEN leaves it out (the same bounds as response.answered).
   */
  between: (since: Date, until: Date): QueryCommandInput[] => {
    const queries: QueryCommandInput[] = [];
    const first = Date.parse(since.toISOString().slice(0, 10));
    const last = Date.parse(new Date(until.getTime() - 1).toISOString().slice(0, 10));
    for (let day = last; day >= first; day -= DAY_MS) {
      queries.push({
        TableName: mainTableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
        ExpressionAttributeValues: {
          ':pk': auditPartition(new Date(day).toISOString().slice(0, 10)),
          ':since': since.toISOString(),
          ':until': until.toISOString(),
        },
        ScanIndexForward: false,
      });
    }
    return queries;
  },
} as const;

/**
 * A purchase (PURCHASES_TABLE), keyed by its purchaseId alone: the same purchaseId is one item
 * whoever and whatever it names, so a replayed import can never count a purchase twice. Listed by
 * month of its date, each month in PURCHASE_SHARDS partitions (by a hash of the purchaseId) so that
 * an import of a busy month spreads its index writes and the value recompute reads a year in
 * parallel queries; listed under its customer too, so erasure finds it.
 */
const PURCHASE_SHARDS = 4;
/** FNV-1a of the id, for a stable shard that needs nothing but the id. */
const purchaseShard = (purchaseId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < purchaseId.length; i++) {
    hash ^= purchaseId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PURCHASE_SHARDS;
};
const purchaseListing = (month: string, shard: number) => `PURCHASE#${month}#${shard}`;

export const purchaseModel = {
  kind: 'purchase',
  key: (purchaseId: string): Key => ({ pk: `PURCHASE#${purchaseId}`, sk: 'PURCHASE' }),
  listed: (date: string, purchaseId: string): KindIndex => ({
    gsi1pk: purchaseListing(date.slice(0, 7), purchaseShard(purchaseId)),
    gsi1sk: `${date}#${purchaseId}`,
  }),
  ofCustomer: (customerId: string, date: string, purchaseId: string): CustomerIndex =>
    customerIndex(customerId, `PURCHASE#${date}#${purchaseId}`),
  /**
   * purchase.dated — the purchases dated from..to (YYYY-MM-DD, inclusive): one query per month and
   * shard, each reading only what the value recompute needs.
   */
  dated: (from: string, to: string): QueryCommandInput[] =>
    monthsBetween(from, to).flatMap((month) =>
      Array.from({ length: PURCHASE_SHARDS }, (_, shard) => ({
        TableName: purchasesTableName(),
        IndexName: 'byMonth',
        KeyConditionExpression: '#pk = :month AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: {
          '#pk': PURCHASES_TABLE.indexes.byMonth.partitionKey,
          '#sk': PURCHASES_TABLE.indexes.byMonth.sortKey,
          '#date': 'date',
        },
        ExpressionAttributeValues: {
          ':month': purchaseListing(month, shard),
          ':from': from,
          ':to': `${to}#~`,
        },
        ProjectionExpression: 'customerId, amount, quantity, productId, #date',
      })),
    ),
  /** purchase.latestOfCustomer — the customer's latest purchase dated on or before a day: a loss's episode. */
  latestOfCustomer: (customerId: string, onOrBefore: string): QueryCommandInput => ({
    TableName: purchasesTableName(),
    IndexName: 'purchasesByCustomer',
    KeyConditionExpression: '#pk = :customer AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: {
      '#pk': PURCHASES_TABLE.indexes.purchasesByCustomer.partitionKey,
      '#sk': PURCHASES_TABLE.indexes.purchasesByCustomer.sortKey,
      '#date': 'date',
    },
    ExpressionAttributeValues: {
      ':customer': customerPartition(customerId),
      ':from': 'PURCHASE#',
      ':to': `PURCHASE#${onOrBefore}#~`,
    },
    ProjectionExpression: '#date',
    ScanIndexForward: false,
    Limit: 1,
  }),
  /** purchase.ofCustomer — the keys of a customer's purchases: erasure. */
  keysOfCustomer: (customerId: string): QueryCommandInput => ({
    TableName: purchasesTableName(),
    IndexName: 'purchasesByCustomer',
    KeyConditionExpression: '#pk = :customer',
    ExpressionAttributeNames: { '#pk': PURCHASES_TABLE.indexes.purchasesByCustomer.partitionKey },
    ExpressionAttributeValues: { ':customer': customerPartition(customerId) },
    ProjectionExpression: 'pk, sk',
  }),
} as const;

/** The latest value report (shared/value/report.ts): tiers and the value × loyalty matrix. One item. */
export const valueReportModel = {
  kind: 'value-report',
  key: (): Key => ({ pk: 'VALUE', sk: 'REPORT' }),
} as const;

/** The value recompute's lease: one recompute at a time. */
export const valueLeaseModel = {
  key: (): Key => ({ pk: 'VALUE', sk: 'LEASE' }),
} as const;

/** Sorts revenue highest first as text: cents below 10^16, subtracted from it, zero-padded. */
const REVENUE_KEY_CEILING = 10 ** 16 - 1;
const revenueFirst = (revenueCents: number) =>
  String(REVENUE_KEY_CEILING - Math.min(Math.max(0, revenueCents), REVENUE_KEY_CEILING)).padStart(16, '0');

/**
 * A best-but-not-loyal customer's entry (see shared/value/report.ts `bestButNotLoyal`): in the
 * customer's own partition, so it goes with the customer's erasure; listed highest revenue first.
 */
export const valueWatchModel = {
  kind: 'value-watch',
  key: (customerId: string): Key => ({ pk: customerPartition(customerId), sk: 'VALUE#WATCH' }),
  listed: (revenueCents: number, customerId: string): KindIndex => ({
    gsi1pk: LISTING.bestNotLoyal,
    gsi1sk: `${revenueFirst(revenueCents)}#${customerId}`,
  }),
  /** valueWatch.all — the best customers who are not loyal, highest revenue first. */
  all: () => kindQuery(LISTING.bestNotLoyal),
} as const;

/**
 * A lost customer and the fight to win them back (shared/winback): the loss (`LOSS`) and, when the
 * customer's value tier calls for one, its win-back case (`WINBACK`), in one partition per loss.
 * A loss is named by the customer and their last purchase before it (shared/winback/policy.ts
 * `lossIdOf`), so a lapse detected by the daily recompute and a churn marked by hand for the same
 * loss meet on one item, and a customer who comes back and leaves again is a new loss. The loss is
 * listed by the day the customer was lost (the reason tallies read a range of days); the case by
 * status, soonest SLA first (the queue); both under the customer, so erasure finds them.
 */
const lossPartition = (lossId: string) => `LOSS#${lossId}`;
const WINBACK_KIND = (status: string) => `WINBACK#${status}`;

export const lossModel = {
  kind: 'loss',
  key: (lossId: string): Key => ({ pk: lossPartition(lossId), sk: 'LOSS' }),
  listed: (lostOn: string, lossId: string): KindIndex => ({
    gsi1pk: LISTING.loss,
    gsi1sk: `${lostOn}#${lossId}`,
  }),
  ofCustomer: (customerId: string, lostOn: string, lossId: string): CustomerIndex =>
    customerIndex(customerId, `LOSS#${lostOn}#${lossId}`),
  /** loss.lostBetween — the losses of the days from..to (YYYY-MM-DD, inclusive), oldest first. */
  lostBetween: (fromDay: string, toDay: string) =>
    kindQuery(LISTING.loss, { between: [fromDay, `${toDay}#~`] }),
} as const;

export const winBackModel = {
  kind: 'winback',
  key: (lossId: string): Key => ({ pk: lossPartition(lossId), sk: 'WINBACK' }),
  withStatus: (status: string, slaDueAt: string, lossId: string): KindIndex => ({
    gsi1pk: WINBACK_KIND(status),
    gsi1sk: `${slaDueAt}#${lossId}`,
  }),
  ofCustomer: (customerId: string, openedAt: string, lossId: string): CustomerIndex =>
    customerIndex(customerId, `WINBACK#${openedAt}#${lossId}`),
  /** winBack.byStatus — the win-back cases of one status, soonest SLA first. */
  byStatus: (status: string) => kindQuery(WINBACK_KIND(status)),
} as const;

/** Which item type a main-table key belongs to, for reports over mixed key lists (erasure). */
export const itemTypeOf = (
  key: Key,
): 'invite' | 'response' | 'provisional' | 'case' | 'alert' | 'loss' | 'other' => {
  if (key.sk === 'INVITE') return 'invite';
  if (key.sk === RESPONSE_SORT_KEY) return 'response';
  if (key.sk === PROVISIONAL_SORT_KEY) return 'provisional';
  if (key.sk === 'CASE') return 'case';
  if (key.sk === 'ALERT') return 'alert';
  if (key.sk === 'LOSS') return 'loss';
  return 'other';
};

/**
 * The counters kept per segment × day: how many answers gave each score. Everything else (NPS,
 * its interval, classes, average) is derived on read, and so are the longer windows — a week,
 * month, quarter or all time is the sum of its days. One item per segment a day is what keeps the
 * rollup's writes per answer down to one per segment (five, when every window had its own item).
 */
export const COUNTER_FIELDS = ['h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];

/** A counter item's identity: the segment's partition, the day (`2026-11-23`) as sort key. */
export interface CounterKey extends Key {
  segment: string;
  day: string;
}

/**
 * The aggregates' counter item. Besides its counters it holds, per stream shard, the sequence
 * number of the last record applied to it (`hw_<shardId>`): the exactly-once rollup's marks.
 * Items written before windows were summed on read have a partition of another window
 * (`all|month`): reconcile lists them as obsolete and `--fix` deletes them.
 */
const DAY_PARTITION_SUFFIX = '|day';
const counterPartition = (segment: string) => `${segment}${DAY_PARTITION_SUFFIX}`;
/** The byPeriod index lists a day's items under its month: a month of every segment in one query. */
const monthOfDay = (day: string) => day.slice(0, 7);

export const counterModel = {
  key: (segment: string, day: string): CounterKey => ({
    pk: counterPartition(segment),
    sk: day,
    segment,
    day,
  }),
  /** Where the item is listed in the byPeriod index: its month, `2026-11`. */
  periodKey: monthOfDay,
  /** Whether an item's partition is one the rollup writes (a day partition). */
  isDayItem: (pk: string) => pk.endsWith(DAY_PARTITION_SUFFIX),
  /** The high-water mark attribute of one stream shard. */
  markAttribute: (shardId: string) => `hw_${shardId}`,
  /** The shard id a mark attribute belongs to, or undefined for any other attribute. */
  shardOfMark: (attribute: string) => (attribute.startsWith('hw_') ? attribute.slice(3) : undefined),
  /** counter.series — one segment's days from..to (day keys, inclusive): a year is one query. */
  series: (segment: string, fromDay: string, toDay: string): QueryCommandInput => ({
    TableName: aggregatesTableName(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': counterPartition(segment), ':from': fromDay, ':to': toDay },
    ProjectionExpression: ['sk', ...COUNTER_FIELDS].map((f) => `#${f}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(['sk', ...COUNTER_FIELDS].map((f) => [`#${f}`, f])),
  }),
  /** counter.ofMonth — every segment's day items of one month, in segment order. */
  ofMonth: (month: string): QueryCommandInput => ({
    TableName: aggregatesTableName(),
    IndexName: 'byPeriod',
    KeyConditionExpression: 'periodKey = :pk',
    ExpressionAttributeValues: { ':pk': month },
    ProjectionExpression: ['segment', 'sk', ...COUNTER_FIELDS].map((f) => `#${f}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(
      ['segment', 'sk', ...COUNTER_FIELDS].map((f) => [`#${f}`, f]),
    ),
  }),
} as const;
