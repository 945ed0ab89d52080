/**
 * The dashboard's code in the browser. It reads the API with the signed-in session (cookie, CSRF
 * header on writes) or with the admin key the user types in (kept in this tab's sessionStorage
 * only), and fills the panels — every value inserted with textContent, never as HTML. Text comes
 * from the dashboard's message catalogs (ICU, by intl-messageformat), dates and numbers from Intl
 * in the reader's locale. Bundled by esbuild (scripts/build-browser.ts) into one script that the
 * page inlines under its CSP nonce, after uPlot's own (the global `uPlot`).
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type uPlotType from 'uplot';
import type { RunProgress } from '../../campaigns/run-progress.ts';
import type { CaseFigures, Durations, readCaseMetrics } from '../../cases/metrics.ts';
import en from '../../i18n/dashboard/en.json' with { type: 'json' };
import zhCN from '../../i18n/dashboard/zh-CN.json' with { type: 'json' };
import { daysOfPeriod, type Window } from '../../nps/windows.ts';
import type { readRetention, readRevenueAtRisk } from '../../retention/read-retention.ts';
import type { NpsComparisonResult } from '../../rollup/compare-nps.ts';
import type { NpsPoint } from '../../rollup/read-nps.ts';
import type { Alert, Case, CaseStatus, Response, Run } from '../../store/schemas.ts';
import type { WinBack } from '../../store/winbacks.ts';
import type { themesReport } from '../../themes/report.ts';
import type { readValue } from '../../value/read-value.ts';

declare const uPlot: typeof uPlotType;

type Key = keyof typeof en;
type Values = Record<string, string | number>;
interface SegmentFigures extends NpsPoint {
  segment: string;
}
type CaseMetrics = Awaited<ReturnType<typeof readCaseMetrics>>;
type ValueView = Awaited<ReturnType<typeof readValue>>;
type Retention = Awaited<ReturnType<typeof readRetention>>;
type RevenueAtRisk = Awaited<ReturnType<typeof readRevenueAtRisk>>;
type Themes = Awaited<ReturnType<typeof themesReport>>;

// ── Language ────────────────────────────────────────────────────────────────────────────────────

const CATALOGS: Record<string, Record<Key, string>> = { en, 'zh-CN': zhCN };
const LANG_STORAGE = 'nps-dashboard-lang';
const preferred = (): string => {
  const chosen = localStorage.getItem(LANG_STORAGE);
  if (chosen && chosen in CATALOGS) return chosen;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
};
let locale = preferred();
const formats = new Map<string, IntlMessageFormat>();
const tr = (key: Key, values?: Values): string => {
  const id = `${locale}\u0000${key}`;
  let f = formats.get(id);
  if (!f) {
    f = new IntlMessageFormat((CATALOGS[locale] ?? en)[key] ?? en[key], locale);
    formats.set(id, f);
  }
  return String(f.format(values));
};

const oneDecimal = () =>
  new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const fmt = (x: number | null | undefined) => (x == null ? tr('none') : oneDecimal().format(x));
const int = (x: number | null | undefined) =>
  x == null ? tr('none') : new Intl.NumberFormat(locale).format(x);
const money = (x: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(x);
/** A percentage given in points (12.5 → 12.5 %). */
const pctPoints = (x: number | null | undefined) =>
  x == null
    ? tr('none')
    : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(x / 100);
const when = (iso: string | undefined) =>
  iso
    ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
    : '';
