import { createHash } from 'node:crypto';

/**
 * The single-table model, in one place: entity keys, the kind-wide list keys, and index names named
 * after their access pattern. The local runtime creates tables from these definitions and the CDK
 * stack declares them from the same constants, so the two cannot drift.
 */
export const MAIN_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Items with an epoch-seconds value here are deleted by DynamoDB TTL. */
  ttlAttribute: 'expiresAtEpoch',
  indexes: {
    /** Everything of one kind (customers, owners, open cases, due alerts…), ordered by gsi1sk. */
    byKind: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A customer's invites and responses, in time order: recovery checks and erasure. */
    byCustomer: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  },
} as const;

export const AGGREGATES_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: {
    /** Every segment's counters for one window period: the segments overview. */
    byPeriod: { partitionKey: 'periodKey', sortKey: 'segment' },
  },
} as const;

export const emailHash = (email: string): string =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');

export const keys = {
  customer: (id: string) => ({ pk: `CUSTOMER#${id}`, sk: 'CUSTOMER' }),
  lastInvite: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'LAST_INVITE' }),
  owner: (id: string) => ({ pk: `OWNER#${id}`, sk: 'OWNER' }),
  campaign: (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'CAMPAIGN' }),
  run: (campaignId: string, runId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: `RUN#${runId}` }),
  invite: (inviteId: string) => ({ pk: `INVITE#${inviteId}`, sk: 'INVITE' }),
  response: (inviteId: string) => ({ pk: `INVITE#${inviteId}`, sk: 'RESPONSE' }),
  case: (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' }),
  alert: (alertId: string) => ({ pk: `ALERT#${alertId}`, sk: 'ALERT' }),
  /** The owner routing rules: one item holding the ordered list. */
  routing: () => ({ pk: 'ROUTING', sk: 'RULES' }),
  /** Keyed by a hash, so an unsubscribe outlives the erasure of the address it protects. */
  suppression: (email: string) => ({ pk: `SUPPRESSION#${emailHash(email)}`, sk: 'SUPPRESSION' }),
} as const;

/** Partition keys of the byKind index. */
export const kinds = {
  customer: 'CUSTOMER',
  owner: 'OWNER',
  campaign: 'CAMPAIGN',
  response: 'RESPONSE',
  /** Campaign runs not yet completed, by when the sweep should (re)start them. */
  openRun: 'RUN#open',
  /** Campaigns with a future scheduled run, by next run time. */
  scheduled: 'SCHEDULED',
  /** Invites written but not yet handed to SES, by creation time: the send sweep. */
  unsentInvite: 'INVITE#unsent',
  /** Sent invites of campaigns with a reminder rule, by when the reminder is due. */
  remindInvite: 'INVITE#remind',
  caseByStatus: (status: string) => `CASE#${status}`,
  /** Alerts waiting for a (re)delivery attempt, by next attempt time. */
  pendingAlert: 'ALERT#pending',
  deadAlert: 'ALERT#dead',
} as const;

export const RESPONSE_SK = 'RESPONSE';

export const customerGsi2 = (customerId: string) => `CUSTOMER#${customerId}`;

/**
 * Cases sort by SLA due time inside their `CASE#<status>` partition, so the escalation check reads
 * exactly the open cases that are overdue (a key range up to now). An escalated case moves behind
 * every timestamp (`~`), out of that range, so it is never read by the check again.
 */
export const caseSort = {
  due: (slaDueAt: string, caseId: string) => `${slaDueAt}#${caseId}`,
  escalated: (slaDueAt: string, caseId: string) => `~escalated#${slaDueAt}#${caseId}`,
  /** The upper bound of the key range of cases due at or before `now`. */
  dueBy: (now: Date) => `${now.toISOString()}#~`,
} as const;

/** A customer's cases in the byCustomer index, in creation order. */
export const caseCustomerSort = (createdAt: string, caseId: string) => `CASE#${createdAt}#${caseId}`;
