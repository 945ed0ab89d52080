import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseUpdateInput } from '../api/inputs.ts';
import { getClients } from '../clients.ts';
import { ConflictError, isConditionFailure, NotFoundError } from '../errors.ts';
import { conditionalWrite, mainTable, queryAll } from './db.ts';
import {
  type Case,
  type CasePriority,
  type CaseStatus,
  caseItem,
  caseStatus,
  type Response,
} from './schemas.ts';
import { caseCustomerSort, caseSort, customerGsi2, keys, kinds, MAIN_TABLE } from './table.ts';

export const getCase = async (caseId: string): Promise<Case | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: keys.case(caseId), ConsistentRead: true }),
  );
  return out.Item ? caseItem.parse(out.Item) : undefined;
};

const byNewest = (a: Case, b: Case) => b.createdAt.localeCompare(a.createdAt);

const casesWithStatus = (status: CaseStatus, extra: { from?: string; to?: string } = {}) =>
  queryAll({
    TableName: mainTable(),
    IndexName: 'byKind',
    // A case's sort key is its SLA due time (or `~…` once escalated), never before its creation:
    // so cases opened from `from` on all sort at or after `from`, and the key range narrows the read.
    KeyConditionExpression: extra.from ? '#pk = :kind AND #sk >= :from' : '#pk = :kind',
    FilterExpression: extra.from || extra.to ? 'createdAt BETWEEN :from AND :to' : undefined,
    ExpressionAttributeNames: {
      '#pk': MAIN_TABLE.indexes.byKind.partitionKey,
      ...(extra.from ? { '#sk': MAIN_TABLE.indexes.byKind.sortKey } : {}),
    },
    ExpressionAttributeValues: {
      ':kind': kinds.caseByStatus(status),
      ...(extra.from || extra.to ? { ':from': extra.from ?? '0000', ':to': extra.to ?? '9999' } : {}),
    },
  });

export const listCases = async (status?: CaseStatus): Promise<Case[]> => {
  const statuses = status ? [status] : caseStatus.options;
  const lists = await Promise.all(statuses.map((s) => casesWithStatus(s)));
  return lists
    .flat()
    .map((i) => caseItem.parse(i))
    .sort(byNewest);
};

/** Cases opened in [from, to] (ISO instants), one key-range query per status: the metrics' input. */
export const casesOpenedBetween = async (from?: string, to?: string): Promise<Case[]> => {
  const lists = await Promise.all(caseStatus.options.map((s) => casesWithStatus(s, { from, to })));
  return lists
    .flat()
    .map((i) => caseItem.parse(i))
    .sort(byNewest);
};

/** Open cases whose SLA is due by `now` and that were not escalated yet, soonest due first. */
export const overdueOpenCases = async (now: Date, limit = 100): Promise<Case[]> => {
  const items = await queryAll({
    TableName: mainTable(),
    IndexName: 'byKind',
    KeyConditionExpression: '#pk = :kind AND #sk <= :dueBy',
    ExpressionAttributeNames: {
      '#pk': MAIN_TABLE.indexes.byKind.partitionKey,
      '#sk': MAIN_TABLE.indexes.byKind.sortKey,
    },
    ExpressionAttributeValues: { ':kind': kinds.caseByStatus('open'), ':dueBy': caseSort.dueBy(now) },
    Limit: limit,
  });
  return items
    .map((i) => caseItem.parse(i))
    .filter((c) => c.escalatedAt === undefined && c.slaDueAt <= now.toISOString());
};

const note = (now: Date, text: string, status: CaseStatus) => [{ at: now.toISOString(), text, status }];

export interface CaseFromAnswer {
  caseId: string;
  response: Response;
  ownerId?: string | undefined;
  routedBy?: Case['routedBy'];
  priority: CasePriority;
  slaDueAt: string;
  /** The case was resolved because the customer raised the score; this lower score reopens it. */
  reopen: boolean;
  now: Date;
}

/**
 * Opens the invite's case or brings it up to date with the answer — for a transaction that also
 * writes its alert. Keyed by the response version: a redelivered or out-of-date stream record is
 * refused by the condition and changes nothing. What was decided when the case opened (owner,
 * priority, SLA, segment snapshot) is kept on later updates.
 */
