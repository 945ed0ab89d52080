import { describe, expect, it } from 'vitest';
import { churnByNpsClass, retentionByPeriod, timelineOf } from '../../shared/retention/churn.ts';
import { proportionDifference, relativeRisk, wilsonInterval } from '../../shared/util/stats.ts';

/** A calendar day as a day number (days since 1970-01-01), what churn counts in. */
const at = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const quarter = (period: string, start: string, end: string) => ({ period, start: at(start), end: at(end) });
const PERIODS = [
  quarter('2026-Q1', '2026-01-01', '2026-04-01'),
  quarter('2026-Q2', '2026-04-01', '2026-07-01'),
  quarter('2026-Q3', '2026-07-01', '2026-10-01'),
];
const OPTIONS = { churnAfterDays: 180 };

/**
 * A: buys 1 Dec and 1 May — active throughout. B: last bought 1 Aug 2025 — its 180 days run out
 * on 28 Jan: lost in Q1. C: bought 15 Dec, marked churned 10 Feb: lost in Q1. D: first buys in
 * January (twice) — not active at the start of Q1; active at Q2's; its window runs out on 19 July.
 * E: never bought.
 */
const TIMELINES = [
  timelineOf({ customerId: 'A', purchases: [at('2026-05-01'), at('2025-12-01')] }),
  timelineOf({ customerId: 'B', purchases: [at('2025-08-01')] }),
  timelineOf({ customerId: 'C', purchases: [at('2025-12-15')], churnedAt: at('2026-02-10') }),
  timelineOf({ customerId: 'D', purchases: [at('2026-01-10'), at('2026-01-20')] }),
  timelineOf({ customerId: 'E', purchases: [] }),
];

describe('churn and retention per period', () => {
  it('counts who was active at the start and who was lost by the end, and repeat buyers', () => {
    const rows = retentionByPeriod(TIMELINES, PERIODS, { ...OPTIONS, now: at('2026-08-01') });
    expect(rows).toEqual([
      {
        period: '2026-Q1',
        activeAtStart: 3,
        lost: 2,
        churnRate: 66.7,
        retentionRate: 33.3,
        buyers: 1,
        repeatBuyers: 1,
        repeatPurchaseRate: 100,
        partial: false,
      },
      {
        period: '2026-Q2',
        activeAtStart: 2,
        lost: 0,
        churnRate: 0,
        retentionRate: 100,
        buyers: 1,
        repeatBuyers: 0,
        repeatPurchaseRate: 0,
        partial: false,
      },
      // Read up to 1 August: D's window ran out on 19 July.
      {
        period: '2026-Q3',
        activeAtStart: 2,
        lost: 1,
        churnRate: 50,
        retentionRate: 50,
        buyers: 0,
        repeatBuyers: 0,
        repeatPurchaseRate: null,
        partial: true,
      },
    ]);
  });

  it('gives no rate for a period nobody was active at the start of, and leaves out periods to come', () => {
    const rows = retentionByPeriod([timelineOf({ customerId: 'E', purchases: [] })], PERIODS, {
      ...OPTIONS,
      now: at('2026-05-01'),
    });
    expect(rows.map((r) => [r.period, r.activeAtStart, r.churnRate, r.retentionRate, r.partial])).toEqual([
      ['2026-Q1', 0, null, null, false],
      ['2026-Q2', 0, null, null, true],
    ]);
  });

  it('a customer whose purchase is exactly the window old is no longer active', () => {
    const t = timelineOf({ customerId: 'X', purchases: [at('2025-07-05')] }); // 180 days before 1 Jan
    const [q1] = retentionByPeriod([t], PERIODS, { ...OPTIONS, now: at('2026-12-01') });
    expect(q1?.activeAtStart).toBe(0);
  });

  it('counts a purchase or a mark on the first day of a period inside that period', () => {
    const rows = retentionByPeriod(
      [
        // First buys on the day Q2 starts: a buyer of Q2, not active at its start.
        timelineOf({ customerId: 'F', purchases: [at('2026-04-01')] }),
        // Active all of Q1, marked churned on the day Q2 starts: lost in Q2, not in Q1.
        timelineOf({ customerId: 'G', purchases: [at('2026-03-01')], churnedAt: at('2026-04-01') }),
      ],
      PERIODS,
      { ...OPTIONS, now: at('2026-07-01') },
    );
    expect(rows.map((r) => [r.period, r.activeAtStart, r.lost, r.buyers])).toEqual([
      ['2026-Q1', 0, 0, 1],
      ['2026-Q2', 1, 1, 1],
    ]);
  });

  it('pools churn by the class of each customer’s latest answer before the period', () => {
    const answers = new Map([
      ['A', [{ at: at('2025-12-20'), scoreClass: 'promoter' as const }]],
      ['B', [{ at: at('2025-11-01'), scoreClass: 'detractor' as const }]],
      [
        'C',
        [
          { at: at('2025-10-01'), scoreClass: 'promoter' as const },
          { at: at('2025-12-20'), scoreClass: 'detractor' as const },
        ],
      ],
      ['D', [{ at: at('2026-03-01'), scoreClass: 'passive' as const }]],
    ]);
    const byClass = churnByNpsClass(TIMELINES, answers, PERIODS, { ...OPTIONS, now: at('2026-07-01') });
    expect(byClass).toEqual({
      promoter: { activeAtStart: 2, lost: 0, churnRate: 0, retentionRate: 100 },
      passive: { activeAtStart: 1, lost: 0, churnRate: 0, retentionRate: 100 },
      detractor: { activeAtStart: 2, lost: 2, churnRate: 100, retentionRate: 0 },
    });
  });
});

describe('intervals of proportions', () => {
  it('Wilson interval of 2 out of 10 (reference: 0.0567 to 0.5098)', () => {
    const w = wilsonInterval(2, 10);
    expect(w?.low).toBeCloseTo(0.05668, 4);
    expect(w?.high).toBeCloseTo(0.50984, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(0, 5)?.low).toBe(0);
  });

  it("Newcombe's hybrid interval: 56/70 − 48/80 = 0.2000, 95 % CI 0.0524 to 0.3339 (Newcombe 1998)", () => {
    const d = proportionDifference(56, 70, 48, 80);
    expect(d?.difference).toBeCloseTo(0.2, 10);
    expect(d?.low).toBeCloseTo(0.0524, 4);
    expect(d?.high).toBeCloseTo(0.3339, 4);
  });

  it('relative risk 20/100 ÷ 10/100 = 2, 95 % CI exp(ln 2 ± 1.96·sqrt(0.13)) = 0.9866 to 4.0545', () => {
    const rr = relativeRisk(20, 100, 10, 100);
    expect(rr?.ratio).toBe(2);
    expect(rr?.low).toBeCloseTo(0.98655, 4);
    expect(rr?.high).toBeCloseTo(4.05453, 4);
    expect(relativeRisk(0, 10, 3, 10)).toBeNull();
  });
});
