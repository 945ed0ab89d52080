import { auditWrite } from '../audit/log.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { applyCaseTransition, getCase } from '../store/cases.ts';
import type { AuditActor, Case } from '../store/schemas.ts';
import { type OwnerMove, transition } from './lifecycle.ts';

/**
 * An owner works a case: the move is decided on the case as read, and applied only onto it — in
 * one transaction with its audit entry (who moved it, from which status to which). Every API move
 * has an actor; without one (a tool driving the domain directly) no entry is written.
 */
export const updateCase = async (
  caseId: string,
  move: OwnerMove,
  now = new Date(),
  actor?: AuditActor,
): Promise<Case> => {
  const current = await getCase(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} does not exist`);
  const t = transition(current, move, now);
  const audit = actor
    ? [auditWrite(actor, { action: 'case.update', caseId, from: t.from, to: t.to }, now)]
    : [];
  const updated = await applyCaseTransition(t, audit);
  if (!updated) throw new ConflictError('the case changed meanwhile; reload and try again');
  return updated;
};
