import { classify } from '../nps/score.ts';
import { segmentsOf } from '../nps/segments.ts';
import { localDate, periodOfDate, WINDOWS, type Window } from '../nps/windows.ts';
import type { Response } from '../store/schemas.ts';

/** The counters kept per segment × window period. NPS and margin of error are derived on read. */
export const COUNTER_FIELDS = [
  'responses',
  'promoters',
  'passives',
  'detractors',
  'scoreSum',
  'h0',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'h7',
  'h8',
  'h9',
  'h10',
] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type Delta = Record<CounterField, number>;

export const emptyDelta = (): Delta => Object.fromEntries(COUNTER_FIELDS.map((f) => [f, 0])) as Delta;

export const addInto = (target: Delta, source: Delta, sign = 1): Delta => {
  for (const f of COUNTER_FIELDS) target[f] += sign * source[f];
  return target;
};

export const isZero = (d: Delta): boolean => COUNTER_FIELDS.every((f) => d[f] === 0);

export interface CounterKey {
  pk: string;
  sk: string;
  segment: string;
  window: Window;
  period: string;
}

export const counterKey = (segment: string, window: Window, period: string): CounterKey => ({
  pk: `${segment}|${window}`,
  sk: period,
  segment,
  window,
  period,
});

export const counterId = (k: { pk: string; sk: string }) => `${k.pk}\u0000${k.sk}`;

const deltaOfScore = (score: number): Delta => {
  const d = emptyDelta();
  d.responses = 1;
  d[`${classify(score)}s`] = 1;
  d.scoreSum = score;
  d[`h${score}` as CounterField] = 1;
  return d;
};

/**
 * What one response contributes, per counter: one count in every segment of its snapshot, in the
 * window periods of its *first* answer (so an edit never moves it to another period).
 */
export const contributions = (response: Response, timeZone: string): Array<[CounterKey, Delta]> => {
  const date = localDate(new Date(response.firstAnsweredAt), timeZone);
  const periods = WINDOWS.map((w) => [w, periodOfDate(w, date)] as const);
  const out: Array<[CounterKey, Delta]> = [];
  for (const segment of segmentsOf(response)) {
    for (const [window, period] of periods)
      out.push([counterKey(segment, window, period), deltaOfScore(response.score)]);
  }
  return out;
};

/** The change one stream record makes: the new image's contributions minus the old image's. */
export const changeOf = (
  oldImage: Response | undefined,
  newImage: Response | undefined,
  timeZone: string,
): Map<string, { key: CounterKey; delta: Delta }> => {
  const out = new Map<string, { key: CounterKey; delta: Delta }>();
  const add = (image: Response | undefined, sign: number) => {
    if (!image) return;
    for (const [key, delta] of contributions(image, timeZone)) {
      const id = counterId(key);
      const entry = out.get(id) ?? { key, delta: emptyDelta() };
      addInto(entry.delta, delta, sign);
      out.set(id, entry);
    }
  };
  add(oldImage, -1);
  add(newImage, +1);
  for (const [id, entry] of out) if (isZero(entry.delta)) out.delete(id);
  return out;
};
