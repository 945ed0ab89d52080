import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { isConditionFailure } from '../errors.ts';
import {
  batchGetAll,
  conditionalWrite,
  mainTable,
  queryAll,
  type TransactItem,
  transactWrite,
} from './db.ts';
import { customerNotErasedCheck, writeUnlessErased } from './erasure.ts';
import { expiresAfter, inviteModel, senderLeaseModel, surveySlotModel } from './model.ts';
import { type Invite, inviteItem } from './schemas.ts';
import { suppressAddress } from './suppressions.ts';

/**
 * Writes the invite once (with what goes with it: its run's counters), unless its customer has been
 * erased meanwhile. Returns the stored invite, whether written now or by an earlier attempt.
 */
export const putInviteOnce = async (
  invite: Invite,
  alongside: TransactItem[] = [],
): Promise<{ invite: Invite; created: boolean } | { erased: true }> => {
  const outcome = await writeUnlessErased(invite.customerId, invitePut(invite), alongside);
  if (outcome === 'written') return { invite, created: true };
  if (outcome === 'erased') return { erased: true };
  const stored = await getInvite(invite.inviteId, true);
  if (!stored) throw new Error(`invite ${invite.inviteId} was refused as existing but cannot be read`);
  return { invite: stored, created: false };
};

/** The invite's write, once: listed as unsent by when it may go, under its customer, with its TTL. */
const invitePut = (invite: Invite): TransactItem => ({
  Put: {
    TableName: mainTable(),
    Item: {
      ...inviteModel.key(invite.inviteId),
      kind: inviteModel.kind,
      // Listed by when it may go: its creation, or the end of its delay.
      ...inviteModel.unsent(invite.sendAfter ?? invite.createdAt, invite.inviteId),
      ...inviteModel.ofCustomer(invite.customerId, invite.createdAt),
      // Deleted by DynamoDB TTL a while after its link expires; the answer is its own item.
      ...expiresAfter(new Date(Date.parse(invite.expiresAt) + config().INVITE_RETENTION_DAYS * 86_400_000)),
      ...invite,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export const getInvite = async (inviteId: string, consistent = false): Promise<Invite | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: inviteModel.key(inviteId), ConsistentRead: consistent }),
  );
  return out.Item ? inviteItem.parse(out.Item) : undefined;
};

/** Whether this sender may hand the invite to SES now, and if not, why. */
export type SendLease = 'leased' | 'busy' | 'interrupted' | 'closed';

/**
 * Takes the right to send one invite, right before the send: only one sender may hand a given
 * invite to SES. The lease is never taken again once it was taken: a lease that lapsed without an
 * outcome (`interrupted`) means a sender stopped during its send, when SES may or may not have the
 * email — and a second email to the same person is what must never happen. A send that SES refused
 * gives its lease back (deferInviteSend). `busy` while another sender holds it; `closed` once the
 * invite is sent, skipped or gone.
 */
export const leaseInviteSend = async (inviteId: string, now: Date, leaseMs = 120_000): Promise<SendLease> => {
  try {
    await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: 'SET sendingUntil = :until',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(sentAt) AND attribute_not_exists(skippedReason) AND attribute_not_exists(sendingUntil)',
        ExpressionAttributeValues: { ':until': new Date(now.getTime() + leaseMs).toISOString() },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'leased';
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
    const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
    const old = raw ? unmarshall(raw) : undefined;
    if (!old || old.sentAt || old.skippedReason) return 'closed';
    return String(old.sendingUntil) > now.toISOString() ? 'busy' : 'interrupted';
  }
};

/**
 * Records the hand-over to SES and takes the invite out of the unsent sweep — into the reminder
 * sweep, when its campaign asked for one, due `reminderDays` after now.
 */
export const markInviteSent = async (
  invite: Invite,
  messageId: string,
  now = new Date(),
  alongside: TransactItem[] = [],
): Promise<void> => {
  const remind = invite.reminderDays
    ? inviteModel.remind(
        new Date(now.getTime() + invite.reminderDays * 86_400_000).toISOString(),
        invite.inviteId,
      )
    : undefined;
  await transactWrite([
    {
      Update: {
        TableName: mainTable(),
        Key: inviteModel.key(invite.inviteId),
        UpdateExpression: remind
          ? 'SET sentAt = :now, messageId = :m, gsi1pk = :remind, gsi1sk = :due REMOVE sendingUntil'
          : 'SET sentAt = :now, messageId = :m REMOVE gsi1pk, gsi1sk, sendingUntil',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(sentAt)',
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':m': messageId,
          ...(remind ? { ':remind': remind.gsi1pk, ':due': remind.gsi1sk } : {}),
        },
      },
    },
    ...alongside,
  ]);
};

