import { leaveAnswerInput } from '#shared/api/inputs';
import { config } from '#shared/config';
import { type HttpEvent, httpHandler, parseBody, pathParam } from '#shared/http/handler';
import { html, json, wantsHtml } from '#shared/http/responses';
import { leavePage, leaveThanksPage } from '#shared/pages/leave-pages';
import { linkErrorPage } from '#shared/pages/survey-pages';
import { answerLeave, localeOfLoss, openLeave } from '#shared/winback/leave-answer';
import { accountBrand } from '#shared/winback/open-loss';
import { LEAVE_REASONS, type LeaveReason } from '#shared/winback/reasons';

const isLeaveReason = (value: string | undefined): value is LeaveReason =>
  (LEAVE_REASONS as readonly (string | undefined)[]).includes(value);

/**
 * GET /leave/{token} shows the "why did you leave?" form (the email's `?reason=` only preselects:
 * scanners open every link, so a GET records nothing); POST /leave/{token} (form or JSON
 * `{reason, comment?}`) records the answer on the loss and its win-back case.
 */
const handle = async (event: HttpEvent) => {
  const token = pathParam(event, 'token');
  const brand = accountBrand(config());
  if (event.requestContext.http.method === 'GET') {
    const loss = await openLeave(token);
    const asked = event.queryStringParameters?.reason;
    return html(
      200,
      leavePage({
        token,
        brand,
        locale: await localeOfLoss(loss),
        selected: isLeaveReason(asked) ? asked : loss.reason,
        comment: loss.comment,
        answered: loss.reason !== undefined,
      }),
    );
  }
  const loss = await answerLeave(token, parseBody(leaveAnswerInput, event.body));
  return wantsHtml(event)
    ? html(200, leaveThanksPage({ brand, locale: await localeOfLoss(loss) }))
    : json(200, {
        ok: true,
        reason: loss.reason,
        comment: loss.comment ?? null,
        answeredAt: loss.answeredAt,
      });
};

export const handler = httpHandler(handle, {
  renderErrorPage: (event, error) =>
    wantsHtml(event) ? html(error.status, linkErrorPage(error, event.headers['accept-language'])) : undefined,
});
