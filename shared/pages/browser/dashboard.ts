/**
 * The dashboard's code in the browser: reads the admin API with the key the user types in (kept in
 * this tab's sessionStorage only) and fills the page's tables and chart. Every value is inserted
 * with textContent, never as HTML. Bundled by esbuild (scripts/build-browser.ts) into one script
 * that the page inlines under its CSP nonce, after uPlot's own (the global `uPlot`).
 */
import type uPlotType from 'uplot';
import type { CaseFigures, Durations, readCaseMetrics } from '../../cases/metrics.ts';
import type { NpsPoint } from '../../rollup/read-nps.ts';
import type { Alert, Case, CaseStatus, Response } from '../../store/schemas.ts';

declare const uPlot: typeof uPlotType;

interface SegmentFigures extends NpsPoint {
  segment: string;
}
/** The shapes of /api/cases/metrics, as the server computes them. */
type CaseMetrics = Awaited<ReturnType<typeof readCaseMetrics>>;

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

/** A panel's own parts: its error line, and the button that reads its next page (if it pages). */
const panelPart = <T extends HTMLElement>(name: string, selector: string): T => {
  const found = element(`${name}-panel`).querySelector<T>(selector);
  if (!found) throw new Error(`panel ${name} has no ${selector}`);
  return found;
};
const panelError = (name: string) => panelPart<HTMLParagraphElement>(name, '.error');

const KEY_STORAGE = 'nps-admin-key';
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
  const res = await fetch(path, {
    ...init,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
  });
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new ApiError(body.error?.message ?? res.statusText, res.status);
  return body as T;
};

/** Set by a panel whose read was refused for the key: the login says so, instead of every panel. */
let keyRefused: string | undefined;

/**
 * Runs one panel's read. Its failure shows in that panel's error line only, so one failing API
 * never blanks the others; `onFailure` clears what the panel would otherwise show as current.
 */
const inPanel = async (name: string, read: () => Promise<void>, onFailure?: () => void): Promise<void> => {
  const error = panelError(name);
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
  /** Reads the panel afresh (a paged one from its first page); never rejects. */
  load: () => Promise<void>;
}

/**
 * A panel over a paged list route (`{<field>: [...], cursor}`): the first page on load, the next
 * one appended each time its button is pressed, the button shown only while a cursor is left.
 */
const pagedPanel = <T>(options: {
  name: string;
  path: () => string;
  field: string;
  render: (item: T, body: HTMLTableSectionElement) => void;
}): Panel => {
  const { name } = options;
  const more = panelPart<HTMLButtonElement>(name, 'button.more');
  let cursor: string | null = null;
  const read = async (from: string | null) => {
    const path = options.path();
    const page = await api<Record<string, unknown> & { cursor: string | null }>(
      from === null ? path : `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(from)}`,
    );
    const body = tbody(name);
    if (from === null) body.replaceChildren();
    for (const item of (page[options.field] ?? []) as T[]) options.render(item, body);
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
    load: () =>
      inPanel(
        name,
        () => read(null),
        () => {
          tbody(name).replaceChildren();
          more.hidden = true;
        },
      ),
  };
};

type Cell = string | number | boolean | null | undefined | Node;

/** A table row of these cells, each inserted as text (or as the node it is). */
const row = (cells: Cell[]): HTMLTableRowElement => {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell == null ? '' : String(cell);
    tr.append(td);
  }
  return tr;
};

const fmt = (x: number | null | undefined) => (x == null ? '—' : x.toFixed(1));
/** A figure's 95 % interval, and the API's lowN flag in words: below 30 answers NPS is too few to read. */
const intervalOf = (p: NpsPoint) => {
  const range = p.interval ? `${fmt(p.interval.low)} to ${fmt(p.interval.high)}` : '—';
  return p.lowN ? `${range} · too few to read` : range;
};
const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');
const monthOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 7);

let chart: uPlotType | undefined;

/** NPS per month as a line, its 95 % interval (as the API gives it, clipped) as the band around it. */
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
  const low = shown.map((p) => p.interval?.low ?? p.nps);
  const high = shown.map((p) => p.interval?.high ?? p.nps);
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
        { label: '95 % low', stroke: '#8c959f', dash: [4, 4], value: (_u, v) => fmt(v) },
        { label: '95 % high', stroke: '#8c959f', dash: [4, 4], value: (_u, v) => fmt(v) },
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

/**
 * What the owner can do next with a case: move it on, or tell the customer what was done. The
 * answer (the case as it now is) replaces the case's row where it stands, so the pages read so far
 * stay as they are; the follow-up figures, which the move changes, are read again.
 */
