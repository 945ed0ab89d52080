import { escapeHtml, singleLine } from '../email/escape.ts';
import { messagesFor } from '../email/messages.ts';
import type { RenderedEmail } from '../email/survey-email.ts';
import { type DetractorAlert, segmentLine } from './payload.ts';

/**
 * The detractor alert as an email to the account owner (an internal message: no unsubscribe), in
 * the owner's locale (the catalogs of shared/i18n; en when the owner has none).
 */
export const renderAlertEmail = (alert: DetractorAlert, ownerLocale?: string): RenderedEmail => {
  const m = messagesFor(ownerLocale);
  const who = singleLine(alert.customer.name ?? alert.customer.id);
  const headline = m.t(alert.type === 'detractor.created' ? 'alertCreated' : 'alertUpdated', {
    customer: who,
    score: alert.response.score,
  });
  const facts: Array<[string, string]> = [
    [m.t('alertScore'), `${alert.response.score}/10`],
    [m.t('alertCustomer'), `${who}${alert.customer.email ? ` <${alert.customer.email}>` : ''}`],
    [m.t('alertSegment'), segmentLine(alert)],
    [m.t('alertCaseStatus'), m.t('caseStatus', { status: alert.case.status })],
    [m.t('alertFollowUpBy'), alert.case.slaDueAt],
  ];
  const html = `<!doctype html><html lang="${escapeHtml(m.locale)}"><body style="font-family:sans-serif;color:#1f2328">
<h2>${escapeHtml(headline)}</h2>
<table>${facts.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p><strong>${escapeHtml(m.t('alertComment'))}</strong><br>${alert.response.comment ? escapeHtml(alert.response.comment).replace(/\n/g, '<br>') : `<em>${escapeHtml(m.t('alertNoComment'))}</em>`}</p>
<p><a href="${escapeHtml(alert.links.case)}">${escapeHtml(m.t('alertOpenCase'))}</a></p>
</body></html>`;
  const text = [
    headline,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    `${m.t('alertComment')}: ${alert.response.comment ?? `(${m.t('alertNoComment')})`}`,
    '',
    `${m.t('alertOpenCase')}: ${alert.links.case}`,
  ].join('\n');
  return { subject: headline, html, text };
};
