import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import { previousRange } from '../../shared/rollup/compare-nps.ts';

describe('previousRange: the same number of days just before', () => {
  it.each([
    // 31 days of March → 29 January .. 28 February
    [
      { from: '2025-03-01', to: '2025-03-31' },
      { from: '2025-01-29', to: '2025-02-28' },
    ],
    // a leap year's February has 29 days → 3 .. 31 January
    [
      { from: '2024-02-01', to: '2024-02-29' },
      { from: '2024-01-03', to: '2024-01-31' },
    ],
    // one day → the day before, across a year end
    [
      { from: '2026-01-01', to: '2026-01-01' },
      { from: '2025-12-31', to: '2025-12-31' },
    ],
  ])('takes %o back to %o', (range, expected) => {
    expect(previousRange(range)).toEqual(expected);
  });

  it('refuses a range whose previous one would start before 1970', () => {
    expect(() => previousRange({ from: '1970-01-02', to: '1970-01-03' })).toThrow(ValidationError);
    expect(previousRange({ from: '1970-01-03', to: '1970-01-04' })).toEqual({
      from: '1970-01-01',
      to: '1970-01-02',
    });
  });
});
