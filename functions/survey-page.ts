import { config } from '#shared/config';
import { type HttpEvent, httpHandler, pathParam } from '#shared/http/handler';
import { html } from '#shared/http/responses';
import { linkErrorPage, surveyPage } from '#shared/pages/survey-pages';
import { currentAnswer, openInvite } from '#shared/survey/answer';
import { pageMayUseTimer } from '#shared/survey/scanner';

/** GET /s/{token}?score=N — shows the survey with N preselected. Never records anything. */
const showSurvey = async (event: HttpEvent) => {
  const token = pathParam(event, 'token');
  const invite = await openInvite(token);
  const raw = event.queryStringParameters?.score;
  const preselected = raw !== undefined && /^(?:10|\d)$/.test(raw) ? Number(raw) : undefined;
  // The page records the preselected score on a sign of a person, or by timer unless a scanner is
  // at this invite (a recent honeypot fetch) or strict mode wants a person.
  const timer = pageMayUseTimer({
    scannedAt: invite.scannedAt,
    requirePerson: config().SURVEY_REQUIRE_PERSON,
    now: new Date(),
  });
  return html(200, surveyPage({ token, invite, preselected, current: await currentAnswer(invite), timer }));
};

export const handler = httpHandler(showSurvey, {
  renderErrorPage: (event, error) =>
    html(error.status, linkErrorPage(error, event.headers['accept-language'])),
});
