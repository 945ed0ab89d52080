/**
 * The customer attributes the value recompute writes (shared/value/recompute.ts): `value`, the
 * value class, and `loyalty`, `loyal` or `not`. Answers snapshot them like any attribute, so NPS
 * rolls up by them (declared dimensions `value`, `loyalty`). Nobody else sets them: customer
 * imports refuse them, and an upsert keeps what the last recompute wrote, with the loyalty index F.
 */
export const COMPUTED_ATTRIBUTES = ['value', 'loyalty'] as const;
