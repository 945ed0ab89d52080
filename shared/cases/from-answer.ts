import { alertTiming, debouncedEventId } from '../alerts/debounce.ts';
import { alertPuts } from '../alerts/outbox.ts';
import { buildAlert } from '../alerts/payload.ts';
import { config } from '../config.ts';
import { ConflictError } from '../errors.ts';
import { isDetractor } from '../nps/score.ts';
import { count, logger } from '../observability.ts';
import { caseFromAnswerWrite, caseResolvedByCustomerWrite, getCase } from '../store/cases.ts';
import { getCustomer } from '../store/customers.ts';
import { type TransactItem, transactWrite } from '../store/db.ts';
import { customerNotErasedCheck, deleteErasedAnswer } from '../store/erasure.ts';
import { getInvite } from '../store/invites.ts';
import { getOwner } from '../store/owners.ts';
import { caseMarkWrite } from '../store/recovery-marks.ts';
import { answerStillThereCheck } from '../store/responses.ts';
import type { Response } from '../store/schemas.ts';
import { isNews } from '../survey/answer-change.ts';
import { answerEffect } from './lifecycle.ts';
import { casePolicy, slaDueAt as slaDueFrom } from './policy.ts';
import { recoverEarlierCases, recoverIfAlreadyAnsweredBetter } from './recovery.ts';
import { type Routed, routeCase } from './routing.ts';

export interface RaiseResult {
  caseId?: string;
  /** The alerts this change raised (one per owner channel), to hand to delivery. */
  alertIds: string[];
  duplicate: boolean;
}

/**
 * A detractor answer (new, or with a new class or comment) opens or updates the invite's case and
 * queues one alert for the owner — case and alert in one transaction, keyed by the response
 * version, so a redelivered stream record changes nothing and a crash leaves either both or
 * neither. A change that is no news (same class, same comment: the version did not move) does
 * nothing; changes soon after an alert are debounced into one update (shared/alerts/debounce.ts).
 * Nothing is written for a customer erased meanwhile.
 * An answer of 7 or more marks the customer's earlier cases recovered, and when it is this very
 * invite's score raised from a detractor's, resolves its case (outcome `score raised`) and tells
 * the owner with a `detractor.updated` alert.
 */
