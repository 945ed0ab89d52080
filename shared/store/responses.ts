import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { SCORE_RANGES, type ScoreClass } from '../nps/score.ts';
import { mainTable, type Page, type PageRequest, queryPage, queryUpTo } from './db.ts';
import { writeUnlessErased } from './erasure.ts';
import { responseModel } from './model.ts';
import { type EditCount, type Invite, type Response, responseItem } from './schemas.ts';

/** A validated answer: an integer score and, if any, a non-empty comment. */
export interface Answer {
  score: number;
  comment?: string | undefined;
}

export interface AnswerSnapshot {
  attributes: Record<string, string>;
  ownerId?: string | undefined;
}

export type AnswerWriteResult =
  | { kind: 'written'; response: Response }
  /** The stored answer changed since it was read: read it again and decide again. */
  | { kind: 'changed' }
  /** The customer has been erased since the invite was read: nothing is written. */
  | { kind: 'erased' };

/**
 * Writes the answer to an invite as decided (shared/survey/answer-change.ts), only if the stored
 * answer is still the one read (`stored`, by its revision) and the customer is not erased. The
 * first-answer time and the customer snapshot stay those of the first answer, so edits never move
 * a response to another window or segment.
 */
export const writeAnswer = async (
  invite: Invite,
  snapshot: AnswerSnapshot,
  stored: Response | undefined,
  change: {
    answer: Answer;
    news: boolean;
    edits: EditCount;
    /** The themes of a new comment; without one, the stored answer's stay. */
    themes?: string[] | undefined;
  },
  now = new Date(),
): Promise<AnswerWriteResult> => {
  const at = now.toISOString();
  const firstAnsweredAt = stored?.firstAnsweredAt ?? at;
  const comment = change.answer.comment ?? stored?.comment;
  const themes = change.themes ?? stored?.themes ?? [];
  const response: Response = {
    inviteId: invite.inviteId,
    campaignId: stored?.campaignId ?? invite.campaignId,
    customerId: invite.customerId,
    ownerId: stored ? stored.ownerId : snapshot.ownerId,
    attributes: stored?.attributes ?? snapshot.attributes,
    score: change.answer.score,
    ...(comment !== undefined ? { comment } : {}),
    themes,
    firstAnsweredAt,
    respondedAt: at,
    version: (stored?.version ?? 0) + (stored && !change.news ? 0 : 1),
    revision: (stored?.revision ?? 0) + 1,
    edits: change.edits,
  };
  const seen = !stored
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : stored.revision === undefined
      ? {
          ConditionExpression: 'attribute_not_exists(revision) AND version = :seen',
          ExpressionAttributeValues: { ':seen': stored.version },
        }
      : { ConditionExpression: 'revision = :seen', ExpressionAttributeValues: { ':seen': stored.revision } };
  const outcome = await writeUnlessErased(invite.customerId, {
    Put: {
      TableName: mainTable(),
      Item: {
        ...responseModel.key(invite.inviteId),
        kind: responseModel.kind,
        ...responseModel.listed(at, invite.inviteId),
        ...responseModel.ofCustomer(invite.customerId, firstAnsweredAt, invite.inviteId),
        ...response,
        // Always written ('' for none), so a later edit can never add an owner to the snapshot.
        ownerId: response.ownerId ?? '',
      },
      ...seen,
    },
  });
  if (outcome === 'written') return { kind: 'written', response };
  return outcome === 'erased' ? { kind: 'erased' } : { kind: 'changed' };
};

export const getResponse = async (inviteId: string): Promise<Response | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: responseModel.key(inviteId), ConsistentRead: true }),
  );
  return out.Item ? responseItem.parse(out.Item) : undefined;
};

/**
 * Which responses a listing keeps: by an attribute of the snapshot, the owner, the campaign or a
 * theme its comment was tagged with.
 */
export type ResponseFilter =
  | { attribute: string; value: string }
  | { ownerId: string }
  | { campaignId: string }
  | { theme: string };

