export const WINDOWS = ['day', 'week', 'month', 'quarter', 'all'] as const;
export type Window = (typeof WINDOWS)[number];

export interface LocalDate {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A time zone's wall clock at an instant, field by field (one formatter per zone, kept). */
const wallClock = (instant: Date, timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
};

const dates = new Map<string, LocalDate>();

/**
 * The calendar date of an instant in the account's time zone. Offsets are whole minutes, so the
 * answer is cached per minute: a batch of answers needs Intl once per minute, not once per answer.
 */
export const localDate = (instant: Date, timeZone: string): LocalDate => {
  const key = `${timeZone}|${Math.floor(instant.getTime() / 60_000)}`;
  const cached = dates.get(key);
  if (cached) return cached;
  const { year, month, day } = wallClock(instant, timeZone);
  const date = { year, month, day };
  if (dates.size >= 10_000) dates.clear();
  dates.set(key, date);
  return date;
};

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
export const offsetAt = (instant: number, timeZone: string): number => {
  const c = wallClock(new Date(instant), timeZone);
  const wall = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return wall - Math.floor(instant / 1000) * 1000;
};

/**
 * The instant a calendar day begins in a time zone. Two candidates come from the offsets around
 * midnight; the earlier one that really is on that day wins — which also handles zones whose
 * clocks jump over midnight (the day then begins at 01:00).
 */
export const startOfLocalDay = (date: LocalDate, timeZone: string): Date => {
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  const target = periodOfDate('day', date);
  const onTheDay = [Math.min(first, second), Math.max(first, second)].find(
    (t) => periodOfDate('day', localDate(new Date(t), timeZone)) === target,
  );
  return new Date(onTheDay ?? Math.max(first, second));
};

/** The calendar day after a date. */
export const nextDay = ({ year, month, day }: LocalDate): LocalDate => {
  const d = new Date(Date.UTC(year, month - 1, day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};

export const parseLocalDate = (text: string): LocalDate | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  return { year, month, day };
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 week-numbering year and week of a calendar date. */
export const isoWeek = ({ year, month, day }: LocalDate): { weekYear: number; week: number } => {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7; // Monday = 1 … Sunday = 7
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const weekYear = date.getUTCFullYear();
  const firstDay = Date.UTC(weekYear, 0, 1);
  const week = Math.ceil(((date.getTime() - firstDay) / 86_400_000 + 1) / 7);
  return { weekYear, week };
};

/**
 * The period key of a date in a window. Keys sort lexicographically in time order inside a
 * window, so a date range becomes one key range: `2026-11-23`, `2026-W48`, `2026-11`, `2026-Q4`, `all`.
 */
export const periodOfDate = (window: Window, date: LocalDate): string => {
  switch (window) {
    case 'day':
      return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
    case 'week': {
      const { weekYear, week } = isoWeek(date);
      return `${weekYear}-W${pad(week)}`;
    }
    case 'month':
      return `${date.year}-${pad(date.month)}`;
    case 'quarter':
      return `${date.year}-Q${Math.ceil(date.month / 3)}`;
    case 'all':
      return 'all';
  }
};

export const periodOf = (window: Window, instant: Date, timeZone: string): string =>
  periodOfDate(window, localDate(instant, timeZone));

/** The ISO week's Monday: week 1 is the week holding 4 January. */
const mondayOfIsoWeek = (weekYear: number, week: number): Date => {
  const jan4 = new Date(Date.UTC(weekYear, 0, 4));
  const weekday = jan4.getUTCDay() || 7;
  return new Date(Date.UTC(weekYear, 0, 4 - (weekday - 1) + (week - 1) * 7));
};

/** The day key of a UTC calendar date (a Date at that date's UTC midnight). */
export const utcDayKey = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/**
 * The first and last day keys of a period: what to read of the day counters to sum it. Months and
 * quarters end on day 31 whatever their length — a key range, so a day that does not exist is
 * simply never there. `all` spans every day a key can name.
 */
export const daysOfPeriod = (window: Window, period: string): { from: string; to: string } => {
  switch (window) {
    case 'day':
      return { from: period, to: period };
    case 'week': {
      const m = /^(\d{4})-W(\d{2})$/.exec(period);
      if (!m) throw new RangeError(`not a week key: ${period}`);
      const monday = mondayOfIsoWeek(Number(m[1]), Number(m[2]));
      const sunday = new Date(monday.getTime() + 6 * 86_400_000);
      return { from: utcDayKey(monday), to: utcDayKey(sunday) };
    }
    case 'month':
      return { from: `${period}-01`, to: `${period}-31` };
    case 'quarter': {
      const m = /^(\d{4})-Q([1-4])$/.exec(period);
      if (!m) throw new RangeError(`not a quarter key: ${period}`);
      const last = Number(m[2]) * 3;
      return { from: `${m[1]}-${pad(last - 2)}-01`, to: `${m[1]}-${pad(last)}-31` };
    }
    case 'all':
      return { from: '0000-01-01', to: '9999-12-31' };
  }
};

/**
 * The first and last calendar dates of a period (`2026-11` → 2026-11-01 to 2026-11-30), as date
 * query parameters name them — unlike daysOfPeriod's key range, every date here exists.
 */
export const datesOfPeriod = (
  window: Exclude<Window, 'all'>,
  period: string,
): { from: string; to: string } => {
  const { from, to } = daysOfPeriod(window, period);
  if (window !== 'month' && window !== 'quarter') return { from, to };
  const [year, month] = [Number(to.slice(0, 4)), Number(to.slice(5, 7))];
  // Day 0 of the next month is the last day of this one.
  return { from, to: utcDayKey(new Date(Date.UTC(year, month, 0))) };
};

/** The months (`2026-11`) from one day key to another, both included. */
export const monthsBetween = (fromDay: string, toDay: string): string[] => {
  const months: string[] = [];
  let [year, month] = [Number(fromDay.slice(0, 4)), Number(fromDay.slice(5, 7))];
  const last = toDay.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > last) return months;
    months.push(key);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
};

/** The same date a year earlier (29 February → 28 February, a date that exists). */
export const lastYearOf = (d: LocalDate): LocalDate =>
  d.month === 2 && d.day === 29 ? { year: d.year - 1, month: 2, day: 28 } : { ...d, year: d.year - 1 };