export const raiseDetractorAlert = async (
  oldImage: Response | undefined,
  newImage: Response | undefined,
  now = new Date(),
): Promise<RaiseResult> => {
  if (!newImage || !isNews(oldImage, newImage)) return { alertIds: [], duplicate: false };
  const caseId = newImage.inviteId;
  const detractor = isDetractor(newImage.score);
  // A 7+ answer only has work to do on cases: look before loading anything else.
  const [known] = await Promise.all([
    detractor ? undefined : getCase(caseId),
    recoverEarlierCases(oldImage, newImage),
  ]);
  if (!detractor && answerEffect(known, oldImage, newImage, now).kind === 'none') {
    return { alertIds: [], duplicate: false };
  }
  const [customer, existing, routed] = await Promise.all([
    getCustomer(newImage.customerId),
    detractor ? getCase(caseId) : known,
    // Routing decides the owner when the case opens, from the answer's snapshot.
    detractor ? routeCase(newImage) : Promise.resolve<Routed>({}),
  ]);
  const effect = answerEffect(existing, oldImage, newImage, now);
  if (effect.kind === 'none') return { alertIds: [], duplicate: false };
  // The invite's copy of name and email is only needed once the customer record is gone.
  const invite = customer ? undefined : await getInvite(newImage.inviteId);
  // Later updates of a case go to the owner it was opened for, whatever the rules say by then.
  const owner =
    existing?.ownerId && existing.ownerId !== routed.owner?.id
      ? ((await getOwner(existing.ownerId)) ?? routed.owner)
      : routed.owner;
  const policy = casePolicy(newImage.attributes.tier, config());
  const slaDueAt = existing?.slaDueAt ?? slaDueFrom(now, policy.slaHours);
  const timing = alertTiming(existing?.alertedAt, now, config().ALERT_DEBOUNCE_SECONDS * 1000);
  const eventId =
    timing.kind === 'now' ? `${newImage.inviteId}.v${newImage.version}` : debouncedEventId(caseId, timing.at);

  const type = effect.alertType;
  const outbox = owner
    ? alertPuts({
        eventId,
        caseId,
        customerId: newImage.customerId,
        owner,
        type,
        payload: buildAlert({
          type,
          caseItem: { caseId, status: effect.statusAfter, slaDueAt },
          response: newImage,
          customer: customer ?? {
            id: newImage.customerId,
            name: invite?.name,
            email: invite?.email ?? '',
            attributes: newImage.attributes,
          },
          owner,
          publicUrl: config().PUBLIC_URL,
        }),
        now,
        sendAt: timing.at,
        replacesPending: timing.kind === 'debounced' && timing.replacesPending,
      })
    : { puts: [], alertIds: [] };

  const caseUpdate =
    effect.kind === 'resolve' && existing
      ? caseResolvedByCustomerWrite(
          existing,
          newImage,
          effect,
          { at: timing.at, alertIds: outbox.alertIds },
          now,
        )
      : caseFromAnswerWrite({
          caseId,
          response: newImage,
          ownerId: owner?.id,
          routedBy: routed.routedBy,
          priority: policy.priority,
          slaDueAt,
          reopen: effect.kind === 'record' ? effect.reopen : undefined,
          alertedAt: timing.at,
          alertIds: outbox.alertIds,
          now,
        });

  const transact: TransactItem[] = [caseUpdate];
  // The case's recovery mark (see recovery.ts), with the time of the answer that opened it.
  if (effect.kind === 'record')
    transact.push(caseMarkWrite(newImage.customerId, { caseId, detractorAt: newImage.respondedAt }));
  transact.push(...outbox.puts);
  // The answer must still exist: an erasure that ran while this record waited in the stream must
  // not see its case and alert (with the customer's comment) written back afterwards.
  const answerStillThere = transact.length;
  transact.push(answerStillThereCheck(newImage.inviteId));
  const notErased = transact.length;
  transact.push(customerNotErasedCheck(newImage.customerId));
  // What to hand to delivery: this change's alerts, or on a redelivery those its first delivery
  // wrote (a crash may have come before they were queued).
  let alertIds = outbox.alertIds;
  let duplicate = false;
  const result = await transactWrite(transact);
  if (!result.committed) {
    if (result.failed.includes(notErased)) {
      // Written in a race with the erasure: the answer goes too, its counts with it (the REMOVE).
      logger.info('customer erased before the case was written; dropping the answer', { caseId });
      await deleteErasedAnswer(newImage.inviteId);
      return { caseId, alertIds: [], duplicate: false };
    }
    if (result.failed.includes(answerStillThere)) {
      logger.info('answer erased before its case was written; nothing to raise', { caseId });
      return { caseId, alertIds: [], duplicate: false };
    }
    // Refused because this response version was applied already: a redelivery. Refused while the
    // case still holds an older version: it changed between read and write (an owner's update),
    // so the record fails and is retried, reading the case afresh.
    const current = await getCase(caseId);
    if (current?.responseVersion !== undefined && current.responseVersion < newImage.version) {
      throw new ConflictError(`case ${caseId} changed while answer v${newImage.version} was applied`);
    }
    duplicate = true;
    alertIds = current?.responseVersion === newImage.version ? (current.lastAlertIds ?? []) : [];
  }
  if (!duplicate && effect.kind === 'record' && effect.alertType === 'detractor.created')
    count('DetractorRaised');
  // Also on a redelivery: a crash may have come between the transaction and this check.
  if (effect.kind === 'record' && !existing?.recovered) {
    await recoverIfAlreadyAnsweredBetter(caseId, newImage.customerId);
  }
  // A debounced update is queued too: delivery holds it until its time (and the sweep has it).
  return { caseId, alertIds, duplicate };
};
