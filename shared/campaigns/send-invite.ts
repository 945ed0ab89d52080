import { config } from '../config.ts';
import { sendEmail } from '../email/send-email.ts';
import { renderSurveyEmail } from '../email/survey-email.ts';
import { markInviteSent } from '../store/invites.ts';
import type { Invite } from '../store/schemas.ts';
import { signSurveyToken } from '../tokens/survey-token.ts';

/**
 * Hands one invite to SES and records it. A crash between the two sends the email again on the
 * next sweep: a rare duplicate is preferred over a survey that is silently never sent.
 */
export const sendInvite = async (invite: Invite, tokenKey: string, now = new Date()): Promise<string> => {
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
