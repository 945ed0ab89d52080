import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { config } from './config.ts';
import { ConfigError } from './errors.ts';

export interface Secrets {
  /** HMAC key for survey tokens and invite ids. */
  tokenKey: string;
  adminKey: string;
}

const read = async (
  direct: string | undefined,
  secretId: string | undefined,
  name: string,
): Promise<string> => {
  if (direct) return direct;
  if (!secretId) throw new ConfigError(`${name} is not configured`);
  // Cached by Powertools for 5 minutes, so a rotated secret is picked up without a cold start.
  const value = await getSecret(secretId, { maxAge: 300 });
  if (typeof value !== 'string' || value.length < 16) {
    throw new ConfigError(`secret ${secretId} (${name}) is empty or too short`);
  }
  return value;
};

/** Keys never live in the template or the code: locally they come from env, on AWS from Secrets Manager. */
export const secrets = async (): Promise<Secrets> => {
  const c = config();
  const [tokenKey, adminKey] = await Promise.all([
    read(c.TOKEN_KEY, c.TOKEN_KEY_SECRET_ID, 'TOKEN_KEY'),
    read(c.ADMIN_KEY, c.ADMIN_KEY_SECRET_ID, 'ADMIN_KEY'),
  ]);
  return { tokenKey, adminKey };
};
