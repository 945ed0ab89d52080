import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.ts';
import { tokenKey } from '../secrets.ts';

/**
 * Listing cursors are sealed with AES-256-GCM, the listing itself (its queries, see
 * store/db.ts `queryPage`) as the authenticated data. So a cursor is opaque to the caller (its key
 * positions are not an interface anyone may come to rely on), and it opens only for the listing
 * that issued it: a cursor from `/api/cases?status=open` is refused by `/api/alerts/dead`, and a
 * made-up or edited one cannot start a query anywhere.
 *
 * The key is derived (HKDF) from the survey token key, a secret the admin function already holds
 * and its callers never see; the admin key would not do, since every caller of the admin API knows
 * it. A rotated token key refuses older cursors: the caller starts the listing again.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_PURPOSE = 'nps-loop listing cursor v1';

let derived: { from: string; key: Buffer } | undefined;

const cursorKey = async (): Promise<Buffer> => {
  const source = await tokenKey();
  if (derived?.from !== source) {
    derived = { from: source, key: Buffer.from(hkdfSync('sha256', source, '', KEY_PURPOSE, 32)) };
  }
  return derived.key;
};

export const INVALID_CURSOR = 'cursor is not one this API returned for this listing';

/** A position in a listing, as an opaque string that only this listing can open again. */
export const sealCursor = async (position: unknown, listing: string): Promise<string> => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', await cursorKey(), iv);
  cipher.setAAD(Buffer.from(listing, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(position), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
};

/** The position a cursor holds, or a 400 `invalid_cursor` if this listing did not issue it. */
export const openCursor = async (cursor: string, listing: string): Promise<unknown> => {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw new ValidationError(INVALID_CURSOR, 'invalid_cursor');
  const decipher = createDecipheriv('aes-256-gcm', await cursorKey(), bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(listing, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    const plain = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch (err: unknown) {
    // The tag did not verify (another listing's cursor, or not one of ours at all).
    throw new ValidationError(INVALID_CURSOR, 'invalid_cursor', { cause: err });
  }
};
