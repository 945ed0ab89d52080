/**
 * The dashboard's code in the browser: reads the admin API with the key the user types in (kept in
 * this tab's sessionStorage only) and fills the page's tables and chart. Every value is inserted
 * with textContent, never as HTML. Bundled by esbuild (scripts/build-browser.ts) into one script
 * that the page inlines under its CSP nonce, after uPlot's own (the global `uPlot`).
 */
import type uPlotType from 'uplot';
import type { CaseFigures, caseMetrics, Durations } from '../../cases/metrics.ts';
import type { NpsPoint } from '../../rollup/read-nps.ts';
import type { Alert, Case, CaseStatus, Response } from '../../store/schemas.ts';

declare const uPlot: typeof uPlotType;

interface SegmentFigures extends NpsPoint {
  segment: string;
}
/** The shapes of /api/cases/metrics, as the server computes them. */
type CaseMetrics = ReturnType<typeof caseMetrics>;

const element = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
};
const tbody = (id: string): HTMLTableSectionElement => {
  const body = element<HTMLTableElement>(id).tBodies[0];
  if (!body) throw new Error(`table #${id} has no body`);
  return body;
};
const showError = (err: unknown) => {
  element('error').textContent = err instanceof Error ? err.message : String(err);
};

const KEY_STORAGE = 'nps-admin-key';
let key = sessionStorage.getItem(KEY_STORAGE) ?? '';

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(path, {
    ...init,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
  });
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new Error(body.error?.message ?? res.statusText);
  return body as T;
};

type Cell = string | number | boolean | null | undefined | Node;

const row = (body: HTMLTableSectionElement, cells: Cell[]): HTMLTableRowElement => {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell == null ? '' : String(cell);
    tr.append(td);
  }
  body.append(tr);
  return tr;
};

const fmt = (x: number | null | undefined) => (x == null ? '—' : x.toFixed(1));
const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');
const monthOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 7);

let chart: uPlotType | undefined;

/** NPS per month as a line, its margin of error as the band around it. */
const drawTrend = (points: NpsPoint[]) => {
  chart?.destroy();
  chart = undefined;
  const shown = points.filter((p): p is NpsPoint & { nps: number } => p.nps != null);
  const first = shown[0];
  const last = shown.at(-1);
  if (!first || !last) return;
  const startOf = (p: NpsPoint) =>
    Date.UTC(Number(p.period.slice(0, 4)), Number(p.period.slice(5, 7)) - 1, 1) / 1000;
  const x = shown.map(startOf);
  const nps = shown.map((p) => p.nps);
  const low = shown.map((p) => Math.max(-100, p.nps - (p.marginOfError ?? 0)));
  const high = shown.map((p) => Math.min(100, p.nps + (p.marginOfError ?? 0)));
  const target = element('trendChart');
  const halfMonth = 16 * 86_400;
  chart = new uPlot(
    {
      width: Math.max(320, target.clientWidth || 900),
      height: 240,
      // Half a month either side of the data, one tick per month shown: a single month is a point
      // in the middle, not a dot at the edge of an automatic three-year axis.
      scales: {
        x: { time: true, range: () => [startOf(first) - halfMonth, startOf(last) + halfMonth] },
        y: { range: [-100, 100] },
      },
      series: [
        { value: (_u, t) => (t == null ? '' : monthOf(t)) },
        { label: 'NPS', stroke: '#0969da', width: 2, points: { show: true }, value: (_u, v) => fmt(v) },
        { label: '−margin', stroke: '#8c959f', dash: [4, 4], value: (_u, v) => fmt(v) },
        { label: '+margin', stroke: '#8c959f', dash: [4, 4], value: (_u, v) => fmt(v) },
      ],
      bands: [{ series: [3, 2], fill: 'rgba(9,105,218,0.08)' }],
      axes: [{ splits: () => x, values: (_u, ticks) => ticks.map(monthOf) }, {}],
    },
    [x, nps, low, high],
    target,
  );
};

const NEXT_STATUS: Partial<Record<CaseStatus, CaseStatus>> = {
  open: 'acknowledged',
  acknowledged: 'contacted',
  contacted: 'resolved',
};

const button = (label: string, onClick: () => Promise<void>) => {
  const b = document.createElement('button');
  b.textContent = label;
  b.addEventListener('click', () => {
    onClick()
      .catch(showError)
      .finally(() => void load());
  });
  return b;
};

