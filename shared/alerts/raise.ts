import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { casePolicy, SCORE_RAISED, slaDueAt as slaDueFrom } from '../cases/policy.ts';
import { recoverEarlierCases, recoverIfAlreadyAnsweredBetter } from '../cases/recovery.ts';
import { type Routed, routeCase } from '../cases/routing.ts';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { ConflictError } from '../errors.ts';
import { logger } from '../logger.ts';
import { classify } from '../nps/score.ts';
import { caseFromAnswerWrite, caseResolvedByCustomerWrite, getCase } from '../store/cases.ts';
import { getCustomer } from '../store/customers.ts';
import { mainTable } from '../store/db.ts';
import { getInvite } from '../store/invites.ts';
import { getOwner } from '../store/owners.ts';
import { caseMarkWrite } from '../store/recovery-marks.ts';
import type { CaseStatus, Response } from '../store/schemas.ts';
import { keys } from '../store/table.ts';
import { alertPuts } from './outbox.ts';
import { type AlertType, buildAlert } from './payload.ts';

const isDetractor = (r: Response | undefined): r is Response =>
  r !== undefined && classify(r.score) === 'detractor';

export interface RaiseResult {
  caseId?: string;
  /** The alerts this change raised (one per owner channel), to hand to delivery. */
  alertIds: string[];
  duplicate: boolean;
}

/** Which items of a cancelled transaction failed their condition (by position). */
const failedConditions = (err: unknown): number[] =>
  ((err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).flatMap((r, i) =>
    r.Code === 'ConditionalCheckFailed' ? [i] : [],
  );

const isCancelledByCondition = (err: unknown): boolean =>
  err instanceof Error && err.name === 'TransactionCanceledException' && failedConditions(err).length > 0;

/**
 * A detractor answer (new, or edited, or commented) opens or updates the invite's case and queues
 * one alert for the owner — case and alert in one transaction, keyed by the response version, so
 * a redelivered stream record changes nothing and a crash leaves either both or neither.
 * An answer of 7 or more marks the customer's earlier cases recovered, and when it is this very
 * invite's score raised from a detractor's, resolves its case (outcome `score raised`) and tells
 * the owner with a `detractor.updated` alert.
 */
export const raiseDetractorAlert = async (
  oldImage: Response | undefined,
  newImage: Response | undefined,
  now = new Date(),
): Promise<RaiseResult> => {
  if (!newImage) return { alertIds: [], duplicate: false };
  const raised = !isDetractor(newImage);
  const caseId = newImage.inviteId;
  // A 7+ answer only has work to do on cases: look before loading anything else.
  const [known] = await Promise.all([
    raised ? getCase(caseId) : undefined,
    recoverEarlierCases(oldImage, newImage),
  ]);
  if (raised && (!known || known.status === 'resolved')) return { alertIds: [], duplicate: false };
  const eventId = `${newImage.inviteId}.v${newImage.version}`;
  const [customer, existing, routed] = await Promise.all([
    getCustomer(newImage.customerId),
    raised ? known : getCase(caseId),
    // Routing decides the owner when the case opens, from the answer's snapshot.
    raised ? Promise.resolve<Routed>({}) : routeCase(newImage),
  ]);
  // The invite's copy of name and email is only needed once the customer record is gone.
  const invite = customer ? undefined : await getInvite(newImage.inviteId);
  // Later updates of a case go to the owner it was opened for, whatever the rules say by then.
  const owner =
    existing?.ownerId && existing.ownerId !== routed.owner?.id
      ? ((await getOwner(existing.ownerId)) ?? routed.owner)
      : routed.owner;
  const reopen = !raised && existing?.status === 'resolved' && existing.resolvedBy === 'customer';
  const type: AlertType = existing || isDetractor(oldImage) ? 'detractor.updated' : 'detractor.created';
  const policy = casePolicy(newImage.attributes.tier, config());
  const slaDueAt = existing?.slaDueAt ?? slaDueFrom(now, policy.slaHours);
  // The status the case has once this transaction commits, as the alert reports it.
  const statusAfter: CaseStatus = raised ? 'resolved' : reopen ? 'open' : (existing?.status ?? 'open');

  const caseUpdate = known
    ? caseResolvedByCustomerWrite(known, newImage, SCORE_RAISED, now)
    : caseFromAnswerWrite({
        caseId,
        response: newImage,
        ownerId: owner?.id,
        routedBy: routed.routedBy,
        priority: policy.priority,
        slaDueAt,
        reopen,
        now,
      });

  const transact: NonNullable<TransactWriteCommandInput['TransactItems']> = [caseUpdate];
  // The case's recovery mark (see recovery-marks.ts), with the time of the answer that opened it.
  if (!known)
    transact.push(caseMarkWrite(newImage.customerId, { caseId, detractorAt: newImage.respondedAt }));
  const outbox = owner
    ? alertPuts({
        eventId,
        caseId,
        customerId: newImage.customerId,
        owner,
        type,
        payload: buildAlert({
          type,
          caseItem: { caseId, status: statusAfter, slaDueAt },
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
      })
    : { puts: [], alertIds: [] };
  transact.push(...outbox.puts);
  // The answer must still exist: an erasure that ran while this record waited in the stream must
  // not see its case and alert (with the customer's comment) written back afterwards.
  const answerStillThere = transact.length;
  transact.push({
    ConditionCheck: {
      TableName: mainTable(),
      Key: keys.response(newImage.inviteId),
      ConditionExpression: 'attribute_exists(pk)',
    },
  });
  let duplicate = false;
  try {
    await getClients().ddb.send(new TransactWriteCommand({ TransactItems: transact }));
  } catch (err: unknown) {
    if (!isCancelledByCondition(err)) throw err;
    if (failedConditions(err).includes(answerStillThere)) {
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
  }
  // Also on a redelivery: a crash may have come between the transaction and this check.
  if (!raised && !existing?.recovered) await recoverIfAlreadyAnsweredBetter(caseId, newImage.customerId);
  return { caseId, alertIds: outbox.alertIds, duplicate };
};
