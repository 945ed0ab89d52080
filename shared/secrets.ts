import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from './config.ts';
import { ConfigError } from './errors.ts';
import { traced } from './tracing.ts';

let provider: SecretsProvider | undefined;
/** Created on first use (local runs never read Secrets Manager), its client traced like the others. */
const secrets = (): SecretsProvider => {
  provider ??= new SecretsProvider({
    awsSdkV3Client: traced(new SecretsManagerClient({})),
  });
  return provider;
};

const read = async (
  direct: string | undefined,
  secretId: string | undefined,
  name: string,
): Promise<string> => {
  if (direct) return direct;
  if (!secretId) throw new ConfigError(`${name} is not configured`);
  // Cached by Powertools for 5 minutes, so a rotated secret is picked up without a cold start.
  const value = await secrets().get(secretId, { maxAge: 300 });
  if (typeof value !== 'string' || value.length < 16) {
    throw new ConfigError(`secret ${secretId} (${name}) is empty or too short`);
  }
  return value;
};

/**
 * Keys never live in the template or the code: locally they come from env, on AWS from Secrets
 * Manager. Each is read on its own, so a function is granted only the key it uses — the public
 * survey functions can never read the admin key.
 */
export const tokenKey = (): Promise<string> =>
  read(config().TOKEN_KEY, config().TOKEN_KEY_SECRET_ID, 'TOKEN_KEY');

export const adminKey = (): Promise<string> =>
  read(config().ADMIN_KEY, config().ADMIN_KEY_SECRET_ID, 'ADMIN_KEY');

export const suppressionKey = (): Promise<string> =>
  read(config().SUPPRESSION_KEY, config().SUPPRESSION_KEY_SECRET_ID, 'SUPPRESSION_KEY');
