import { config } from '../config.ts';
import { EmailNotSentError, sendEmail, sendEmailOnTurn } from '../email/send-email.ts';
import { renderSurveyEmail } from '../email/survey-email.ts';
import { count } from '../observability.ts';
import type { TransactItem } from '../store/db.ts';
import { isErased } from '../store/erasure.ts';
import {
  closeReminder,
  deferInviteSend,
  deferInviteUntil,
  leaseInviteSend,
  leaseReminder,
  markInviteSent,
  markInviteSkipped,
} from '../store/invites.ts';
import { isCampaignRun } from '../store/model.ts';
import { runCounterAdd, runLogPut } from '../store/run-progress.ts';
import type { Invite } from '../store/schemas.ts';
import { suppressionReasonOf } from '../store/suppressions.ts';
import { signSurveyToken } from '../tokens/survey-token.ts';
import {
  bucketOf,
  countsOf,
  type ProgressMove,
  type SkipReason,
  skipReasonOfSuppression,
} from './run-progress.ts';
import { nextWindowOpening } from './send-window.ts';

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
export const failureText = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : String(err).slice(0, 300);

/**
 * The writes that carry an invite's move into its run's progress (the counters, and the log entry
 * of a recipient who gets no email): none for an event-triggered survey, which has no run.
 */
export const progressWrites = (invite: Invite, move: ProgressMove, at: Date): TransactItem[] => {
  if (!isCampaignRun(invite.runId)) return [];
  const counters = runCounterAdd(invite.campaignId, invite.runId, invite.customerId, countsOf(move));
  if (!('reason' in move)) return [counters];
  const entry = {
    customerId: invite.customerId,
    reason: move.reason,
    at: at.toISOString(),
    inviteId: invite.inviteId,
  };
  return [counters, runLogPut(invite.campaignId, invite.runId, entry)];
};

/** Takes the invite out of sending for good, with why, and moves it in its run's progress. */
export const skipInvite = async (invite: Invite, reason: SkipReason, now: Date, lastSendError?: string) => {
  const bucket = bucketOf(reason);
  const move: ProgressMove = { from: invite.runState ?? 'queued', to: bucket, reason };
  if (bucket === 'suppressed') count('EmailSuppressed');
  return markInviteSkipped(invite.inviteId, reason, {
    lastSendError,
    alongside: progressWrites(invite, move, now),
  });
};

/**
 * A failed send counts against the invite: deferred with backoff (listed later, behind the
 * invites still waiting their turn), and given up after INVITE_SEND_ATTEMPTS with the reason kept.
 */
const recordSendFailure = async (invite: Invite, err: unknown, now: Date): Promise<void> => {
  const attempts = (invite.sendAttempts ?? 0) + 1;
  const error = failureText(err);
  if (attempts >= config().INVITE_SEND_ATTEMPTS) {
    await skipInvite(invite, 'given up', now, `after ${attempts} attempts: ${error}`);
    return;
  }
  await deferInviteSend(invite.inviteId, {
    at: new Date(now.getTime() + sendRetryDelayMs(attempts)),
    attempts,
    error,
  });
};

/** What decides whether an invite may still go: its customer erased, its address suppressed and why. */
export interface SendChecks {
  erased: boolean;
  suppression: string | undefined;
}

/** Why an invite due now must not be sent, if it must not. */
const reasonNotToSend = async (
  invite: Invite,
  now: Date,
  known?: SendChecks,
): Promise<SkipReason | undefined> => {
  if (Date.parse(invite.expiresAt) - now.getTime() < MIN_LINK_LIFE_MS) return 'expired';
  const { erased, suppression } = known ?? {
    erased: await isErased(invite.customerId),
    suppression: await suppressionReasonOf(invite.email),
  };
  if (erased) return 'erased';
  if (suppression) return skipReasonOfSuppression(suppression);
  return undefined;
};

/**
 * Hands one invite to SES at its turn of the account's send rate, and records it: at most once,
 * whatever crashes or retries. An invite whose link has (all but) expired, whose customer was erased
 * or whose address was suppressed since it was written is skipped with why, never sent (`known`:
 * those checks, read by the caller for a whole page of invites at once). An erasure after the
 * check deletes the invite, and the send lease needs it. The send
 * lease is taken right before the send; one that lapsed without an outcome — a sender that stopped
 * during its send — is given up as `outcome unknown` rather than sent a second time. A send SES
 * refused is deferred with backoff or given up (recordSendFailure) and thrown. Returns the SES
 * message id, or undefined if this call did not send it.
 */
export const sendInvite = async (
  invite: Invite,
  tokenKey: string,
  now = new Date(),
  known?: SendChecks,
): Promise<string | undefined> => {
  if (invite.sentAt || invite.skippedReason) return undefined;
  const reason = await reasonNotToSend(invite, now, known);
  if (reason) {
    await skipInvite(invite, reason, now);
    return undefined;
  }
  // Its recipient's send window closed while it waited its turn: deferred to the next opening.
  const opening = invite.sendWindow
    ? nextWindowOpening(invite.sendWindow, invite.timeZone ?? 'UTC', now)
    : undefined;
  if (opening) {
    const moves =
      invite.runState === 'deferred' ? [] : progressWrites(invite, { from: 'queued', to: 'deferred' }, now);
    await deferInviteUntil(invite.inviteId, opening, moves);
    return undefined;
  }
  let messageId: string | undefined;
  try {
    messageId = await sendEmailOnTurn(
      invite.email,
      surveyEmailFor(invite, tokenKey, false),
      // The invite tag comes back with SES's bounce and complaint events: the run's health.
      { campaign: invite.campaignId, invite: invite.inviteId },
      async () => {
        const lease = await leaseInviteSend(invite.inviteId, new Date());
        if (lease === 'interrupted') await skipInvite(invite, 'outcome unknown', now);
        return lease === 'leased';
      },
    );
  } catch (err: unknown) {
    // Anything else failed before SES was asked (the send rate, the lease): tried again later.
    if (err instanceof EmailNotSentError) {
      if (err.certain) await recordSendFailure(invite, err, now);
      else await skipInvite(invite, 'outcome unknown', now, failureText(err));
    }
    throw err;
  }
  if (messageId === undefined) return undefined;
  await markInviteSent(
    invite,
    messageId,
    now,
    progressWrites(invite, { from: invite.runState ?? 'queued', to: 'sent' }, now),
  );
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
