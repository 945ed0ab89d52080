import { createHmac, randomUUID } from 'node:crypto';
import { parseDayRange, parseQueryDate } from '../api/date-range.ts';
import { config } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { type LocalDate, localDate, periodOfDate } from '../nps/windows.ts';
import { tokenKey } from '../secrets.ts';
import { auditEntryWrite, putAuditEntry } from '../store/audit.ts';
import type { TransactItem } from '../store/db.ts';
import type { AuditAction, AuditActor, AuditEntry, CaseStatus } from '../store/schemas.ts';

/**
 * The audit log: who (the admin key, or a session's address and role) did what (a case moved, a
 * follow-up sent, a customer erased, a sign-in or sign-out) and when. Entries are kept
 * AUDIT_RETENTION_DAYS (400) and then go by TTL. A customer's address is never written: the only
 * address in an entry is the actor's own.
 */
export type AuditSubject =
  | { action: 'case.update'; caseId: string; from: CaseStatus; to: CaseStatus }
  | { action: 'case.follow-up'; caseId: string }
  /** `customerRef`: erasedCustomerRef of the id. */
  | { action: 'customer.erase'; customerRef: string }
  | { action: 'auth.sign-in' | 'auth.sign-out' };

/**
 * An erased customer as the log keeps them: a keyed hash of the id (`ref:<base64url>`), never the
 * id — erasure leaves nothing that names the customer but the tombstone, which the erasure itself
 * needs. Someone holding the token key can tell which customer an entry is about; the log alone
 * cannot (an id may be an address, and ids are guessable).
 */
export const erasedCustomerRef = async (customerId: string): Promise<string> =>
  `ref:${createHmac('sha256', await tokenKey())
    .update(`nps-loop/audit-customer/v1\n${customerId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url')}`;

export const auditEntryOf = (actor: AuditActor, subject: AuditSubject, now: Date): AuditEntry => {
  const base = { id: randomUUID(), at: now.toISOString(), actor };
  switch (subject.action) {
    case 'case.update':
      return { ...base, action: subject.action, caseId: subject.caseId, from: subject.from, to: subject.to };
    case 'case.follow-up':
      return { ...base, action: subject.action, caseId: subject.caseId };
    case 'customer.erase':
      return { ...base, action: subject.action, customerId: subject.customerRef };
    default:
      return { ...base, action: subject.action satisfies AuditAction };
  }
};

const keepUntil = (now: Date) => new Date(now.getTime() + config().AUDIT_RETENTION_DAYS * 86_400_000);

/** The entry as a transaction item: written with the change it records, or not at all. */
export const auditWrite = (actor: AuditActor, subject: AuditSubject, now = new Date()): TransactItem =>
  auditEntryWrite(auditEntryOf(actor, subject, now), keepUntil(now));

/** The entry on its own, for a change that is not one transaction (an erasure). */
export const recordAudit = async (
  actor: AuditActor,
  subject: AuditSubject,
  now = new Date(),
): Promise<void> => putAuditEntry(auditEntryOf(actor, subject, now), keepUntil(now));

/** The days GET /api/audit covers when it names none: the last 30, today included. */
export const DEFAULT_AUDIT_DAYS = 30;
/** The longest range one request may ask for: one query a day, so a bound on the queries too. */
export const MAX_AUDIT_DAYS = 400;

const DAY_MS = 86_400_000;
const dayNumber = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
const daysBefore = (d: LocalDate, days: number): LocalDate => {
  const at = new Date(Date.UTC(d.year, d.month - 1, d.day - days));
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
};

/**
 * The instants GET /api/audit?from=&to= covers: dates in the account's time zone, inclusive; `to`
 * defaults to today and `from` to 29 days before it; at most MAX_AUDIT_DAYS days, else a 400.
 */
export const auditRange = (
  range: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
  now = new Date(),
): { since: Date; until: Date } => {
  const to = parseQueryDate('to', range.to) ?? localDate(now, timeZone);
  const from = parseQueryDate('from', range.from) ?? daysBefore(to, DEFAULT_AUDIT_DAYS - 1);
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days > MAX_AUDIT_DAYS) {
    throw new ValidationError(
      `from..to may span at most ${MAX_AUDIT_DAYS} days (asked: ${days})`,
      'range_too_long',
    );
  }
  const { since, until } = parseDayRange(
    { from: periodOfDate('day', from), to: periodOfDate('day', to) },
    timeZone,
  );
  if (!since || !until) throw new Error('an audit range always has both ends');
  return { since, until };
};
