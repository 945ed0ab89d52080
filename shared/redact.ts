/**
 * What must never reach a log line, a trace or a stored error text: survey and sign-in tokens and
 * email addresses. A module of its own, free of side effects, so the local runtime can use it before the
 * handlers' logger exists (importing shared/observability.ts creates the logger, which reads
 * POWERTOOLS_LOG_LEVEL then).
 */
/** A survey token (`<inviteId>.<expiry>.<mac>`, see shared/tokens) is the survey's credential. */
const SURVEY_TOKEN = /[A-Za-z0-9_-]{22}\.[0-9a-z]{1,10}\.[A-Za-z0-9_-]{22}/g;
/**
 * The segment after `/s/` or `/u/` (survey and unsubscribe links) is a token whatever its shape —
 * a link cut short by a mail client, or tampered with, still carries most of one. It is matched
 * where a path starts: at the start of a string (`rawPath`, `path`, `requestContext.http.path`),
 * after a space or quote, or after a URL's host.
 */
const TOKEN_PATH = /(^|[\s"'(=]|https?:\/\/[^\s/]+)\/([su])\/[^/?#\s"'<>),;]+/g;
/**
 * A `token=` parameter of a URL or a form: the sign-in link's one-time token
 * (`/auth/callback?token=…`, and the body its page posts).
 */
const TOKEN_PARAMETER = /(^|[?&\s"'])token=[^&\s"'<>#]+/g;
/**
 * An address, also percent-encoded in a path or query (`/api/customers/dana%40example.com`). The
 * characters that delimit it in URLs, headers and prose are not part of it.
 */
const EMAIL_ADDRESS =
  /[^\s@<>()[\]"',;:/?#&=]+(?:@|%40)[^\s@<>()[\]"',;:/?#&=%]+\.[^\s@<>()[\]"',;:/?#&=%]+/gi;

/**
 * Every string of every log line passes here — messages, fields, and the message, stack and
 * causes of every error (Powertools turns an error into those strings before this replacer sees
 * them): an SES error naming its recipient, or a failed request's path holding a token, is logged
 * with those blanked.
 */
export const redact = (text: string): string =>
  text
    .replace(SURVEY_TOKEN, '<token>')
    .replace(TOKEN_PATH, (_m, before: string, kind: string) => `${before}/${kind}/<token>`)
    .replace(TOKEN_PARAMETER, '$1token=<token>')
    .replace(EMAIL_ADDRESS, '<email>');
