import { lastYearOf, localDate, nextDay, periodOfDate, startOfLocalDay } from '../nps/windows.ts';

/** The trailing 12 months as calendar dates (inclusive) in the account's time zone. */
export interface ValuePeriod {
  from: string;
  to: string;
}

/**
 * The trailing 12 months as of an instant: from the day after the same date a year earlier up to
 * and including today, in the account's time zone — 2026-12-06 reads 2025-12-07..2026-12-06. A
 * year before 29 February is 28 February, so the period starts on 1 March.
 */
export const trailingYear = (asOf: Date, timeZone: string): ValuePeriod => {
  const today = localDate(asOf, timeZone);
  return { from: periodOfDate('day', nextDay(lastYearOf(today))), to: periodOfDate('day', today) };
};

/** The instant the period begins: answers given from then on count in it. */
export const periodStart = (period: ValuePeriod, timeZone: string): Date => {
  const [year, month, day] = period.from.split('-').map(Number) as [number, number, number];
  return startOfLocalDay({ year, month, day }, timeZone);
};
