import type { CustomerInput } from '../api/inputs.ts';
import { ConflictError } from '../errors.ts';
import { computedValuesOf, putCustomers } from '../store/customers.ts';
import { eraseCustomer, erasedAmong } from '../store/erasure.ts';
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
  // What the value recompute keeps on a customer stays: the import names none of it (inputs refuse
  // `value` and `loyalty`). A recompute writing between this read and the put is undone for that
  // customer until the next recompute, which finds the difference and writes it again.
  const computed = await computedValuesOf(customers.map((c) => c.id));
  await putCustomers(
    customers.map((c) => {
      const kept = computed.get(c.id);
      return kept
        ? { ...c, attributes: { ...c.attributes, ...kept.attributes }, loyaltyIndex: kept.loyaltyIndex }
        : c;
    }),
  );
  // An erasure that began between the check and the write: its record is taken out again at once
  // (the batch write cannot be conditional on the tombstone), and the upsert is refused.
  const racedErasure = await erasedAmong(customers.map((c) => c.id));
  if (racedErasure.size > 0) {
    for (const id of racedErasure) await eraseCustomer(id);
    throw new ConflictError(
      `these customers were erased while being saved: ${[...racedErasure].slice(0, 10).join(', ')}; the others were saved`,
      'customer_erased',
    );
  }
  return { upserted: customers.length };
};
