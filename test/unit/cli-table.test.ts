import { describe, expect, it } from 'vitest';
import type { CompareAnswer, NpsSeriesAnswer } from '../../cli/answers.ts';
import { audienceOf, progressLine, scheduleOf } from '../../cli/commands/campaigns.ts';
import { reportLines } from '../../cli/commands/report.ts';
import { formatTable, signed } from '../../cli/table.ts';
import { datesOfPeriod } from '../../shared/nps/windows.ts';

describe('terminal tables', () => {
  it('pads columns to their widest cell, numbers to the right, without trailing spaces', () => {
    const lines = formatTable(
      [{ header: 'period' }, { header: 'NPS', align: 'right' }, { header: 'note' }],
      [
        ['2026-10', '+12.5', ''],
        ['2026-11', '-3.0', 'two\nlines'],
      ],
    );
    expect(lines).toEqual([
      'period     NPS  note',
      '-------  -----  ---------',
      '2026-10  +12.5',
      '2026-11   -3.0  two lines',
    ]);
  });

  it('counts characters, not UTF-16 units, so wide scripts and emoji line up as far as they can', () => {
    const lines = formatTable([{ header: 'name' }, { header: 'n', align: 'right' }], [['Zoë 😀', '1']]);
    expect(lines[2]).toBe('Zoë 😀  1');
  });

  it('signs NPS figures and dashes a missing one', () => {
    expect([signed(12.34), signed(-4), signed(0), signed(null)]).toEqual(['+12.3', '-4.0', '0.0', '—']);
  });
});

const figures = (promoters: number, passives: number, detractors: number, nps: number | null) => ({
  responses: promoters + passives + detractors,
  promoters,
  passives,
  detractors,
  nps,
  interval: nps === null ? null : { low: nps - 20, high: Math.min(100, nps + 20) },
  lowN: promoters + passives + detractors < 30,
});

describe('nps report', () => {
  it('lays out each period with its interval, counts and the test against the days before', () => {
    const series: NpsSeriesAnswer = {
      segment: 'tier:key',
      window: 'month',
      points: [
        { period: '2026-10', ...figures(20, 10, 10, 25) },
        { period: '2026-11', ...figures(5, 1, 2, 37.5) },
      ],
    };
    const comparison = (nps: number | null, pValue: number | null, significant: boolean): CompareAnswer => ({
      subject: { from: 'a', to: 'b', ...figures(1, 0, 0, 100) },
      baseline: { from: 'c', to: 'd', ...figures(1, 0, 0, 100) },
      difference: { nps, interval: null, pValue, significant },
    });
    const lines = reportLines(series, [
      {
        point: series.points[0] as NpsSeriesAnswer['points'][number],
        comparison: comparison(null, null, false),
      },
      {
        point: series.points[1] as NpsSeriesAnswer['points'][number],
        comparison: comparison(12.5, 0.0213, true),
      },
    ]);
    expect(lines).toEqual([
      'period     NPS   95 % interval   n  promoters  passives  detractors  vs previous      p  significant',
      '-------  -----  --------------  --  ---------  --------  ----------  -----------  -----  -----------',
      '2026-10  +25.0   +5.0 to +45.0  40         20        10          10            —      —  —',
      '2026-11  +37.5  +17.5 to +57.5  8*          5         1           2        +12.5  0.021  yes',
      '',
      '* fewer than 30 answers: too few to read',
      'vs previous: the period against the same number of days just before it (GET /api/nps/compare, against=previous); significant: p < 0.05',
    ]);
  });

  it('asks the API for the real dates of each period', () => {
    expect(datesOfPeriod('month', '2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(datesOfPeriod('month', '2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(datesOfPeriod('quarter', '2026-Q2')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(datesOfPeriod('week', '2026-W01')).toEqual({ from: '2025-12-29', to: '2026-01-04' });
    expect(datesOfPeriod('day', '2026-03-04')).toEqual({ from: '2026-03-04', to: '2026-03-04' });
  });
});

describe('nps campaigns', () => {
  it('reads the schedule type off its form', () => {
    expect(scheduleOf('rate(7 days)')).toEqual({ type: 'rate', expression: 'rate(7 days)' });
    expect(scheduleOf('2026-12-01T09:00', 'Europe/Berlin')).toEqual({
      type: 'once',
      expression: '2026-12-01T09:00',
      timezone: 'Europe/Berlin',
    });
    expect(scheduleOf('at(2026-12-01T09:00:00)').type).toBe('once');
    expect(scheduleOf('0 9 * * 1').type).toBe('cron');
    expect(scheduleOf('cron(0 9 ? * MON *)').type).toBe('cron');
  });

  it('turns --audience flags into the API audience', () => {
    expect(audienceOf(['tier=key', 'region=emea,apac', 'status!=churned'])).toEqual({
      tier: 'key',
      region: ['emea', 'apac'],
      status: { not: 'churned' },
    });
    expect(() => audienceOf(['tier'])).toThrow('--audience takes attr=value');
    expect(() => audienceOf(['tier=a', 'tier=b'])).toThrow('names tier twice');
  });

  it("says where a run's recipients stand in one line", () => {
    expect(
      progressLine({
        recipients: 6,
        queued: 1,
        deferred: 0,
        sent: 2,
        suppressed: 3,
        failed: 0,
        reasons: { bounced: 1, fatigued: 2 },
        complaints: 0,
        hardBounces: 0,
        settled: false,
      }),
    ).toBe('6 recipients: 2 sent, 3 suppressed, 0 failed, 1 queued (bounced 1, fatigued 2)');
  });
});
