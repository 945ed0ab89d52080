import { escapeHtml } from '../email/escape.ts';
import { messagesFor } from '../email/messages.ts';
import { layout, type Page } from './layout.ts';
import { messagePage } from './survey-pages.ts';

/** The language a page is in when nobody is known yet: the browser's first choice. */
export const pageLocaleOf = (acceptLanguage: string | undefined): string | undefined =>
  acceptLanguage?.split(',')[0]?.split(';')[0]?.trim() || undefined;

/**
 * Where the emailed link lands. Mail scanners open every link: a GET uses nothing up, and the
 * person's press of the button posts the token (same site, so the session cookie it sets — which
 * is SameSite=Strict — comes with the redirect to the dashboard). No script.
 */
export const signInConfirmPage = (opts: {
  token: string;
  brand: string;
  locale?: string | undefined;
}): Page => {
  const m = messagesFor(opts.locale);
  const title = m.t('signInConfirmTitle', { brand: opts.brand });
  const body = `
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(m.t('signInConfirmText'))}</p>
<form method="post" action="/auth/callback">
  <input type="hidden" name="token" value="${escapeHtml(opts.token)}">
  <button type="submit">${escapeHtml(m.t('signInButton'))}</button>
</form>`;
  return layout({ title, lang: m.locale, body });
};

/** After a form post of an address: the same words whether or not the address may sign in. */
export const signInSentPage = (opts: { minutes: number; locale?: string | undefined }): Page => {
  const m = messagesFor(opts.locale);
  return messagePage(m.t('signInSentTitle'), m.t('signInSentText', { minutes: opts.minutes }), m.locale);
};

/** A sign-in link that did not work: expired (410), used (410), or never issued (404). */
export const signInErrorPage = (
  error: { status: number; code: string; message: string },
  locale: string | undefined,
): Page => {
  const m = messagesFor(locale);
  const text =
    error.code === 'sign_in_link_expired'
      ? m.t('signInLinkExpired')
      : error.code === 'sign_in_link_used'
        ? m.t('signInLinkUsed')
        : error.code === 'invalid_sign_in_link'
          ? m.t('signInLinkInvalid')
          : error.message;
  // The dashboard is where a new link is asked for.
  const body = `<h1>${escapeHtml(text)}</h1>\n<p><a href="/dashboard">${escapeHtml(m.t('signInButton'))}</a></p>`;
  return layout({ title: text, lang: m.locale, body });
};
