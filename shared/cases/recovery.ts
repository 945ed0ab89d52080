import { classify } from '../nps/score.ts';
import { customerCasesOpenedBefore, markCaseRecovered } from '../store/cases.ts';
import type { Response } from '../store/schemas.ts';

/**
 * Closing the loop for real: when a customer answers 7 or more, every earlier case of theirs
 * (opened before this answer was first given, any status) is marked recovered. Each mark is a
 * conditional write, so a redelivered record or a later edit of the answer marks nothing twice.
 * The invite's own case is not "recovered" by its own raised score: that resolves it instead.
 */
export const recoverEarlierCases = async (answer: Response): Promise<string[]> => {
  if (classify(answer.score) === 'detractor') return [];
  const earlier = await customerCasesOpenedBefore(answer.customerId, answer.firstAnsweredAt);
  const recovered: string[] = [];
  for (const c of earlier) {
    if (c.recovered || c.inviteId === answer.inviteId) continue;
    if (await markCaseRecovered(c.caseId, answer.inviteId, new Date(answer.respondedAt))) {
      recovered.push(c.caseId);
    }
  }
  return recovered;
};
