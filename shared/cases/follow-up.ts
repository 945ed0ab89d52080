import { auditWrite } from '../audit/log.ts';
import { config } from '../config.ts';
import { renderFollowUpEmail } from '../email/follow-up-email.ts';
import { sendEmail } from '../email/send-email.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { tokenKey } from '../secrets.ts';
import { claimFollowUp, getCase, recordFollowUp, releaseFollowUp } from '../store/cases.ts';
import { getCustomer } from '../store/customers.ts';
import { isErased } from '../store/erasure.ts';
import { getInvite } from '../store/invites.ts';
import type { AuditActor, Case } from '../store/schemas.ts';
import { isSuppressed } from '../store/suppressions.ts';
import { signSurveyToken } from '../tokens/survey-token.ts';
import { caseNotes } from './lifecycle.ts';

/** A claim left behind by a crash between claim and send is given up after this long. */
const CLAIM_STALE_MS = 5 * 60_000;

/**
 * Tells the customer what was done about their complaint, once: a resolved case only, never to an
 * unsubscribed address (the survey suppression rule), recorded on the case. A claim taken before
 * sending makes two simultaneous clicks send one email. With an actor, the audit entry is written
 * with the record of the follow-up.
 */
export const sendCaseFollowUp = async (
  caseId: string,
  input: { message?: string | undefined },
  now = new Date(),
  actor?: AuditActor,
): Promise<Case> => {
  const c = await getCase(caseId);
  if (!c) throw new NotFoundError(`case ${caseId} does not exist`);
  if (c.status !== 'resolved') {
    throw new ConflictError(
      `the case is ${c.status}: resolve it before telling the customer what was done`,
      'case_not_resolved',
    );
  }
  if (c.followUp) {
    throw new ConflictError(`a follow-up was already sent at ${c.followUp.sentAt}`, 'follow_up_already_sent');
  }
  const message = input.message ?? c.outcome;
  if (!message) {
    throw new ValidationError(
      'the case has no outcome to tell the customer: send a message',
      'message_required',
    );
  }
  const [invite, customer] = await Promise.all([getInvite(c.inviteId), getCustomer(c.customerId)]);
  if (!invite) throw new NotFoundError(`the invite of case ${caseId} no longer exists`);
  const to = customer?.email ?? invite.email;
  if (await isSuppressed(to)) {
    throw new ConflictError(
      'the customer unsubscribed from our emails: no follow-up is sent to this address',
      'recipient_suppressed',
    );
  }
  if (!(await claimFollowUp(caseId, now, new Date(now.getTime() - CLAIM_STALE_MS)))) {
    throw new ConflictError(
      'a follow-up for this case was already sent, or is being sent',
      'follow_up_already_sent',
    );
  }
  let messageId: string;
  try {
    // Checked after the claim: an erasure that began meanwhile (the case not deleted yet) wins.
    if (await isErased(c.customerId)) throw new NotFoundError(`case ${caseId} not found`);
    const token = signSurveyToken(await tokenKey(), invite.inviteId, new Date(invite.expiresAt));
    const email = renderFollowUpEmail({
      publicUrl: config().PUBLIC_URL,
      token,
      brand: invite.brand,
      name: customer?.name ?? invite.name,
      locale: customer?.locale ?? invite.locale,
      score: c.score,
      comment: c.comment,
      message,
    });
    messageId = await sendEmail(to, email, { campaign: invite.campaignId, kind: 'follow-up' });
  } catch (err: unknown) {
    // Nothing was sent: give the claim back so the owner can try again at once.
    await releaseFollowUp(caseId, now);
    throw err;
  }
  // Sent: the claim stays from here on, so should recording fail, a retry within the claim's
  // lifetime cannot send a second email. The audit entry goes in the record's transaction (the
  // email itself can be in none).
  return recordFollowUp(
    caseId,
    { sentAt: now.toISOString(), messageId, message },
    caseNotes.followUpSent(now),
    now,
    actor ? [auditWrite(actor, { action: 'case.follow-up', caseId }, now)] : [],
  );
};
