import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { isConditionFailure } from '../errors.ts';
import { conditionalWrite, dueOfKind, mainTable, queryAll } from './db.ts';
import { type Invite, inviteItem } from './schemas.ts';
import { customerGsi2, keys, kinds, MAIN_TABLE } from './table.ts';

/** Writes the invite once. Returns the stored invite, whether written now or by an earlier attempt. */
export const putInviteOnce = async (invite: Invite): Promise<{ invite: Invite; created: boolean }> => {
  const { ddb } = getClients();
  try {
    await ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: {
          ...keys.invite(invite.inviteId),
          kind: 'invite',
          gsi1pk: kinds.unsentInvite,
          gsi1sk: `${invite.createdAt}#${invite.inviteId}`,
          gsi2pk: customerGsi2(invite.customerId),
          gsi2sk: `INVITE#${invite.createdAt}`,
          ...invite,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { invite, created: true };
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
    const stored = await getInvite(invite.inviteId, true);
    if (!stored) throw err;
    return { invite: stored, created: false };
  }
};

export const getInvite = async (inviteId: string, consistent = false): Promise<Invite | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: keys.invite(inviteId), ConsistentRead: consistent }),
  );
  return out.Item ? inviteItem.parse(out.Item) : undefined;
};

/**
 * Takes the right to send one invite for a while: only one of a dispatch, a retried dispatch and a
 * sweep may hand a given invite to SES. A crash before the send lets the lease lapse, and the sweep
 * sends it then.
 */
export const leaseInviteSend = async (inviteId: string, now: Date, leaseMs = 120_000): Promise<boolean> => {
  return conditionalWrite(async () => {
    await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.invite(inviteId),
        UpdateExpression: 'SET sendingUntil = :until',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(sentAt) AND (attribute_not_exists(sendingUntil) OR sendingUntil < :now)',
        ExpressionAttributeValues: {
          ':until': new Date(now.getTime() + leaseMs).toISOString(),
          ':now': now.toISOString(),
        },
      }),
    );
  });
};

/**
 * Records the hand-over to SES and takes the invite out of the unsent sweep — into the reminder
 * sweep, when its campaign asked for one, due `reminderDays` after now.
 */
export const markInviteSent = async (invite: Invite, messageId: string, now = new Date()): Promise<void> => {
  const remindAt = invite.reminderDays
    ? new Date(now.getTime() + invite.reminderDays * 86_400_000).toISOString()
    : undefined;
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.invite(invite.inviteId),
        UpdateExpression: remindAt
          ? 'SET sentAt = :now, messageId = :m, gsi1pk = :remind, gsi1sk = :due REMOVE sendingUntil'
          : 'SET sentAt = :now, messageId = :m REMOVE gsi1pk, gsi1sk, sendingUntil',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(sentAt)',
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':m': messageId,
          ...(remindAt ? { ':remind': kinds.remindInvite, ':due': `${remindAt}#${invite.inviteId}` } : {}),
        },
      }),
    ),
  );
};

/** Sent invites whose reminder is due by `now`, oldest first. */
export const dueReminders = async (now: Date, limit = 100): Promise<Invite[]> =>
  (await dueOfKind(kinds.remindInvite, now, limit)).map((i) => inviteItem.parse(i));

/**
 * Takes the right to send one invite's reminder for a while, as the send lease does for the
 * invite itself: two sweeps never both remind, and a crash before the send lets the lease lapse.
 */
export const leaseReminder = async (inviteId: string, now: Date, leaseMs = 120_000): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.invite(inviteId),
        UpdateExpression: 'SET remindingUntil = :until',
        ConditionExpression:
          'gsi1pk = :remind AND attribute_not_exists(remindedAt) AND (attribute_not_exists(remindingUntil) OR remindingUntil < :now)',
        ExpressionAttributeValues: {
          ':remind': kinds.remindInvite,
          ':until': new Date(now.getTime() + leaseMs).toISOString(),
          ':now': now.toISOString(),
        },
      }),
    ),
  );

