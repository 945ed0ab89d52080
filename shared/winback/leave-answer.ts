import type { LeaveAnswerInput } from '../api/inputs.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { tokenKey } from '../secrets.ts';
import { getCustomer } from '../store/customers.ts';
import { getLoss, type Loss, recordLeaveAnswer } from '../store/winbacks.ts';
import { verifyLeaveToken } from '../tokens/survey-token.ts';

/** The loss behind a "why did you leave?" link: 404 for a link that does not verify, 410 once it closed. */
export const openLeave = async (token: string, options: { allowExpired?: boolean } = {}): Promise<Loss> => {
  const { lossId } = verifyLeaveToken(await tokenKey(), token, options);
  const loss = await getLoss(lossId);
  if (!loss) throw new NotFoundError('This link is not valid.', 'unknown_link');
  return loss;
};

/** The locale the customer's pages are in (their record's; the page names no one else). */
export const localeOfLoss = async (loss: Loss): Promise<string | undefined> =>
  (await getCustomer(loss.customerId))?.locale;

/**
 * Records why the customer left, on the loss and its win-back case; a second answer replaces the
 * first (a changed mind), a repeat is no news. Refused once the customer's erasure began.
 */
export const answerLeave = async (
  token: string,
  answer: LeaveAnswerInput,
  now = new Date(),
): Promise<Loss> => {
  const loss = await openLeave(token);
  if (loss.reason === answer.reason && loss.comment === answer.comment) return loss;
  if (!(await recordLeaveAnswer(loss, answer, now))) {
    throw new ConflictError('This link is no longer valid.', 'loss_gone');
  }
  return { ...loss, ...answer, answeredAt: now.toISOString() };
};
