import { CronExpressionParser } from 'cron-parser';
import { isTimeZone } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { offsetAt } from '../nps/windows.ts';
import type { Schedule } from '../store/schemas.ts';

/**
 * Campaign schedules, in the forms EventBridge Scheduler users know:
 * - once: `2026-12-01T09:00` (local time in the schedule's time zone) or `at(2026-12-01T09:00:00)`
 * - cron: five fields `0 9 * * 1`, or EventBridge's six `cron(0 9 ? * MON *)`
 * - rate: `rate(7 days)` (minutes, hours, days), counted from when the campaign was saved
 */
const RATE = /^rate\((\d{1,5})\s+(minutes?|hours?|days?)\)$/;
const AT = /^(?:at\()?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)\)?$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** A wall-clock time in a time zone, as an instant (two passes settle DST edges). */
const zonedTimeToInstant = (localIso: string, timeZone: string): Date => {
  const naive = Date.parse(`${localIso}${localIso.length === 16 ? ':00' : ''}Z`);
  if (Number.isNaN(naive)) throw new ValidationError(`not a date-time: ${localIso}`, 'invalid_schedule');
  let guess = naive - offsetAt(naive, timeZone);
  guess = naive - offsetAt(guess, timeZone);
  return new Date(guess);
};

const toCron = (expression: string): string => {
  const inner = /^cron\((.*)\)$/.exec(expression.trim())?.[1];
  if (inner === undefined) return expression.trim();
  const fields = inner.trim().split(/\s+/);
  // EventBridge: minutes hours day-of-month month day-of-week year — the year field has no equivalent.
  return fields.length === 6 ? fields.slice(0, 5).join(' ') : inner.trim();
};

/** The first run strictly after `after`, or undefined when the schedule has no more runs. */
export const nextRunAfter = (schedule: Schedule, after: Date, anchor: Date, defaultTimeZone: string) => {
  const timeZone = schedule.timezone ?? defaultTimeZone;
  switch (schedule.type) {
    case 'once': {
      const m = AT.exec(schedule.expression.trim());
      if (!m?.[1])
        throw new ValidationError(
          'once schedules take a date-time like 2026-12-01T09:00',
          'invalid_schedule',
        );
      const at = zonedTimeToInstant(m[1], timeZone);
      return at.getTime() > after.getTime() ? at : undefined;
    }
    case 'rate': {
      const m = RATE.exec(schedule.expression.trim());
      if (!m?.[1] || !m[2])
        throw new ValidationError('rate schedules look like rate(7 days)', 'invalid_schedule');
      const unit = m[2].replace(/s$/, '') as keyof typeof UNIT_MS;
      const step = Number(m[1]) * UNIT_MS[unit];
      if (step < UNIT_MS.minute)
        throw new ValidationError('rate must be at least 1 minute', 'invalid_schedule');
      const elapsed = Math.max(0, after.getTime() - anchor.getTime());
      return new Date(anchor.getTime() + (Math.floor(elapsed / step) + 1) * step);
    }
    case 'cron': {
      const cron = toCron(schedule.expression);
      if (cron.split(/\s+/).length !== 5) {
        throw new ValidationError('cron schedules take five fields, e.g. "0 9 * * 1"', 'invalid_schedule');
      }
      try {
        return CronExpressionParser.parse(cron, { currentDate: after, tz: timeZone }).next().toDate();
      } catch (err: unknown) {
        throw new ValidationError(`invalid cron expression "${schedule.expression}"`, 'invalid_schedule', {
          cause: err,
        });
      }
    }
  }
};

export const validateSchedule = (
  schedule: Schedule,
  now: Date,
  defaultTimeZone: string,
): Date | undefined => {
  if (schedule.timezone && !isTimeZone(schedule.timezone)) {
    throw new ValidationError(`unknown time zone ${schedule.timezone}`, 'invalid_schedule');
  }
  const next = nextRunAfter(schedule, now, now, defaultTimeZone);
  if (!next && schedule.type === 'once') {
    throw new ValidationError('a once schedule must be in the future', 'invalid_schedule');
  }
  return next;
};
