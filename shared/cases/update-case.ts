import { ConflictError, NotFoundError } from '../errors.ts';
import { applyCaseTransition, getCase } from '../store/cases.ts';
import type { Case } from '../store/schemas.ts';
import { type OwnerMove, transition } from './lifecycle.ts';

/** An owner works a case: the move is decided on the case as read, and applied only onto it. */
export const updateCase = async (caseId: string, move: OwnerMove, now = new Date()): Promise<Case> => {
  const current = await getCase(caseId);
  if (!current) throw new NotFoundError(`case ${caseId} does not exist`);
  const updated = await applyCaseTransition(transition(current, move, now));
  if (!updated) throw new ConflictError('the case changed meanwhile; reload and try again');
  return updated;
};
