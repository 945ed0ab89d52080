import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import {
  mainTable,
  type Page,
  type PageRequest,
  queryAll,
  queryPage,
  type TransactItem,
  transactWrite,
} from './db.ts';
import { customerNotErasedCheck } from './erasure.ts';
import { runCounterModel, runLogModel } from './model.ts';

/** Counter adds by counter name (the domain decides them: shared/campaigns/run-progress.ts). */
export type CounterAdds = Record<string, number>;

/**
 * Counter lanes. A counter add goes in one transaction with the recipient's own write, and two
 * transactions that touch the same item at once collide (TransactionConflict) — a run's counters
 * would be the one item every writer touches. So each writer that works through a run — one worker
 * of a dispatch or of the sender, one at a time — adds to an item of its own (its lane), and the
 * progress adds the lanes up. Writers outside a lane (an SES feedback event) spread by
 * customer over a few shared items, where a rare collision is retried.
 */
const lanes = new AsyncLocalStorage<string>();
const SHARED_LANES = 16;

/** Runs `work` with its counter adds in `lane`, which no other writer uses meanwhile. */
export const inCounterLane = <T>(lane: string, work: () => Promise<T>): Promise<T> => lanes.run(lane, work);

const laneOf = (customerId: string): string =>
  lanes.getStore() ?? `s${(createHash('sha1').update(customerId).digest()[0] ?? 0) % SHARED_LANES}`;

/**
 * The transaction item that adds one recipient's move to the run's counters. It goes in the same
 * transaction as the change of the recipient's own item (the invite, or their run log entry), whose
 * condition makes the move happen once: a retried or repeated write is refused whole, counters too.
 */
export const runCounterAdd = (
  campaignId: string,
  runId: string,
  customerId: string,
  adds: CounterAdds,
): TransactItem => {
  const entries = Object.entries(adds);
  return {
    Update: {
      TableName: mainTable(),
      Key: runCounterModel.key(campaignId, runId, laneOf(customerId)),
      UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])),
    },
  };
};

export interface RunLogEntry {
  customerId: string;
  reason: string;
  at: string;
  inviteId?: string;
}

/** The recipient's entry in the run's log of who got no email, written once. */
export const runLogPut = (campaignId: string, runId: string, entry: RunLogEntry): TransactItem => ({
  Put: {
    TableName: mainTable(),
    Item: {
      ...runLogModel.key(campaignId, runId, entry.customerId),
      ...runLogModel.ofCustomer(entry.customerId, entry.at, campaignId, runId),
      kind: runLogModel.kind,
      ...entry,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/**
 * A recipient the run sends nothing to, before any invite exists (fatigued, suppressed): their log
 * entry and the counters, once, and only while the customer is not erased. `refused` when an
 * earlier attempt of the run logged them already.
 */
export const logRunSkip = async (
  campaignId: string,
  runId: string,
  entry: RunLogEntry,
  adds: CounterAdds,
): Promise<'written' | 'refused' | 'erased'> => {
  const result = await transactWrite([
    runLogPut(campaignId, runId, entry),
    runCounterAdd(campaignId, runId, entry.customerId, adds),
    customerNotErasedCheck(entry.customerId),
  ]);
  if (result.committed) return 'written';
  return result.failed.includes(2) ? 'erased' : 'refused';
};

/** Every counter item of the run (a handful), read consistently. */
export const runCounterItems = (campaignId: string, runId: string) =>
  queryAll(runCounterModel.ofRun(campaignId, runId));

/** The run's recipients who got no email, with why, a page at a time in customer id order. */
export const listRunLog = async (
  campaignId: string,
  runId: string,
  page: PageRequest,
): Promise<Page<RunLogEntry>> => {
  const found = await queryPage([runLogModel.ofRun(campaignId, runId)], page);
  return {
    items: found.items.map((i) => ({
      customerId: String(i.customerId),
      reason: String(i.reason),
      at: String(i.at),
      ...(i.inviteId ? { inviteId: String(i.inviteId) } : {}),
    })),
    cursor: found.cursor,
  };
};