const dayOf = (key: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${key}T00:00:00Z`),
  );
const hoursOrMinutes = (ms: number) => {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const [value, unit] = minutes >= 120 ? [Math.round(minutes / 60), 'hour'] : [minutes, 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
};

/** Every fixed text of the page in the reader's language. */
const localizeStatic = () => {
  document.documentElement.lang = locale;
  document.title = tr('title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = tr(el.dataset.i18n as Key);
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    el.setAttribute('aria-label', tr(el.dataset.i18nLabel as Key));
  }
  element<HTMLSelectElement>('lang').value = locale;
};

// ── The page ────────────────────────────────────────────────────────────────────────────────────

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
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const panelPart = <T extends HTMLElement>(name: string, selector: string): T => {
  const found = element(`${name}-panel`).querySelector<T>(selector);
  if (!found) throw new Error(`panel ${name} has no ${selector}`);
  return found;
};

type Cell = string | number | boolean | null | undefined | Node;

/** A table row of these cells, each inserted as text (or as the node it is). */
const row = (cells: Cell[]): HTMLTableRowElement => {
  const tr_ = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell == null ? '' : String(cell);
    tr_.append(td);
  }
  return tr_;
};
const span = (text: string, className?: string) => {
  const s = document.createElement('span');
  s.textContent = text;
  if (className) s.className = className;
  return s;
};

// ── Who is reading, and how the API is called ─────────────────────────────────────────────────────

interface Me {
  role: 'admin' | 'owner';
  ownerId: string | null;
  email: string | null;
  csrfToken: string | null;
}
const KEY_STORAGE = 'nps-admin-key';
/** The session (cookie) or the admin key (bearer); the key is what a reader without a session types. */
let session: Me | undefined;
let key = sessionStorage.getItem(KEY_STORAGE) ?? '';

/** The API's answer to a request that failed, with its status: a 401 means the key, not the panel. */
class ApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (session) {
    if (init.method && init.method !== 'GET' && session.csrfToken)
      headers['x-csrf-token'] = session.csrfToken;
  } else {
    headers.authorization = `Bearer ${key}`;
  }
  const res = await fetch(path, { ...init, credentials: 'same-origin', headers });
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new ApiError(body.error?.message ?? res.statusText, res.status);
  return body as T;
};

const isOwner = () => session?.role === 'owner';
/** The segment every panel reads: an account manager's own customers, else what the reader chose. */
const segment = () =>
  isOwner() && session?.ownerId
    ? `owner:${session.ownerId}`
    : element<HTMLInputElement>('segment').value.trim() || 'all';
const windowChosen = () => element<HTMLSelectElement>('window').value as Exclude<Window, 'day'>;
const q = encodeURIComponent;

// ── Panels ──────────────────────────────────────────────────────────────────────────────────────

/** Set by a panel whose read was refused for the key: the login says so, instead of every panel. */
let keyRefused: string | undefined;

/**
 * Runs one panel's read. Its failure shows in that panel's error line only, so one failing API
 * never blanks the others; `onFailure` clears what the panel would otherwise show as current.
 */
const inPanel = async (name: string, read: () => Promise<void>, onFailure?: () => void): Promise<void> => {
  const error = panelPart<HTMLParagraphElement>(name, '.error');
  error.textContent = '';
  try {
    await read();
  } catch (err: unknown) {
    if (err instanceof ApiError && err.status === 401) keyRefused = err.message;
    onFailure?.();
    error.textContent = messageOf(err);
  }
};

interface Panel {
  name: string;
  /** Reads the panel afresh (a paged one from its first page); never rejects. */
  load: () => Promise<void>;
}

/**
 * A panel over a paged list route (`{<field>: [...], cursor}`): the first page on load, the next
 * one appended each time its button is pressed, the button shown only while a cursor is left.
 */
const pagedPanel = <T>(options: {
  name: string;
  table?: string;
  path: () => string;
  field: string;
  render: (items: T[], body: HTMLTableSectionElement, fresh: boolean) => void;
}): Panel => {
  const { name } = options;
  const table = options.table ?? name;
  const more = panelPart<HTMLButtonElement>(name, 'button.more');
  let cursor: string | null = null;
  const read = async (from: string | null) => {
    const path = options.path();
    const page = await api<Record<string, unknown> & { cursor: string | null }>(
      from === null ? path : `${path}${path.includes('?') ? '&' : '?'}cursor=${q(from)}`,
    );
    options.render((page[options.field] ?? []) as T[], tbody(table), from === null);
    cursor = page.cursor ?? null;
    more.hidden = cursor === null;
  };
  more.addEventListener('click', () => {
    more.disabled = true;
    void inPanel(name, () => read(cursor)).finally(() => {
      more.disabled = false;
    });
  });
  return {
    name,
    load: () =>
      inPanel(
        name,
        () => read(null),
        () => {
          tbody(table).replaceChildren();
          more.hidden = true;
        },
      ),
  };
};

/** A figure's 95 % interval, and the API's lowN flag in words: below 30 answers NPS is too few to read. */
const intervalOf = (p: { interval: { low: number; high: number } | null; lowN: boolean }) => {
  const range = p.interval
    ? tr('intervalRange', { low: fmt(p.interval.low), high: fmt(p.interval.high) })
    : tr('none');
  return p.lowN ? `${range} · ${tr('tooFew')}` : range;
};

/** The days the headline reads: the last 7, 30, 90 or 365, by the period chosen. */
const HEADLINE_DAYS: Record<string, number> = { week: 7, month: 30, quarter: 90, all: 365 };
const dayKey = (d: Date) => d.toISOString().slice(0, 10);

const headlinePanel: Panel = {
  name: 'headline',
  load: () =>
    inPanel('headline', async () => {
      const days = HEADLINE_DAYS[windowChosen()] ?? 30;
      const to = new Date();
      const from = new Date(to.getTime() - (days - 1) * 86_400_000);
      element('headline-title').textContent = tr('headline', { days });
      const c = await api<NpsComparisonResult>(
        `/api/nps/compare?segment=${q(segment())}&against=previous&from=${dayKey(from)}&to=${dayKey(to)}`,
      );
      const s = c.subject;
      element('headline-nps').textContent = fmt(s.nps);
      element('headline-nps').className = s.lowN ? 'big low' : 'big';
      element('headline-figure').textContent =
        s.responses === 0
          ? tr('headlineNone')
          : `${tr('headlineFigure', {
              responses: s.responses,
              low: fmt(s.interval?.low),
              high: fmt(s.interval?.high),
            })}${s.lowN ? ` · ${tr('tooFew')}` : ''}`;
      const d = c.difference;
      const change = element('headline-change');
      change.textContent =
        d.nps == null
          ? s.responses === 0
            ? ''
            : tr('changeNone', { days })
          : tr(d.significant ? 'changeSignificant' : 'changeNotSignificant', {
              change: `${d.nps > 0 ? '+' : ''}${fmt(d.nps)}`,
              days,
              p:
                d.pValue == null
                  ? tr('none')
                  : new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 }).format(d.pValue),
            });
      change.className = d.significant ? 'significant' : 'muted';
    }),
};

const startOfPeriod = (window: Window, period: string) =>
  Date.parse(`${window === 'all' ? '2000-01-01' : daysOfPeriod(window, period).from}T00:00:00Z`) / 1000;

const charts = new Map<string, uPlotType>();
/** A chart as wide as its box: drawn (again) once the box has a width, see redrawCharts. */
const chartWidth = (target: HTMLElement) => Math.max(240, Math.min(target.clientWidth, 1140));
/** What the charts last drew, to draw it again at the size the page now gives them. */
let drawn: { window: Window; points: NpsPoint[]; histogram: number[] } | undefined;
/**
 * The panels are read while the page is still hidden (a refused key never shows them), when the
 * charts' boxes have no width yet: they are drawn again once shown, and when the window resizes.
 */
const redrawCharts = () => {
  if (!drawn) return;
  drawTrend(drawn.window, drawn.points);
  drawDistribution(drawn.histogram);
};

/** NPS per period as a line, its 95 % interval (as the API gives it, clipped) as the band around it. */
const drawTrend = (window: Window, points: NpsPoint[]) => {
  charts.get('trend')?.destroy();
  charts.delete('trend');
  const shown = points.filter((p): p is NpsPoint & { nps: number } => p.nps != null);
  const first = shown[0];
  const last = shown.at(-1);
  if (!first || !last) return;
  const x = shown.map((p) => startOfPeriod(window, p.period));
  const label = new Map(shown.map((p, i) => [x[i], p.period]));
  const pad = 16 * 86_400;
  const target = element('trendChart');
  charts.set(
    'trend',
    new uPlot(
      {
        width: chartWidth(target),
        height: 240,
        scales: {
          x: { time: true, range: () => [(x[0] as number) - pad, (x.at(-1) as number) + pad] },
          y: { range: [-100, 100] },
        },
        series: [
          { value: (_u, t) => (t == null ? '' : (label.get(t) ?? '')) },
          { label: tr('nps'), stroke: '#0969da', width: 2, points: { show: true }, value: (_u, v) => fmt(v) },
          { label: '95 % −', stroke: '#8c959f', dash: [4, 4], value: (_u, v) => fmt(v) },
          { label: '95 % +', stroke: '#8c959f', dash: [4, 4], value: (_u, v) => fmt(v) },
        ],
        bands: [{ series: [3, 2], fill: 'rgba(9,105,218,0.08)' }],
        axes: [{ splits: () => x, values: (_u, ticks) => ticks.map((t) => label.get(t) ?? '') }, {}],
      },
      [
        x,
        shown.map((p) => p.nps),
        shown.map((p) => p.interval?.low ?? p.nps),
        shown.map((p) => p.interval?.high ?? p.nps),
      ],
      target,
    ),
  );
};

/** The answers per score as bars (neutral colour: no score is "bad" to look at). */
const drawDistribution = (histogram: number[]) => {
  charts.get('distribution')?.destroy();
  charts.delete('distribution');
  if (!histogram.some((n) => n > 0)) return;
  const target = element('distributionChart');
  const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
  charts.set(
    'distribution',
    new uPlot(
      {
        width: chartWidth(target),
        height: 200,
        scales: {
          x: { time: false, range: [-0.5, 10.5] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        series: [
          { label: tr('score') },
          {
            label: tr('answers'),
            fill: 'rgba(9,105,218,0.5)',
            stroke: '#0969da',
            paths: bars,
            points: { show: false },
          },
        ],
        axes: [{ splits: () => histogram.map((_, s) => s), values: (_u, ticks) => ticks.map(String) }, {}],
        legend: { show: false },
      },
      [histogram.map((_, s) => s), histogram],
      target,
    ),
  );
};

const trendPanel: Panel = {
  name: 'trend',
  load: () =>
    inPanel(
      'trend',
      async () => {
        const window = windowChosen();
        element('trend-title').textContent = tr('trend', { segment: segment() });
        const trend = await api<{ points: NpsPoint[] }>(`/api/nps?segment=${q(segment())}&window=${window}`);
        tbody('trend').replaceChildren(
          ...trend.points.map((p) => row([p.period, fmt(p.nps), intervalOf(p), int(p.responses)])),
        );
        drawTrend(window, trend.points);
        // The scores of the same periods, summed: the shape behind the figure.
        const histogram = Array.from({ length: 11 }, (_, s) =>
          trend.points.reduce((sum, p) => sum + (p.histogram[s] ?? 0), 0),
        );
        tbody('distribution').replaceChildren(...histogram.map((n, s) => row([s, int(n)])));
        drawDistribution(histogram);
        drawn = { window, points: trend.points, histogram };
      },
      () => {
        tbody('trend').replaceChildren();
        tbody('distribution').replaceChildren();
        drawn = undefined;
        drawTrend('month', []);
        drawDistribution([]);
      },
    ),
};

// Segments: sortable by any column, over the pages read so far.
const SEGMENT_COLUMNS: Array<(s: SegmentFigures) => string | number> = [
  (s) => s.segment,
  (s) => s.nps ?? -1000,
  (s) => s.interval?.low ?? -1000,
  (s) => s.responses,
  (s) => s.promoters,
  (s) => s.passives,
  (s) => s.detractors,
];
let segmentRows: SegmentFigures[] = [];
let segmentSort: { column: number; descending: boolean } | undefined;
const renderSegments = () => {
  const sorted = [...segmentRows];
  if (segmentSort) {
    const { column, descending } = segmentSort;
    const by = SEGMENT_COLUMNS[column] ?? SEGMENT_COLUMNS[0];
    sorted.sort((a, b) => {
      const [x, y] = [by?.(a) ?? 0, by?.(b) ?? 0];
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
  }
  tbody('segments').replaceChildren(
    ...sorted.map((s) => {
      const r = row([
        s.segment,
        fmt(s.nps),
        intervalOf(s),
        int(s.responses),
        int(s.promoters),
        int(s.passives),
        int(s.detractors),
      ]);
      if (s.lowN) r.classList.add('low');
      return r;
    }),
  );
  element('segment-list').replaceChildren(
    ...segmentRows.map((s) => {
      const o = document.createElement('option');
      o.value = s.segment;
      return o;
    }),
  );
};
element<HTMLTableElement>('segments')
  .tHead?.querySelectorAll('th')
  .forEach((th, column) => {
    th.tabIndex = 0;
    const sortBy = () => {
      segmentSort = {
        column,
        descending: segmentSort?.column === column ? !segmentSort.descending : column !== 0,
      };
      for (const other of th.parentElement?.children ?? []) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', segmentSort.descending ? 'descending' : 'ascending');
      renderSegments();
    };
    th.addEventListener('click', sortBy);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        sortBy();
      }
    });
  });

const PAGE_SIZE = 25;

const segmentsPanel = pagedPanel<SegmentFigures>({
  name: 'segments',
  path: () => `/api/nps/segments?window=${windowChosen()}&limit=${PAGE_SIZE}`,
  field: 'segments',
  render: (items, _body, fresh) => {
    segmentRows = fresh ? items : [...segmentRows, ...items];
    renderSegments();
  },
});

// Cases and win-backs: what the owner does next, with the SLA counting down.
const countDown = (s: HTMLElement) => {
  const left = Date.parse(s.dataset.due ?? '') - Date.now();
  s.textContent = tr(left >= 0 ? 'dueIn' : 'overdueBy', { time: hoursOrMinutes(left) });
  s.className = left >= 0 ? '' : 'overdue';
};
/** An SLA still running counts down (every minute, see below); one that stopped shows its time. */
const slaCell = (dueAt: string, running: boolean): Cell => {
  if (!running) return when(dueAt);
  const s = span('');
  s.dataset.due = dueAt;
  countDown(s);
  return s;
};
const statusText = (status: string) => tr(`status_${status}` as Key);

const NEXT_STATUS: Partial<Record<CaseStatus, CaseStatus>> = {
  open: 'acknowledged',
  acknowledged: 'contacted',
  contacted: 'resolved',
};

/** A button that runs one write in a panel, and re-reads what the write changes. */
const actionButton = (panel: string, label: string, send: () => Promise<void>) => {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', () => {
    b.disabled = true;
    void inPanel(panel, send).finally(() => {
      b.disabled = false;
    });
  });
  return b;
};

/**
 * What the owner can do next with a case: move it on, or tell the customer what was done. The
 * answer (the case as it now is) replaces the case's row where it stands, so the pages read so far
 * stay as they are; the follow-up figures, which the move changes, are read again.
 */
const caseActions = (c: Case): Node => {
  const actions = document.createElement('span');
  const replace = async (updated: Case | undefined) => {
    if (!updated) return;
    document.getElementById(`case=${c.caseId}`)?.replaceWith(caseRow(updated));
    if (!isOwner()) await followupPanel.load();
  };
  const next = NEXT_STATUS[c.status];
  if (next) {
    actions.append(
      actionButton('cases', tr('markStatus', { status: statusText(next) }), async () => {
        const note =
          next === 'acknowledged' ? '' : (prompt(tr('notePrompt', { status: statusText(next) })) ?? '');
        await replace(
          await api<Case>(`/api/cases/${q(c.caseId)}`, {
            method: 'PATCH',
            body: JSON.stringify({ status: next, note, outcome: next === 'resolved' ? note : undefined }),
          }),
        );
      }),
    );
  } else if (c.followUp) {
    actions.textContent = tr('followUpSent', { when: when(c.followUp.sentAt) });
  } else {
    actions.append(
      actionButton('cases', tr('sendFollowUp'), async () => {
        const message = prompt(tr('followUpPrompt'), c.outcome ?? '');
        if (message === null) return;
        await replace(
          await api<Case>(`/api/cases/${q(c.caseId)}/follow-up`, {
            method: 'POST',
            body: JSON.stringify(message.trim() ? { message } : {}),
          }),
        );
      }),
    );
  }
  return actions;
};

function caseRow(c: Case): HTMLTableRowElement {
  const flags = [
    c.priority === 'high' ? tr('highPriority') : '',
    c.escalatedAt ? tr('escalated') : '',
    c.recovered ? tr('recovered') : '',
  ].filter(Boolean);
  const status = statusText(c.status) + (flags.length ? ` (${flags.join(', ')})` : '');
  const tr_ = row([
    when(c.createdAt),
    c.customerId,
    c.score,
    c.comment,
    c.ownerId,
    status,
    slaCell(c.slaDueAt, c.status === 'open' && !c.escalatedAt),
    caseActions(c),
  ]);
  // The target of the `links.case` of a detractor alert (`/dashboard#case=<id>`).
  tr_.id = `case=${c.caseId}`;
  return tr_;
}

