import { classify } from '../nps/score.ts';
import type { Answer } from '../store/responses.ts';
import type { EditCount, Response } from '../store/schemas.ts';

/**
 * What a submitted answer does to the stored one. Survey links are clicked twice, pages are
 * reloaded and forms re-posted: an answer that repeats the stored one is no news. Only a new score
 * class or a new comment is news (a new response version, which alerts and notes key on); a new
 * score in the same class (2 → 3) is stored for the distribution but tells the owner nothing new.
 */
export type AnswerDecision =
  /** The same score and comment again: nothing is written. */
  | { kind: 'unchanged' }
  /** This invite's edits this hour are used up. */
  | { kind: 'limited'; retryAfterSeconds: number }
  /** Written, with this invite's writes in the current (UTC) hour counted. */
  | { kind: 'write'; news: boolean; edits: EditCount };

const hourOf = (at: Date) => at.toISOString().slice(0, 13);

export const decideAnswer = (
  stored: Response | undefined,
  answer: Answer,
  now: Date,
  maxEditsPerHour: number,
): AnswerDecision => {
  const hour = hourOf(now);
  // The first answer is not an edit: the limit counts the changes after it.
  if (!stored) return { kind: 'write', news: true, edits: { hour, count: 0 } };
  const commentChanged = answer.comment !== undefined && answer.comment !== stored.comment;
  if (answer.score === stored.score && !commentChanged) return { kind: 'unchanged' };
  const editsSoFar = stored.edits?.hour === hour ? stored.edits.count : 0;
  if (editsSoFar >= maxEditsPerHour) {
    const nextHour = Date.parse(`${hour}:00:00.000Z`) + 3_600_000;
    return { kind: 'limited', retryAfterSeconds: Math.ceil((nextHour - now.getTime()) / 1000) };
  }
  return {
    kind: 'write',
    news: commentChanged || classify(answer.score) !== classify(stored.score),
    edits: { hour, count: editsSoFar + 1 },
  };
};

/** Whether a stream change of a response is news: its version moved (see decideAnswer). */
export const isNews = (oldImage: Response | undefined, newImage: Response): boolean =>
  oldImage?.version !== newImage.version;
