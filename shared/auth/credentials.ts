import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secrets of sign-in: a link's token, a session's id, a session's CSRF token. Each is 256 bits
 * from the system CSPRNG, base64url (43 characters). Tokens and session ids are stored only as their
 * SHA-256: a 256-bit random secret needs no salt or slow hash, and a leaked table or backup holds
 * nothing that signs anyone in.
 */
const SECRET_BYTES = 32;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newSecret = (): string => randomBytes(SECRET_BYTES).toString('base64url');

/** Whether a value has a secret's shape (checked before it is hashed or looked up). */
export const isSecret = (value: string | undefined): value is string =>
  value !== undefined && SECRET_PATTERN.test(value);

/** The hex SHA-256 a secret is stored under. */
export const hashOf = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Two strings compared in constant time (hashing first makes the lengths equal). */
export const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
