import { createHmac } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { isConditionFailure } from '../errors.ts';
import { suppressionKey } from '../secrets.ts';
import { batchGetAll, mainTable } from './db.ts';
import { suppressionModel } from './model.ts';

/**
 * The suppression list stores a keyed hash (HMAC-SHA256 with the stack's suppression key) of each
 * address, never the address: it must outlive the customer's erasure, and a bare SHA-256 of an
 * address is reversed by hashing a list of candidate addresses.
 */
const addressHasher = async (): Promise<(email: string) => string> => {
  const key = await suppressionKey();
  return (email) => createHmac('sha256', key).update(email.trim().toLowerCase()).digest('base64url');
};

/**
 * Suppresses an address for every future campaign (unsubscribe, hard bounce, complaint).
 * Idempotent: the first reason stays.
 */
export const suppressAddress = async (
  email: string,
  reason: string,
  now = new Date(),
  inviteId?: string,
): Promise<void> => {
  const hash = await addressHasher();
  await getClients()
    .ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: {
          ...suppressionModel.key(hash(email)),
          kind: suppressionModel.kind,
          reason,
          inviteId,
          at: now.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err;
    });
};

export const isSuppressed = async (email: string): Promise<boolean> =>
  (await suppressionReasonOf(email)) !== undefined;

/** Why the address is suppressed (`unsubscribe`, `hard-bounce`, `complaint`), if it is. */
export const suppressionReasonOf = async (email: string): Promise<string | undefined> => {
  const hash = await addressHasher();
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: suppressionModel.key(hash(email)) }),
  );
  return out.Item ? String(out.Item.reason ?? 'unsubscribe') : undefined;
};

/** Which of these addresses are suppressed (lower-cased), each with why, in one batched read. */
export const suppressedEmails = async (emails: string[]): Promise<Map<string, string>> => {
  if (emails.length === 0) return new Map();
  const hash = await addressHasher();
  // One key per distinct address: BatchGetItem refuses a list holding the same key twice, and two
  // customers may share an address.
  const byKey = new Map(emails.map((e) => [suppressionModel.key(hash(e)).pk, e.toLowerCase()]));
  const found = await batchGetAll(
    mainTable(),
    [...byKey.keys()].map((pk) => ({ pk, sk: suppressionModel.key('').sk })),
  );
  return new Map(
    found.map((item) => [byKey.get(String(item.pk)) ?? '', String(item.reason ?? 'unsubscribe')]),
  );
};
