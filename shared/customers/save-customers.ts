import type { CustomerInput } from '../api/inputs.ts';
import { ConflictError } from '../errors.ts';
import { putCustomers } from '../store/customers.ts';
import { erasedAmong } from '../store/erasure.ts';
import { customerRecords } from './records.ts';

/**
 * Upserts customers, all or none. Erasure is final: an id that was erased is refused (409), so a
 * re-import of an old CRM export cannot bring back someone who asked to be forgotten.
 */
export const saveCustomers = async (inputs: CustomerInput[]): Promise<{ upserted: number }> => {
  const customers = customerRecords(inputs);
  const erased = await erasedAmong(customers.map((c) => c.id));
  if (erased.size > 0) {
    const ids = [...erased].slice(0, 10);
    throw new ConflictError(
      `these customers were erased and cannot be re-created: ${ids.join(', ')}${erased.size > ids.length ? ', …' : ''}; nothing was saved`,
      'customer_erased',
    );
  }
  await putCustomers(customers);
  return { upserted: customers.length };
};
