import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseUpdateInput } from '../api/inputs.ts';
import { getClients } from '../clients.ts';
import { ConflictError, isConditionFailure, NotFoundError } from '../errors.ts';
import { mainTable, queryAll } from './db.ts';
import { type Case, type CaseStatus, caseItem, caseStatus } from './schemas.ts';
import { keys, kinds, MAIN_TABLE } from './table.ts';

export const getCase = async (caseId: string): Promise<Case | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: keys.case(caseId), ConsistentRead: true }),
  );
  return out.Item ? caseItem.parse(out.Item) : undefined;
};

export const listCases = async (status?: CaseStatus): Promise<Case[]> => {
  const statuses = status ? [status] : caseStatus.options;
  const lists = await Promise.all(
    statuses.map((s) =>
      queryAll({
        TableName: mainTable(),
        IndexName: 'byKind',
        KeyConditionExpression: '#pk = :kind',
        ExpressionAttributeNames: { '#pk': MAIN_TABLE.indexes.byKind.partitionKey },
        ExpressionAttributeValues: { ':kind': kinds.caseByStatus(s) },
        ScanIndexForward: false,
      }),
    ),
  );
  return lists
    .flat()
    .map((i) => caseItem.parse(i))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
};

const ORDER: Record<CaseStatus, number> = { open: 0, acknowledged: 1, contacted: 2, resolved: 3 };

/** Moves a case forward (open → acknowledged → contacted → resolved), with a note. */
export const updateCase = async (caseId: string, input: CaseUpdateInput, now = new Date()): Promise<Case> => {
  const current = await getCase(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} does not exist`);
  if (ORDER[input.status] < ORDER[current.status]) {
    throw new ConflictError(
      `case is already ${current.status}; it cannot go back to ${input.status}`,
      'invalid_transition',
    );
  }
  const note = { at: now.toISOString(), text: input.note ?? '', status: input.status };
  try {
    const out = await getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: keys.case(caseId),
        UpdateExpression:
          'SET #status = :status, updatedAt = :now, notes = list_append(notes, :note), gsi1pk = :kind' +
          (input.outcome ? ', outcome = :outcome' : '') +
          (input.status === 'acknowledged' ? ', acknowledgedAt = if_not_exists(acknowledgedAt, :now)' : '') +
          (input.status === 'contacted' ? ', contactedAt = if_not_exists(contactedAt, :now)' : '') +
          (input.status === 'resolved' ? ', resolvedAt = if_not_exists(resolvedAt, :now)' : ''),
        ConditionExpression: '#status = :expected',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': input.status,
          ':now': now.toISOString(),
          ':note': [note],
          ':kind': kinds.caseByStatus(input.status),
          ':expected': current.status,
          ...(input.outcome ? { ':outcome': input.outcome } : {}),
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
