import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { mainTable, queryAll } from './db.ts';
import { ownerModel } from './model.ts';
import { type Owner, ownerItem } from './schemas.ts';

/** Replaces the owner record. */
export const putOwner = async (owner: Owner): Promise<void> => {
  await getClients().ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: { ...ownerModel.key(owner.id), ...ownerModel.listed(owner.id), kind: ownerModel.kind, ...owner },
    }),
  );
};

export const getOwner = async (id: string): Promise<Owner | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: ownerModel.key(id) }),
  );
  return out.Item ? ownerItem.parse(out.Item) : undefined;
};

/**
 * An owner's saved address, and nothing else of the owner (never its webhook secret): undefined
 * when the owner does not exist or has no address. Read on each signed-in request, so strongly.
 */
export const ownerEmailOf = async (id: string): Promise<string | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({
      TableName: mainTable(),
      Key: ownerModel.key(id),
      ProjectionExpression: '#email',
      ExpressionAttributeNames: { '#email': 'email' },
      ConsistentRead: true,
    }),
  );
  const email: unknown = out.Item?.email;
  return typeof email === 'string' ? email : undefined;
};

export const listOwners = async (): Promise<Owner[]> =>
  (await queryAll(ownerModel.all())).map((i) => ownerItem.parse(i));

/** After a 410 Gone: no more posts to this webhook until the owner is saved again. */
export const disableOwnerWebhook = async (ownerId: string, reason: string, now = new Date()) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: ownerModel.key(ownerId),
      UpdateExpression:
        'SET webhookDisabledAt = if_not_exists(webhookDisabledAt, :now), webhookDisabledReason = :reason',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now.toISOString(), ':reason': reason },
    }),
  );
};
