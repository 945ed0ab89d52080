import en from '../i18n/dashboard/en.json' with { type: 'json' };
import { layout, type Page } from './layout.ts';
import { browserScript, chartLibrary } from './vendor.ts';

/** A key of the dashboard's message catalogs (shared/i18n/dashboard/<locale>.json). */
export type DashboardKey = keyof typeof en;

/**
 * Text the page's script fills in from the catalog of the reader's language (`data-i18n`); the
 * English is in the HTML already, so the page reads right before the script has run.
 */
const t = (key: DashboardKey, tag = 'span') => `<${tag} data-i18n="${key}">${en[key]}</${tag}>`;

/** A table whose headings are catalog keys, in a box that scrolls sideways on a phone (the page does not). */
const table = (id: string, headings: readonly DashboardKey[], caption?: DashboardKey) =>
  `<div class="scroll"><table id="${id}">${caption ? `<caption>${t(caption)}</caption>` : ''}<thead><tr>${headings
    .map((h) => `<th scope="col" data-key="${h}">${t(h)}</th>`)
    .join('')}</tr></thead><tbody></tbody></table></div>`;

/**
 * One panel of the dashboard: its heading, its own error line (a panel that fails to load says so
 * here and nowhere else), its content and, for a paged list, the button that reads the next page.
 * `admin`: only admins see it (an account manager's session hides it).
 */
const panel = (
  name: string,
  heading: string,
  content: string,
  options: { more?: DashboardKey; admin?: boolean } = {},
) => `
  <section id="${name}-panel" class="panel"${options.admin ? ' data-admin' : ''} aria-labelledby="${name}-heading">
    <h2 id="${name}-heading">${heading}</h2>
    <p class="error" role="alert"></p>
    ${content}${options.more ? `\n    <button type="button" class="more" hidden>${t(options.more)}</button>` : ''}
  </section>`;

const select = (id: string, label: DashboardKey, options: Array<[string, DashboardKey]>) =>
  `<label for="${id}">${t(label)}</label> <select id="${id}">${options
    .map(([value, key]) => `<option value="${value}" data-i18n="${key}">${en[key]}</option>`)
    .join('')}</select>`;

const STYLE = `
header.top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
header.top h1{margin:0}
.controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;margin:12px 0}
.controls input,.controls select,#login input,#signin input{font:inherit;padding:4px 6px;max-width:100%}
.panel{border-top:1px solid #d0d7de;padding-top:8px;margin-top:16px}
.scroll{overflow-x:auto;max-width:100%}
.big{font-size:40px;font-weight:bold;margin:0}
.low{color:#9a6700}
.significant{color:#1a7f37}
th[data-key]{cursor:pointer;white-space:nowrap}
th[aria-sort=ascending]::after{content:" ▲"}
th[aria-sort=descending]::after{content:" ▼"}
.overdue{color:#cf222e;font-weight:bold}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:16px}
.chart{min-height:200px;max-width:100%;overflow:hidden}
caption{text-align:left;font-weight:bold;padding:4px 0}
form{margin:8px 0}
@media (max-width:600px){main,main.wide{margin:0;border-radius:0;padding:12px}.big{font-size:32px}}
`;

/**
 * The dashboard: one static page; its code (shared/pages/browser/dashboard.ts) reads the API — with
 * the signed-in session, or with the admin key the user types in — and fills the panels with
 * textContent, never as HTML, in English or Chinese (the browser's language, or the switch).
 */