const casesPanel = pagedPanel<Case>({
  name: 'cases',
  path: () => `/api/cases?limit=${PAGE_SIZE}`,
  field: 'cases',
  render: (items, body, fresh) => {
    if (fresh) body.replaceChildren();
    body.append(...items.map(caseRow));
  },
});

const WIN_BACK_NEXT: Record<string, string[]> = { open: ['contacted'], contacted: ['won-back', 'not-won'] };

function winBackRow(w: WinBack): HTMLTableRowElement {
  const actions = document.createElement('span');
  for (const next of WIN_BACK_NEXT[w.status] ?? []) {
    actions.append(
      actionButton('winbacks', tr('markStatus', { status: statusText(next) }), async () => {
        const note = prompt(tr('notePrompt', { status: statusText(next) }));
        if (!note) return;
        const moved = await api<WinBack>(`/api/winbacks/${q(w.lossId)}`, {
          method: 'PATCH',
          body: JSON.stringify({ status: next, note }),
        });
        document.getElementById(`winback=${w.lossId}`)?.replaceWith(winBackRow(moved));
      }),
    );
  }
  const reason = w.reason ? `${w.reason}${w.comment ? `: ${w.comment}` : ''}` : '';
  const r = row([
    dayOf(w.lostOn),
    w.name ? `${w.name} (${w.customerId})` : w.customerId,
    w.valueTier,
    w.priority,
    w.ownerId,
    statusText(w.status),
    slaCell(w.slaDueAt, w.status === 'open'),
    reason,
    actions,
  ]);
  r.id = `winback=${w.lossId}`;
  return r;
}

