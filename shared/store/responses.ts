import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { ValidationError } from '../errors.ts';
import { mainTable } from './db.ts';
import { responseModel } from './model.ts';
import { type Invite, type Response, responseItem } from './schemas.ts';

/** A validated answer: an integer score and, if any, a non-empty comment. */
export interface Answer {
  score: number;
  comment?: string | undefined;
}

export interface AnswerSnapshot {
  attributes: Record<string, string>;
  ownerId?: string | undefined;
}

/**
 * Records or replaces the answer to an invite in one conditional-free update: the score and
 * comment are replaced, while the first-answer time and the customer snapshot are kept from the
 * first answer (edits never move a response to another window or segment).
 */
export const recordAnswer = async (
  invite: Invite,
  snapshot: AnswerSnapshot,
  answer: Answer,
  now = new Date(),
): Promise<Response> => {
  const at = now.toISOString();
  const listed = responseModel.listed(at, invite.inviteId);
  const ofCustomer = responseModel.ofCustomer(invite.customerId, at, invite.inviteId);
  const sets = [
    'score = :score',
    'respondedAt = :now',
    'firstAnsweredAt = if_not_exists(firstAnsweredAt, :now)',
    'inviteId = :inviteId',
    'campaignId = :campaignId',
    'customerId = :customerId',
    '#attributes = if_not_exists(#attributes, :attributes)',
    'kind = :kind',
    'gsi1pk = :listKind',
    'gsi1sk = :listSort',
    'gsi2pk = :customerKey',
    'gsi2sk = if_not_exists(gsi2sk, :customerSort)',
  ];
  const values: Record<string, unknown> = {
    ':score': answer.score,
    ':now': at,
    ':inviteId': invite.inviteId,
    ':campaignId': invite.campaignId,
    ':customerId': invite.customerId,
    ':attributes': snapshot.attributes,
    ':kind': responseModel.kind,
    ':listKind': listed.gsi1pk,
    ':listSort': listed.gsi1sk,
    ':customerKey': ofCustomer.gsi2pk,
    ':customerSort': ofCustomer.gsi2sk,
    ':one': 1,
  };
  // Always written on the first answer ('' for none), so a later edit can never add an owner
  // to the snapshot and move the response to another segment.
  sets.push('ownerId = if_not_exists(ownerId, :ownerId)');
  values[':ownerId'] = snapshot.ownerId ?? '';
  if (answer.comment !== undefined) {
    sets.push('#comment = :comment');
    values[':comment'] = answer.comment;
  }
  const out = await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: responseModel.key(invite.inviteId),
      UpdateExpression: `SET ${sets.join(', ')} ADD version :one`,
      ExpressionAttributeNames: {
        '#attributes': 'attributes',
        ...(answer.comment !== undefined ? { '#comment': 'comment' } : {}),
      },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  return responseItem.parse(out.Attributes);
};

export const getResponse = async (inviteId: string): Promise<Response | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: responseModel.key(inviteId), ConsistentRead: true }),
  );
  return out.Item ? responseItem.parse(out.Item) : undefined;
};

/** Which responses a listing keeps: by an attribute of the snapshot, the owner or the campaign. */
export type ResponseFilter =
  | { attribute: string; value: string }
  | { ownerId: string }
  | { campaignId: string };

export interface ResponseQuery {
  filter?: ResponseFilter | undefined;
  /** Answered at or after `since`, before `until`. */
  since?: Date | undefined;
  until?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

const filterExpression = (
  filter: ResponseFilter | undefined,
): { expr?: string; names?: Record<string, string>; values?: Record<string, unknown> } => {
  if (!filter) return {};
  if ('ownerId' in filter) return { expr: 'ownerId = :v', names: {}, values: { ':v': filter.ownerId } };
  if ('campaignId' in filter)
    return { expr: 'campaignId = :v', names: {}, values: { ':v': filter.campaignId } };
  return {
    expr: '#attributes.#name = :v',
    names: { '#attributes': 'attributes', '#name': filter.attribute },
    values: { ':v': filter.value },
  };
};

const decodeCursor = (cursor: string | undefined): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('cursor is not one this API returned', 'invalid_cursor');
};

/** Newest first, filtered, paged with an opaque cursor. */
export const listResponses = async (q: ResponseQuery): Promise<{ items: Response[]; cursor?: string }> => {
  const filter = filterExpression(q.filter);
  const pattern = responseModel.answered(q.since, q.until);
  const items: Response[] = [];
  let startKey = decodeCursor(q.cursor);
  do {
    const out = await getClients().ddb.send(
      new QueryCommand({
        ...pattern,
        FilterExpression: filter.expr,
        ExpressionAttributeNames: { ...pattern.ExpressionAttributeNames, ...filter.names },
        ExpressionAttributeValues: { ...pattern.ExpressionAttributeValues, ...filter.values },
        Limit: q.limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []).map((i) => responseItem.parse(i)));
    startKey = out.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (startKey && items.length < q.limit);
  return {
    items,
    cursor: startKey ? Buffer.from(JSON.stringify(startKey)).toString('base64url') : undefined,
  };
};

/** A transaction item that holds only while the answer still exists (erasure has not taken it). */
export const answerStillThereCheck = (inviteId: string) => ({
  ConditionCheck: {
    TableName: mainTable(),
    Key: responseModel.key(inviteId),
    ConditionExpression: 'attribute_exists(pk)',
  },
});
