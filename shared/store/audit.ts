import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { mainTable, type Page, type PageRequest, queryPage, type TransactItem } from './db.ts';
import { auditModel, expiresAfter } from './model.ts';
import { type AuditEntry, auditItem } from './schemas.ts';

/** An audit entry as a transaction item, to be written with the change it records. */
export const auditEntryWrite = (entry: AuditEntry, keepUntil: Date): TransactItem => ({
  Put: {
    TableName: mainTable(),
    Item: {
      ...auditModel.key(entry.at, entry.id),
      kind: auditModel.kind,
      ...entry,
      ...expiresAfter(keepUntil),
    },
    // A fresh random id: the condition only keeps a replayed write from counting twice.
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** An audit entry on its own, for a change that could not take it in its own transaction. */
export const putAuditEntry = async (entry: AuditEntry, keepUntil: Date): Promise<void> => {
  const { Put } = auditEntryWrite(entry, keepUntil);
  if (!Put) throw new Error('an audit entry is a put');
  await getClients().ddb.send(new PutCommand(Put));
};

/** The entries at or after `since` and before `until`, newest first, a page at a time. */
export const listAuditEntries = async (
  range: { since: Date; until: Date },
  page: PageRequest,
): Promise<Page<AuditEntry>> => {
  const found = await queryPage(auditModel.between(range.since, range.until), page);
  return { items: found.items.map((item) => auditItem.parse(item)), cursor: found.cursor };
};
