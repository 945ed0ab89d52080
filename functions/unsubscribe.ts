import { type HttpEvent, httpHandler, pathParam } from '#shared/http/handler';
import { html, json, wantsHtml } from '#shared/http/responses';
import { linkErrorPage, unsubscribePage } from '#shared/pages/survey-pages';
import { unsubscribe, unsubscribeLocale } from '#shared/survey/answer';

/**
 * GET /u/{token} asks for confirmation (scanners fetch links); POST /u/{token} unsubscribes the
 * address a survey link or a "why did you leave?" link names —
 * the RFC 8058 one-click POST from the mailbox provider, or the confirmation button.
 */
const handle = async (event: HttpEvent) => {
  const token = pathParam(event, 'token');
  if (event.requestContext.http.method === 'GET') {
    return html(200, unsubscribePage({ token, locale: await unsubscribeLocale(token), done: false }));
  }
  const { locale } = await unsubscribe(token);
  return wantsHtml(event)
    ? html(200, unsubscribePage({ token, locale, done: true }))
    : json(200, { ok: true });
};

export const handler = httpHandler(handle, {
  renderErrorPage: (event, error) =>
    wantsHtml(event) ? html(error.status, linkErrorPage(error, event.headers['accept-language'])) : undefined,
});
