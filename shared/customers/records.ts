import type { CustomerInput } from '../api/inputs.ts';
import { normalizeSegmentValue } from '../nps/segments.ts';
import type { Customer } from '../store/schemas.ts';

/**
 * What an upsert stores: one record per id (the last posted wins), the address lower-cased and
 * attribute names and values normalized, so `EMEA` and `emea` are one segment.
 */
export const customerRecords = (inputs: CustomerInput[], now = new Date()): Customer[] => {
  const unique = new Map(inputs.map((c) => [c.id, c]));
  const updatedAt = now.toISOString();
  return [...unique.values()].map((c) => ({
    id: c.id,
    email: c.email.toLowerCase(),
    name: c.name,
    locale: c.locale,
    ownerId: c.ownerId,
    attributes: Object.fromEntries(
      Object.entries(c.attributes ?? {}).map(([k, v]) => [k.toLowerCase(), normalizeSegmentValue(v)]),
    ),
    updatedAt,
  }));
};
