import { surveyAnswerInput } from '#shared/api/inputs';
import { type HttpEvent, httpHandler, parseBody, pathParam } from '#shared/http/handler';
import { html, json, wantsHtml } from '#shared/http/responses';
import { messagePage, thankYouPage } from '#shared/pages/survey-pages';
import { openInvite, submitAnswer } from '#shared/survey/answer';

/** POST /s/{token} — JSON or form `{score, comment?}`; records or replaces the answer. */
const submit = async (event: HttpEvent) => {
  const token = pathParam(event, 'token');
  const answer = parseBody(surveyAnswerInput, event.body);
  const response = await submitAnswer(token, answer);
  if (wantsHtml(event)) return html(200, thankYouPage({ token, invite: await openInvite(token), response }));
  return json(200, {
    ok: true,
    response: { score: response.score, comment: response.comment ?? null, respondedAt: response.respondedAt },
  });
};

export const handler = httpHandler(submit, {
  renderErrorPage: (event, error) =>
    wantsHtml(event)
      ? html(error.status, messagePage('Your answer was not recorded', error.message))
      : undefined,
});
