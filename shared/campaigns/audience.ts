import { normalizeSegmentValue } from '../nps/segments.ts';
import type { AudienceFilter, Campaign, Customer } from '../store/schemas.ts';

const valuesOf = (v: string | string[]) => (Array.isArray(v) ? v : [v]).map(normalizeSegmentValue);

/** Whether one attribute value passes its filter: equal to it, one of them, or (`not`) none of them. */
const passes = (filter: AudienceFilter, value: string | undefined): boolean => {
  const normalized = value === undefined ? undefined : normalizeSegmentValue(value);
  if (typeof filter === 'object' && !Array.isArray(filter)) {
    return normalized === undefined || !valuesOf(filter.not).includes(normalized);
  }
  return normalized !== undefined && valuesOf(filter).includes(normalized);
};

/**
 * A customer is in the audience when every listed attribute passes: equals the value, is one of the
 * values, or — `{not}` — is none of them (a customer without the attribute is none of them).
 */
export const inAudience = (audience: Campaign['audience'], customer: Customer): boolean =>
  Object.entries(audience).every(([attribute, filter]) =>
    passes(filter, customer.attributes[attribute.toLowerCase()]),
  );
