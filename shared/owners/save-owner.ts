import { randomBytes } from 'node:crypto';
import type { OwnerInput } from '../api/inputs.ts';
import { getOwner, putOwner } from '../store/owners.ts';
import type { Owner } from '../store/schemas.ts';

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Saves an owner. A webhook without a secret gets one generated (and kept on later saves that
 * leave the secret out), because every alert must be signed. Saving clears a disabled webhook.
 */
export const saveOwner = async (
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
  await putOwner(owner);
  return { owner, generatedSecret };
};

/** What the API shows of an owner: the signing secret is write-only. */
export const publicOwner = ({ webhookSecret, ...owner }: Owner) => ({
  ...owner,
  hasWebhookSecret: Boolean(webhookSecret),
  webhookDisabled: Boolean(owner.webhookDisabledAt),
});
