import type { BenchFigures } from './benches.ts';
import { COLUMNS, type Column, dollarsOf, type Estimate } from './estimate.ts';
import type { Prices } from './prices.ts';
import type { TemplateFacts } from './template.ts';
import type { Assumptions } from './usage.ts';

const HEADERS: Record<(typeof COLUMNS)[number], string> = {
  idle: 'idle, a month',
  answersBusy: '1,000 answers, busy',
  answersQuiet: '1,000 answers, quiet',
  emails: '1,000 emails',
};

/** Dollars with four decimals (a line can be a hundredth of a cent); a dash for nothing. */
export const money = (dollars: number): string => {
  if (dollars === 0) return '–';
  if (dollars < 0.00005) return '<$0.0001';
  return `$${dollars.toFixed(4)}`;
};

const quantity = (n: number): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 4 : n < 1000 ? 2 : 0 });

/** A unit price as pricing pages write it: per million when it is a fraction of a cent. */
const unitPrice = (dollars: number, units: string): string => {
  if (dollars === 0) return 'free';
  const short = (n: number) => String(Number(n.toPrecision(6)));
  const one = units.endsWith('-s') ? units : units.replace(/s$/, '');
  if (dollars < 0.00001) return `$${short(dollars * 1e6)} per million ${units}`;
  if (dollars < 0.001) return `$${short(dollars * 1e3)} per thousand ${units}`;
  return `$${short(dollars)} per ${one}`;
};

const table = (rows: string[][]): string[] => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    `| ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const [head, ...body] = rows;
  return head ? [line(head), rule, ...body.map(line)] : [];
};

export interface RenderInput {
  estimate: Estimate;
  facts: TemplateFacts;
  benches: BenchFigures;
  assumptions: Assumptions;
  prices: Prices;
  templateFile: string;
  /** When the template was written: a stale synth prices a stack that is no longer the code's. */
  templateWritten?: Date;
}

/** The report: the table first, then where every figure comes from. */
export const render = ({
  estimate,
  facts,
  benches,
  assumptions,
  prices,
  templateFile,
  templateWritten,
}: RenderInput): string => {
  const out: string[] = [];
  out.push(
    `nps-loop monthly cost on AWS list prices — region ${prices.region}, prices as of ${prices.asOf} ` +
      '(scripts/cost/prices.ts), before free tiers',
  );
  out.push(
    `template: ${templateFile}` +
      (templateWritten
        ? ` (synthesized ${templateWritten.toISOString().slice(0, 16).replace('T', ' ')} UTC)`
        : '') +
      ` — ${facts.functions.length} functions, ${facts.secrets} secrets, ` +
      `${facts.alarms.length} alarms, ${facts.schedules.length} schedules, ${facts.logGroups.length} log groups, ` +
      `${facts.kmsKeys} KMS keys, ${facts.tables.length} tables, ${facts.queues} queues`,
  );
  out.push(
    `benchmarks: ${benches.rollup.file}, ${benches.send.file}` +
      (benches.alerts ? `, ${benches.alerts.file}` : ' (no alerts result: assumed figures)'),
  );
  out.push('');
  const rows: string[][] = [['service: item', ...COLUMNS.map((c) => HEADERS[c])]];
  for (const line of estimate.lines) {
    const d = dollarsOf(line);
    rows.push([`${line.service}: ${line.item}`, ...COLUMNS.map((c) => money(d[c]))]);
  }
  rows.push(['total', ...COLUMNS.map((c) => money(estimate.totals[c]))]);
  out.push(...table(rows));
  out.push('');
  out.push(
    `Busy: answers at the rollup benchmark's rate, ${benches.rollup.busyBatchSize} to a rollup batch; quiet: one ` +
      'answer per batch. Per-1,000 columns add to the idle month; their storage line is per month the data is kept.',
  );
  const ceiling = estimate.customMetricsCeiling;
  out.push(
    `Custom metrics once there is traffic: ${ceiling.metrics} (business metrics and each function's ColdStart), ` +
      `each billed for the hours it is published — at most ${money(ceiling.dollars)} a month whatever the traffic; ` +
      'not per answer, so in no column.',
  );
  out.push('');
  out.push('How each line is made (quantities: idle | busy | quiet | emails):');
  for (const line of estimate.lines) {
    const q = line.quantity as Column;
    out.push(
      `- ${line.service}, ${line.item}: ${COLUMNS.map((c) => quantity(q[c])).join(' | ')} ${line.unit}, ` +
        `${unitPrice(line.unitPrice, line.unit)} — ${line.basis}`,
    );
  }
  out.push('');
  out.push(
    `Assumed (scripts/cost/usage.ts ASSUMPTIONS): ${Object.entries(assumptions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  out.push(
    'Not counted: data transfer out (emails, webhooks, pages), reminders and follow-up emails, SES bounce and ' +
      'complaint events, the admin API and dashboard, Lambda cold starts (INIT is billed), CloudTrail.',
  );
  out.push(`Free tiers not applied: ${prices.freeTiers}.`);
  out.push(`Prices: ${Object.values(prices.sources).join(' ')}`);
  return out.join('\n');
};
