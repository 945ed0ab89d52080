import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CASE_WORKER_FIELDS } from '../cases/policy.ts';
import { getClients } from '../clients.ts';
import {
  conditionalWrite,
  mainTable,
  ownedBy,
  type Page,
  type PageRequest,
  queryAll,
  queryPage,
  queryUpTo,
  type TransactItem,
  transactWrite,
} from './db.ts';
import { caseModel } from './model.ts';
import {
  type Case,
  type CasePriority,
  type CaseStatus,
  caseItem,
  caseStatus,
  type Response,
} from './schemas.ts';

type CaseNote = Case['notes'][number];

export const getCase = async (caseId: string): Promise<Case | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: caseModel.key(caseId), ConsistentRead: true }),
  );
  return out.Item ? caseItem.parse(out.Item) : undefined;
};

/**
 * The cases of the given statuses (all by default), a page at a time: status by status in
 * lifecycle order (open first), each status latest SLA due time first (see case.byStatus). With
 * `ownerId`, only the cases that owner works (their own, and those escalated to them): a filter in the query, so paging stays the listing's own (a
 * page that read its budget without filling ends early, with a cursor) and the cursor is sealed to
 * the filter too.
 */
export const listCases = async (
  page: PageRequest,
  statuses: readonly CaseStatus[] = caseStatus.options,
  ownerId?: string,
): Promise<Page<Case>> => {
  const found = await queryPage(
    statuses.map((status) => ownedBy(caseModel.byStatus(status), ownerId, CASE_WORKER_FIELDS)),
    page,
  );
  return { items: found.items.map((i) => caseItem.parse(i)), cursor: found.cursor };
};

/**
 * The cases opened from `from` to `to` (ISO instants, inclusive), of every status, reading at most
 * `maxRead` case items; `complete` is false when that did not read every case that could be in the
 * range. The key range starts at `from` (an SLA is never due before its case opened); it has no end,
 * since how long after opening an SLA falls due depends on the SLA hours of that day.
 */
export const casesOpenedBetween = async (
  opened: { from: string; to: string },
  maxRead: number,
): Promise<{ cases: Case[]; complete: boolean }> => {
  const queries = caseStatus.options.map((status) => {
    const pattern = caseModel.byStatus(status, opened.from);
    return {
      ...pattern,
      FilterExpression: 'createdAt BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ...pattern.ExpressionAttributeValues,
        ':from': opened.from,
        ':to': opened.to,
      },
    };
  });
  const { items, complete } = await queryUpTo(queries, maxRead);
  return { cases: items.map((i) => caseItem.parse(i)), complete };
};

/** Open cases whose SLA is due by `now` and that were not escalated yet, soonest due first. */
export const overdueOpenCases = async (now: Date, limit = 100): Promise<Case[]> => {
  const items = await queryAll(caseModel.overdue(now, limit));
  return items
    .map((i) => caseItem.parse(i))
    .filter((c) => c.escalatedAt === undefined && c.slaDueAt <= now.toISOString());
};

