import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { isConditionFailure, NotFoundError } from '../errors.ts';
import {
  batchGetAll,
  batchWriteAll,
  mainTable,
  purchasesTable,
  queryAll,
  type TransactItem,
  transactWrite,
} from './db.ts';
import { customerModel, erasureModel, itemTypeOf, purchaseModel, responseModel } from './model.ts';

export interface ErasureReport {
  customer: boolean;
  invites: number;
  responses: number;
  purchases: number;
  cases: number;
  alerts: number;
  /** Losses ("why did you leave?" answers with them) and their win-back cases. */
  losses: number;
}

/** A transaction item that holds only while the customer is not erased (see erasureModel). */
export const customerNotErasedCheck = (customerId: string) => erasureModel.absent(customerId);

/**
 * One write of a customer's data (with the writes that must go with it, such as a run's counters),
 * made only while the customer is not erased: `written`, `refused` by a write's own condition, or
 * `erased` (the tombstone is there).
 */
export const writeUnlessErased = async (
  customerId: string,
  write: TransactItem,
  alongside: TransactItem[] = [],
): Promise<'written' | 'refused' | 'erased'> => {
  const items = [write, ...alongside, customerNotErasedCheck(customerId)];
  const result = await transactWrite(items);
  if (result.committed) return 'written';
  return result.failed.includes(items.length - 1) ? 'erased' : 'refused';
};

export const isErased = async (customerId: string): Promise<boolean> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: erasureModel.key(customerId), ConsistentRead: true }),
  );
  return Boolean(out.Item);
};

/** Which of these customers are erased, in one batched consistent read. */
export const erasedAmong = async (customerIds: string[]): Promise<Set<string>> => {
  const unique = [...new Set(customerIds)];
  if (unique.length === 0) return new Set();
  const found = await batchGetAll(
    mainTable(),
    unique.map((id) => ({ ...erasureModel.key(id) })),
    { consistent: true },
  );
  return new Set(found.map((item) => String(item.customerId)));
};

/**
 * Deletes everything that carries the customer's personal data — their record, survey slot,
 * recovery marks and best-but-not-loyal entry (their own partition) and their invites, responses
 * (the stream REMOVEs take them out of every aggregate), purchases, cases and alerts — but not the
 * tombstone. Safe to repeat.
 */
const deleteCustomerData = async (customerId: string): Promise<ErasureReport> => {
  const [related, own, purchases] = await Promise.all([
    queryAll(customerModel.related(customerId)),
    queryAll(customerModel.partition(customerId)),
    queryAll(purchaseModel.keysOfCustomer(customerId)),
  ]);
  const customerKey = customerModel.key(customerId);
  const tombstoneKey = erasureModel.key(customerId);
  const ownData = own.filter((item) => item.sk !== tombstoneKey.sk);
  const report: ErasureReport = {
    customer: false,
    invites: 0,
    responses: 0,
    purchases: purchases.length,
    cases: 0,
    alerts: 0,
    losses: 0,
  };
  report.customer = ownData.some((item) => item.sk === customerKey.sk);
  for (const item of related) {
    const type = itemTypeOf({ pk: String(item.pk), sk: String(item.sk) });
    if (type === 'invite') report.invites++;
    else if (type === 'response') report.responses++;
    else if (type === 'case') report.cases++;
    else if (type === 'alert') report.alerts++;
    else if (type === 'loss') report.losses++;
  }
  const deletes = (items: Array<Record<string, unknown>>) =>
    items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
  await Promise.all([
    batchWriteAll(mainTable(), deletes([...related, ...ownData])),
    batchWriteAll(purchasesTable(), deletes(purchases)),
  ]);
  return report;
};

/**
 * Right to erasure, final: first the tombstone, which every later write of this customer's
 * invites, slot, responses, cases, alerts and marks is conditional on — so an answer or a dispatch
 * racing the erasure cannot write anything back — then the data. The tombstone stays listed for
 * follow-up passes (sweepRecentErasures), which take what the byCustomer index did not show yet.
 * A repeated request finds the tombstone and is no news. Unsubscribes survive as keyed hashes.
 */
export const eraseCustomer = async (customerId: string, now = new Date()): Promise<ErasureReport> => {
  const [customer, alreadyErased] = await Promise.all([
    getClients().ddb.send(
      new GetCommand({ TableName: mainTable(), Key: customerModel.key(customerId), ConsistentRead: true }),
    ),
    isErased(customerId),
  ]);
  if (!customer.Item && !alreadyErased) {
    const related = await queryAll({ ...customerModel.related(customerId), Limit: 1 });
    if (related.length === 0) throw new NotFoundError('customer not found');
  }
  if (!alreadyErased) await putTombstone(customerId, now);
  return deleteCustomerData(customerId);
};

const putTombstone = async (customerId: string, now: Date): Promise<void> => {
  const erasedAt = now.toISOString();
  await getClients()
    .ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: {
          ...erasureModel.key(customerId),
          ...erasureModel.recent(erasedAt, customerId),
          kind: erasureModel.kind,
          customerId,
          erasedAt,
        },
        // Two erasures at once: the first tombstone (and its time) stays.
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err;
    });
};

/**
 * How long after an erasure its follow-up passes run: far beyond the byCustomer index's lag
 * (typically under a second) and the longest a dispatch or stream consumer holds a read before
 * its conditional write refuses it.
 */
export const ERASURE_FOLLOW_UP_MS = 15 * 60_000;

/**
 * The follow-up passes: each recent erasure is run again, and once past ERASURE_FOLLOW_UP_MS
 * (after one more pass) its tombstone leaves the listing — it stays, unlisted, for good.
 */
export const sweepRecentErasures = async (now = new Date(), limit = 100): Promise<number> => {
  const listed = await queryAll(erasureModel.listed(limit));
  let found = 0;
  for (const item of listed) {
    const customerId = String(item.customerId);
    const report = await deleteCustomerData(customerId);
    found +=
      report.invites +
      report.responses +
      report.purchases +
      report.cases +
      report.alerts +
      report.losses +
      Number(report.customer);
    if (now.getTime() - Date.parse(String(item.erasedAt)) >= ERASURE_FOLLOW_UP_MS) {
      await getClients().ddb.send(
        new UpdateCommand({
          TableName: mainTable(),
          Key: erasureModel.key(customerId),
          UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    }
  }
  return found;
};

/** Deletes an answer that reached a stream consumer after its customer was erased. */
export const deleteErasedAnswer = async (inviteId: string): Promise<void> => {
  await getClients().ddb.send(
    new DeleteCommand({ TableName: mainTable(), Key: responseModel.key(inviteId) }),
  );
};
