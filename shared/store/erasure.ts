import { NotFoundError } from '../errors.ts';
import { batchWriteAll, mainTable, queryAll } from './db.ts';
import { customerModel, itemTypeOf } from './model.ts';

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
  const related = await queryAll(customerModel.related(customerId));
  // The customer's own partition: the customer, the fatigue marker and the recovery marks.
  const own = await queryAll(customerModel.partition(customerId));
  const customerKey = customerModel.key(customerId);
  const report: ErasureReport = { customer: false, invites: 0, responses: 0, cases: 0, alerts: 0 };
  report.customer = own.some((item) => item.sk === customerKey.sk);
  if (!report.customer && related.length === 0) throw new NotFoundError('customer not found');
  for (const item of related) {
    const type = itemTypeOf({ pk: String(item.pk), sk: String(item.sk) });
    if (type === 'invite') report.invites++;
    else if (type === 'response') report.responses++;
    else if (type === 'case') report.cases++;
    else if (type === 'alert') report.alerts++;
  }
  await batchWriteAll(mainTable(), [
    ...related.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
    ...own.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })),
  ]);
  return report;
};