const winBacksPanel = pagedPanel<WinBack>({
  name: 'winbacks',
  path: () => `/api/winbacks?limit=${PAGE_SIZE}`,
  field: 'winBacks',
  render: (items, body, fresh) => {
    if (fresh) body.replaceChildren();
    body.append(...items.map(winBackRow));
  },
});

// Comments: by segment (or theme, itself a segment), and by class — both filtered by the API, so
// every page read holds only what was asked for.
const responsesPanel = pagedPanel<Response>({
  name: 'responses',
  path: () => {
    const theme = element<HTMLSelectElement>('theme').value;
    const scoreClass = element<HTMLSelectElement>('class').value;
    return `/api/responses?segment=${q(theme ? `theme:${theme}` : segment())}${scoreClass ? `&class=${q(scoreClass)}` : ''}&limit=${PAGE_SIZE}`;
  },
  field: 'responses',
  render: (items, body, fresh) => {
    if (fresh) body.replaceChildren();
    for (const r of items) {
      const attributes = Object.entries(r.attributes)
        .map(([k, v]) => `${k}:${v}`)
        .join(' ');
      body.append(row([when(r.respondedAt), r.customerId, r.score, r.comment, attributes]));
    }
  },
});

const themesPanel: Panel = {
  name: 'themes',
  load: () =>
    inPanel(
      'themes',
      async () => {
        const report = await api<Themes>(`/api/themes?segment=${q(segment())}&window=${windowChosen()}`);
        tbody('terms').replaceChildren(
          ...report.terms.top.map((t) => row([t.term, int(t.detractors), int(t.promoters), fmt(t.lift)])),
        );
        tbody('user-themes').replaceChildren(
          ...report.themes.map((t) =>
            row([
              t.name,
              int(t.total?.responses),
              fmt(t.total?.nps),
              t.total ? intervalOf(t.total) : tr('none'),
            ]),
          ),
        );
        const select = element<HTMLSelectElement>('theme');
        const chosen = select.value;
        const all = select.options[0];
        select.replaceChildren(
          ...(all ? [all] : []),
          ...report.themes.map((t) => {
            const o = document.createElement('option');
            o.value = t.name;
            o.textContent = t.name;
            return o;
          }),
        );
        select.value = chosen;
      },
      () => {
        tbody('terms').replaceChildren();
        tbody('user-themes').replaceChildren();
      },
    ),
};