export interface CaseFromAnswer {
  caseId: string;
  response: Response;
  ownerId?: string | undefined;
  routedBy?: Case['routedBy'];
  priority: CasePriority;
  slaDueAt: string;
  /** Given when a case the customer had resolved is reopened by this lower score (with its note, if any). */
  reopen?: { note: CaseNote | undefined } | undefined;
  /** When the alert this change raises goes to the owner (see shared/alerts/debounce.ts). */
  alertedAt: Date;
  /** The alerts it raises, kept so that a redelivery of this change can hand them over again. */
  alertIds: string[];
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
  const open = caseModel.withStatus('open', input.slaDueAt, caseId);
  const ofCustomer = caseModel.ofCustomer(response.customerId, at, caseId);
  const sets = [
    'caseId = :caseId',
    'inviteId = :inviteId',
    'customerId = :customerId',
    'score = :score',
    'updatedAt = :now',
    'responseVersion = :version',
    'alertedAt = :alertedAt',
    'lastAlertIds = :alertIds',
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
      Key: caseModel.key(caseId),
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
        ':alertedAt': input.alertedAt.toISOString(),
        ':alertIds': input.alertIds,
        ':kind': caseModel.kind,
        ':tier': response.attributes.tier ?? 'none',
        ':sla': input.slaDueAt,
        ':priority': input.priority,
        ':attributes': response.attributes,
        ':open': 'open',
        ':noNotes': [],
        ':false': false,
        ':openKind': open.gsi1pk,
        ':sort': open.gsi1sk,
        ':customerKey': ofCustomer.gsi2pk,
        ':customerSort': ofCustomer.gsi2sk,
        ...(input.reopen
          ? {
              ':note': input.reopen.note ? [input.reopen.note] : [],
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
 * The case resolved by the customer's own answer, with its outcome and note. Guarded by the
 * response version and by the status read just before, so a concurrent owner update is not
 * overwritten and a redelivered record does nothing.
 */
export const caseResolvedByCustomerWrite = (
  existing: Case,
  response: Response,
  resolution: { outcome: string; note: CaseNote | undefined },
  alert: { at: Date; alertIds: string[] },
  now: Date,
) => {
  const resolved = caseModel.withStatus('resolved', existing.slaDueAt, existing.caseId);
  return {
    Update: {
      TableName: mainTable(),
      Key: caseModel.key(existing.caseId),
      UpdateExpression:
        'SET score = :score, responseVersion = :version, alertedAt = :alertedAt, lastAlertIds = :alertIds, ' +
        'updatedAt = :now, #status = :resolved, ' +
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
        ':alertedAt': alert.at.toISOString(),
        ':alertIds': alert.alertIds,
        ':now': now.toISOString(),
        ':resolved': 'resolved',
        ':customer': 'customer',
        ':outcome': resolution.outcome,
        ':noNotes': [],
        ':note': resolution.note ? [resolution.note] : [],
        ':resolvedKind': resolved.gsi1pk,
        ':sort': resolved.gsi1sk,
        ':expected': existing.status,
        ...(response.comment !== undefined ? { ':comment': response.comment } : {}),
      },
    },
  };
};

/**
 * Escalation of an overdue case, for a transaction that also writes the escalation alert. Only an
 * open, unescalated, overdue case qualifies, so a second run (or two overlapping runs) escalates
 * nothing twice. The case leaves the due range of the index.
 */
export const caseEscalationWrite = (c: Case, escalatedTo: string | undefined, note: CaseNote, now: Date) => ({
  Update: {
    TableName: mainTable(),
    Key: caseModel.key(c.caseId),
    UpdateExpression:
      'SET escalatedAt = :now, updatedAt = :now, notes = list_append(if_not_exists(notes, :noNotes), :note), gsi1sk = :sort' +
      (escalatedTo ? ', escalatedTo = :to' : ''),
    ConditionExpression: '#status = :open AND attribute_not_exists(escalatedAt) AND slaDueAt <= :now',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':now': now.toISOString(),
      ':noNotes': [],
      ':note': [note],
      ':sort': caseModel.escalated(c.slaDueAt, c.caseId).gsi1sk,
      ':open': 'open',
      ...(escalatedTo ? { ':to': escalatedTo } : {}),
    },
  },
});

/** Marks a case recovered by a later answer of 7+. False when it already was (a redelivery). */
export const markCaseRecovered = async (caseId: string, byInviteId: string, now: Date): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: caseModel.key(caseId),
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
    ),
  );

/** An owner's move as decided (shared/cases/lifecycle.ts), to be written onto the case. */
export interface CaseTransition {
  caseId: string;
  from: CaseStatus;
  to: CaseStatus;
  at: Date;
  note: CaseNote;
  outcome?: string | undefined;
  /** The case's SLA due time: its index position in the `to` status. */
  slaDueAt: string;
}

/**
 * Applies an owner's move (see shared/cases/lifecycle.ts) in one write, conditional on the status
 * it was decided from, together with `alongside` (the audit entry of the move: both or neither).
 * Undefined when the case changed meanwhile.
 */
