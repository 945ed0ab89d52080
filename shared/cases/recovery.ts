import { classify } from '../nps/score.ts';
import {
  customerAnswersOfSevenPlusAfter,
  customerCasesAnsweredBefore,
  markCaseRecovered,
} from '../store/cases.ts';
import type { Response } from '../store/schemas.ts';

/**
 * Closing the loop for real: when a customer answers 7 or more, every earlier case of theirs
 * (whose detractor answer came before this answer, any status) is marked recovered. Each mark is
 * a conditional write, so a redelivered record or a later edit of the answer marks nothing twice.
 * The invite's own case is not "recovered" by its own raised score: that resolves it instead.
 */
export const recoverEarlierCases = async (answer: Response): Promise<string[]> => {
  if (classify(answer.score) === 'detractor') return [];
  const earlier = await customerCasesAnsweredBefore(answer.customerId, answer.respondedAt);
  const recovered: string[] = [];
  for (const c of earlier) {
    if (c.recovered || c.inviteId === answer.inviteId) continue;
    if (await markCaseRecovered(c.caseId, answer.inviteId, new Date(answer.respondedAt))) {
      recovered.push(c.caseId);
    }
  }
  return recovered;
};

/**
 * The other order: answers of different invites can reach the alert consumer in any order (they
 * are different items, possibly on different shards), so a case may open after the customer's
 * later 7+ answer was already processed. The case then looks for that answer itself.
 */
export const recoverIfAlreadyAnsweredBetter = async (
  caseId: string,
  detractor: Response,
): Promise<boolean> => {
  const [better] = await customerAnswersOfSevenPlusAfter(
    detractor.customerId,
    detractor.respondedAt,
    detractor.inviteId,
  );
  if (!better) return false;
  return markCaseRecovered(caseId, better.inviteId, new Date(better.respondedAt));
};