const segmentNps = (s: string) =>
  api<{ points: NpsPoint[] }>(`/api/nps?segment=${q(s)}&window=all`).then((r) => r.points[0]);

const valuePanel: Panel = {
  name: 'value',
  load: () =>
    inPanel(
      'value',
      async () => {
        const [value, risk, retention] = await Promise.all([
          api<ValueView>('/api/value?limit=1'),
          api<RevenueAtRisk>('/api/value/revenue-at-risk'),
          api<Retention>('/api/retention?window=quarter'),
        ]);
        element('value-status').textContent = value.computedAt
          ? tr('valueComputed', { method: value.tiers.method ?? '', when: when(value.computedAt) })
          : tr('valueNotComputed');
        const tiers = value.tiers.classes;
        const tierNps = await Promise.all(tiers.map((t) => segmentNps(`value:${t.value}`)));
        tbody('tiers').replaceChildren(
          ...tiers.map((t, i) =>
            row([
              t.value,
              pctPoints(t.customerShare),
              pctPoints(t.revenueShare),
              fmt(tierNps[i]?.nps),
              int(tierNps[i]?.responses ?? 0),
            ]),
          ),
        );
        const loyalty = await Promise.all(['loyal', 'not'].map((l) => segmentNps(`loyalty:${l}`)));
        tbody('loyalty').replaceChildren(
          ...(['loyal', 'notLoyal'] as const).map((label, i) => {
            const p = loyalty[i];
            return row([tr(label), fmt(p?.nps), p ? intervalOf(p) : tr('none'), int(p?.responses ?? 0)]);
          }),
        );
        tbody('matrix').replaceChildren(
          ...value.matrix.map((c) =>
            row([
              c.value,
              tr(c.loyalty === 'loyal' ? 'loyal' : 'notLoyal'),
              int(c.customers),
              money(c.revenue),
              fmt(c.nps.nps),
              intervalOf(c.nps),
            ]),
          ),
        );
        element('risk').textContent = tr('revenueAtRisk', {
          atRisk: money(risk.atRisk),
          revenue: money(risk.revenue),
          share: pctPoints(risk.share),
          open: money(risk.withOpenCase),
        });
        const byClass = retention.churnByNpsClass;
        tbody('churn').replaceChildren(
          ...(['promoter', 'passive', 'detractor'] as const).map((c) =>
            row([
              tr(`${c}s` as Key),
              int(byClass[c].activeAtStart),
              int(byClass[c].lost),
              pctPoints(byClass[c].churnRate),
            ]),
          ),
        );
        const d = byClass.detractorsVsPromoters.difference;
        element('churn-difference').textContent = d
          ? tr('churnDifference', { points: fmt(d.points), low: fmt(d.low), high: fmt(d.high) })
          : '';
      },
      () => {
        for (const id of ['tiers', 'loyalty', 'matrix', 'churn']) tbody(id).replaceChildren();
        element('risk').textContent = '';
      },
    ),
};

