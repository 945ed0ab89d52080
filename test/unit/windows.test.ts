import { describe, expect, it } from 'vitest';
import { isoWeek, nextDay, periodOf, startOfLocalDay } from '../../shared/nps/windows.ts';

describe('window periods', () => {
  it('names each window period so that keys sort in time order', () => {
    const at = new Date('2026-11-23T10:00:00Z');
    expect(periodOf('day', at, 'UTC')).toBe('2026-11-23');
    expect(periodOf('week', at, 'UTC')).toBe('2026-W48');
    expect(periodOf('month', at, 'UTC')).toBe('2026-11');
    expect(periodOf('quarter', at, 'UTC')).toBe('2026-Q4');
    expect(periodOf('all', at, 'UTC')).toBe('all');
  });

  it('uses ISO weeks, whose year can differ from the calendar year', () => {
    expect(isoWeek({ year: 2026, month: 1, day: 1 })).toEqual({ weekYear: 2026, week: 1 });
    expect(isoWeek({ year: 2027, month: 1, day: 1 })).toEqual({ weekYear: 2026, week: 53 });
    expect(isoWeek({ year: 2024, month: 12, day: 30 })).toEqual({ weekYear: 2025, week: 1 });
  });

  it('assigns the period in the account time zone', () => {
    const lateEvening = new Date('2026-12-31T23:30:00Z');
    expect(periodOf('day', lateEvening, 'UTC')).toBe('2026-12-31');
    expect(periodOf('day', lateEvening, 'Europe/Paris')).toBe('2027-01-01');
    expect(periodOf('quarter', lateEvening, 'Europe/Paris')).toBe('2027-Q1');
    expect(periodOf('month', new Date('2026-03-01T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-02');
  });

  it('finds the instant a local day begins, across DST changes and far-off zones', () => {
    const start = (y: number, m: number, d: number, tz: string) =>
      startOfLocalDay({ year: y, month: m, day: d }, tz).toISOString();
    expect(start(2026, 11, 23, 'UTC')).toBe('2026-11-23T00:00:00.000Z');
    expect(start(2026, 11, 23, 'Europe/Paris')).toBe('2026-11-22T23:00:00.000Z');
    expect(start(2026, 7, 1, 'Europe/Paris')).toBe('2026-06-30T22:00:00.000Z');
    // The days the clocks change: midnight is still on the old offset.
    expect(start(2026, 3, 29, 'Europe/Paris')).toBe('2026-03-28T23:00:00.000Z');
    expect(start(2026, 10, 25, 'Europe/Paris')).toBe('2026-10-24T22:00:00.000Z');
    expect(start(2026, 3, 8, 'America/New_York')).toBe('2026-03-08T05:00:00.000Z');
    expect(start(2026, 3, 9, 'America/New_York')).toBe('2026-03-09T04:00:00.000Z');
    // Santiago moves its clocks at midnight: 2026-09-06 begins at 01:00 local, 04:00 UTC.
    expect(start(2026, 9, 6, 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
    expect(start(2026, 11, 24, 'Pacific/Kiritimati')).toBe('2026-11-23T10:00:00.000Z');
    expect(nextDay({ year: 2028, month: 2, day: 28 })).toEqual({ year: 2028, month: 2, day: 29 });
    expect(nextDay({ year: 2026, month: 12, day: 31 })).toEqual({ year: 2027, month: 1, day: 1 });
  });
});
