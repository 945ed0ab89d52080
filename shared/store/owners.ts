import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OwnerInput } from '../api/inputs.ts';
import { getClients } from '../clients.ts';
import { allOfKind, mainTable } from './db.ts';
import { type Owner, ownerItem } from './schemas.ts';
import { keys, kinds } from './table.ts';

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Saves an owner. A webhook without a secret gets one generated (and kept on later saves that
 * leave the secret out), because every alert must be signed.
 */
export const putOwner = async (
  input: OwnerInput,
  now = new Date(),
): Promise<{ owner: Owner; generatedSecret: boolean }> => {
  const existing = await getOwner(input.id);
  const generatedSecret = Boolean(input.webhookUrl && !input.webhookSecret && !existing?.webhookSecret);
  const webhookSecret = input.webhookUrl
    ? (input.webhookSecret ?? existing?.webhookSecret ?? newWebhookSecret())
    : input.webhookSecret;
  const owner: Owner = {
    id: input.id,
    name: input.name,
    email: input.email?.toLowerCase(),
    webhookUrl: input.webhookUrl,
    webhookSecret,
    style: input.style ?? 'generic',
    updatedAt: now.toISOString(),
  };
  await getClients().ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: { ...keys.owner(owner.id), gsi1pk: kinds.owner, gsi1sk: owner.id, kind: 'owner', ...owner },
    }),
  );
  return { owner, generatedSecret };
};

export const getOwner = async (id: string): Promise<Owner | undefined> => {
  const out = await getClients().ddb.send(new GetCommand({ TableName: mainTable(), Key: keys.owner(id) }));
  return out.Item ? ownerItem.parse(out.Item) : undefined;
};

export const listOwners = async (): Promise<Owner[]> => {
  return (await allOfKind(kinds.owner)).map((i) => ownerItem.parse(i));
};

/** What the API shows of an owner: the signing secret is write-only. */
export const publicOwner = ({ webhookSecret, ...owner }: Owner) => ({
  ...owner,
  hasWebhookSecret: Boolean(webhookSecret),
  webhookDisabled: Boolean(owner.webhookDisabledAt),
});

/** After a 410 Gone: no more posts to this webhook until the owner is saved again. */
export const disableOwnerWebhook = async (ownerId: string, reason: string, now = new Date()) => {
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: mainTable(),
      Key: keys.owner(ownerId),
      UpdateExpression:
        'SET webhookDisabledAt = if_not_exists(webhookDisabledAt, :now), webhookDisabledReason = :reason',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now.toISOString(), ':reason': reason },
    }),
  );
};
