import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { mainTable } from './db.ts';
import { routingModel } from './model.ts';
import { type RoutingRule, routingItem } from './schemas.ts';

/**
 * The routing rules, read fresh on every call (one GetItem): a rule saved by the admin applies to
 * the very next answer, on every Lambda instance, with no cache to wait out.
 */
export const getRoutingRules = async (): Promise<{ rules: RoutingRule[]; updatedAt: string | null }> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: routingModel.key() }),
  );
  if (!out.Item) return { rules: [], updatedAt: null };
  const item = routingItem.parse(out.Item);
  return { rules: item.rules, updatedAt: item.updatedAt };
};

/** Replaces the whole ordered list: the order is the meaning (first match wins). */
export const putRoutingRules = async (rules: RoutingRule[], now = new Date()) => {
  const updatedAt = now.toISOString();
  await getClients().ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: { ...routingModel.key(), kind: routingModel.kind, rules, updatedAt },
    }),
  );
  return { rules, updatedAt };
};
