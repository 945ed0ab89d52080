import { escapeHtml } from '../email/escape.ts';
import { messagesFor } from '../email/messages.ts';
import { LEAVE_REASONS, type LeaveReason, leaveReasonKey } from '../winback/reasons.ts';
import { layout, type Page } from './layout.ts';
import { messagePage } from './survey-pages.ts';

/**
 * The "why did you leave?" page: the reasons as radios, a comment, a button. A GET never records
 * anything (mail scanners open every link): the reason in the email's link is only `selected`
 * here, and the person sends the form. No script: a plain form post. `answered` says their answer
 * came (given back as `selected` and `comment`) and may be changed.
 */
export const leavePage = (opts: {
  token: string;
  brand: string;
  locale?: string | undefined;
  selected?: LeaveReason | undefined;
  comment?: string | undefined;
  answered?: boolean;
}): Page => {
  const m = messagesFor(opts.locale);
  const question = m.t('leaveQuestion', { brand: opts.brand });
  const action = `/leave/${encodeURIComponent(opts.token)}`;
  const radios = LEAVE_REASONS.map((reason) => {
    const id = `reason-${reason}`;
    const checked = reason === opts.selected ? ' checked' : '';
    return `  <p><input type="radio" id="${id}" name="reason" value="${reason}"${checked} required> <label for="${id}">${escapeHtml(m.t(leaveReasonKey(reason)))}</label></p>`;
  }).join('\n');
  const answered = opts.answered ? `\n  <p class="muted">${escapeHtml(m.t('leaveAnswered'))}</p>` : '';
  // The question is the fieldset's legend, so a screen reader names the group of radios by it.
  const body = `
<form method="post" action="${escapeHtml(action)}">
<fieldset>
  <legend><h1>${escapeHtml(question)}</h1></legend>${answered}
${radios}
</fieldset>
  <p><label for="comment">${escapeHtml(m.t('leaveCommentPrompt'))}</label></p>
  <textarea id="comment" name="comment" maxlength="2000">${escapeHtml(opts.comment ?? '')}</textarea>
  <button type="submit">${escapeHtml(m.t('leaveSubmit'))}</button>
</form>`;
  return layout({ title: question, lang: m.locale, body });
};

/** After the form post: thanks, in the customer's language. */
export const leaveThanksPage = (opts: { brand: string; locale?: string | undefined }): Page => {
  const m = messagesFor(opts.locale);
  return messagePage(m.t('leaveThanksTitle'), m.t('leaveThanksText', { brand: opts.brand }), m.locale);
};
