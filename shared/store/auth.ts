import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { conditionalWrite, mainTable, queryPages, type TransactItem, transactWrite } from './db.ts';
import {
  expiresAfter,
  type Key,
  MAIN_TABLE,
  ownerModel,
  sessionModel,
  signInModel,
  signInRateModel,
} from './model.ts';
import { type Session, type SignIn, sessionItem, signInItem } from './schemas.ts';

/**
 * Storage of sign-in links, sessions and the per-address sign-in count. The rules (who may sign
 * in, how long things last, what is hashed) are shared/auth's; this module writes what it is told.
 */

/**
 * Takes one of `max` turns of an address's window (an ADD conditional on the count so far): false
 * when the window's turns are all taken. The item goes by TTL once its window is over.
 */
export const takeSignInTurn = async (
  addressHash: string,
  window: { index: number; endsAt: Date },
  max: number,
): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new UpdateCommand({
        TableName: mainTable(),
        Key: signInRateModel.key(addressHash, window.index),
        UpdateExpression: 'ADD #n :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
        ExpressionAttributeNames: { '#n': 'n', '#ttl': MAIN_TABLE.ttlAttribute },
        ExpressionAttributeValues: {
          ':one': 1,
          ':max': max,
          ':ttl': Math.floor(window.endsAt.getTime() / 1000),
        },
      }),
    ),
  );

/** The owner (id and locale) whose saved address this is, if any; the first by id if several. */
export const findOwnerByEmail = async (
  email: string,
): Promise<{ id: string; locale?: string | undefined } | undefined> => {
  // The listing is in id order: the first page with a match holds the first owner by id.
  for await (const page of queryPages(ownerModel.withEmail(email))) {
    const found = page[0];
    if (found) {
      return { id: String(found.id), locale: typeof found.locale === 'string' ? found.locale : undefined };
    }
  }
  return undefined;
};

/** A new sign-in link's token (a fresh hash: the put never replaces one). */
export const putSignIn = async (tokenHash: string, signIn: SignIn, keepUntil: Date): Promise<void> => {
  await getClients().ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: { ...signInModel.key(tokenHash), kind: signInModel.kind, ...signIn, ...expiresAfter(keepUntil) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
};

export const getSignIn = async (tokenHash: string): Promise<SignIn | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: signInModel.key(tokenHash), ConsistentRead: true }),
  );
  return out.Item ? signInItem.parse(out.Item) : undefined;
};

const sessionPut = (sessionHash: string, session: Session): TransactItem => ({
  Put: {
    TableName: mainTable(),
    Item: {
      ...sessionModel.key(sessionHash),
      kind: sessionModel.kind,
      ...session,
      ...expiresAfter(new Date(session.expiresAt)),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/**
 * Uses a sign-in link and opens its session, all or nothing, with whatever goes with it (the audit
 * entry): the token is marked used only while it is unused and unexpired at `now`, so of two posts
 * of one link exactly one opens a session. False when the token's condition refused it.
 */
export const useSignIn = async (
  tokenHash: string,
  now: Date,
  session: { hash: string; item: Session },
  alongside: TransactItem[],
): Promise<boolean> => {
  const result = await transactWrite([
    {
      Update: {
        TableName: mainTable(),
        Key: signInModel.key(tokenHash),
        UpdateExpression: 'SET usedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      },
    },
    sessionPut(session.hash, session.item),
    ...alongside,
  ]);
  if (result.committed) return true;
  if (result.failed.includes(0)) return false;
  throw new Error(`opening a session failed on transaction items ${result.failed.join(', ')}`);
};

/** A session by the hash of its id; strongly consistent, so a signed-out session is gone at once. */
export const getSession = async (sessionHash: string): Promise<Session | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: sessionModel.key(sessionHash), ConsistentRead: true }),
  );
  return out.Item ? sessionItem.parse(out.Item) : undefined;
};

/** Ends a session with what goes with it (the audit entry). False when it was ended already. */
export const deleteSession = async (sessionHash: string, alongside: TransactItem[]): Promise<boolean> => {
  const key: Key = sessionModel.key(sessionHash);
  if (alongside.length === 0) {
    return conditionalWrite(() =>
      getClients().ddb.send(
        new DeleteCommand({ TableName: mainTable(), Key: key, ConditionExpression: 'attribute_exists(pk)' }),
      ),
    );
  }
  const result = await transactWrite([
    { Delete: { TableName: mainTable(), Key: key, ConditionExpression: 'attribute_exists(pk)' } },
    ...alongside,
  ]);
  if (result.committed) return true;
  if (result.failed.includes(0)) return false;
  throw new Error(`ending a session failed on transaction items ${result.failed.join(', ')}`);
};
