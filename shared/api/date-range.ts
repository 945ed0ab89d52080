import { ValidationError } from '../errors.ts';
import { type LocalDate, nextDay, parseLocalDate, startOfLocalDay } from '../nps/windows.ts';

export interface DayRange {
  /** The dates as given (inclusive), or null. */
  from: string | null;
  to: string | null;
  /** The instants they bound: from the start of `from` to the start of the day after `to` (exclusive). */
  since?: Date;
  until?: Date;
}

/** A `YYYY-MM-DD` query date (years 1970–9998), or a 400 naming the parameter. */
export const parseQueryDate = (name: string, value: string | undefined): LocalDate | undefined => {
  if (value === undefined || value === '') return undefined;
  const d = parseLocalDate(value);
  // Years past 9998 would turn into +010000-… ISO strings, which sort before every real date.
  if (!d || d.year < 1970 || d.year > 9998) {
    throw new ValidationError(`${name} must be a date YYYY-MM-DD (1970 to 9998)`, 'invalid_date');
  }
  return d;
};

/**
 * `from` / `to` query dates — inclusive, either optional, in the account's time zone — as the
 * instants between which stored times fall. Bad dates and from after to are a 400.
 */
export const parseDayRange = (
  range: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
): DayRange => {
  const from = parseQueryDate('from', range.from);
  const to = parseQueryDate('to', range.to);
  if (range.from && range.to && range.from > range.to) {
    throw new ValidationError('from must not be after to', 'invalid_date');
  }
  return {
    from: range.from ?? null,
    to: range.to ?? null,
    since: from ? startOfLocalDay(from, timeZone) : undefined,
    until: to ? startOfLocalDay(nextDay(to), timeZone) : undefined,
  };
};
