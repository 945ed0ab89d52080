import { parseQueryDate } from '../api/date-range.ts';
import type { WinBackUpdateInput } from '../api/inputs.ts';
import { config } from '../config.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { periodOf } from '../nps/windows.ts';
import { getOwner } from '../store/owners.ts';
import type { ChurnMark } from '../store/retention.ts';
import { getWinBack, lossesBetween, moveWinBack, type WinBack } from '../store/winbacks.ts';
import { valueClasses } from '../value/tiers.ts';
import { type OpenedLoss, openWinBack, sendLeaveSurvey, sightingOfMark } from './open-loss.ts';
import { addDays, type TierReasons, tallyReasons } from './policy.ts';

/**
 * A churn marked by hand is a loss at once: its win-back case opens and its "why did you leave?"
 * email goes now, as the customer's value tier says (a churn we ended gets neither).
 */
export const winBackOnMark = async (mark: ChurnMark, now = new Date()): Promise<OpenedLoss | undefined> => {
  if (mark.kind === 'ended-by-us') return undefined;
  const opened = await openWinBack(await sightingOfMark(mark), now);
  if (opened.outcome !== 'opened' && opened.outcome !== 'exists') return opened;
  // Also for a loss opened before: a retried request sends an email its first try did not.
  return { ...opened, surveyState: await sendLeaveSurvey(opened.lossId, now) };
};

/**
 * An owner's move of a win-back case: to contacted, won back, not won, or open again (its SLA as
 * it was). 404 for no such case, 409 when it is already in that status or moved meanwhile, 400 for
 * an owner that does not exist.
 */
export const updateWinBack = async (
  lossId: string,
  input: WinBackUpdateInput,
  now = new Date(),
): Promise<WinBack> => {
  const current = await getWinBack(lossId);
  if (!current) throw new NotFoundError(`win-back case ${lossId} does not exist`);
  if (current.status === input.status && !input.ownerId) {
    throw new ConflictError(`the win-back case is ${current.status} already`, 'winback_unchanged');
  }
  if (input.ownerId && !(await getOwner(input.ownerId))) {
    throw new ValidationError(
      `unknown owner: ${input.ownerId} — create the owner first (POST /api/owners)`,
      'unknown_owner',
    );
  }
  if (!(await moveWinBack(current, input, now))) {
    throw new ConflictError('the win-back case changed meanwhile: read it again', 'winback_changed');
  }
  const moved = await getWinBack(lossId);
  if (!moved) throw new NotFoundError(`win-back case ${lossId} does not exist`);
  return moved;
};

/** The longest range one reasons request reads: two years of losses. */
const MAX_REASON_DAYS = 731;

/**
 * Why customers left, per value tier, over the losses of the days from..to (default: the last 365
 * days up to today): lost, asked, answered, each reason and each kind of churn (policy.ts).
 */
export const readLossReasons = async (
  range: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
): Promise<{ from: string; to: string; tiers: TierReasons[] }> => {
  const c = config();
  parseQueryDate('from', range.from);
  parseQueryDate('to', range.to);
  const to = range.to ?? periodOf('day', now, c.TIME_ZONE);
  const from = range.from ?? addDays(to, -364);
  if (from > to) throw new ValidationError('from must not be after to', 'invalid_date');
  if (addDays(from, MAX_REASON_DAYS) <= to) {
    throw new ValidationError(`one request reads at most ${MAX_REASON_DAYS} days`, 'range_too_long');
  }
  const facts = [];
  for await (const page of lossesBetween(from, to)) {
    for (const loss of page) {
      facts.push({
        valueTier: loss.valueTier,
        trigger: loss.trigger,
        churnKind: loss.churnKind,
        surveyState: loss.surveyState,
        reason: loss.reason,
      });
    }
  }
  return { from, to, tiers: tallyReasons(facts, valueClasses(c.VALUE_TIER_METHOD)) };
};
