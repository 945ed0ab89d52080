import { describe, expect, it } from 'vitest';
import { nextWindowOpening, recipientTimeZone } from '../../shared/campaigns/send-window.ts';

const weekdays = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, start: '09:00', end: '17:00' };
const window = { ...weekdays, days: [...weekdays.days] };

describe('send windows in the recipient’s local time', () => {
  it('is open inside the hours of a listed day', () => {
    // Monday 7 December 2026, 10:30 in Tokyo (01:30 UTC).
    expect(nextWindowOpening(window, 'Asia/Tokyo', new Date('2026-12-07T01:30:00Z'))).toBeUndefined();
  });

  it('opens at the start of the same day before the hours', () => {
    // Monday 07:00 in Paris (06:00 UTC): opens at 09:00 Paris, 08:00 UTC.
    expect(nextWindowOpening(window, 'Europe/Paris', new Date('2026-12-07T06:00:00Z'))?.toISOString()).toBe(
      '2026-12-07T08:00:00.000Z',
    );
  });

  it('skips the days not listed: Sunday evening in New York waits for Monday morning', () => {
    // Sunday 6 December, 20:30 in New York (01:30 UTC Monday).
    expect(
      nextWindowOpening(window, 'America/New_York', new Date('2026-12-07T01:30:00Z'))?.toISOString(),
    ).toBe('2026-12-07T14:00:00.000Z');
  });

  it('waits for the next listed day once the hours are over', () => {
    // Friday 11 December, 17:00 sharp in Tokyo: closed; next Monday 09:00 Tokyo.
    expect(nextWindowOpening(window, 'Asia/Tokyo', new Date('2026-12-11T08:00:00Z'))?.toISOString()).toBe(
      '2026-12-14T00:00:00.000Z',
    );
  });

  it('keeps wall-clock hours across a daylight-saving change', () => {
    // Saturday 28 March 2026 in Paris; Monday 30 March opens at 09:00 CEST (07:00 UTC), not 08:00.
    expect(nextWindowOpening(window, 'Europe/Paris', new Date('2026-03-28T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
  });

  it('reads the recipient’s zone from their timezone attribute, and ignores one that is none', () => {
    expect(recipientTimeZone({ timezone: 'Asia/Shanghai' }, 'UTC')).toBe('Asia/Shanghai');
    expect(recipientTimeZone({ timezone: 'Mars/Olympus' }, 'Europe/Paris')).toBe('Europe/Paris');
    expect(recipientTimeZone({}, 'UTC')).toBe('UTC');
  });
});
