import { randomUUID } from 'node:crypto';
import { type Config, config } from '../config.ts';
import { purchasesDated } from '../store/purchases.ts';
import {
  allWatchEntries,
  customerValuePages,
  deleteWatchEntry,
  keepCustomerValues,
  latestScoresSince,
  putValueReport,
  putWatchEntry,
  releaseValueLease,
  type StoredCustomerValue,
  takeValueLease,
  type WatchEntry,
} from '../store/value.ts';
import { mapLimit } from '../util/concurrency.ts';
import { runWinBackPass, type WinBackPassOutcome } from '../winback/daily.ts';
import { ActivityTally } from './activity.ts';
import { periodStart, trailingYear, type ValuePeriod } from './period.ts';
import { bestButNotLoyal, computeValue, type ValueSettings, valueChanged } from './report.ts';

export const valueSettingsOf = (c: Config): ValueSettings => ({
  method: c.VALUE_TIER_METHOD,
  weights: c.LOYALTY_WEIGHTS,
  threshold: c.LOYALTY_THRESHOLD,
});

/** Longer than any recompute runs (the function's 15 minutes): a crashed one's lease lapses after it. */
const LEASE_MS = 16 * 60_000;
/** The win-back pass starts no email after this long into a recompute: the lease and the Lambda outlast it. */
const WIN_BACK_SEND_BUDGET_MS = 12 * 60_000;
/** List entry writes in flight at once. */
const WRITE_CONCURRENCY = 16;
/** Customer writes (100 customers each) in flight at once. */
const TRANSACTION_CONCURRENCY = 4;

export type RecomputeOutcome =
  | { skipped: 'another recompute is running' }
  | {
      period: ValuePeriod;
      customers: number;
      buyers: number;
      purchases: number;
      /** Customers whose value, loyalty or F changed: the only ones written (less any erased meanwhile). */
      customersWritten: number;
      bestButNotLoyal: number;
      watchWrites: number;
      /** The win-back pass that follows (shared/winback/daily.ts): losses opened, emails, won back. */
      winBack: WinBackPassOutcome;
      /** How long each step took, in ms: reading, computing, writing customers, the list, report and win-back pass. */
      timings: {
        read: number;
        compute: number;
        customers: number;
        list: number;
        report: number;
        winBack: number;
      };
    };

const sameEntry = (a: WatchEntry, b: WatchEntry): boolean =>
  (Object.keys({ ...a, ...b }) as Array<keyof WatchEntry>).every((k) => a[k] === b[k]);

/**
 * The value recompute, daily and on demand: every customer's revenue, purchases, products and
 * quantity over the trailing 12 months; from them the value tiers and the loyalty index
 * (shared/value/report.ts); then only what changed is written — the customers whose `value`,
 * `loyalty` or F differ from what they hold (answers given from then on snapshot the new
 * attributes; past answers keep theirs), the best-but-not-loyal list's changed entries — and the
 * report. One recompute at a time (a lease); a second one started meanwhile does nothing.
 */
export const recomputeValue = async (now = new Date()): Promise<RecomputeOutcome> => {
  const holder = randomUUID();
  if (!(await takeValueLease(holder, new Date(now.getTime() + LEASE_MS), now))) {
    return { skipped: 'another recompute is running' };
  }
  try {
    return await recompute(now);
  } finally {
    await releaseValueLease(holder);
  }
};

const recompute = async (now: Date) => {
  const started = Date.now();
  const c = config();
  const settings = valueSettingsOf(c);
  const period = trailingYear(now, c.TIME_ZONE);

  const clock = { at: performance.now() };
  const lap = () => {
    const at = performance.now();
    const ms = Math.round(at - clock.at);
    clock.at = at;
    return ms;
  };
  const tally = new ActivityTally();
  const lastPurchase = new Map<string, string>();
  let purchases = 0;
  const [, latestScores, stored] = await Promise.all([
    (async () => {
      for await (const page of purchasesDated(period.from, period.to)) {
        purchases += page.length;
        tally.add(page);
        for (const p of page)
          if ((lastPurchase.get(p.customerId) ?? '') < p.date) lastPurchase.set(p.customerId, p.date);
      }
    })(),
    latestScoresSince(periodStart(period, c.TIME_ZONE)),
    (async () => {
      const all: StoredCustomerValue[] = [];
      for await (const page of customerValuePages()) all.push(...page);
      return all;
    })(),
  ]);
  const read = lap();
  const activity = tally.result();

  const { customers: valued, report } = computeValue(
    stored.map((s) => ({ id: s.id, activity: activity.get(s.id), latestScore: latestScores.get(s.id) })),
    settings,
  );

  const changed = valued.filter((v, i) => valueChanged((stored[i] as StoredCustomerValue).kept, v));
  const compute = lap();
  const customersWritten = await keepCustomerValues(
    changed.map((v) => ({
      id: v.id,
      value: { value: v.value, loyalty: v.loyalty, loyaltyIndex: v.loyaltyIndex },
    })),
    TRANSACTION_CONCURRENCY,
  );
  const customersMs = lap();

  const who = new Map(stored.map((s) => [s.id, s]));
  const listed = bestButNotLoyal(valued, settings.method).map(
    (v): WatchEntry => ({
      customerId: v.id,
      name: who.get(v.id)?.name,
      ownerId: who.get(v.id)?.ownerId,
      value: v.value,
      revenueCents: v.activity.revenueCents,
      purchases: v.activity.purchases,
      products: v.activity.products,
      quantity: v.activity.quantity,
      loyaltyIndex: v.loyaltyIndex,
      latestScore: v.latestScore,
    }),
  );
  const watchWrites = await updateWatchList(listed);
  const list = lap();

  await putValueReport({ computedAt: now.toISOString(), period, report });
  const reportMs = lap();
  const winBack = await runWinBackPass(
    { lastPurchase, valueTier: new Map(valued.map((v) => [v.id, v.value])) },
    now,
    new Date(started + WIN_BACK_SEND_BUDGET_MS),
  );
  return {
    timings: { read, compute, customers: customersMs, list, report: reportMs, winBack: lap() },
    winBack,
    period,
    customers: report.customers,
    buyers: report.buyers,
    purchases,
    customersWritten,
    bestButNotLoyal: listed.length,
    watchWrites,
  };
};

/** Puts the new and changed entries, deletes the ones no longer listed: how many writes that took. */
const updateWatchList = async (listed: WatchEntry[]): Promise<number> => {
  const before = new Map((await allWatchEntries()).map((e) => [e.customerId, e]));
  const now = new Set(listed.map((e) => e.customerId));
  const puts = listed.filter((e) => {
    const was = before.get(e.customerId);
    return !was || !sameEntry(was, e);
  });
  const deletes = [...before.keys()].filter((id) => !now.has(id));
  await mapLimit(puts, WRITE_CONCURRENCY, putWatchEntry);
  await mapLimit(deletes, WRITE_CONCURRENCY, deleteWatchEntry);
  return puts.length + deletes.length;
};
