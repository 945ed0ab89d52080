import { NotFoundError } from '../errors.ts';
import { batchWriteAll, mainTable, queryAll } from './db.ts';
import { customerGsi2, keys, MAIN_TABLE } from './table.ts';

export interface ErasureReport {
  customer: boolean;
  invites: number;
  responses: number;
  cases: number;
  alerts: number;
}

/**
 * Right to erasure: deletes the customer and everything that carries their personal data —
 * invites, responses (the stream REMOVEs take them out of every aggregate), cases and alerts.
 * An unsubscribe survives as an email hash only. Safe to repeat.
 */
export const eraseCustomer = async (customerId: string): Promise<ErasureReport> => {
  const related = await queryAll({
    TableName: mainTable(),
    IndexName: 'byCustomer',
    KeyConditionExpression: '#pk = :customer',
    ExpressionAttributeNames: { '#pk': MAIN_TABLE.indexes.byCustomer.partitionKey },
    ExpressionAttributeValues: { ':customer': customerGsi2(customerId) },
    ProjectionExpression: 'pk, sk',
  });
  const customerKey = keys.customer(customerId);
  // The customer's own partition: the customer, the fatigue marker and the recovery marks.
  const own = await queryAll({
    TableName: mainTable(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': customerKey.pk },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  });
  const report: ErasureReport = { customer: false, invites: 0, responses: 0, cases: 0, alerts: 0 };
  report.customer = own.some((item) => item.sk === customerKey.sk);
  if (!report.customer && related.length === 0) throw new NotFoundError('customer not found');
  for (const item of related) {
    const sk = String(item.sk);
    if (sk === 'INVITE') report.invites++;
    else if (sk === 'RESPONSE') report.responses++;
    else if (sk === 'CASE') report.cases++;
    else if (sk === 'ALERT') report.alerts++;
  }
  await batchWriteAll(mainTable(), [
    ...related.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    ...own.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
  ]);
  return report;
};