export interface ResponseQuery extends PageRequest {
  filter?: ResponseFilter | undefined;
  /** Only the answers of this class (promoters 9–10, passives 7–8, detractors 0–6). */
  scoreClass?: ScoreClass | undefined;
  /** Answered at or after `since`, before `until`. */
  since?: Date | undefined;
  until?: Date | undefined;
}

type Condition = { expr: string; names: Record<string, string>; values: Record<string, unknown> };

const filterCondition = (filter: ResponseFilter): Condition => {
  if ('ownerId' in filter) return { expr: 'ownerId = :v', names: {}, values: { ':v': filter.ownerId } };
  if ('campaignId' in filter)
    return { expr: 'campaignId = :v', names: {}, values: { ':v': filter.campaignId } };
  if ('theme' in filter)
    return { expr: 'contains(#themes, :v)', names: { '#themes': 'themes' }, values: { ':v': filter.theme } };
  return {
    expr: '#attributes.#name = :v',
    names: { '#attributes': 'attributes', '#name': filter.attribute },
    values: { ':v': filter.value },
  };
};

const classCondition = (scoreClass: ScoreClass): Condition => ({
  expr: '#score BETWEEN :scoreMin AND :scoreMax',
  names: { '#score': 'score' },
  values: { ':scoreMin': SCORE_RANGES[scoreClass].min, ':scoreMax': SCORE_RANGES[scoreClass].max },
});

/**
 * A listing's filter and class as one FilterExpression over the snapshot fields (responses and
 * provisional answers), or nothing without either.
 */
export const filterExpression = (
  q: Pick<ResponseQuery, 'filter' | 'scoreClass'>,
): { expr?: string; names?: Record<string, string>; values?: Record<string, unknown> } => {
  const conditions = [
    ...(q.filter ? [filterCondition(q.filter)] : []),
    ...(q.scoreClass ? [classCondition(q.scoreClass)] : []),
  ];
  if (conditions.length === 0) return {};
  return {
    expr: conditions.map((c) => (conditions.length > 1 ? `(${c.expr})` : c.expr)).join(' AND '),
    names: Object.assign({}, ...conditions.map((c) => c.names)),
    values: Object.assign({}, ...conditions.map((c) => c.values)),
  };
};

/** The listing's one query: response.answered in the range, with the filter. */
const listingQuery = (q: Omit<ResponseQuery, keyof PageRequest>) => {
  const filter = filterExpression(q);
  const pattern = responseModel.answered(q.since, q.until);
  return {
    ...pattern,
    FilterExpression: filter.expr,
    ExpressionAttributeNames: { ...pattern.ExpressionAttributeNames, ...filter.names },
    ExpressionAttributeValues: { ...pattern.ExpressionAttributeValues, ...filter.values },
  };
};

/** Newest first, filtered, a page at a time (see queryPage). */
export const listResponses = async (q: ResponseQuery): Promise<Page<Response>> => {
  const page = await queryPage([listingQuery(q)], q);
  return { items: page.items.map((i) => responseItem.parse(i)), cursor: page.cursor };
};

/**
 * The same listing as a whole, newest first, reading at most `maxRead` responses (before the
 * filter): `complete` is false when older ones in the range were left unread.
 */
export const responsesUpTo = async (
  q: Omit<ResponseQuery, keyof PageRequest>,
  maxRead: number,
): Promise<{ items: Response[]; complete: boolean }> => {
  const { items, complete } = await queryUpTo([listingQuery(q)], maxRead);
  return { items: items.map((i) => responseItem.parse(i)), complete };
};

/** A transaction item that holds only while the answer still exists (erasure has not taken it). */
export const answerStillThereCheck = (inviteId: string) => ({
  ConditionCheck: {
    TableName: mainTable(),
    Key: responseModel.key(inviteId),
    ConditionExpression: 'attribute_exists(pk)',
  },
});
