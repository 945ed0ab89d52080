import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { getClients } from '../clients.ts';
import {
  ACTIVE_WIN_BACK_STATUSES,
  WIN_BACK_PRIORITIES,
  WIN_BACK_STATUSES,
  type WinBackStatus,
} from '../winback/policy.ts';
import { LEAVE_REASONS } from '../winback/reasons.ts';
import {
  batchGetAll,
  conditionalWrite,
  mainTable,
  ownedBy,
  type Page,
  type PageRequest,
  queryAll,
  queryPage,
  queryPages,
  type TransactItem,
} from './db.ts';
import { writeUnlessErased } from './erasure.ts';
import { lossModel, winBackModel } from './model.ts';
import { CHURN_KINDS } from './retention.ts';

/** Where the "why did you leave?" email stands: not asked, due, being sent, sent, or skipped (why). */
export const LEAVE_SURVEY_STATES = ['not-asked', 'pending', 'sending', 'sent', 'skipped'] as const;

const answerFields = {
  reason: z.enum(LEAVE_REASONS).optional(),
  comment: z.string().optional(),
  answeredAt: z.string().optional(),
};

export const lossItem = z.object({
  lossId: z.string(),
  customerId: z.string(),
  /** The customer's last purchase day before the loss (`none`: no purchase known): names the loss. */
  episode: z.string(),
  lostOn: z.string(),
  trigger: z.enum(['lapsed', 'marked']),
  churnKind: z.enum(CHURN_KINDS).optional(),
  /** The customer's value tier when lost: what decided the case and the email. */
  valueTier: z.string(),
  openedAt: z.string(),
  /** Whether a win-back case was opened beside it. */
  winBack: z.boolean(),
  surveyState: z.enum(LEAVE_SURVEY_STATES),
  /** Until when the leave link works. */
  surveyExpiresAt: z.string().optional(),
  surveyClaimedAt: z.string().optional(),
  surveySentAt: z.string().optional(),
  surveyAttempts: z.number().int().default(0),
  /** Why no email went: no address, suppressed, or the error it was given up after. */
  surveySkipped: z.string().optional(),
  ...answerFields,
});
export type Loss = z.infer<typeof lossItem>;

const winBackNote = z.object({ at: z.string(), text: z.string(), status: z.enum(WIN_BACK_STATUSES) });

export const winBackItem = z.object({
  lossId: z.string(),
  customerId: z.string(),
  name: z.string().optional(),
  ownerId: z.string().optional(),
  valueTier: z.string(),
  priority: z.enum(WIN_BACK_PRIORITIES),
  status: z.enum(WIN_BACK_STATUSES),
  slaDueAt: z.string(),
  lostOn: z.string(),
  /** The loss's episode (see lossItem): a purchase after it means the customer came back. */
  episode: z.string(),
  trigger: z.enum(['lapsed', 'marked']),
  churnKind: z.enum(CHURN_KINDS).optional(),
  openedAt: z.string(),
  updatedAt: z.string(),
  /** When the case first left `open`: the SLA clock stops there. */
  contactedAt: z.string().optional(),
  closedAt: z.string().optional(),
  notes: z.array(winBackNote).default([]),
  ...answerFields,
});
export type WinBack = z.infer<typeof winBackItem>;

/**
 * Opens a loss — and its win-back case when there is one — once: both are new together or neither
 * is written (`exists`: this loss was opened before, by the other trigger or an earlier pass), and
 * nothing is written once the customer's erasure began.
 */