export const caseFromAnswerWrite = (input: CaseFromAnswer) => {
  const { caseId, response, now } = input;
  const at = now.toISOString();
  const sets = [
    'caseId = :caseId',
    'inviteId = :inviteId',
    'customerId = :customerId',
    'score = :score',
    'updatedAt = :now',
    'responseVersion = :version',
    'kind = :kind',
    'tier = :tier',
    'createdAt = if_not_exists(createdAt, :now)',
    'slaDueAt = if_not_exists(slaDueAt, :sla)',
    'priority = if_not_exists(priority, :priority)',
    '#attributes = if_not_exists(#attributes, :attributes)',
    'recovered = if_not_exists(recovered, :false)',
    'gsi1sk = if_not_exists(gsi1sk, :sort)',
    'gsi2pk = :customerKey',
    'gsi2sk = if_not_exists(gsi2sk, :customerSort)',
  ];
  if (input.reopen) {
    sets.push(
      '#status = :open',
      'gsi1pk = :openKind',
      'notes = list_append(if_not_exists(notes, :noNotes), :note)',
    );
  } else {
    sets.push(
      '#status = if_not_exists(#status, :open)',
      'gsi1pk = if_not_exists(gsi1pk, :openKind)',
      'notes = if_not_exists(notes, :noNotes)',
    );
  }
  if (input.ownerId) sets.push('ownerId = if_not_exists(ownerId, :ownerId)');
  if (input.routedBy) sets.push('routedBy = if_not_exists(routedBy, :routedBy)');
  if (response.comment !== undefined) sets.push('#comment = :comment');
  const versionIsNew = '(attribute_not_exists(responseVersion) OR responseVersion < :version)';
  return {
    Update: {
      TableName: mainTable(),
      Key: keys.case(caseId),
      UpdateExpression: `SET ${sets.join(', ')}${input.reopen ? ' REMOVE resolvedAt, resolvedBy, outcome' : ''}`,
      ConditionExpression: input.reopen
        ? `${versionIsNew} AND #status = :resolved AND resolvedBy = :customer`
        : versionIsNew,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#attributes': 'attributes',
        ...(response.comment !== undefined ? { '#comment': 'comment' } : {}),
      },
      ExpressionAttributeValues: {
        ':caseId': caseId,
        ':inviteId': response.inviteId,
        ':customerId': response.customerId,
        ':score': response.score,
        ':now': at,
        ':version': response.version,
        ':kind': 'case',
        ':tier': response.attributes.tier ?? 'none',
        ':sla': input.slaDueAt,
        ':priority': input.priority,
        ':attributes': response.attributes,
        ':open': 'open',
        ':noNotes': [],
        ':false': false,
        ':openKind': kinds.caseByStatus('open'),
        ':sort': caseSort.due(input.slaDueAt, caseId),
        ':customerKey': customerGsi2(response.customerId),
        ':customerSort': caseCustomerSort(at, caseId),
        ...(input.reopen
          ? {
              ':note': note(
                now,
                `The customer lowered the score to ${response.score}: case reopened.`,
                'open',
              ),
              ':resolved': 'resolved',
              ':customer': 'customer',
            }
          : {}),
        ...(input.ownerId ? { ':ownerId': input.ownerId } : {}),
        ...(input.routedBy ? { ':routedBy': input.routedBy } : {}),
        ...(response.comment !== undefined ? { ':comment': response.comment } : {}),
      },
    },
  };
};

/**
 * The customer raised their score to 7+: the case resolves itself, outcome `score raised`. Guarded
 * by the response version and by the status read just before, so a concurrent owner update is
 * not overwritten and a redelivered record does nothing.
 */
export const caseResolvedByCustomerWrite = (
  existing: Case,
  response: Response,
  outcome: string,
  now: Date,
) => ({
  Update: {
    TableName: mainTable(),
    Key: keys.case(existing.caseId),
    UpdateExpression:
      'SET score = :score, responseVersion = :version, updatedAt = :now, #status = :resolved, ' +
      'resolvedAt = if_not_exists(resolvedAt, :now), resolvedBy = :customer, outcome = :outcome, ' +
      'notes = list_append(if_not_exists(notes, :noNotes), :note), gsi1pk = :resolvedKind, gsi1sk = :sort' +
      (response.comment !== undefined ? ', #comment = :comment' : ''),
    ConditionExpression: 'attribute_exists(pk) AND responseVersion < :version AND #status = :expected',
    ExpressionAttributeNames: {
      '#status': 'status',
      ...(response.comment !== undefined ? { '#comment': 'comment' } : {}),
    },
    ExpressionAttributeValues: {
      ':score': response.score,
      ':version': response.version,
      ':now': now.toISOString(),
      ':resolved': 'resolved',
      ':customer': 'customer',
      ':outcome': outcome,
      ':noNotes': [],
      ':note': note(now, `The customer raised the score to ${response.score}.`, 'resolved'),
      ':resolvedKind': kinds.caseByStatus('resolved'),
      ':sort': caseSort.due(existing.slaDueAt, existing.caseId),
      ':expected': existing.status,
      ...(response.comment !== undefined ? { ':comment': response.comment } : {}),
    },
  },
});

/**
 * Escalation of an overdue case, for a transaction that also writes the escalation alert. Only an
 * open, unescalated, overdue case qualifies, so a second run (or two overlapping runs) escalates
 * nothing twice. The case leaves the due range of the index (see `caseSort`).
 */
