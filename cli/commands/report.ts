import { datesOfPeriod, WINDOWS, type Window } from '#shared/nps/windows';
import { mapLimit } from '#shared/util/concurrency';
import {
  type CompareAnswer,
  checkAnswer,
  compareAnswer,
  type NpsSeriesAnswer,
  npsSeriesAnswer,
} from '../answers.ts';
import { CliError } from '../errors.ts';
import type { ApiClient } from '../http.ts';
import { type Output, println } from '../output.ts';
import { formatTable, signed } from '../table.ts';

/**
 * `nps report`: a segment's NPS period by period (`GET /api/nps`), each period with its 95 %
 * interval and its class counts, and whether it differs from the period before by more than chance
 * (`GET /api/nps/compare?against=previous` over the period's dates: the same number of days just
 * before it). The figures and the test are the API's; this only lays them out.
 */
export interface ReportOptions {
  segment: string;
  window: string;
  from?: string;
  to?: string;
  json?: boolean;
}

export interface ReportRow {
  point: NpsSeriesAnswer['points'][number];
  /** The period against the days just before it; none for `all`. */
  comparison?: CompareAnswer;
}

/** Compare requests in flight at once: one per period (a year of days is 366). */
const COMPARE_CONCURRENCY = 4;

const intervalText = (i: { low: number; high: number } | null) =>
  i ? `${signed(i.low)} to ${signed(i.high)}` : '—';

/** Three decimals whatever the value (1 → 1.000), so the column reads down evenly. */
const pValueText = (p: number | null | undefined) =>
  p === null || p === undefined ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3);

/** The report's table lines, and the notes under it. */
export const reportLines = (series: NpsSeriesAnswer, rows: readonly ReportRow[]): string[] => {
  const table = formatTable(
    [
      { header: series.window === 'all' ? 'segment' : 'period' },
      { header: 'NPS', align: 'right' },
      { header: '95 % interval', align: 'right' },
      { header: 'n', align: 'right' },
      { header: 'promoters', align: 'right' },
      { header: 'passives', align: 'right' },
      { header: 'detractors', align: 'right' },
      { header: 'vs previous', align: 'right' },
      { header: 'p', align: 'right' },
      { header: 'significant' },
    ],
    rows.map(({ point, comparison }) => {
      const d = comparison?.difference;
      return [
        series.window === 'all' ? series.segment : point.period,
        signed(point.nps),
        intervalText(point.interval),
        `${point.responses}${point.lowN ? '*' : ''}`,
        String(point.promoters),
        String(point.passives),
        String(point.detractors),
        d ? signed(d.nps) : '—',
        pValueText(d?.pValue),
        d?.nps === null || d === undefined ? '—' : d.significant ? 'yes' : 'no',
      ];
    }),
  );
  const notes: string[] = [];
  if (rows.some((r) => r.point.lowN)) notes.push('* fewer than 30 answers: too few to read');
  if (rows.some((r) => r.comparison)) {
    notes.push(
      'vs previous: the period against the same number of days just before it (GET /api/nps/compare, against=previous); significant: p < 0.05',
    );
  }
  return [...table, ...(notes.length ? ['', ...notes] : [])];
};

export const report = async (options: ReportOptions, api: () => ApiClient, out: Output) => {
  if (!(WINDOWS as readonly string[]).includes(options.window)) {
    throw new CliError(`--window must be one of ${WINDOWS.join(', ')}`);
  }
  const window = options.window as Window;
  const client = api();
  const series = checkAnswer(
    npsSeriesAnswer,
    await client.get('/api/nps', {
      segment: options.segment,
      window,
      from: options.from,
      to: options.to,
    }),
    'GET /api/nps',
  );
  const rows: ReportRow[] = await mapLimit(series.points, COMPARE_CONCURRENCY, async (point) => {
    if (window === 'all') return { point };
    const dates = datesOfPeriod(window, point.period);
    const comparison = checkAnswer(
      compareAnswer,
      await client.get('/api/nps/compare', { segment: series.segment, against: 'previous', ...dates }),
      'GET /api/nps/compare',
    );
    return { point, comparison };
  });
  if (options.json) {
    println(out, JSON.stringify({ segment: series.segment, window: series.window, rows }, null, 2));
    return;
  }
  if (rows.length === 0) {
    println(out, `no answers for ${series.segment} in that range`);
    return;
  }
  const span =
    window === 'all' ? 'all time' : `by ${window}, ${rows[0]?.point.period} to ${rows.at(-1)?.point.period}`;
  println(out, `NPS of ${series.segment}, ${span}`);
  println(out);
  for (const line of reportLines(series, rows)) println(out, line);
};