const caseActions = (c: Case): Node => {
  const actions = document.createElement('span');
  const act = (label: string, send: () => Promise<Case | undefined>) => {
    const b = document.createElement('button');
    b.textContent = label;
    b.addEventListener('click', () => {
      b.disabled = true;
      void inPanel('cases', async () => {
        const updated = await send();
        if (!updated) return;
        document.getElementById(`case=${c.caseId}`)?.replaceWith(caseRow(updated));
        await followupPanel.load();
      }).finally(() => {
        b.disabled = false;
      });
    });
    return b;
  };
  const next = NEXT_STATUS[c.status];
  if (next) {
    actions.append(
      act(`Mark ${next}`, async () => {
        const note = next === 'acknowledged' ? '' : (prompt(`Note for "${next}"`) ?? '');
        return api<Case>(`/api/cases/${encodeURIComponent(c.caseId)}`, {
          method: 'PATCH',
          body: JSON.stringify({ status: next, note, outcome: next === 'resolved' ? note : undefined }),
        });
      }),
    );
  } else if (c.followUp) {
    actions.textContent = `follow-up sent ${when(c.followUp.sentAt)}`;
  } else {
    actions.append(
      act('Send follow-up', async () => {
        const message = prompt('What we did, for the customer (empty: the outcome)', c.outcome ?? '');
        if (message === null) return undefined;
        return api<Case>(`/api/cases/${encodeURIComponent(c.caseId)}/follow-up`, {
          method: 'POST',
          body: JSON.stringify(message.trim() ? { message } : {}),
        });
      }),
    );
  }
  return actions;
};

function caseRow(c: Case): HTMLTableRowElement {
  const flags = [
    c.priority === 'high' ? 'high priority' : '',
    c.escalatedAt ? 'escalated' : '',
    c.recovered ? 'recovered' : '',
  ].filter(Boolean);
  const status = c.status + (flags.length ? ` (${flags.join(', ')})` : '');
  const tr = row([
    when(c.createdAt),
    c.customerId,
    c.score,
    c.comment,
    c.ownerId,
    status,
    when(c.slaDueAt),
    caseActions(c),
  ]);
  // The target of the `links.case` of a detractor alert (`/dashboard#case=<id>`).
  tr.id = `case=${c.caseId}`;
  return tr;
}

const pair = (d: Durations) => (d.count ? `${fmt(d.p50)} / ${fmt(d.p90)}` : '—');
const pct = (x: number | null) => (x == null ? '—' : `${Math.round(x * 100)}%`);

/** Pages of the lists: a screenful each; the rest is a press of the panel's button away. */
const PAGE_SIZE = 25;

const segmentsPanel = pagedPanel<SegmentFigures>({
  name: 'segments',
  path: () =>
    `/api/nps/segments?window=${encodeURIComponent(element<HTMLSelectElement>('window').value)}&limit=${PAGE_SIZE}`,
  field: 'segments',
  render: (s, body) =>
    body.append(
      row([s.segment, fmt(s.nps), intervalOf(s), s.responses, s.promoters, s.passives, s.detractors]),
    ),
});

const trendPanel: Panel = {
  load: () =>
    inPanel(
      'trend',
      async () => {
        const trend = await api<{ points: NpsPoint[] }>('/api/nps?segment=all&window=month');
        tbody('trend').replaceChildren(
          ...trend.points.map((p) => row([p.period, fmt(p.nps), intervalOf(p), p.responses])),
        );
        drawTrend(trend.points);
      },
      () => {
        tbody('trend').replaceChildren();
        drawTrend([]);
      },
    ),
};

const casesPanel = pagedPanel<Case>({
  name: 'cases',
  path: () => `/api/cases?limit=${PAGE_SIZE}`,
  field: 'cases',
  render: (c, body) => body.append(caseRow(c)),
});

const followupPanel: Panel = {
  load: () =>
    inPanel(
      'followup',
      async () => {
        const metrics = await api<CaseMetrics>('/api/cases/metrics');
        const figures = (label: string, f: CaseFigures) =>
          row([
            label,
            f.cases,
            pair(f.timeToAcknowledgeMinutes),
            pair(f.timeToFirstContactMinutes),
            `${pct(f.sla.share)} of ${f.sla.due}`,
            `${pct(f.recovery.rate)} (${f.recovery.recovered})`,
            f.escalated,
          ]);
        element('followupRange').textContent =
          `cases opened ${metrics.from} to ${metrics.to} (${metrics.timeZone})`;
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

const responsesPanel = pagedPanel<Response>({
  name: 'responses',
  path: () => `/api/responses?limit=${PAGE_SIZE}`,
  field: 'responses',
  render: (r, body) => {
    const segment = Object.entries(r.attributes)
      .map(([k, v]) => `${k}:${v}`)
      .join(' ');
    body.append(row([when(r.respondedAt), r.customerId, r.score, r.comment, segment]));
  },
});

const deadPanel = pagedPanel<Alert>({
  name: 'dead',
  path: () => `/api/alerts/dead?limit=${PAGE_SIZE}`,
  field: 'alerts',
  render: (a, body) => body.append(row([a.alertId, a.ownerId, a.attempts, a.lastError])),
});

const PANELS: Panel[] = [segmentsPanel, trendPanel, casesPanel, followupPanel, responsesPanel, deadPanel];

/**
 * Reads every panel at once, each on its own. A key the API refuses shows at the login (and hides
 * the panels); any other failure stays in the panel it happened in.
 */
async function load(): Promise<void> {
  element('error').textContent = '';
  keyRefused = undefined;
  await Promise.all(PANELS.map((p) => p.load()));
  if (keyRefused !== undefined) {
    element('error').textContent = keyRefused;
    element('app').hidden = true;
    return;
  }
  element('app').hidden = false;
}

element('login').addEventListener('submit', (event) => {
  event.preventDefault();
  key = element<HTMLInputElement>('key').value;
  sessionStorage.setItem(KEY_STORAGE, key);
  void load();
});
element('window').addEventListener('change', () => void segmentsPanel.load());
if (key) void load();
