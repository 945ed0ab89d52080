import { describe, expect, it } from 'vitest';
import { isoWeek, periodOf } from '../../shared/nps/windows.ts';

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
});
