import { escapeHtml, singleLine } from '../email/escape.ts';
import type { RenderedEmail } from '../email/survey-email.ts';
import { alertHeadline, type DetractorAlert, segmentLine } from './payload.ts';

/** The detractor alert as an email to the account owner (an internal message: no unsubscribe). */
export const renderAlertEmail = (alert: DetractorAlert): RenderedEmail => {
  const who = singleLine(alert.customer.name ?? alert.customer.id);
  const headline = alertHeadline(alert);
  const facts: Array<[string, string]> = [
    ['Score', `${alert.response.score}/10`],
    ['Customer', `${who}${alert.customer.email ? ` <${alert.customer.email}>` : ''}`],
    ['Segment', segmentLine(alert)],
    ['Case status', alert.case.status],
    ['Follow up by', alert.case.slaDueAt],
  ];
  const html = `<!doctype html><html><body style="font-family:sans-serif;color:#1f2328">
<h2>${escapeHtml(headline)}</h2>
<table>${facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p><strong>Comment</strong><br>${alert.response.comment ? escapeHtml(alert.response.comment).replace(/\n/g, '<br>') : '<em>none</em>'}</p>
<p><a href="${escapeHtml(alert.links.case)}">Open the case</a></p>
</body></html>`;
  const text = [
    headline,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `Comment: ${alert.response.comment ?? '(none)'}`,
    '',
    `Open the case: ${alert.links.case}`,
  ].join('\n');
  return { subject: headline, html, text };
};
