import { layout, type Page } from './layout.ts';
import { browserScript, chartLibrary } from './vendor.ts';

const table = (id: string, headings: readonly string[]) =>
  `<table id="${id}"><thead><tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody></tbody></table>`;

/**
 * One panel of the dashboard: its heading, its own error line (a panel that fails to load says so
 * here and nowhere else), its content and, for a paged list, the button that reads the next page.
 */
const panel = (name: string, heading: string, content: string, more?: string) => `
  <section id="${name}-panel">
    <h2>${heading}</h2>
    <p class="error" role="alert"></p>
    ${content}${more ? `\n    <button type="button" class="more" hidden>${more}</button>` : ''}
  </section>`;

/**
 * The dashboard: one static page; its code (shared/pages/browser/dashboard.ts) reads the admin API
 * with the key the user types in and fills these tables with textContent, never as HTML.
 */
export const dashboardPage = (): Page => {
  const windowSelect =
    '<select id="window"><option value="all">all time</option><option value="month">this month</option><option value="quarter">this quarter</option><option value="week">this week</option><option value="day">today</option></select>';
  const body = `
<h1>nps-loop dashboard</h1>
<form id="login"><label>Admin key <input id="key" type="password" autocomplete="off" required></label> <button>Open</button></form>
<p id="error" class="error" role="alert"></p>
<section id="app" hidden>${panel(
    'segments',
    `NPS by segment ${windowSelect}`,
    table('segments', [
      'Segment',
      'NPS',
      '95 % interval',
      'Responses',
      'Promoters',
      'Passives',
      'Detractors',
    ]),
    'More segments',
  )}${panel(
    'trend',
    'Monthly NPS (all customers)',
    `<div id="trendChart" role="img" aria-label="Monthly NPS with its 95 % interval"></div>
    ${table('trend', ['Month', 'NPS', '95 % interval', 'Responses'])}`,
  )}${panel(
    'cases',
    'Detractor cases',
    table('cases', ['Opened', 'Customer', 'Score', 'Comment', 'Owner', 'Status', 'Due', '']),
    'More cases',
  )}${panel(
    'followup',
    'Follow-up <span id="followupRange" class="muted"></span>',
    table('followup', [
      'Cases of',
      'Cases',
      'Acknowledge p50 / p90 (min)',
      'First contact p50 / p90 (min)',
      'Acknowledged within SLA',
      'Recovered',
      'Escalated',
    ]),
  )}${panel(
    'responses',
    'Latest responses',
    table('responses', ['When', 'Customer', 'Score', 'Comment', 'Segment']),
    'More responses',
  )}${panel(
    'dead',
    'Undeliverable alerts',
    table('dead', ['Alert', 'Owner', 'Attempts', 'Last error']),
    'More alerts',
  )}
</section>`;
  const script = browserScript('dashboard');
  return layout({ title: 'nps-loop dashboard', body, script, wide: true, library: chartLibrary() });
};
