import { escapeHtml, singleLine } from './escape.ts';
import { messagesFor } from './messages.ts';
import { type RenderedEmail, unsubscribeFooter, unsubscribeUrl } from './survey-email.ts';

export interface FollowUpEmailInput {
  publicUrl: string;
  /** The survey token of the answered invite: its unsubscribe link stops every survey, as usual. */
  token: string;
  brand: string;
  name?: string | undefined;
  locale?: string | undefined;
  score: number;
  comment?: string | undefined;
  /** What the owner did, in their words. */
  message: string;
}

/** Paragraphs of escaped text; line breaks the owner or customer typed are kept. */
const paragraphs = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => escapeHtml(line))
    .join('<br>');

/**
 * "You told us …; here is what we did": a short, localized note to the customer once their case is
 * resolved. Every customer- and owner-written string is escaped; the subject is one line.
 */
export const renderFollowUpEmail = (input: FollowUpEmailInput): RenderedEmail => {
  const m = messagesFor(input.locale);
  const brand = singleLine(input.brand);
  const name = input.name ? singleLine(input.name) : undefined;
  const greeting = name ? m.t('greeting', { name }) : m.t('greetingAnonymous');
  const comment = input.comment?.trim();
  const toldUs = comment
    ? m.t('followUpToldUs', { comment, brand })
    : m.t('followUpToldUsScore', { brand, score: String(input.score) });
  const message = input.message.trim();
  const subject = singleLine(m.t('followUpSubject', { brand }));
  const unsub = unsubscribeUrl(input.publicUrl, input.token);

  const html = `<!doctype html>
<html lang="${escapeHtml(m.locale)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f8fa;font-family:sans-serif;color:#1f2328">
<table role="presentation" style="max-width:560px;margin:auto;background:#fff;border-radius:8px;padding:24px">
<tr><td>
<p>${escapeHtml(greeting)}</p>
<p style="color:#57606a">${paragraphs(toldUs)}</p>
<p style="font-weight:bold">${escapeHtml(m.t('followUpWhatWeDid'))}</p>
<p>${paragraphs(message)}</p>
<p>${escapeHtml(m.t('followUpThanks'))}</p>
<p>${escapeHtml(brand)}</p>
${unsubscribeFooter(unsub, m.t('unsubscribe'))}`;

  const text = [
    greeting,
    '',
    toldUs,
    '',
    m.t('followUpWhatWeDid'),
    message,
    '',
    m.t('followUpThanks'),
    brand,
    '',
    `${m.t('unsubscribe')}: ${unsub}`,
  ].join('\n');

  return { subject, html, text, unsubscribeUrl: unsub };
};
