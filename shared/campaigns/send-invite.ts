import { config } from '../config.ts';
import { sendEmail } from '../email/send-email.ts';
import { renderSurveyEmail } from '../email/survey-email.ts';
import { isErased } from '../store/erasure.ts';
import { closeReminder, leaseInviteSend, leaseReminder, markInviteSent } from '../store/invites.ts';
import type { Invite } from '../store/schemas.ts';
import { signSurveyToken } from '../tokens/survey-token.ts';

/** The survey email for one invite (its first email, or its reminder): same token, same links. */
const surveyEmailFor = (invite: Invite, tokenKey: string, reminder: boolean) =>
  renderSurveyEmail({
    publicUrl: config().PUBLIC_URL,
    token: signSurveyToken(tokenKey, invite.inviteId, new Date(invite.expiresAt)),
    brand: invite.brand,
    name: invite.name,
    locale: invite.locale,
    question: invite.question,
    reminder,
  });

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
  // Erased since the invite was read (the lease holds only while the invite exists, but the
  // erasure may come between): no email to someone who asked to be forgotten.
  if (await isErased(invite.customerId)) return undefined;
  const messageId = await sendEmail(invite.email, surveyEmailFor(invite, tokenKey, false), {
    campaign: invite.campaignId,
  });
  await markInviteSent(invite, messageId, now);
  return messageId;
};

/** Sends an invite's one reminder under its own lease, as sendInvite does for the invite. */
export const sendReminder = async (
  invite: Invite,
  tokenKey: string,
  now = new Date(),
): Promise<string | undefined> => {
  if (!(await leaseReminder(invite.inviteId, now))) return undefined;
  if (await isErased(invite.customerId)) return undefined;
  const messageId = await sendEmail(invite.email, surveyEmailFor(invite, tokenKey, true), {
    campaign: invite.campaignId,
    kind: 'reminder',
  });
  await closeReminder(invite.inviteId, { messageId, at: now });
  return messageId;
};
