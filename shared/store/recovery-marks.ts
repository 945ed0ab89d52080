import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { mainTable, queryAll } from './db.ts';
import { writeUnlessErased } from './erasure.ts';
import { caseMarkModel, sevenPlusMarkModel } from './model.ts';

/**
 * Recovery compares answer times across a customer's invites, whose records may reach the alert
 * consumer in any order (different items, different shards). Both sides leave a mark in the
 * customer's own partition and then read the other side's marks there, strongly consistent:
 * whichever of the two runs second sees the first, so no recovery is missed.
 */
export interface CaseMark {
  caseId: string;
  /** When the detractor answer that opened the case was given. */
  detractorAt: string;
}
export interface SevenPlusMark {
  inviteId: string;
  /** When this invite's answer last became 7 or more. */
  reachedAt: string;
}

/** The case's mark, for the transaction that opens it: kept as first written on later updates. */
export const caseMarkWrite = (customerId: string, mark: CaseMark) => ({
  Update: {
    TableName: mainTable(),
    Key: caseMarkModel.key(customerId, mark.caseId),
    UpdateExpression: 'SET caseId = :caseId, detractorAt = if_not_exists(detractorAt, :at)',
    ExpressionAttributeValues: { ':caseId': mark.caseId, ':at': mark.detractorAt },
  },
});

/**
 * An answer became 7 or more: marks it with that time (a later rise replaces it). Not for an
 * erased customer (false): the mark would name them after their erasure.
 */
export const putSevenPlusMark = async (customerId: string, mark: SevenPlusMark): Promise<boolean> =>
  (await writeUnlessErased(customerId, {
    Put: { TableName: mainTable(), Item: { ...sevenPlusMarkModel.key(customerId, mark.inviteId), ...mark } },
  })) === 'written';

/** An answer fell below 7 again: it no longer recovers cases opened from now on. */
export const deleteSevenPlusMark = async (customerId: string, inviteId: string): Promise<void> => {
  await getClients().ddb.send(
    new DeleteCommand({
      TableName: mainTable(),
      Key: sevenPlusMarkModel.key(customerId, inviteId),
    }),
  );
};

export const caseMarks = async (customerId: string): Promise<CaseMark[]> =>
  (await queryAll(caseMarkModel.ofCustomer(customerId))).map((i) => ({
    caseId: String(i.caseId),
    detractorAt: String(i.detractorAt),
  }));

export const sevenPlusMarks = async (customerId: string): Promise<SevenPlusMark[]> =>
  (await queryAll(sevenPlusMarkModel.ofCustomer(customerId))).map((i) => ({
    inviteId: String(i.inviteId),
    reachedAt: String(i.reachedAt),
  }));