export const applyCaseTransition = async (
  t: CaseTransition,
  alongside: TransactItem[] = [],
): Promise<Case | undefined> => {
  // Back to the plain due-time key: an escalated case that leaves `open` needs no marker.
  const listed = caseModel.withStatus(t.to, t.slaDueAt, t.caseId);
  const write = {
    TableName: mainTable(),
    Key: caseModel.key(t.caseId),
    UpdateExpression:
      'SET #status = :status, updatedAt = :now, notes = list_append(notes, :note), gsi1pk = :kind, gsi1sk = :sort' +
      ', acknowledgedAt = if_not_exists(acknowledgedAt, :now)' +
      (t.outcome ? ', outcome = :outcome' : '') +
      (t.to === 'contacted' ? ', contactedAt = if_not_exists(contactedAt, :now)' : '') +
      (t.to === 'resolved' ? ', resolvedAt = if_not_exists(resolvedAt, :now), resolvedBy = :owner' : ''),
    ConditionExpression: '#status = :expected',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':status': t.to,
      ':now': t.at.toISOString(),
      ':note': [t.note],
      ':kind': listed.gsi1pk,
      ':sort': listed.gsi1sk,
      ':expected': t.from,
      ...(t.outcome ? { ':outcome': t.outcome } : {}),
      ...(t.to === 'resolved' ? { ':owner': 'owner' } : {}),
    },
  };
  if (alongside.length > 0) {
    // A transaction returns no item: the case is read back (consistently) once it committed.
    const result = await transactWrite([{ Update: write }, ...alongside]);
    if (!result.committed) {
      if (result.failed.includes(0)) return undefined;
      throw new Error(`a case move failed on transaction items ${result.failed.join(', ')}`);
    }
    return getCase(t.caseId);
  }
  let updated: Case | undefined;
  await conditionalWrite(async () => {
    const out = await getClients().ddb.send(new UpdateCommand({ ...write, ReturnValues: 'ALL_NEW' }));
    updated = caseItem.parse(out.Attributes);
  });
  return updated;
};

/**
 * Claims the right to send the customer follow-up: only a resolved case without one, and only one
 * sender at a time. A claim older than `staleBefore` was left by a crash and may be taken over.
 */
export const claimFollowUp = async (caseId: string, now: Date, staleBefore: Date): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: caseModel.key(caseId),
        UpdateExpression: 'SET followUpClaimedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND #status = :resolved AND attribute_not_exists(followUp) AND ' +
          '(attribute_not_exists(followUpClaimedAt) OR followUpClaimedAt < :stale)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':resolved': 'resolved',
          ':stale': staleBefore.toISOString(),
        },
      }),
    ),
  );

/** Gives a claim back after a failed send, so the owner can retry at once. */
export const releaseFollowUp = async (caseId: string, claimedAt: Date): Promise<void> => {
  await conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: caseModel.key(caseId),
        UpdateExpression: 'REMOVE followUpClaimedAt',
        ConditionExpression: 'followUpClaimedAt = :claimedAt',
        ExpressionAttributeValues: { ':claimedAt': claimedAt.toISOString() },
      }),
    ),
  );
};

/** Records the follow-up sent, with `alongside` (its audit entry) in the same transaction. */
export const recordFollowUp = async (
  caseId: string,
  followUp: NonNullable<Case['followUp']>,
  note: CaseNote,
  now: Date,
  alongside: TransactItem[] = [],
): Promise<Case> => {
  const write = {
    TableName: mainTable(),
    Key: caseModel.key(caseId),
    UpdateExpression:
      'SET followUp = :followUp, updatedAt = :now, notes = list_append(if_not_exists(notes, :noNotes), :note) REMOVE followUpClaimedAt',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(followUp)',
    ExpressionAttributeValues: {
      ':followUp': followUp,
      ':now': now.toISOString(),
      ':noNotes': [],
      ':note': [note],
    },
  };
  if (alongside.length > 0) {
    const result = await transactWrite([{ Update: write }, ...alongside]);
    if (!result.committed) {
      throw new Error(`recording a follow-up failed on transaction items ${result.failed.join(', ')}`);
    }
    const recorded = await getCase(caseId);
    if (!recorded) throw new Error(`case ${caseId} is gone after its follow-up was recorded`);
    return recorded;
  }
  const out = await getClients().ddb.send(new UpdateCommand({ ...write, ReturnValues: 'ALL_NEW' }));
  return caseItem.parse(out.Attributes);
};
