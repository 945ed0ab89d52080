import { markCaseRecovered } from '../store/cases.ts';
import { caseMarks, deleteSevenPlusMark, putSevenPlusMark, sevenPlusMarks } from '../store/recovery-marks.ts';
import type { Response } from '../store/schemas.ts';
import { recovers } from './lifecycle.ts';

const isSevenPlus = (r: Response | undefined): r is Response => r !== undefined && recovers(r.score);

/**
 * Closing the loop for real: when a customer's answer becomes 7 or more, each of their cases whose
 * detractor answer was given before that (other invites, any status) is marked recovered. Only a
 * rise counts — a comment added to a 9 given earlier recovers nothing. Each mark is a conditional
 * write, so a redelivered record marks nothing twice.
 */
export const recoverEarlierCases = async (
  oldImage: Response | undefined,
  newImage: Response,
): Promise<string[]> => {
  const { customerId, inviteId } = newImage;
  if (!isSevenPlus(newImage)) {
    if (isSevenPlus(oldImage)) await deleteSevenPlusMark(customerId, inviteId);
    return [];
  }
  if (isSevenPlus(oldImage)) return [];
  const reachedAt = newImage.respondedAt;
  // Erased meanwhile: nothing of theirs is left to recover.
  if (!(await putSevenPlusMark(customerId, { inviteId, reachedAt }))) return [];
  const recovered: string[] = [];
  for (const mark of await caseMarks(customerId)) {
    if (mark.caseId === inviteId || mark.detractorAt >= reachedAt) continue;
    if (await markCaseRecovered(mark.caseId, inviteId, new Date(reachedAt))) recovered.push(mark.caseId);
  }
  return recovered;
};

/**
 * The other order: the case opens (its mark written in the same transaction) after the answer
 * that recovers it was processed. It finds that answer's mark itself.
 */
export const recoverIfAlreadyAnsweredBetter = async (
  caseId: string,
  customerId: string,
): Promise<boolean> => {
  const mark = (await caseMarks(customerId)).find((m) => m.caseId === caseId);
  if (!mark) return false;
  const later = (await sevenPlusMarks(customerId))
    .filter((m) => m.inviteId !== caseId && m.reachedAt > mark.detractorAt)
    .sort((a, b) => a.reachedAt.localeCompare(b.reachedAt))[0];
  if (!later) return false;
  // Already recovered: the write's own condition refuses it (false), no read needed first.
  return markCaseRecovered(caseId, later.inviteId, new Date(later.reachedAt));
};
