import { MAX_SCORE, MIN_SCORE } from '../nps/score.ts';
import { segmentsOf } from '../nps/segments.ts';
import { localDate, periodOfDate } from '../nps/windows.ts';
import { COUNTER_FIELDS, type CounterField, type CounterKey, counterModel } from '../store/model.ts';
import type { Response } from '../store/schemas.ts';

export type Delta = Record<CounterField, number>;

const ZERO = Object.freeze(Object.fromEntries(COUNTER_FIELDS.map((f) => [f, 0])) as Delta);

export const emptyDelta = (): Delta => ({ ...ZERO });

export const addInto = (target: Delta, source: Readonly<Delta>, sign = 1): Delta => {
  for (const f of COUNTER_FIELDS) target[f] += sign * source[f];
  return target;
};

const isZero = (d: Delta): boolean => COUNTER_FIELDS.every((f) => d[f] === 0);

export const counterId = (k: { pk: string; sk: string }) => `${k.pk}\u0000${k.sk}`;

const histogramField = (score: number): CounterField => {
  if (!Number.isInteger(score) || score < MIN_SCORE || score > MAX_SCORE) {
    throw new RangeError(`score must be an integer 0..10, got ${score}`);
  }
  return `h${score}` as CounterField;
};

/**
 * What one answer adds (sign 1) or takes away (sign -1) in each counter item it counts in: one
 * answer more (or less) of its score. A batch holds hundreds of answers × ~10 items each, so the
 * one frozen object is shared by all of them.
 */
const deltaOfScore = (score: number, sign: 1 | -1): Readonly<Delta> => {
  const d = emptyDelta();
  d[histogramField(score)] = sign;
  return Object.freeze(d);
};

/** What the rollup counts by: the account's time zone (windows) and the declared segment dimensions. */
export interface RollupScope {
  timeZone: string;
  dimensions: readonly string[];
}

export const rollupScopeOf = (c: {
  TIME_ZONE: string;
  SEGMENT_DIMENSIONS: readonly string[];
}): RollupScope => ({
  timeZone: c.TIME_ZONE,
  dimensions: c.SEGMENT_DIMENSIONS,
});

/**
 * The counter items one response counts in: every segment of its snapshot, on the day of its
 * *first* answer in the account's time zone (so an edit never moves it to another period). Weeks,
 * months, quarters and all time are sums of days, read from these same items.
 */
const counterKeysOf = (response: Response, scope: RollupScope): CounterKey[] => {
  const day = periodOfDate('day', localDate(new Date(response.firstAnsweredAt), scope.timeZone));
  return segmentsOf(response, scope.dimensions).map((segment) => counterModel.key(segment, day));
};

/** What one response contributes, per counter item (the delta is shared and frozen). */
export const contributions = (
  response: Response,
  scope: RollupScope,
): Array<[CounterKey, Readonly<Delta>]> => {
  const delta = deltaOfScore(response.score, 1);
  return counterKeysOf(response, scope).map((key) => [key, delta]);
};

export interface CounterChangeOfRecord {
  key: CounterKey;
  delta: Readonly<Delta>;
}

/** The change one stream record makes: the new image's contributions minus the old image's. */
export const changeOf = (
  oldImage: Response | undefined,
  newImage: Response | undefined,
  scope: RollupScope,
): Map<string, CounterChangeOfRecord> => {
  const out = new Map<string, CounterChangeOfRecord>();
  if (oldImage) {
    const delta = deltaOfScore(oldImage.score, -1);
    for (const key of counterKeysOf(oldImage, scope)) out.set(counterId(key), { key, delta });
  }
  if (newImage) {
    const delta = deltaOfScore(newImage.score, 1);
    for (const key of counterKeysOf(newImage, scope)) {
      const id = counterId(key);
      const before = out.get(id);
      if (!before) {
        out.set(id, { key, delta });
        continue;
      }
      // An edit: the item loses the old score and gains the new one (nothing, for a late comment).
      const net = addInto(addInto(emptyDelta(), before.delta), delta);
      if (isZero(net)) out.delete(id);
      else out.set(id, { key, delta: net });
    }
  }
  return out;
};