export const dashboardPage = (): Page => {
  const body = `
<header class="top">
  <h1>${t('title', 'span')}</h1>
  <div><label for="lang">${t('language')}</label> <select id="lang"><option value="en">English</option><option value="zh-CN">中文</option></select></div>
</header>
<p id="whoami" class="muted" hidden><span id="who"></span> <button type="button" id="signout">${t('signOut')}</button></p>
<div id="signin-forms">
<form id="signin"><label for="email">${t('signInEmail')}</label> <input id="email" type="email" autocomplete="email" required> <button>${t('signInSend')}</button></form>
<p id="signin-status" class="muted" role="status"></p>
<form id="login"><label for="key">${t('adminKey')}</label> <input id="key" type="password" autocomplete="off" required> <button>${t('open')}</button></form>
</div>
<p id="error" class="error" role="alert"></p>
<section id="app" hidden>
<div class="controls">
  <span>${select('window', 'period', [
    ['month', 'window_month'],
    ['week', 'window_week'],
    ['quarter', 'window_quarter'],
    ['all', 'window_all'],
  ])}</span>
  <span><label for="segment">${t('segment')}</label> <input id="segment" list="segment-list" value="all" size="18"><datalist id="segment-list"></datalist></span>
</div>
<div class="grid">${panel(
    'headline',
    `<span id="headline-title">${en.headline.replace('{days}', '30')}</span>`,
    `<p id="headline-nps" class="big"></p><p id="headline-figure"></p><p id="headline-change"></p>`,
  )}${panel(
    'distribution',
    t('distribution'),
    `<div id="distributionChart" class="chart" role="img" aria-label="${en.distributionLabel}" data-i18n-label="distributionLabel"></div>
    ${table('distribution', ['score', 'answers'])}`,
  )}</div>${panel(
    'trend',
    `<span id="trend-title">${en.trend.replace('{segment}', 'all')}</span>`,
    `<div id="trendChart" class="chart" role="img" aria-label="${en.trendLabel}" data-i18n-label="trendLabel"></div>
    ${table('trend', ['periodColumn', 'nps', 'interval', 'responses'])}`,
  )}${panel(
    'segments',
    t('segments'),
    `<p class="muted">${t('segmentsSortHint')}</p>${table('segments', [
      'segment',
      'nps',
      'interval',
      'responses',
      'promoters',
      'passives',
      'detractors',
    ])}`,
    { more: 'moreSegments' },
  )}${panel(
    'cases',
    t('cases'),
    table('cases', ['opened', 'customer', 'score', 'comment', 'owner', 'status', 'due', 'actions']),
    { more: 'moreCases' },
  )}${panel(
    'winbacks',
    t('winBacks'),
    table('winbacks', [
      'lostOn',
      'customer',
      'tier',
      'priority',
      'owner',
      'status',
      'due',
      'reason',
      'actions',
    ]),
    { more: 'moreWinBacks' },
  )}${panel(
    'responses',
    t('comments'),
    `<div class="controls">${select('class', 'class', [
      ['', 'classAll'],
      ['detractor', 'classDetractor'],
      ['passive', 'classPassive'],
      ['promoter', 'classPromoter'],
    ])} <label for="theme">${t('theme')}</label> <select id="theme"><option value="" data-i18n="themeAll">${en.themeAll}</option></select></div>
    ${table('responses', ['when', 'customer', 'score', 'comment', 'segment'])}`,
    { more: 'moreComments' },
  )}${panel(
    'themes',
    t('themes'),
    `<div class="grid">${table('terms', ['term', 'detractors', 'promoters', 'lift'])}${table(
      'user-themes',
      ['themeName', 'responses', 'nps', 'interval'],
      'userThemes',
    )}</div>`,
  )}${panel(
    'value',
    t('value'),
    `<p id="value-status" class="muted"></p>
    <div class="grid">${table('tiers', ['tier', 'customerShare', 'revenueShare', 'nps', 'responses'])}${table(
      'loyalty',
      ['loyalty', 'nps', 'interval', 'responses'],
    )}</div>
    ${table('matrix', ['tier', 'loyalty', 'customers', 'revenue', 'nps', 'interval'], 'matrix')}
    <p id="risk"></p>
    ${table('churn', ['class', 'activeAtStart', 'lost', 'churnRate'], 'churnByClass')}
    <p id="churn-difference"></p>`,
    { admin: true },
  )}${panel(
    'followup',
    `${t('followup')} <span id="followupRange" class="muted"></span>`,
    table('followup', [
      'casesOf',
      'cases',
      'ackTimes',
      'contactTimes',
      'withinSla',
      'recoveredColumn',
      'escalatedColumn',
    ]),
    { admin: true },
  )}${panel('runs', t('runs'), table('runs', ['campaign', 'run', 'status', 'progress', 'skipped']), { admin: true })}${panel(
    'dead',
    t('dead'),
    table('dead', ['alert', 'owner', 'attempts', 'lastError', 'actions']),
    { more: 'moreAlerts', admin: true },
  )}
</section>`;
  const library = chartLibrary();
  return layout({
    title: en.title,
    body,
    script: browserScript('dashboard'),
    wide: true,
    library: { script: library.script, css: library.css + STYLE },
  });
};
