import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SurveyAnswerInput } from '../api/inputs.ts';
import { getClients } from '../clients.ts';
import { ValidationError } from '../errors.ts';
import { mainTable } from './db.ts';
import { type Invite, type Response, responseItem } from './schemas.ts';
import { customerGsi2, keys, kinds, MAIN_TABLE } from './table.ts';

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
  answer: SurveyAnswerInput,
  now = new Date(),
): Promise<Response> => {
  const at = now.toISOString();
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
    ':kind': 'response',
    ':listKind': kinds.response,
    ':listSort': `${at}#${invite.inviteId}`,
    ':customerKey': customerGsi2(invite.customerId),
    ':customerSort': `RESPONSE#${at}#${invite.inviteId}`,
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
      Key: keys.response(invite.inviteId),
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
    new GetCommand({ TableName: mainTable(), Key: keys.response(inviteId), ConsistentRead: true }),
  );
  return out.Item ? responseItem.parse(out.Item) : undefined;
};

export interface ResponseQuery {
  segment?: string | undefined;
  /** Answered at or after `since`, before `until`. */
  since?: Date | undefined;
  until?: Date | undefined;
  limit: number;
  cursor?: string | undefined;
}

interface Filter {
  expr?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

const segmentFilter = (segment: string | undefined): Filter => {
  if (!segment || segment === 'all') return {};
  const [name = '', ...rest] = segment.split(':');
  const value = rest.join(':');
  if (name === 'owner') return { expr: 'ownerId = :v', names: {}, values: { ':v': value } };
  if (name === 'campaign') return { expr: 'campaignId = :v', names: {}, values: { ':v': value } };
  return {
    expr: '#attributes.#name = :v',
    names: { '#attributes': 'attributes', '#name': name },
    values: { ':v': value },
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

/** Newest first, filtered by segment, paged with an opaque cursor. */
export const listResponses = async (q: ResponseQuery): Promise<{ items: Response[]; cursor?: string }> => {
  const filter = segmentFilter(q.segment);
  const items: Response[] = [];
  let startKey = decodeCursor(q.cursor);
  // List keys are `<respondedAt>#<inviteId>`: one at `until` sorts after the bare instant, so
  // BETWEEN leaves it out — the upper bound is exclusive, as the day range wants.
  const lower = q.since?.toISOString() ?? '0000';
  const upper = q.until?.toISOString() ?? '9999';
  do {
    const out = await getClients().ddb.send(
      new QueryCommand({
        TableName: mainTable(),
        IndexName: 'byKind',
        KeyConditionExpression: '#pk = :kind AND #sk BETWEEN :lower AND :upper',
        FilterExpression: filter.expr,
        ExpressionAttributeNames: {
          '#pk': MAIN_TABLE.indexes.byKind.partitionKey,
          '#sk': MAIN_TABLE.indexes.byKind.sortKey,
          ...filter.names,
        },
        ExpressionAttributeValues: {
          ':kind': kinds.response,
          ':lower': lower,
          ':upper': upper,
          ...filter.values,
        },
        ScanIndexForward: false,
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
