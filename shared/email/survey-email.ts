import { escapeHtml, singleLine } from './escape.ts';
import { messagesFor, withBrand } from './messages.ts';

export interface SurveyEmailInput {
  publicUrl: string;
  token: string;
  brand: string;
  name?: string | undefined;
  locale?: string | undefined;
  /** Custom wording; `{brand}` is replaced. */
  question?: string | undefined;
  /** The one reminder to someone who has not answered: same links, its own subject and opening line. */
  reminder?: boolean;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Bulk mail to customers carries one-click unsubscribe; internal mail to owners does not. */
  unsubscribeUrl?: string;
}

const scoreUrl = (publicUrl: string, token: string, score: number) =>
  `${publicUrl}/s/${encodeURIComponent(token)}?score=${score}`;

export const unsubscribeUrl = (publicUrl: string, token: string) =>
  `${publicUrl}/u/${encodeURIComponent(token)}`;

/**
 * The visible unsubscribe link every email to a customer ends with (beside List-Unsubscribe), and
 * the end of the email's layout.
 */
export const unsubscribeFooter = (unsub: string, label: string) =>
  `<p style="font-size:12px;color:#57606a"><a href="${escapeHtml(unsub)}" style="color:#57606a">${escapeHtml(label)}</a></p>
</td></tr></table>
</body></html>`;

/** The honeypot link: followed only by mail scanners that open every link (shared/survey/scanner.ts). */
export const honeypotUrl = (publicUrl: string, token: string) =>
  `${publicUrl}/s/${encodeURIComponent(token)}/check`;

/**
 * A link no person meets: not displayed (also for Outlook's `mso-hide`), no size, no text for a
 * screen reader to read, hidden from assistive technology and out of the tab order — yet in the
 * HTML, first of all the links, so a scanner crawling the links fetches it before the scores.
 */
const honeypotLink = (url: string) =>
  `<div style="display:none;mso-hide:all;max-height:0;overflow:hidden;font-size:0;line-height:0" aria-hidden="true">` +
  `<a href="${escapeHtml(url)}" tabindex="-1" aria-hidden="true" style="display:none;font-size:0;line-height:0;color:transparent;text-decoration:none"></a></div>`;

/**
 * One neutral colour for every score: colouring 0–6 red and 9–10 green tells the customer which
 * answer is wanted, and steers it.
 */
const SCORE_COLOR = '#0550ae';

/**
 * The survey email: the question and the 0–10 scale as eleven links, in HTML and plain text.
 * Every customer- or admin-supplied string is escaped; subject and text are kept to one line each.
 */
export const renderSurveyEmail = (input: SurveyEmailInput): RenderedEmail => {
  const m = messagesFor(input.locale);
  const brand = singleLine(input.brand);
  const name = input.name ? singleLine(input.name) : undefined;
  const questionText = input.question
    ? withBrand(singleLine(input.question), brand)
    : m.t('question', { brand });
  const greetingText = name ? m.t('greeting', { name }) : m.t('greetingAnonymous');
  const unsub = unsubscribeUrl(input.publicUrl, input.token);
  const subject = m.t(input.reminder ? 'reminderSubject' : 'subject', { brand });
  const intro = input.reminder ? [m.t('reminderIntro')] : [];
  const scores = Array.from({ length: 11 }, (_, s) => s);

  // Eleven equal cells of a full-width fixed table: the row shrinks with the screen instead of
  // pushing it sideways (at 320 px each target is still 24 px wide and 36 px high). Font size and
  // weight come before line-height and are set one by one: a `font` shorthand after it resets it.
  const cells = scores
    .map(
      (s) =>
        `<td style="padding:1px;width:9%"><a href="${escapeHtml(scoreUrl(input.publicUrl, input.token, s))}" ` +
        `aria-label="${escapeHtml(m.t('scoreLabel', { score: String(s) }))}" ` +
        `style="display:block;font-family:sans-serif;font-size:15px;font-weight:bold;line-height:36px;` +
        `text-align:center;border-radius:6px;border:1px solid ${SCORE_COLOR};color:${SCORE_COLOR};text-decoration:none">${s}</a></td>`,
    )
    .join('');

  const html = `<!doctype html>
<html lang="${escapeHtml(m.locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:4px;background:#f6f8fa;font-family:sans-serif;color:#1f2328">
${honeypotLink(honeypotUrl(input.publicUrl, input.token))}
<table role="presentation" width="100%" style="max-width:560px;margin:auto;background:#fff;border-radius:8px;padding:10px">
<tr><td>
<p>${escapeHtml(greetingText)}</p>
${intro.map((line) => `<p>${escapeHtml(line)}</p>\n`).join('')}<p style="font-size:18px;font-weight:bold">${escapeHtml(questionText)}</p>
<table role="presentation" width="100%" style="table-layout:fixed;border-collapse:collapse"><tr>${cells}</tr></table>
<table role="presentation" style="width:100%;font-size:12px;color:#57606a"><tr><td>0 = ${escapeHtml(m.t('notLikely'))}</td><td style="text-align:right">10 = ${escapeHtml(m.t('veryLikely'))}</td></tr></table>
<p style="font-size:13px;color:#57606a">${escapeHtml(m.t('clickHint'))}</p>
${unsubscribeFooter(unsub, m.t('unsubscribe'))}`;

  const text = [
    greetingText,
    '',
    ...intro.flatMap((line) => [line, '']),
    questionText,
    `0 = ${m.t('notLikely')}, 10 = ${m.t('veryLikely')}`,
    '',
    ...scores.map((s) => `${String(s).padStart(2)}: ${scoreUrl(input.publicUrl, input.token, s)}`),
    '',
    `${m.t('unsubscribe')}: ${unsub}`,
  ].join('\n');

  return { subject, html, text, unsubscribeUrl: unsub };
};