/** Sent invites whose reminder is due by `now`, oldest first. */
export const dueReminders = async (now: Date, limit = 100): Promise<Invite[]> =>
  (await queryAll(inviteModel.remindDue(now, limit))).map((i) => inviteItem.parse(i));

/**
 * Takes the right to send one invite's reminder for a while, as the send lease does for the
 * invite itself: two sweeps never both remind, and a crash before the send lets the lease lapse.
 */
export const leaseReminder = async (inviteId: string, now: Date, leaseMs = 120_000): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: 'SET remindingUntil = :until',
        ConditionExpression:
          'gsi1pk = :remind AND attribute_not_exists(remindedAt) AND (attribute_not_exists(remindingUntil) OR remindingUntil < :now)',
        ExpressionAttributeValues: {
          ':remind': inviteModel.remindListing,
          ':until': new Date(now.getTime() + leaseMs).toISOString(),
          ':now': now.toISOString(),
        },
      }),
    ),
  );

/** After a failed send: the reminder comes due again at `at`, with one more failure counted. */
export const deferReminder = async (inviteId: string, at: Date, attempts: number): Promise<void> => {
  const remind = inviteModel.remind(at.toISOString(), inviteId);
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: 'SET gsi1sk = :due, reminderAttempts = :n REMOVE remindingUntil',
        ConditionExpression: 'gsi1pk = :remind AND attribute_not_exists(remindedAt)',
        ExpressionAttributeValues: { ':due': remind.gsi1sk, ':n': attempts, ':remind': remind.gsi1pk },
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
        Key: inviteModel.key(inviteId),
        UpdateExpression: `SET ${sent ? 'remindedAt = :at, reminderMessageId = :m' : 'reminderSkipped = :why'} REMOVE gsi1pk, gsi1sk, remindingUntil`,
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(remindedAt)',
        ExpressionAttributeValues: sent
          ? { ':at': outcome.at.toISOString(), ':m': outcome.messageId }
          : { ':why': outcome.skipped },
      }),
    ),
  );
};

/**
 * Takes an invite out of the sender's listing without sending it (customer unsubscribed or gone,
 * link expired, given up on, outcome unknown), with why — and the last send error, if that is why —
 * once, with what goes with it (its run's counters and log). Not once it was sent.
 */
export const markInviteSkipped = async (
  inviteId: string,
  reason: string,
  options: { lastSendError?: string; alongside?: TransactItem[] } = {},
): Promise<boolean> => {
  const { lastSendError, alongside = [] } = options;
  const result = await transactWrite([
    {
      Update: {
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: `SET skippedReason = :r${lastSendError ? ', lastSendError = :e' : ''} REMOVE gsi1pk, gsi1sk, sendingUntil`,
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(sentAt) AND attribute_not_exists(skippedReason)',
        ExpressionAttributeValues: { ':r': reason, ...(lastSendError ? { ':e': lastSendError } : {}) },
      },
    },
    ...alongside,
  ]);
  return result.committed;
};

/**
 * After a failed send: the invite comes due again at `at`, with the failure counted and its reason
 * kept. Listed by that time, it leaves the head of the sweep's listing, so invites that keep failing
 * never hold back the ones behind them.
 */
export const deferInviteSend = async (
  inviteId: string,
  failure: { at: Date; attempts: number; error: string },
): Promise<void> => {
  const unsent = inviteModel.unsent(failure.at.toISOString(), inviteId);
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: 'SET gsi1sk = :due, sendAttempts = :n, lastSendError = :e REMOVE sendingUntil',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(sentAt) AND gsi1pk = :unsent',
        ExpressionAttributeValues: {
          ':due': unsent.gsi1sk,
          ':unsent': unsent.gsi1pk,
          ':n': failure.attempts,
          ':e': failure.error,
        },
      }),
    ),
  );
};

/**
 * Invites due by `now` that have not reached SES yet, soonest due first, from the list key `from`
 * on (inclusive); each with its list key, where a next read may go on from.
 */
