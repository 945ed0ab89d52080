import { dimensionOf } from '../nps/segments.ts';
import { allCounterItems, deleteCounter, overwriteCounter } from '../store/counters.ts';
import { queryPages } from '../store/db.ts';
import { COUNTER_FIELDS, type CounterKey, counterModel, responseModel } from '../store/model.ts';
import { responseItem } from '../store/schemas.ts';
import { addInto, contributions, counterId, type Delta, emptyDelta, type RollupScope } from './counters.ts';

export interface Drift {
  pk: string;
  sk: string;
  field: string;
  expected: number;
  actual: number;
}

export interface ReconcileReport {
  responses: number;
  items: number;
  drift: Drift[];
  /** Sum of |expected − actual| over every counter field of every item. */
  totalDrift: number;
  /** Counter items of a segment dimension that is not declared (deleted by --fix). */
  undeclared: number;
  /** Counter items of a window no longer stored, now summed from days on read (deleted by --fix). */
  obsolete: number;
  fixed: number;
}

/** Every counter recomputed from the raw answers — the ground truth the rollup must equal. */
const recomputeCounters = async (scope: RollupScope) => {
  const expected = new Map<string, { key: CounterKey; delta: Delta }>();
  let responses = 0;
  for await (const page of queryPages(responseModel.answered(undefined, undefined))) {
    for (const item of page) {
      responses++;
      for (const [key, delta] of contributions(responseItem.parse(item), scope)) {
        const entry = expected.get(counterId(key)) ?? { key, delta: emptyDelta() };
        addInto(entry.delta, delta);
        expected.set(counterId(key), entry);
      }
    }
  }
  return { expected, responses };
};

const readCounters = async () => {
  const actual = new Map<string, Record<string, unknown>>();
  for await (const page of allCounterItems()) {
    for (const item of page) actual.set(counterId({ pk: String(item.pk), sk: String(item.sk) }), item);
  }
  return actual;
};

/** Why an item holds no counters the rollup maintains (so --fix deletes it), or undefined. */
const leftoverReason = (
  item: Record<string, unknown>,
  scope: RollupScope,
): 'obsolete' | 'undeclared' | undefined => {
  // Items of the windows that used to be stored (week, month…): those are now sums of days.
  if (!counterModel.isDayItem(String(item.pk))) return 'obsolete';
  // Items of a dimension no longer declared (or written before dimensions were declared): the
  // rollup never writes them again, so their marks are moot, and their key may hold a free-form
  // value (an address in a `contact` attribute) — deleted rather than zeroed.
  const dimension = dimensionOf(String(item.segment ?? 'all'));
  return dimension !== undefined && !scope.dimensions.includes(dimension) ? 'undeclared' : undefined;
};

/** A day item listed under another month than its own (written by an older version): relabel it. */
const mislabelled = (item: Record<string, unknown>) =>
  item.periodKey !== counterModel.periodKey(String(item.sk));

/**
 * Compares every aggregate with a recomputation from the answers. With `fix`, drifted items are
 * overwritten with the recomputed values and leftovers deleted (run it while the rollup is quiet).
 */
export const reconcile = async (
  scope: RollupScope,
  options: { fix?: boolean } = {},
): Promise<ReconcileReport> => {
  const { expected, responses } = await recomputeCounters(scope);
  const actual = await readCounters();
  const leftovers = [...actual.entries()].filter(([, item]) => leftoverReason(item, scope) !== undefined);
  const leftoverIds = new Set(leftovers.map(([id]) => id));
  const drift: Drift[] = [];
  const ids = new Set([...expected.keys(), ...actual.keys()].filter((id) => !leftoverIds.has(id)));
  const toFix = new Map<string, { pk: string; sk: string; values: Delta; key?: CounterKey }>();
  for (const id of ids) {
    const want = expected.get(id)?.delta ?? emptyDelta();
    const have = actual.get(id) ?? {};
    const [pk = '', sk = ''] = id.split('\u0000');
    const key = expected.get(id)?.key ?? counterModel.key(pk.slice(0, pk.lastIndexOf('|')), sk);
    for (const field of COUNTER_FIELDS) {
      const a = typeof have[field] === 'number' ? (have[field] as number) : 0;
      if (a !== want[field]) {
        drift.push({ pk, sk, field, expected: want[field], actual: a });
        toFix.set(id, { pk, sk, values: want, key });
      }
    }
    if (actual.has(id) && mislabelled(have)) toFix.set(id, { pk, sk, values: want, key });
  }
  let fixed = 0;
  if (options.fix) {
    for (const [, item] of leftovers) {
      await deleteCounter({ pk: String(item.pk), sk: String(item.sk) });
      fixed++;
    }
    for (const { pk, sk, values, key } of toFix.values()) {
      await overwriteCounter({ ...key, pk, sk }, values);
      fixed++;
    }
  }
  const count = (reason: string) =>
    leftovers.filter(([, item]) => leftoverReason(item, scope) === reason).length;
  return {
    responses,
    items: ids.size,
    drift,
    totalDrift: drift.reduce((sum, d) => sum + Math.abs(d.expected - d.actual), 0),
    undeclared: count('undeclared'),
    obsolete: count('obsolete'),
    fixed,
  };
};
