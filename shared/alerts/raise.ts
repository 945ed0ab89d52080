import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { classify } from '../nps/score.ts';
import { newAlertPut } from '../store/alerts.ts';
import { getCase } from '../store/cases.ts';
import { getCustomer } from '../store/customers.ts';
import { mainTable } from '../store/db.ts';
import { getInvite } from '../store/invites.ts';
import { getOwner } from '../store/owners.ts';
import type { Owner, Response } from '../store/schemas.ts';
import { customerGsi2, keys, kinds } from '../store/table.ts';
import { type AlertType, buildAlert } from './payload.ts';

const isDetractor = (r: Response | undefined): r is Response =>
  r !== undefined && classify(r.score) === 'detractor';

/** Owner routing: the customer's own account manager, else the configured default owner. */
const routeOwner = async (ownerId: string | undefined): Promise<Owner | undefined> => {
  const own = ownerId ? await getOwner(ownerId) : undefined;
  if (own) return own;
  const fallback = config().DEFAULT_OWNER_ID;
  return fallback ? getOwner(fallback) : undefined;
};

const slaHours = (tier: string | undefined) =>
  tier === 'key' ? config().SLA_HOURS_KEY : config().SLA_HOURS_DEFAULT;

export interface RaiseResult {
  caseId?: string;
  alertId?: string;
  duplicate: boolean;
}

const isCancelledByCondition = (err: unknown): boolean =>
  err instanceof Error &&
  err.name === 'TransactionCanceledException' &&
  ((err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).some(
    (r) => r.Code === 'ConditionalCheckFailed',
  );

/**
 * A detractor answer (new, or edited, or commented) opens or updates the invite's case and queues
 * one alert for the owner — case and alert in one transaction, keyed by the response version, so
 * a redelivered stream record changes nothing and a crash leaves either both or neither.
 */
export const raiseDetractorAlert = async (
  oldImage: Response | undefined,
  newImage: Response | undefined,
  now = new Date(),
): Promise<RaiseResult> => {
  if (!isDetractor(newImage)) return { duplicate: false };
  const type: AlertType = isDetractor(oldImage) ? 'detractor.updated' : 'detractor.created';
  const caseId = newImage.inviteId;
  const alertId = `${newImage.inviteId}.v${newImage.version}`;
  const [customer, invite, owner, existing] = await Promise.all([
    getCustomer(newImage.customerId),
    getInvite(newImage.inviteId),
    routeOwner(newImage.ownerId),
    getCase(caseId),
  ]);
  const tier = newImage.attributes.tier;
  const createdAt = now.toISOString();
  const slaDueAt = existing?.slaDueAt ?? new Date(now.getTime() + slaHours(tier) * 3_600_000).toISOString();

  const caseUpdate = {
    Update: {
      TableName: mainTable(),
      Key: keys.case(caseId),
      UpdateExpression:
        'SET caseId = :caseId, inviteId = :inviteId, customerId = :customerId, score = :score, updatedAt = :now, ' +
        'responseVersion = :version, kind = :kind, tier = :tier, ' +
        'createdAt = if_not_exists(createdAt, :now), slaDueAt = if_not_exists(slaDueAt, :sla), ' +
        '#status = if_not_exists(#status, :open), notes = if_not_exists(notes, :noNotes), ' +
        'recovered = if_not_exists(recovered, :false), gsi1pk = if_not_exists(gsi1pk, :openKind), ' +
        'gsi1sk = if_not_exists(gsi1sk, :sort), gsi2pk = :customerKey, gsi2sk = if_not_exists(gsi2sk, :customerSort)' +
        (owner ? ', ownerId = :ownerId' : '') +
        (newImage.comment !== undefined ? ', #comment = :comment' : ''),
      ConditionExpression: 'attribute_not_exists(responseVersion) OR responseVersion < :version',
      ExpressionAttributeNames: {
        '#status': 'status',
        ...(newImage.comment !== undefined ? { '#comment': 'comment' } : {}),
      },
      ExpressionAttributeValues: {
        ':caseId': caseId,
        ':inviteId': newImage.inviteId,
        ':customerId': newImage.customerId,
        ':score': newImage.score,
        ':now': createdAt,
        ':version': newImage.version,
        ':kind': 'case',
        ':tier': tier ?? 'none',
        ':sla': slaDueAt,
        ':open': 'open',
        ':noNotes': [],
        ':false': false,
        ':openKind': kinds.caseByStatus('open'),
        ':sort': `${createdAt}#${caseId}`,
        ':customerKey': customerGsi2(newImage.customerId),
        ':customerSort': `CASE#${createdAt}#${caseId}`,
        ...(owner ? { ':ownerId': owner.id } : {}),
        ...(newImage.comment !== undefined ? { ':comment': newImage.comment } : {}),
      },
    },
  };

  const transact: NonNullable<TransactWriteCommandInput['TransactItems']> = [caseUpdate];
  if (owner?.webhookUrl) {
    const payload = buildAlert({
      type,
      caseItem: { caseId, status: existing?.status ?? 'open', slaDueAt },
      response: newImage,
      customer: customer ?? {
        id: newImage.customerId,
        name: invite?.name,
        email: invite?.email ?? '',
        attributes: newImage.attributes,
      },
      owner,
      publicUrl: config().PUBLIC_URL,
    });
    transact.push(
      newAlertPut(newImage.customerId, {
        alertId,
        caseId,
        ownerId: owner.id,
        type,
        payload: JSON.stringify(payload),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: createdAt,
        createdAt,
      }),
    );
  }
  try {
    await getClients().ddb.send(new TransactWriteCommand({ TransactItems: transact }));
  } catch (err: unknown) {
    if (isCancelledByCondition(err))
      return { caseId, alertId: owner?.webhookUrl ? alertId : undefined, duplicate: true };
    throw err;
  }
  return { caseId, alertId: owner?.webhookUrl ? alertId : undefined, duplicate: false };
};