export const openLoss = async (loss: Loss, winBack?: WinBack): Promise<'opened' | 'exists' | 'erased'> => {
  const alongside: TransactItem[] = winBack
    ? [
        {
          Put: {
            TableName: mainTable(),
            Item: {
              ...winBackModel.key(winBack.lossId),
              ...winBackModel.withStatus(winBack.status, winBack.slaDueAt, winBack.lossId),
              ...winBackModel.ofCustomer(winBack.customerId, winBack.openedAt, winBack.lossId),
              ...winBack,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]
    : [];
  const outcome = await writeUnlessErased(
    loss.customerId,
    {
      Put: {
        TableName: mainTable(),
        Item: {
          ...lossModel.key(loss.lossId),
          ...lossModel.listed(loss.lostOn, loss.lossId),
          ...lossModel.ofCustomer(loss.customerId, loss.lostOn, loss.lossId),
          ...loss,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    alongside,
  );
  return outcome === 'written' ? 'opened' : outcome === 'refused' ? 'exists' : 'erased';
};

const getItem = async (key: { pk: string; sk: string }) =>
  (await getClients().ddb.send(new GetCommand({ TableName: mainTable(), Key: key, ConsistentRead: true })))
    .Item;

export const getLoss = async (lossId: string): Promise<Loss | undefined> => {
  const item = await getItem(lossModel.key(lossId));
  return item ? lossItem.parse(item) : undefined;
};

export const getWinBack = async (lossId: string): Promise<WinBack | undefined> => {
  const item = await getItem(winBackModel.key(lossId));
  return item ? winBackItem.parse(item) : undefined;
};

/** The losses of the days from..to (inclusive), a page of the listing at a time. */
export async function* lossesBetween(fromDay: string, toDay: string): AsyncGenerator<Loss[]> {
  for await (const page of queryPages(lossModel.lostBetween(fromDay, toDay))) {
    yield page.map((i) => lossItem.parse(i));
  }
}

/** Win-back cases of the given statuses, status by status, each soonest SLA first; a page at a time. */
export const listWinBacks = async (
  page: PageRequest,
  statuses: readonly WinBackStatus[] = WIN_BACK_STATUSES,
  /** Only this owner's (an account manager's own), filtered in the query so pages stay whole. */
  ownerId?: string,
): Promise<Page<WinBack>> => {
  const found = await queryPage(
    statuses.map((s) => ownedBy(winBackModel.byStatus(s), ownerId)),
    page,
  );
  return { items: found.items.map((i) => winBackItem.parse(i)), cursor: found.cursor };
};

/** Every win-back case still being worked (open or contacted): the daily pass checks who came back. */
export const activeWinBacks = async (): Promise<WinBack[]> => {
  const items = await Promise.all(ACTIVE_WIN_BACK_STATUSES.map((s) => queryAll(winBackModel.byStatus(s))));
  return items.flat().map((i) => winBackItem.parse(i));
};

/**
 * Moves a case from the status it was read in (false when it moved meanwhile, or is gone): the new
 * status with its listing, a note, and the owner if given.
 */
export const moveWinBack = async (
  current: WinBack,
  change: { status: WinBackStatus; note?: string | undefined; ownerId?: string | undefined },
  now: Date,
): Promise<boolean> => {
  const at = now.toISOString();
  const listing = winBackModel.withStatus(change.status, current.slaDueAt, current.lossId);
  const sets = [
    '#status = :status',
    'gsi1pk = :gsi1pk',
    'updatedAt = :now',
    'notes = list_append(if_not_exists(notes, :none), :note)',
  ];
  const values: Record<string, unknown> = {
    ':status': change.status,
    ':from': current.status,
    ':gsi1pk': listing.gsi1pk,
    ':now': at,
    ':none': [],
    ':note': [{ at, text: change.note ?? `status: ${change.status}`, status: change.status }],
  };
  if (change.status !== 'open' && !current.contactedAt) sets.push('contactedAt = :now');
  if (change.status === 'won-back' || change.status === 'not-won') sets.push('closedAt = :now');
  if (change.ownerId) {
    sets.push('ownerId = :owner');
    values[':owner'] = change.ownerId;
  }
  return conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: winBackModel.key(current.lossId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND #status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    ),
  );
};

/**
 * The customer's answer to "why did you leave?", on the loss and on its case (the owner reads it
 * there), together; a later answer replaces it. Refused (false) once the loss is gone or the
 * customer's erasure began.
 */
export const recordLeaveAnswer = async (
  loss: Loss,
  answer: { reason: (typeof LEAVE_REASONS)[number]; comment?: string | undefined },
  now: Date,
): Promise<boolean> => {
  const update = (key: { pk: string; sk: string }): TransactItem => ({
    Update: {
      TableName: mainTable(),
      Key: key,
      UpdateExpression: answer.comment
        ? 'SET reason = :reason, answeredAt = :now, #comment = :comment'
        : 'SET reason = :reason, answeredAt = :now REMOVE #comment',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#comment': 'comment' },
      ExpressionAttributeValues: {
        ':reason': answer.reason,
        ':now': now.toISOString(),
        ...(answer.comment ? { ':comment': answer.comment } : {}),
      },
    },
  });
  const outcome = await writeUnlessErased(
    loss.customerId,
    update(lossModel.key(loss.lossId)),
    loss.winBack ? [update(winBackModel.key(loss.lossId))] : [],
  );
  return outcome === 'written';
};

/**
 * Takes the loss's email for sending: due, or a claim left behind by a crash before `staleBefore`.
 * Two passes racing for one loss: one gets it.
 */
export const claimLeaveSurvey = (lossId: string, now: Date, staleBefore: Date): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: lossModel.key(lossId),
        UpdateExpression: 'SET surveyState = :sending, surveyClaimedAt = :now',
        ConditionExpression:
          'surveyState = :pending OR (surveyState = :sending AND surveyClaimedAt < :stale)',
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':pending': 'pending',
          ':now': now.toISOString(),
          ':stale': staleBefore.toISOString(),
        },
      }),
    ),
  );

/** How a claimed email ended: sent, back to due (SES certainly did not take it), or skipped (why). */
export type LeaveSurveyOutcome =
  | { state: 'sent'; sentAt: string }
  | { state: 'pending'; attempts: number; error: string }
  | { state: 'skipped'; why: string };

export const settleLeaveSurvey = async (lossId: string, outcome: LeaveSurveyOutcome): Promise<void> => {
  const sets = ['surveyState = :state'];
  const values: Record<string, unknown> = { ':state': outcome.state };
  if (outcome.state === 'sent') {
    sets.push('surveySentAt = :at');
    values[':at'] = outcome.sentAt;
  } else if (outcome.state === 'pending') {
    sets.push('surveyAttempts = :attempts', 'surveySkipped = :why');
    values[':attempts'] = outcome.attempts;
    values[':why'] = outcome.error;
  } else {
    sets.push('surveySkipped = :why');
    values[':why'] = outcome.why;
  }
  // A loss erased meanwhile stays gone: the condition keeps the update from writing it back.
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: lossModel.key(lossId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
      }),
    ),
  );
};

/** Which of these losses are recorded already (one batched read): the daily pass skips them. */
export const recordedLossIds = async (lossIds: readonly string[]): Promise<Set<string>> => {
  if (lossIds.length === 0) return new Set();
  const found = await batchGetAll(
    mainTable(),
    [...new Set(lossIds)].map((id) => ({ ...lossModel.key(id) })),
  );
  return new Set(found.map((item) => String(item.lossId)));
};
