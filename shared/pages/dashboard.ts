import { layout, type Page } from './layout.ts';
import { browserScript, chartLibrary } from './vendor.ts';

/**
 * The dashboard: one static page; its code (shared/pages/browser/dashboard.ts) reads the admin API
 * with the key the user types in and fills these tables with textContent, never as HTML.
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
  const script = browserScript('dashboard');
  return layout({ title: 'nps-loop dashboard', body, script, wide: true, library: chartLibrary() });
};