export const caseEscalationWrite = (c: Case, escalatedTo: string | undefined, now: Date) => ({
  Update: {
    TableName: mainTable(),
    Key: keys.case(c.caseId),
    UpdateExpression:
      'SET escalatedAt = :now, updatedAt = :now, notes = list_append(if_not_exists(notes, :noNotes), :note), gsi1sk = :sort' +
      (escalatedTo ? ', escalatedTo = :to' : ''),
    ConditionExpression: '#status = :open AND attribute_not_exists(escalatedAt) AND slaDueAt <= :now',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':now': now.toISOString(),
      ':noNotes': [],
      ':note': note(
        now,
        escalatedTo
          ? `SLA breached (due ${c.slaDueAt}) without acknowledgement: escalated to ${escalatedTo}.`
          : `SLA breached (due ${c.slaDueAt}) without acknowledgement; no escalation owner is configured.`,
        'open',
      ),
      ':sort': caseSort.escalated(c.slaDueAt, c.caseId),
      ':open': 'open',
      ...(escalatedTo ? { ':to': escalatedTo } : {}),
    },
  },
});

/** Marks a case recovered by a later answer of 7+. False when it already was (a redelivery). */
export const markCaseRecovered = async (caseId: string, byInviteId: string, now: Date): Promise<boolean> => {
  return conditionalWrite(async () => {
    await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.case(caseId),
        UpdateExpression: 'SET recovered = :true, recoveredAt = :now, recoveredBy = :by, updatedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(recovered) OR recovered = :false)',
        ExpressionAttributeValues: {
          ':true': true,
          ':false': false,
          ':now': now.toISOString(),
          ':by': byInviteId,
        },
      }),
    );
  });
};

const ORDER: Record<CaseStatus, number> = { open: 0, acknowledged: 1, contacted: 2, resolved: 3 };

/**
 * Moves a case forward (open → acknowledged → contacted → resolved), with a note. Any move by the
 * owner acknowledges the case, so an owner who contacts the customer straight away is not counted
 * as never having acknowledged it.
 */
export const updateCase = async (caseId: string, input: CaseUpdateInput, now = new Date()): Promise<Case> => {
  const current = await getCase(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} does not exist`);
  if (ORDER[input.status] < ORDER[current.status]) {
    throw new ConflictError(
      `case is already ${current.status}; it cannot go back to ${input.status}`,
      'invalid_transition',
    );
  }
  try {
    const out = await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.case(caseId),
        UpdateExpression:
          'SET #status = :status, updatedAt = :now, notes = list_append(notes, :note), gsi1pk = :kind, gsi1sk = :sort' +
          ', acknowledgedAt = if_not_exists(acknowledgedAt, :now)' +
          (input.outcome ? ', outcome = :outcome' : '') +
          (input.status === 'contacted' ? ', contactedAt = if_not_exists(contactedAt, :now)' : '') +
          (input.status === 'resolved'
            ? ', resolvedAt = if_not_exists(resolvedAt, :now), resolvedBy = :owner'
            : ''),
        ConditionExpression: '#status = :expected',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': input.status,
          ':now': now.toISOString(),
          ':note': note(now, input.note ?? '', input.status),
          ':kind': kinds.caseByStatus(input.status),
          // Back to the plain due-time key: an escalated case that leaves `open` needs no marker.
          ':sort': caseSort.due(current.slaDueAt, caseId),
          ':expected': current.status,
          ...(input.outcome ? { ':outcome': input.outcome } : {}),
          ...(input.status === 'resolved' ? { ':owner': 'owner' } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return caseItem.parse(out.Attributes);
  } catch (err: unknown) {
    if (isConditionFailure(err)) throw new ConflictError('the case changed meanwhile; reload and try again');
    throw err;
  }
};

/**
 * Claims the right to send the customer follow-up: only a resolved case without one, and only one
 * sender at a time. A claim left by a crash expires after `staleMs`, so the owner can try again.
 */
export const claimFollowUp = async (caseId: string, now: Date, staleMs: number): Promise<boolean> => {
  return conditionalWrite(async () => {
    await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.case(caseId),
        UpdateExpression: 'SET followUpClaimedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND #status = :resolved AND attribute_not_exists(followUp) AND ' +
          '(attribute_not_exists(followUpClaimedAt) OR followUpClaimedAt < :stale)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':resolved': 'resolved',
          ':stale': new Date(now.getTime() - staleMs).toISOString(),
        },
      }),
    );
  });
};

/** Gives a claim back after a failed send, so the owner can retry at once. */
export const releaseFollowUp = async (caseId: string, claimedAt: Date): Promise<void> => {
  try {
    await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.case(caseId),
        UpdateExpression: 'REMOVE followUpClaimedAt',
        ConditionExpression: 'followUpClaimedAt = :claimedAt',
        ExpressionAttributeValues: { ':claimedAt': claimedAt.toISOString() },
      }),
    );
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
  }
};

export const recordFollowUp = async (
  caseId: string,
  followUp: NonNullable<Case['followUp']>,
  now: Date,
): Promise<Case> => {
  const out = await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.case(caseId),
      UpdateExpression:
        'SET followUp = :followUp, updatedAt = :now, notes = list_append(if_not_exists(notes, :noNotes), :note) REMOVE followUpClaimedAt',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(followUp)',
      ExpressionAttributeValues: {
        ':followUp': followUp,
        ':now': now.toISOString(),
        ':noNotes': [],
        ':note': note(now, 'Follow-up email sent to the customer.', 'resolved'),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return caseItem.parse(out.Attributes);
};