export const dueUnsentInvites = async (
  now: Date,
  limit: number,
  from?: string,
): Promise<Array<{ invite: Invite; listKey: string }>> =>
  (await queryAll(inviteModel.unsentDue(now, limit, from))).map((i) => ({
    invite: inviteItem.parse(i),
    listKey: String(i.gsi1sk),
  }));

/** The customer's survey slot: when they were last invited, and by which run. */
export interface SurveySlot {
  invitedAt: string;
  runKey: string;
}

const slotOf = (item: Record<string, unknown>): SurveySlot => ({
  invitedAt: String(item.invitedAt),
  runKey: String(item.runKey),
});

export const getSurveySlot = async (customerId: string): Promise<SurveySlot | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: surveySlotModel.key(customerId), ConsistentRead: true }),
  );
  return out.Item ? slotOf(out.Item) : undefined;
};

/** The survey slots of these customers, in one batched consistent read (absent: never invited). */
export const getSurveySlots = async (customerIds: string[]): Promise<Map<string, SurveySlot>> => {
  const items = await batchGetAll(
    mainTable(),
    customerIds.map((id) => ({ ...surveySlotModel.key(id) })),
    { consistent: true },
  );
  return new Map(
    items.map((i) => [surveySlotModel.customerOf({ pk: String(i.pk), sk: String(i.sk) }), slotOf(i)]),
  );
};

/** The slot's update for a run, only if it is still as it was read (`seen`). */
const slotUpdate = (customerId: string, slot: SurveySlot, seen: SurveySlot | undefined): TransactItem => ({
  Update: {
    TableName: mainTable(),
    Key: surveySlotModel.key(customerId),
    UpdateExpression: 'SET invitedAt = :at, runKey = :run',
    ConditionExpression: seen
      ? 'invitedAt = :seenAt AND runKey = :seenRun'
      : 'attribute_not_exists(invitedAt)',
    ExpressionAttributeValues: {
      ':at': slot.invitedAt,
      ':run': slot.runKey,
      ...(seen ? { ':seenAt': seen.invitedAt, ':seenRun': seen.runKey } : {}),
    },
  },
});

/**
 * Takes the slot for a run, only if it is still as it was read (`seen`) and the customer is not
 * erased: two dispatches deciding on the same slot at once cannot both take it, and no slot is
 * written back after an erasure. `changed` when another run took it meanwhile.
 */
export const takeSurveySlot = async (
  customerId: string,
  slot: SurveySlot,
  seen: SurveySlot | undefined,
): Promise<'taken' | 'changed' | 'erased'> => {
  const outcome = await writeUnlessErased(customerId, slotUpdate(customerId, slot, seen));
  return outcome === 'written' ? 'taken' : outcome === 'refused' ? 'changed' : 'erased';
};

/**
 * A campaign run's one write for one customer: takes their slot (as `takeSurveySlot`) and writes
 * their invite (as `putInviteOnce`), with what goes with them, in one transaction — all of it or
 * none. `exists` when an earlier attempt of the run wrote the invite already; `changed` when
 * another run took the slot since it was read.
 */
export const takeSlotAndPutInvite = async (
  invite: Invite,
  slot: SurveySlot,
  seen: SurveySlot | undefined,
  alongside: TransactItem[] = [],
): Promise<'written' | 'exists' | 'changed' | 'erased'> => {
  const items = [invitePut(invite), slotUpdate(invite.customerId, slot, seen), ...alongside];
  const result = await transactWrite([...items, customerNotErasedCheck(invite.customerId)]);
  if (result.committed) return 'written';
  if (result.failed.includes(items.length)) return 'erased';
  if (result.failed.includes(0)) return 'exists';
  return 'changed';
};

/** One-click unsubscribe: suppress the address and mark the invite it came from. */
export const suppressEmail = async (email: string, reason: string, inviteId: string, now = new Date()) => {
  await suppressAddress(email, reason, now, inviteId);
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: inviteModel.key(inviteId),
      UpdateExpression: 'SET unsubscribedAt = if_not_exists(unsubscribedAt, :now)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    }),
  );
};

/**
 * Takes the invite sender's lease until `until` for `holder`: one sender drains the unsent invites
 * at a time (a second one would only race it for the same invites). False while another holds it.
 */
