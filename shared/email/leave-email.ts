import { LEAVE_REASONS, type LeaveReason, leaveReasonKey } from '../winback/reasons.ts';
import { escapeHtml, singleLine } from './escape.ts';
import { messagesFor } from './messages.ts';
import { type RenderedEmail, unsubscribeFooter, unsubscribeUrl } from './survey-email.ts';

export interface LeaveEmailInput {
  publicUrl: string;
  /** The customer's survey token: the page's link, and its unsubscribe link stops every survey. */
  token: string;
  brand: string;
  name?: string | undefined;
  locale?: string | undefined;
}

/**
 * The "why did you leave?" page; a reason in the link only preselects it there — opening the link
 * records nothing (mail scanners open every link), the person sends the form.
 */
export const leaveUrl = (publicUrl: string, token: string, reason?: LeaveReason): string =>
  `${publicUrl}/leave/${encodeURIComponent(token)}${reason ? `?reason=${reason}` : ''}`;

/** Neutral, as in the survey email: no reason may look like the wanted one. */
const LINK_COLOR = '#0550ae';

/**
 * One short email to a lost customer: why did you leave? One link per reason, stacked full width
 * (a 44 px tap target on a 320 px screen), and a link to the page for those who would rather write.
 * Every customer- or brand-supplied string is escaped; the subject is one line.
 */
export const renderLeaveEmail = (input: LeaveEmailInput): RenderedEmail => {
  const m = messagesFor(input.locale);
  const brand = singleLine(input.brand);
  const name = input.name ? singleLine(input.name) : undefined;
  const greeting = name ? m.t('greeting', { name }) : m.t('greetingAnonymous');
  const intro = m.t('leaveIntro', { brand });
  const ask = m.t('leaveAsk');
  const subject = singleLine(m.t('leaveSubject', { brand }));
  const page = leaveUrl(input.publicUrl, input.token);
  const unsub = unsubscribeUrl(input.publicUrl, input.token);
  const reasons = LEAVE_REASONS.map((reason) => ({
    label: m.t(leaveReasonKey(reason)),
    url: leaveUrl(input.publicUrl, input.token, reason),
  }));

  // Font size and weight come before line-height and are set one by one: a `font` shorthand after
  // it resets it.
  const rows = reasons
    .map(
      ({ label, url }) =>
        `<tr><td style="padding:4px 0"><a href="${escapeHtml(url)}" ` +
        `style="display:block;font-family:sans-serif;font-size:15px;font-weight:bold;line-height:24px;padding:10px 12px;` +
        `border-radius:6px;border:1px solid ${LINK_COLOR};color:${LINK_COLOR};text-decoration:none">${escapeHtml(label)}</a></td></tr>`,
    )
    .join('');

  const html = `<!doctype html>
<html lang="${escapeHtml(m.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:4px;background:#f6f8fa;font-family:sans-serif;color:#1f2328">
<table role="presentation" width="100%" style="max-width:560px;margin:auto;background:#fff;border-radius:8px;padding:10px">
<tr><td>
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(intro)}</p>
<p style="font-weight:bold">${escapeHtml(ask)}</p>
<table role="presentation" width="100%" style="border-collapse:collapse">${rows}</table>
<p><a href="${escapeHtml(page)}" style="color:${LINK_COLOR}">${escapeHtml(m.t('leaveOpenPage'))}</a></p>
<p>${escapeHtml(brand)}</p>
${unsubscribeFooter(unsub, m.t('unsubscribe'))}`;

  const text = [
    greeting,
    '',
    intro,
    ask,
    '',
    ...reasons.map(({ label, url }) => `${label}: ${url}`),
    '',
    `${m.t('leaveOpenPage')}: ${page}`,
    '',
    brand,
    '',
    `${m.t('unsubscribe')}: ${unsub}`,
  ].join('\n');

  return { subject, html, text, unsubscribeUrl: unsub };
};
