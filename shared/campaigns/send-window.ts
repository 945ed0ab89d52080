import { isTimeZone } from '../config.ts';
import { type LocalDate, localDate, nextDay, offsetAt } from '../nps/windows.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When a campaign's emails may reach people, in each recipient's own local time: on these days,
 * from `start` to `end` (HH:MM, 24 h; `end` after `start`). E.g. weekdays 09:00–17:00.
 */
export interface SendWindow {
  days: Weekday[];
  start: string;
  end: string;
}

/** The customer attribute that holds their IANA time zone. */
export const TIME_ZONE_ATTRIBUTE = 'timezone';

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The recipient's time zone: their `timezone` attribute when it is one, else the fallback. */
export const recipientTimeZone = (attributes: Record<string, string>, fallback: string): string => {
  const own = attributes[TIME_ZONE_ATTRIBUTE];
  return own && isTimeZone(own) ? own : fallback;
};

/** The instant a wall-clock time of a calendar day is in a time zone. */
const atLocalTime = (date: LocalDate, minutes: number, timeZone: string): number => {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const guess = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(guess, timeZone);
};

const weekdayOf = ({ year, month, day }: LocalDate): Weekday =>
  WEEKDAYS[(new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7] ?? 'mon';

/**
 * When an email may go to a recipient in `timeZone`: undefined when the window is open at `now`,
 * else the instant it next opens (within the coming week; a window on no day never opens).
 */
export const nextWindowOpening = (window: SendWindow, timeZone: string, now: Date): Date | undefined => {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  let date = localDate(now, timeZone);
  for (let i = 0; i < 8; i++, date = nextDay(date)) {
    if (!window.days.includes(weekdayOf(date))) continue;
    const opens = atLocalTime(date, start, timeZone);
    const closes = atLocalTime(date, end, timeZone);
    if (now.getTime() < opens) return new Date(opens);
    if (now.getTime() < closes) return undefined;
  }
  throw new Error('a send window with no day never opens');
};
