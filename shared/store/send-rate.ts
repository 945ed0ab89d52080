import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { getClients } from '../clients.ts';
import { isConditionFailure } from '../errors.ts';
import { mainTable } from './db.ts';
import { MAIN_TABLE, sendRateModel } from './model.ts';

/**
 * Takes up to `wanted` of the `limit` sends of one wall-clock second, for every sender of the
 * account together: a conditional add to that second's item. When the whole ask does not fit, what
 * is left is read off the refusal and taken instead. Returns the turns taken, as their places in
 * the second's order (`from` .. `from + taken - 1`); none taken: the second is spent.
 */
export const takeSendsOfSecond = async (
  second: number,
  wanted: number,
  limit: number,
): Promise<{ from: number; taken: number }> => {
  let ask = Math.min(wanted, limit);
  for (let attempt = 0; attempt < 3 && ask > 0; attempt++) {
    try {
      const out = await getClients().ddb.send(
        new UpdateCommand({
          TableName: mainTable(),
          Key: sendRateModel.key(second),
          UpdateExpression: 'ADD used :n SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(used) OR used <= :max',
          ExpressionAttributeNames: { '#ttl': MAIN_TABLE.ttlAttribute },
          // Gone a few minutes after its second: nothing reads it then.
          ExpressionAttributeValues: { ':n': ask, ':max': limit - ask, ':ttl': second + 300 },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { from: Number(out.Attributes?.used) - ask, taken: ask };
    } catch (err: unknown) {
      if (!isConditionFailure(err)) throw err;
      const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
      const used = Number(raw ? unmarshall(raw).used : limit);
      ask = Math.min(wanted, limit - used);
    }
  }
  return { from: 0, taken: 0 };
};
