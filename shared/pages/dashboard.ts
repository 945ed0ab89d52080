import { layout, type Page } from './layout.ts';
import { chartLibrary } from './vendor.ts';

/**
 * The dashboard: one static page that reads the admin API with the key the user types in (kept in
 * this tab's sessionStorage only). All data is inserted with textContent, never as HTML.
 */
export const dashboardPage = (): Page => {
  const body = `
<h1>nps-loop dashboard</h1>
<form id="login"><label>Admin key <input id="key" type="password" autocomplete="off" required></label> <button>Open</button></form>
<p id="error" class="error" role="alert"></p>
<section id="app" hidden>
  <h2>NPS by segment <select id="window"><option value="all">all time</option><option value="month">this month</option><option value="quarter">this quarter</option><option value="week">this week</option><option value="day">today</option></select></h2>
  <table id="segments"><thead><tr><th>Segment</th><th>NPS</th><th>±</th><th>Responses</th><th>Promoters</th><th>Passives</th><th>Detractors</th></tr></thead><tbody></tbody></table>
  <h2>Monthly NPS (all customers)</h2>
  <div id="trendChart" role="img" aria-label="Monthly NPS with its 95 % margin of error"></div>
  <table id="trend"><thead><tr><th>Month</th><th>NPS</th><th>±</th><th>Responses</th></tr></thead><tbody></tbody></table>
  <h2>Detractor cases</h2>
  <table id="cases"><thead><tr><th>Opened</th><th>Customer</th><th>Score</th><th>Comment</th><th>Owner</th><th>Status</th><th>Due</th><th></th></tr></thead><tbody></tbody></table>
  <h2>Follow-up</h2>
  <table id="followup"><thead><tr><th>Cases of</th><th>Cases</th><th>Acknowledge p50 / p90 (min)</th><th>First contact p50 / p90 (min)</th><th>Acknowledged within SLA</th><th>Recovered</th><th>Escalated</th></tr></thead><tbody></tbody></table>
  <h2>Latest responses</h2>
  <table id="responses"><thead><tr><th>When</th><th>Customer</th><th>Score</th><th>Comment</th><th>Segment</th></tr></thead><tbody></tbody></table>
  <h2>Undeliverable alerts</h2>
  <table id="dead"><thead><tr><th>Alert</th><th>Owner</th><th>Attempts</th><th>Last error</th></tr></thead><tbody></tbody></table>
</section>`;
  const script = `
const $ = (id) => document.getElementById(id);
let key = sessionStorage.getItem('nps-admin-key') || '';
async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json', accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body.error && body.error.message) || res.statusText);
  return body;
}
function row(tbody, cells) {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement('td'); if (c instanceof Node) td.append(c); else td.textContent = c == null ? '' : String(c); tr.append(td); }
  tbody.append(tr);
  return tr;
}
const fmt = (x) => (x == null ? '—' : x.toFixed(1));
let chart;
/** NPS per month as a line, its margin of error as the band around it (uPlot). */
function drawTrend(points) {
  if (chart) chart.destroy();
  chart = undefined;
  const shown = points.filter((p) => p.nps != null);
  if (shown.length === 0) return;
  const x = shown.map((p) => Date.UTC(Number(p.period.slice(0, 4)), Number(p.period.slice(5, 7)) - 1, 1) / 1000);
  const nps = shown.map((p) => p.nps);
  const low = shown.map((p) => Math.max(-100, p.nps - (p.marginOfError || 0)));
  const high = shown.map((p) => Math.min(100, p.nps + (p.marginOfError || 0)));
  const width = Math.max(320, $('trendChart').clientWidth || 900);
  chart = new uPlot({
    width, height: 240,
    // Half a month either side of the data, one tick per month shown: a single month is a point
    // in the middle, not a dot at the edge of an automatic three-year axis.
    scales: { x: { time: true, range: () => [x[0] - 16 * 86400, x[x.length - 1] + 16 * 86400] }, y: { range: [-100, 100] } },
    series: [
      { value: (u, t) => (t == null ? '' : new Date(t * 1000).toISOString().slice(0, 7)) },
      { label: 'NPS', stroke: '#0969da', width: 2, points: { show: true }, value: (u, v) => fmt(v) },
      { label: '−margin', stroke: '#8c959f', dash: [4, 4], value: (u, v) => fmt(v) },
      { label: '+margin', stroke: '#8c959f', dash: [4, 4], value: (u, v) => fmt(v) },
    ],
    bands: [{ series: [3, 2], fill: 'rgba(9,105,218,0.08)' }],
    axes: [{ splits: () => x, values: (u, ts) => ts.map((t) => new Date(t * 1000).toISOString().slice(0, 7)) }, {}],
  }, [x, nps, low, high], $('trendChart'));
}
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
async function load() {
  $('error').textContent = '';
  try {
    const w = $('window').value;
    const [segments, trend, cases, responses, dead, metrics] = await Promise.all([
      api('/api/nps/segments?window=' + w), api('/api/nps?segment=all&window=month'), api('/api/cases'),
      api('/api/responses?limit=25'), api('/api/alerts/dead'), api('/api/cases/metrics'),
    ]);
    for (const id of ['segments', 'trend', 'cases', 'responses', 'dead', 'followup']) $(id).tBodies[0].replaceChildren();
    for (const s of segments.segments) row($('segments').tBodies[0], [s.segment, fmt(s.nps), fmt(s.marginOfError), s.responses, s.promoters, s.passives, s.detractors]);
    for (const p of trend.points) row($('trend').tBodies[0], [p.period, fmt(p.nps), fmt(p.marginOfError), p.responses]);
    $('app').hidden = false;
    drawTrend(trend.points);
    for (const c of cases.cases) {
      const actions = document.createElement('span');
      const next = { open: 'acknowledged', acknowledged: 'contacted', contacted: 'resolved' }[c.status];
      if (next) {
        const b = document.createElement('button');
        b.textContent = 'Mark ' + next;
        b.addEventListener('click', async () => {
          const note = next === 'acknowledged' ? '' : prompt('Note for "' + next + '"') || '';
          await api('/api/cases/' + encodeURIComponent(c.caseId), { method: 'PATCH', body: JSON.stringify({ status: next, note, outcome: next === 'resolved' ? note : undefined }) }).catch((e) => { $('error').textContent = e.message; });
          load();
        });
        actions.append(b);
      } else if (c.followUp) {
        actions.textContent = 'follow-up sent ' + when(c.followUp.sentAt);
      } else {
        const b = document.createElement('button');
        b.textContent = 'Send follow-up';
        b.addEventListener('click', async () => {
          const message = prompt('What we did, for the customer (empty: the outcome)', c.outcome || '');
          if (message === null) return;
          await api('/api/cases/' + encodeURIComponent(c.caseId) + '/follow-up', { method: 'POST', body: JSON.stringify(message.trim() ? { message } : {}) }).catch((e) => { $('error').textContent = e.message; });
          load();
        });
        actions.append(b);
      }
      const flags = [c.priority === 'high' ? 'high priority' : '', c.escalatedAt ? 'escalated' : '', c.recovered ? 'recovered' : ''].filter(Boolean);
      const status = c.status + (flags.length ? ' (' + flags.join(', ') + ')' : '');
      const tr = row($('cases').tBodies[0], [when(c.createdAt), c.customerId, c.score, c.comment, c.ownerId, status, when(c.slaDueAt), actions]);
      tr.id = 'case=' + c.caseId;
    }
    const pair = (d) => (d.count ? fmt(d.p50) + ' / ' + fmt(d.p90) : '—');
    const pct = (x) => (x == null ? '—' : Math.round(x * 100) + '%');
    const figures = (label, f) => row($('followup').tBodies[0], [label, f.cases, pair(f.timeToAcknowledgeMinutes), pair(f.timeToFirstContactMinutes), pct(f.sla.share) + ' of ' + f.sla.due, pct(f.recovery.rate) + ' (' + f.recovery.recovered + ')', f.escalated]);
    figures('all', metrics.overall);
    for (const o of metrics.byOwner) figures('owner:' + o.ownerId, o);
    for (const s of metrics.bySegment) figures(s.segment, s);
    for (const r of responses.responses) row($('responses').tBodies[0], [when(r.respondedAt), r.customerId, r.score, r.comment, Object.entries(r.attributes).map(([k, v]) => k + ':' + v).join(' ')]);
    for (const a of dead.alerts) row($('dead').tBodies[0], [a.alertId, a.ownerId, a.attempts, a.lastError]);
    $('app').hidden = false;
  } catch (e) { $('error').textContent = e.message; }
}
$('login').addEventListener('submit', (e) => { e.preventDefault(); key = $('key').value; sessionStorage.setItem('nps-admin-key', key); load(); });
$('window').addEventListener('change', load);
if (key) load();
`;
  return layout({ title: 'nps-loop dashboard', body, script, wide: true, library: chartLibrary() });
};
