import { escapeHtml, singleLine } from './escape.ts';
import { messagesFor } from './messages.ts';
import type { RenderedEmail } from './survey-email.ts';

export interface SignInEmailInput {
  publicUrl: string;
  /** The link's secret: the email is the only place it is ever written in the clear. */
  token: string;
  brand: string;
  locale?: string | undefined;
  /** How long the link works. */
  minutes: number;
}

/** Where the emailed link lands: a page whose button signs in (a GET uses nothing up). */
export const signInCallbackUrl = (publicUrl: string, token: string): string =>
  `${publicUrl}/auth/callback?token=${encodeURIComponent(token)}`;

/**
 * The one-time sign-in link, in the person's language (their owner `locale`, else what their
 * browser asked for). Mail sent to staff at their own request: no unsubscribe link.
 */
export const renderSignInEmail = (input: SignInEmailInput): RenderedEmail => {
  const m = messagesFor(input.locale);
  const brand = singleLine(input.brand);
  const url = signInCallbackUrl(input.publicUrl, input.token);
  const subject = singleLine(m.t('signInSubject', { brand }));
  const intro = m.t('signInIntro', { brand });
  const expires = m.t('signInExpires', { minutes: input.minutes });
  const ignore = m.t('signInIgnore');
  const html = `<!doctype html>
<html lang="${escapeHtml(m.locale)}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;background:#f6f8fa;font-family:sans-serif;color:#1f2328">
<table role="presentation" style="max-width:560px;margin:auto;background:#fff;border-radius:8px;padding:24px">
<tr><td>
<p>${escapeHtml(intro)}</p>
<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 20px;border-radius:6px;background:#0969da;color:#fff;text-decoration:none;font-weight:bold">${escapeHtml(m.t('signInButton'))}</a></p>
<p>${escapeHtml(expires)}</p>
<p style="font-size:12px;color:#57606a">${escapeHtml(ignore)}</p>
</td></tr></table>
</body></html>`;
  const text = [intro, url, '', expires, '', ignore].join('\n');
  return { subject, html, text };
};
