import type { SurveyAnswerInput } from '../api/inputs.ts';
import { NotFoundError } from '../errors.ts';
import { count } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import { getCustomer } from '../store/customers.ts';
import { getInvite, suppressEmail } from '../store/invites.ts';
import { getResponse, recordAnswer } from '../store/responses.ts';
import type { Invite, Response } from '../store/schemas.ts';
import { verifySurveyToken } from '../tokens/survey-token.ts';

/** The invite behind a survey token: 404 for unknown or tampered tokens, 410 once expired. */
export const openInvite = async (
  token: string,
  options: { allowExpired?: boolean } = {},
): Promise<Invite> => {
  const key = await tokenKey();
  const { inviteId } = verifySurveyToken(key, token, options);
  const invite = await getInvite(inviteId);
  if (!invite) throw new NotFoundError('This survey link is not valid.', 'unknown_invite');
  return invite;
};

export const currentAnswer = (invite: Invite): Promise<Response | undefined> => getResponse(invite.inviteId);

/**
 * Records or replaces the answer. The segment snapshot is the customer's attributes now (at
 * answer time); a customer removed since the invite falls back to the invite's copy.
 */
export const submitAnswer = async (token: string, answer: SurveyAnswerInput): Promise<Response> => {
  const invite = await openInvite(token);
  const customer = await getCustomer(invite.customerId);
  const snapshot = customer
    ? { attributes: customer.attributes, ownerId: customer.ownerId }
    : { attributes: invite.attributes, ownerId: invite.ownerId };
  const response = await recordAnswer(invite, snapshot, answer);
  count('AnswerRecorded');
  return response;
};

export const unsubscribe = async (token: string): Promise<Invite> => {
  const invite = await openInvite(token, { allowExpired: true });
  await suppressEmail(invite.email, 'unsubscribe', invite.inviteId);
  return invite;
};
