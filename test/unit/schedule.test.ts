import { describe, expect, it } from 'vitest';
import { nextRunAfter, validateSchedule } from '../../shared/campaigns/schedule.ts';
import { ValidationError } from '../../shared/errors.ts';

const now = new Date('2026-11-23T12:00:00Z');

describe('campaign schedules', () => {
  it('runs cron schedules in their own time zone', () => {
    const next = nextRunAfter(
      { type: 'cron', expression: '0 9 * * 1', timezone: 'Europe/Paris' },
      now,
      now,
      'UTC',
    );
    expect(next?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('accepts EventBridge cron syntax', () => {
    const next = nextRunAfter({ type: 'cron', expression: 'cron(0 9 ? * MON *)' }, now, now, 'UTC');
    expect(next?.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('counts rate schedules from the anchor', () => {
    const anchor = new Date('2026-11-20T12:00:00Z');
    const next = nextRunAfter({ type: 'rate', expression: 'rate(7 days)' }, now, anchor, 'UTC');
    expect(next?.toISOString()).toBe('2026-11-27T12:00:00.000Z');
  });

  it('reads once schedules as local wall-clock time and ends after them', () => {
    const once = { type: 'once' as const, expression: '2026-12-01T09:00', timezone: 'America/New_York' };
    expect(nextRunAfter(once, now, now, 'UTC')?.toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(nextRunAfter(once, new Date('2026-12-02T00:00:00Z'), now, 'UTC')).toBeUndefined();
  });

  it.each([
    { type: 'cron' as const, expression: 'every monday' },
    { type: 'rate' as const, expression: 'rate(0 days)' },
    { type: 'rate' as const, expression: 'weekly' },
    { type: 'once' as const, expression: '2020-01-01T00:00' },
    { type: 'cron' as const, expression: '0 9 * * 1', timezone: 'Mars/Olympus' },
  ])('rejects $expression', (schedule) => {
    expect(() => validateSchedule(schedule, now, 'UTC')).toThrow(ValidationError);
  });
});
