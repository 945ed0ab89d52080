import { randomBytes } from 'node:crypto';
import { assertWebhookUrlNow, UnsafeUrlError } from '../alerts/url-safety.ts';
import type { OwnerInput } from '../api/inputs.ts';
import { config } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { getOwner, putOwner } from '../store/owners.ts';
import type { Owner } from '../store/schemas.ts';

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * A webhook URL that delivery would refuse is refused when the owner is saved (literal addresses,
 * and what the name resolves to now), so the admin hears of it at once rather than from a dead
 * alert later. Delivery checks again, on the DNS answer it connects with.
 */
const assertWebhookUrl = async (webhookUrl: string): Promise<void> => {
  try {
    await assertWebhookUrlNow(webhookUrl, config().LOCAL_MODE);
  } catch (err: unknown) {
    if (err instanceof UnsafeUrlError)
      throw new ValidationError(err.message, 'invalid_webhook_url', { cause: err });
    throw err;
  }
};

/**
 * Saves an owner. A webhook without a secret gets one generated (and kept on later saves that
 * leave the secret out), because every alert must be signed. Saving clears a disabled webhook.
 */
export const saveOwner = async (
  input: OwnerInput,
  now = new Date(),
): Promise<{ owner: Owner; generatedSecret: boolean }> => {
  if (input.webhookUrl) await assertWebhookUrl(input.webhookUrl);
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
    locale: input.locale,
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