const pair = (d: Durations) => (d.count ? `${fmt(d.p50)} / ${fmt(d.p90)}` : tr('none'));
const share = (x: number | null) =>
  x == null ? tr('none') : new Intl.NumberFormat(locale, { style: 'percent' }).format(x);

const followupPanel: Panel = {
  name: 'followup',
  load: () =>
    inPanel(
      'followup',
      async () => {
        const metrics = await api<CaseMetrics>('/api/cases/metrics');
        const figures = (label: string, f: CaseFigures) =>
          row([
            label,
            int(f.cases),
            pair(f.timeToAcknowledgeMinutes),
            pair(f.timeToFirstContactMinutes),
            tr('ofDue', { share: share(f.sla.share), due: int(f.sla.due) }),
            `${share(f.recovery.rate)} (${int(f.recovery.recovered)})`,
            int(f.escalated),
          ]);
        element('followupRange').textContent = tr('followupRange', {
          from: metrics.from ?? '',
          to: metrics.to ?? '',
          timeZone: metrics.timeZone,
        });
        tbody('followup').replaceChildren(
          figures('all', metrics.overall),
          ...metrics.byOwner.map((o) => figures(`owner:${o.ownerId}`, o)),
          ...metrics.bySegment.map((s) => figures(s.segment, s)),
        );
      },
      () => {
        element('followupRange').textContent = '';
        tbody('followup').replaceChildren();
      },
    ),
};