/** What the owner can do next with a case: move it on, or tell the customer what was done. */
const caseActions = (c: Case): Node => {
  const actions = document.createElement('span');
  const next = NEXT_STATUS[c.status];
  if (next) {
    actions.append(
      button(`Mark ${next}`, async () => {
        const note = next === 'acknowledged' ? '' : (prompt(`Note for "${next}"`) ?? '');
        await api(`/api/cases/${encodeURIComponent(c.caseId)}`, {
          method: 'PATCH',
          body: JSON.stringify({ status: next, note, outcome: next === 'resolved' ? note : undefined }),
        });
      }),
    );
  } else if (c.followUp) {
    actions.textContent = `follow-up sent ${when(c.followUp.sentAt)}`;
  } else {
    actions.append(
      button('Send follow-up', async () => {
        const message = prompt('What we did, for the customer (empty: the outcome)', c.outcome ?? '');
        if (message === null) return;
        await api(`/api/cases/${encodeURIComponent(c.caseId)}/follow-up`, {
          method: 'POST',
          body: JSON.stringify(message.trim() ? { message } : {}),
        });
      }),
    );
  }
  return actions;
};

const pair = (d: Durations) => (d.count ? `${fmt(d.p50)} / ${fmt(d.p90)}` : '—');
const pct = (x: number | null) => (x == null ? '—' : `${Math.round(x * 100)}%`);

async function load(): Promise<void> {
  element('error').textContent = '';
  try {
    const window = element<HTMLSelectElement>('window').value;
    const [segments, trend, cases, responses, dead, metrics] = await Promise.all([
      api<{ segments: SegmentFigures[] }>(`/api/nps/segments?window=${encodeURIComponent(window)}`),
      api<{ points: NpsPoint[] }>('/api/nps?segment=all&window=month'),
      api<{ cases: Case[] }>('/api/cases'),
      api<{ responses: Response[] }>('/api/responses?limit=25'),
      api<{ alerts: Alert[] }>('/api/alerts/dead'),
      api<CaseMetrics>('/api/cases/metrics'),
    ]);
    for (const id of ['segments', 'trend', 'cases', 'responses', 'dead', 'followup'])
      tbody(id).replaceChildren();
    for (const s of segments.segments) {
      row(tbody('segments'), [
        s.segment,
        fmt(s.nps),
        fmt(s.marginOfError),
        s.responses,
        s.promoters,
        s.passives,
        s.detractors,
      ]);
    }
    for (const p of trend.points)
      row(tbody('trend'), [p.period, fmt(p.nps), fmt(p.marginOfError), p.responses]);
    element('app').hidden = false;
    drawTrend(trend.points);
    for (const c of cases.cases) {
      const flags = [
        c.priority === 'high' ? 'high priority' : '',
        c.escalatedAt ? 'escalated' : '',
        c.recovered ? 'recovered' : '',
      ].filter(Boolean);
      const status = c.status + (flags.length ? ` (${flags.join(', ')})` : '');
      const tr = row(tbody('cases'), [
        when(c.createdAt),
        c.customerId,
        c.score,
        c.comment,
        c.ownerId,
        status,
        when(c.slaDueAt),
        caseActions(c),
      ]);
      tr.id = `case=${c.caseId}`;
    }
    const figures = (label: string, f: CaseFigures) =>
      row(tbody('followup'), [
        label,
        f.cases,
        pair(f.timeToAcknowledgeMinutes),
        pair(f.timeToFirstContactMinutes),
        `${pct(f.sla.share)} of ${f.sla.due}`,
        `${pct(f.recovery.rate)} (${f.recovery.recovered})`,
        f.escalated,
      ]);
    figures('all', metrics.overall);
    for (const o of metrics.byOwner) figures(`owner:${o.ownerId}`, o);
    for (const s of metrics.bySegment) figures(s.segment, s);
    for (const r of responses.responses) {
      const segment = Object.entries(r.attributes)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ');
      row(tbody('responses'), [when(r.respondedAt), r.customerId, r.score, r.comment, segment]);
    }
    for (const a of dead.alerts) row(tbody('dead'), [a.alertId, a.ownerId, a.attempts, a.lastError]);
    element('app').hidden = false;
  } catch (err: unknown) {
    showError(err);
  }
}

element('login').addEventListener('submit', (event) => {
  event.preventDefault();
  key = element<HTMLInputElement>('key').value;
  sessionStorage.setItem(KEY_STORAGE, key);
  void load();
});
element('window').addEventListener('change', () => void load());
if (key) void load();
