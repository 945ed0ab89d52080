import { config } from '../config.ts';
import { sendEmail } from '../email/send-email.ts';
import { renderSurveyEmail } from '../email/survey-email.ts';
import { leaseInviteSend, markInviteSent } from '../store/invites.ts';
import type { Invite } from '../store/schemas.ts';
import { signSurveyToken } from '../tokens/survey-token.ts';

/**
 * Hands one invite to SES, under a send lease, and records it. A crash between the send and the
 * record sends the email again once the lease lapses: a rare duplicate is preferred over a survey
 * that is silently never sent. Returns the SES message id, or undefined if another sender has it.
 */
export const sendInvite = async (
  invite: Invite,
  tokenKey: string,
  now = new Date(),
): Promise<string | undefined> => {
  // Someone else is sending it right now, or already did: one email per invite.
  if (!(await leaseInviteSend(invite.inviteId, new Date()))) return undefined;
  const token = signSurveyToken(tokenKey, invite.inviteId, new Date(invite.expiresAt));
  const email = renderSurveyEmail({
    publicUrl: config().PUBLIC_URL,
    token,
    brand: invite.brand,
    name: invite.name,
    locale: invite.locale,
    question: invite.question,
  });
  const messageId = await sendEmail(invite.email, email, { campaign: invite.campaignId });
  await markInviteSent(invite.inviteId, messageId, now);
  return messageId;
};
