import { surveyAnswerInput } from '#shared/api/inputs';
import { type HttpEvent, httpHandler, parseBody, pathParam } from '#shared/http/handler';
import { html, json, wantsHtml } from '#shared/http/responses';
import { linkErrorPage, thankYouPage } from '#shared/pages/survey-pages';
import { openInvite, submitAnswer } from '#shared/survey/answer';

/**
 * POST /s/{token} — JSON or form `{score, comment?, trigger?}`; records or replaces the answer, or
 * holds it as provisional when it comes in a mail scanner's pattern (`provisional: true`).
 */
const submit = async (event: HttpEvent) => {
  const token = pathParam(event, 'token');
  const outcome = await submitAnswer(token, parseBody(surveyAnswerInput, event.body));
  if (outcome.kind !== 'recorded') {
    // Only the page's timer is ever held, and the page posts JSON; a form is a person's answer.
    const held = outcome.kind === 'held' ? outcome.provisional : undefined;
    return json(200, {
      ok: true,
      provisional: true,
      ...(held
        ? { response: { score: held.score, comment: held.comment ?? null, respondedAt: held.updatedAt } }
        : {}),
    });
  }
  const { response } = outcome;
  if (wantsHtml(event)) return html(200, thankYouPage({ token, invite: await openInvite(token), response }));
  return json(200, {
    ok: true,
    provisional: false,
    response: { score: response.score, comment: response.comment ?? null, respondedAt: response.respondedAt },
  });
};

export const handler = httpHandler(submit, {
  renderErrorPage: (event, error) =>
    wantsHtml(event) ? html(error.status, linkErrorPage(error, event.headers['accept-language'])) : undefined,
});