/** After a failed send: the reminder comes due again at `at`, with one more failure counted. */
export const deferReminder = async (inviteId: string, at: Date, attempts: number): Promise<void> => {
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.invite(inviteId),
        UpdateExpression: 'SET gsi1sk = :due, reminderAttempts = :n REMOVE remindingUntil',
        ConditionExpression: 'gsi1pk = :remind AND attribute_not_exists(remindedAt)',
        ExpressionAttributeValues: {
          ':due': `${at.toISOString()}#${inviteId}`,
          ':n': attempts,
          ':remind': kinds.remindInvite,
        },
      }),
    ),
  );
};

/** Ends an invite's reminder: sent (with its SES message id), or skipped and why. */
export const closeReminder = async (
  inviteId: string,
  outcome: { messageId: string; at: Date } | { skipped: string },
): Promise<void> => {
  const sent = 'messageId' in outcome;
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.invite(inviteId),
        UpdateExpression: `SET ${sent ? 'remindedAt = :at, reminderMessageId = :m' : 'reminderSkipped = :why'} REMOVE gsi1pk, gsi1sk, remindingUntil`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(remindedAt)',
        ExpressionAttributeValues: sent
          ? { ':at': outcome.at.toISOString(), ':m': outcome.messageId }
          : { ':why': outcome.skipped },
      }),
    ),
  );
};

/** Takes an invite out of the sweep without sending it (customer unsubscribed or gone). */
export const markInviteSkipped = async (inviteId: string, reason: string): Promise<void> => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.invite(inviteId),
      UpdateExpression: 'SET skippedReason = :r REMOVE gsi1pk, gsi1sk',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':r': reason },
    }),
  );
};

/** Invites written before `cutoff` that never reached SES: a crashed dispatch leaves these behind. */
export const unsentInvitesBefore = async (cutoff: Date, limit = 100): Promise<Invite[]> => {
  const items = await queryAll({
    TableName: mainTable(),
    IndexName: 'byKind',
    KeyConditionExpression: '#pk = :kind AND #sk < :cutoff',
    ExpressionAttributeNames: {
      '#pk': MAIN_TABLE.indexes.byKind.partitionKey,
      '#sk': MAIN_TABLE.indexes.byKind.sortKey,
    },
    ExpressionAttributeValues: { ':kind': kinds.unsentInvite, ':cutoff': cutoff.toISOString() },
    Limit: limit,
  });
  return items.map((i) => inviteItem.parse(i));
};

/**
 * Survey fatigue: one survey per customer per `fatigueDays`. The marker remembers the run that
 * took it, so a retried dispatch of the same run is not mistaken for a second survey.
 */
export const claimSurveySlot = async (
  customerId: string,
  runKey: string,
  fatigueDays: number,
  now = new Date(),
): Promise<boolean> => {
  const cutoff = new Date(now.getTime() - fatigueDays * 86_400_000).toISOString();
  return conditionalWrite(async () => {
    await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.lastInvite(customerId),
        UpdateExpression: 'SET invitedAt = :now, runKey = :run',
        ConditionExpression: 'attribute_not_exists(invitedAt) OR invitedAt < :cutoff OR runKey = :run',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':run': runKey, ':cutoff': cutoff },
      }),
    );
  });
};

/**
 * Suppresses an address for every future campaign (unsubscribe, hard bounce, complaint). Only the
 * address's hash is stored, so the suppression outlives an erasure of the customer. Idempotent.
 */
export const suppressAddress = async (email: string, reason: string, now = new Date(), inviteId?: string) => {
  await getClients()
    .ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: { ...keys.suppression(email), kind: 'suppression', reason, inviteId, at: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err;
    });
};

/** One-click unsubscribe: suppress the address and mark the invite it came from. */
export const suppressEmail = async (email: string, reason: string, inviteId: string, now = new Date()) => {
  await suppressAddress(email, reason, now, inviteId);
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.invite(inviteId),
      UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :now)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    }),
  );
};

export const isSuppressed = async (email: string): Promise<boolean> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: keys.suppression(email) }),
  );
  return Boolean(out.Item);
};
