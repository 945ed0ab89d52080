import { config } from '../config.ts';
import { sendEmail } from '../email/send-email.ts';
import { renderSurveyEmail } from '../email/survey-email.ts';
import { isErased } from '../store/erasure.ts';
import {
  closeReminder,
  deferInviteSend,
  leaseInviteSend,
  leaseReminder,
  markInviteSent,
  markInviteSkipped,
} from '../store/invites.ts';
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
 * A survey link with less than this left is not worth an email (it would only frustrate): the
 * invite, or its reminder, is skipped as expired.
 */
export const MIN_LINK_LIFE_MS = 86_400_000;

/** The wait before the next try of an invite whose send failed `attempts` times: 1, 2, 4 … 60 min. */
export const sendRetryDelayMs = (attempts: number): number => Math.min(60, 2 ** (attempts - 1)) * 60_000;

/** What is kept of a send failure: the error's name and its message (already without addresses). */
const failureText = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : String(err).slice(0, 300);

/**
 * A failed send counts against the invite: deferred with backoff (listed later, behind the
 * invites still waiting their turn), and given up after INVITE_SEND_ATTEMPTS with the reason kept.
 */
const recordSendFailure = async (invite: Invite, err: unknown, now: Date): Promise<void> => {
  const attempts = (invite.sendAttempts ?? 0) + 1;
  const error = failureText(err);
  if (attempts >= config().INVITE_SEND_ATTEMPTS) {
    await markInviteSkipped(invite.inviteId, `given up after ${attempts} attempts`, error);
    return;
  }
  await deferInviteSend(invite.inviteId, {
    at: new Date(now.getTime() + sendRetryDelayMs(attempts)),
    attempts,
    error,
  });
};

/**
 * Hands one invite to SES, under a send lease, and records it. A crash between the send and the
 * record sends the email again once the lease lapses: a rare duplicate is preferred over a survey
 * that is silently never sent. An invite whose link has (all but) expired is skipped, never sent; a
 * failed send is deferred or given up (recordSendFailure) and thrown. Returns the SES message id,
 * or undefined if it was not sent by this call (another sender has it, or it was skipped).
 */
export const sendInvite = async (
  invite: Invite,
  tokenKey: string,
  now = new Date(),
): Promise<string | undefined> => {
  if (Date.parse(invite.expiresAt) - now.getTime() < MIN_LINK_LIFE_MS) {
    await markInviteSkipped(invite.inviteId, 'expired');
    return undefined;
  }
  // Someone else is sending it right now, or already did: one email per invite.
  if (!(await leaseInviteSend(invite.inviteId, new Date()))) return undefined;
  // Erased since the invite was read (the lease holds only while the invite exists, but the
  // erasure may come between): no email to someone who asked to be forgotten.
  if (await isErased(invite.customerId)) return undefined;
  let messageId: string;
  try {
    messageId = await sendEmail(invite.email, surveyEmailFor(invite, tokenKey, false), {
      campaign: invite.campaignId,
    });
  } catch (err: unknown) {
    await recordSendFailure(invite, err, now);
    throw err;
  }
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
