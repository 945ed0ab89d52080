import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { conditionalWrite, mainTable, type Page, queryPage } from './db.ts';
import { writeUnlessErased } from './erasure.ts';
import { expiresAfter, inviteModel, provisionalModel } from './model.ts';
import { type Answer, type AnswerSnapshot, filterExpression, type ResponseQuery } from './responses.ts';
import { type Invite, type Provisional, provisionalItem } from './schemas.ts';

/**
 * Notes a fetch of the invite's honeypot link: `scannedAt` (the latest fetch) and `firstScannedAt`.
 * Only on an invite that exists — never creates one, so an erased customer's invite stays gone.
 * Repeating it only moves `scannedAt`. False when there is no such invite.
 */
export const markInviteScanned = (inviteId: string, now: Date): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: 'SET scannedAt = :now, firstScannedAt = if_not_exists(firstScannedAt, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    ),
  );

export const getProvisional = async (inviteId: string): Promise<Provisional | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: provisionalModel.key(inviteId), ConsistentRead: true }),
  );
  return out.Item ? provisionalItem.parse(out.Item) : undefined;
};

/** Kept as long as the invite itself: a while after its link expires (DynamoDB TTL). */
const retention = (invite: Invite) =>
  expiresAfter(new Date(Date.parse(invite.expiresAt) + config().INVITE_RETENTION_DAYS * 86_400_000));

/** Only over nothing, or over an answer still held: a confirmed invite is never held again. */
const STILL_HELD = {
  ConditionExpression: 'attribute_not_exists(pk) OR #status = :held',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':held': 'held' },
};

/**
 * Holds a submission as the invite's provisional answer (the latest one wins; the first time it was
 * held stays), unless the customer is erased or the invite was confirmed by a person meanwhile
 * (`refused`).
 */
export const holdProvisional = async (
  invite: Invite,
  snapshot: AnswerSnapshot,
  stored: Provisional | undefined,
  held: { answer: Answer; reason: Provisional['reason'] },
  now: Date,
): Promise<{ kind: 'written'; provisional: Provisional } | { kind: 'refused' } | { kind: 'erased' }> => {
  const at = now.toISOString();
  const heldAt = stored?.heldAt ?? at;
  const comment = held.answer.comment ?? stored?.comment;
  const provisional: Provisional = {
    inviteId: invite.inviteId,
    campaignId: invite.campaignId,
    customerId: invite.customerId,
    ownerId: snapshot.ownerId,
    attributes: snapshot.attributes,
    score: held.answer.score,
    ...(comment !== undefined ? { comment } : {}),
    reason: held.reason,
    status: 'held',
    heldAt,
    updatedAt: at,
    submissions: (stored?.submissions ?? 0) + 1,
  };
  const outcome = await writeUnlessErased(invite.customerId, {
    Put: {
      TableName: mainTable(),
      Item: {
        ...provisionalModel.key(invite.inviteId),
        kind: provisionalModel.kind,
        ...provisionalModel.held(heldAt, invite.inviteId),
        ...provisionalModel.ofCustomer(invite.customerId, heldAt, invite.inviteId),
        ...retention(invite),
        ...provisional,
        ownerId: provisional.ownerId ?? '',
      },
      ...STILL_HELD,
    },
  });
  if (outcome === 'written') return { kind: 'written', provisional };
  return { kind: outcome };
};

/**
 * Marks a held answer confirmed (a person's submission made the invite's answer real): it leaves
 * the provisional listing and stays listed under the customer, for erasure, until its TTL. False
 * when it was no longer held (confirmed already, or erased).
 */
export const confirmProvisional = async (
  invite: Invite,
  stored: Provisional,
  now: Date,
): Promise<boolean> => {
  const outcome = await writeUnlessErased(invite.customerId, {
    Put: {
      TableName: mainTable(),
      Item: {
        ...provisionalModel.key(invite.inviteId),
        kind: provisionalModel.kind,
        ...provisionalModel.ofCustomer(invite.customerId, stored.heldAt, invite.inviteId),
        ...retention(invite),
        ...stored,
        ownerId: stored.ownerId ?? '',
        status: 'confirmed',
        confirmedAt: now.toISOString(),
      },
      ...STILL_HELD,
    },
  });
  return outcome === 'written';
};

/** Held answers, newest first, filtered as responses are, a page at a time (see queryPage). */
export const listProvisional = async (q: ResponseQuery): Promise<Page<Provisional>> => {
  const filter = filterExpression(q);
  const pattern = provisionalModel.heldBetween(q.since, q.until);
  const page = await queryPage(
    [
      {
        ...pattern,
        FilterExpression: filter.expr,
        ExpressionAttributeNames: { ...pattern.ExpressionAttributeNames, ...filter.names },
        ExpressionAttributeValues: { ...pattern.ExpressionAttributeValues, ...filter.values },
      },
    ],
    q,
  );
  return { items: page.items.map((i) => provisionalItem.parse(i)), cursor: page.cursor };
};