export const takeSenderLease = async (holder: string, until: Date, now: Date): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: { ...senderLeaseModel.key(), holder, until: until.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR #until < :now OR holder = :holder',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now.toISOString(), ':holder': holder },
      }),
    ),
  );

/** Gives the sender's lease back, if this holder still has it. */
export const releaseSenderLease = async (holder: string): Promise<void> => {
  await conditionalWrite(() =>
    getClients().ddb.send(
      new DeleteCommand({
        TableName: mainTable(),
        Key: senderLeaseModel.key(),
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    ),
  );
};

/**
 * An invite that may not go yet (its recipient's send window is closed, its run is paused) waits
 * until `at`: listed again by that time, in its run's `deferred` bucket (with what goes with it: the
 * run's counters). Not once it was sent or given up.
 */
export const deferInviteUntil = async (
  inviteId: string,
  at: Date,
  alongside: TransactItem[] = [],
): Promise<boolean> => {
  const unsent = inviteModel.unsent(at.toISOString(), inviteId);
  const result = await transactWrite([
    {
      Update: {
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: 'SET gsi1sk = :due, sendAfter = :at, runState = :deferred',
        ConditionExpression:
          'attribute_not_exists(sentAt) AND attribute_not_exists(skippedReason) AND gsi1pk = :unsent',
        ExpressionAttributeValues: {
          ':due': unsent.gsi1sk,
          ':unsent': unsent.gsi1pk,
          ':at': at.toISOString(),
          ':deferred': 'deferred',
        },
      },
    },
    ...alongside,
  ]);
  return result.committed;
};

/** Takes a paused run's invite out of the sender's listing, into its run's held ones (and `deferred`). */
export const holdInvite = async (invite: Invite, alongside: TransactItem[] = []): Promise<boolean> => {
  const held = inviteModel.held(invite.campaignId, invite.runId, invite.inviteId);
  const result = await transactWrite([
    {
      Update: {
        TableName: mainTable(),
        Key: inviteModel.key(invite.inviteId),
        UpdateExpression: 'SET gsi1pk = :held, gsi1sk = :sk, runState = :deferred',
        ConditionExpression:
          'attribute_not_exists(sentAt) AND attribute_not_exists(skippedReason) AND gsi1pk = :unsent',
        ExpressionAttributeValues: {
          ':held': held.gsi1pk,
          ':sk': held.gsi1sk,
          ':deferred': 'deferred',
          ':unsent': inviteModel.unsentListing,
        },
      },
    },
    ...alongside,
  ]);
  return result.committed;
};

/** A held invite back in the sender's listing, due at `at`, waiting its turn again (`queued`). */
export const releaseHeldInvite = async (invite: Invite, at: Date, alongside: TransactItem[] = []) => {
  const unsent = inviteModel.unsent(at.toISOString(), invite.inviteId);
  const result = await transactWrite([
    {
      Update: {
        TableName: mainTable(),
        Key: inviteModel.key(invite.inviteId),
        UpdateExpression: 'SET gsi1pk = :unsent, gsi1sk = :sk, runState = :queued',
        ConditionExpression: 'gsi1pk = :held',
        ExpressionAttributeValues: {
          ':unsent': unsent.gsi1pk,
          ':sk': unsent.gsi1sk,
          ':queued': 'queued',
          ':held': inviteModel.held(invite.campaignId, invite.runId, invite.inviteId).gsi1pk,
        },
      },
    },
    ...alongside,
  ]);
  return result.committed;
};

/** Held invites of every paused run, in run order, after the list key `after` (if any). */
export const heldInvitesAfter = async (after: string | undefined, limit: number): Promise<Invite[]> =>
  (await queryAll(inviteModel.heldAfter(after, limit))).map((i) => inviteItem.parse(i));

/** SES feedback on a sent invite, noted on it once: true the first time. */
export const noteInviteFeedback = async (
  inviteId: string,
  feedback: 'complaint' | 'bounce',
  at: Date,
  alongside: TransactItem[] = [],
): Promise<boolean> => {
  const result = await transactWrite([
    {
      Update: {
        TableName: mainTable(),
        Key: inviteModel.key(inviteId),
        UpdateExpression: 'SET #f = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#f)',
        ExpressionAttributeNames: { '#f': feedback === 'complaint' ? 'complainedAt' : 'bouncedAt' },
        ExpressionAttributeValues: { ':at': at.toISOString() },
      },
    },
    ...alongside,
  ]);
  return result.committed;
};