type CampaignRun = Run & { progress: RunProgress };

const runsPanel: Panel = {
  name: 'runs',
  load: () =>
    inPanel(
      'runs',
      async () => {
        const { campaigns } = await api<{ campaigns: Array<{ id: string; name?: string }> }>(
          '/api/campaigns?limit=10',
        );
        const details = await Promise.all(
          campaigns.map((c) => api<{ runs: CampaignRun[] }>(`/api/campaigns/${q(c.id)}?limit=5`)),
        );
        tbody('runs').replaceChildren(
          ...campaigns.flatMap((c, i) =>
            (details[i]?.runs ?? [])
              .slice()
              .reverse()
              .map((r) =>
                row([
                  c.name ?? c.id,
                  when(r.createdAt),
                  r.pausedReason ? tr('paused', { reason: r.pausedReason }) : r.status,
                  tr('progressText', {
                    sent: int(r.progress.sent),
                    recipients: int(r.progress.recipients),
                    queued: int(r.progress.queued),
                    deferred: int(r.progress.deferred),
                    suppressed: int(r.progress.suppressed),
                    failed: int(r.progress.failed),
                  }),
                  Object.entries(r.progress.reasons)
                    .map(([reason, n]) => `${reason} ${int(n)}`)
                    .join(', '),
                ]),
              ),
          ),
        );
      },
      () => tbody('runs').replaceChildren(),
    ),
};

