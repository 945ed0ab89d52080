import { normalizeSegmentValue } from '../nps/segments.ts';
import type { Campaign, Customer } from '../store/schemas.ts';

/** A customer is in the audience when every listed attribute has one of the listed values. */
export const inAudience = (audience: Campaign['audience'], customer: Customer): boolean =>
  Object.entries(audience).every(([attribute, wanted]) => {
    const value = customer.attributes[attribute.toLowerCase()];
    if (value === undefined) return false;
    const allowed = (Array.isArray(wanted) ? wanted : [wanted]).map(normalizeSegmentValue);
    return allowed.includes(normalizeSegmentValue(value));
  });
