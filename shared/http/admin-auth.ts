import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors.ts';
import { adminKey } from '../secrets.ts';
import type { HttpEvent } from './handler.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Bearer key check in constant time (hashing first makes the lengths equal). */
export const requireAdmin = async (event: HttpEvent): Promise<void> => {
  const header = event.headers?.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw new UnauthorizedError();
  const key = await adminKey();
  if (!timingSafeEqual(digest(match[1]), digest(key)))
    throw new UnauthorizedError('The admin key is not valid.');
};