const deadPanel = pagedPanel<Alert>({
  name: 'dead',
  path: () => `/api/alerts/dead?limit=${PAGE_SIZE}`,
  field: 'alerts',
  render: (items, body, fresh) => {
    if (fresh) body.replaceChildren();
    for (const a of items) {
      const cell = document.createElement('span');
      cell.append(
        actionButton('dead', tr('redeliver'), async () => {
          await api(`/api/alerts/${q(a.alertId)}/redeliver`, { method: 'POST' });
          cell.textContent = tr('redelivered');
        }),
      );
      body.append(row([a.alertId, a.ownerId, a.attempts, a.lastError, cell]));
    }
  },
});

const PANELS: Panel[] = [
  headlinePanel,
  trendPanel,
  segmentsPanel,
  casesPanel,
  winBacksPanel,
  responsesPanel,
  themesPanel,
  valuePanel,
  followupPanel,
  runsPanel,
  deadPanel,
];
/** What an account manager reads: their own segment's figures, comments and cases. */
const OWNER_PANELS = new Set(['headline', 'trend', 'segments', 'cases', 'winbacks', 'responses']);
const visiblePanels = () => (isOwner() ? PANELS.filter((p) => OWNER_PANELS.has(p.name)) : PANELS);

/**
 * Reads every visible panel at once, each on its own. A key the API refuses shows at the login (and
 * hides the panels); any other failure stays in the panel it happened in.
 */
async function load(): Promise<void> {
  element('error').textContent = '';
  keyRefused = undefined;
  for (const p of PANELS) element(`${p.name}-panel`).hidden = !visiblePanels().includes(p);
  await Promise.all(visiblePanels().map((p) => p.load()));
  if (keyRefused !== undefined && !session) {
    element('error').textContent = keyRefused;
    element('app').hidden = true;
    return;
  }
  element('app').hidden = false;
  redrawCharts();
}

const reload = (names: string[]) =>
  Promise.all(
    visiblePanels()
      .filter((p) => names.includes(p.name))
      .map((p) => p.load()),
  );

// ── Sign-in and controls ────────────────────────────────────────────────────────────────────────

/** Signed in already (a session cookie)? Then the page opens without a key. */
const readSession = async (): Promise<Me | undefined> => {
  const res = await fetch('/api/me', {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  }).catch(() => undefined);
  if (!res?.ok) return undefined;
  const me = (await res.json()) as Me;
  return me.csrfToken ? me : undefined;
};

const showSession = (me: Me) => {
  session = me;
  element('signin-forms').hidden = true;
  element('whoami').hidden = false;
  element('who').textContent = tr('signedInAs', { email: me.email ?? '', role: me.role });
  const input = element<HTMLInputElement>('segment');
  input.disabled = me.role === 'owner';
  if (me.role === 'owner' && me.ownerId) input.value = `owner:${me.ownerId}`;
};

element('login').addEventListener('submit', (event) => {
  event.preventDefault();
  key = element<HTMLInputElement>('key').value;
  sessionStorage.setItem(KEY_STORAGE, key);
  void load();
});
element('signin').addEventListener('submit', (event) => {
  event.preventDefault();
  const status = element('signin-status');
  void fetch('/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email: element<HTMLInputElement>('email').value }),
  }).then((res) => {
    status.textContent = res.ok ? tr('signInSent') : res.statusText;
  });
});
element('signout').addEventListener('click', () => {
  void api('/auth/sign-out', { method: 'POST' })
    .catch(() => undefined)
    .finally(() => location.reload());
});
element('lang').addEventListener('change', () => {
  locale = element<HTMLSelectElement>('lang').value;
  localStorage.setItem(LANG_STORAGE, locale);
  localizeStatic();
  if (session) showSession(session);
  if (!element('app').hidden) void load();
});
element('window').addEventListener('change', () => void reload(['headline', 'trend', 'segments', 'themes']));
element('segment').addEventListener(
  'change',
  () => void reload(['headline', 'trend', 'responses', 'themes']),
);
element('class').addEventListener('change', () => void reload(['responses']));
element('theme').addEventListener('change', () => void reload(['responses']));
addEventListener('resize', redrawCharts);
// The SLA countdowns move on by themselves.
setInterval(() => {
  for (const s of document.querySelectorAll<HTMLElement>('[data-due]')) countDown(s);
}, 60_000);

localizeStatic();
void readSession().then((me) => {
  if (me) {
    showSession(me);
    void load();
  } else if (key) {
    void load();
  }
});
