import type { AlertType } from '../alerts/payload.ts';
import { ConflictError } from '../errors.ts';
import { isDetractor } from '../nps/score.ts';
import type { CaseTransition } from '../store/cases.ts';
import type { Case, CaseStatus, Response } from '../store/schemas.ts';

/**
 * The life of a detractor case, decided here and only here: open → acknowledged → contacted →
 * resolved by the owner; resolved by the customer who raises the score to 7+; reopened when that
 * customer lowers it again; escalated when its SLA passes unacknowledged; recovered when the same
 * customer later answers 7+. Each rule is a pure function returning what to write; the
 * repository (shared/store/cases.ts) writes it under conditions that make it happen once.
 */
export type CaseNote = NonNullable<Case['notes']>[number];

/** The outcome recorded when the customer raises their own score to 7 or more. */
export const SCORE_RAISED = 'score raised';

const note = (at: Date, text: string, status: CaseStatus): CaseNote => ({
  at: at.toISOString(),
  text,
  status,
});

export const caseNotes = {
  reopened: (score: number, at: Date) =>
    note(at, `The customer lowered the score to ${score}: case reopened.`, 'open'),
  raised: (score: number, at: Date) => note(at, `The customer raised the score to ${score}.`, 'resolved'),
  escalated: (slaDueAt: string, escalatedTo: string | undefined, at: Date) =>
    note(
      at,
      escalatedTo
        ? `SLA breached (due ${slaDueAt}) without acknowledgement: escalated to ${escalatedTo}.`
        : `SLA breached (due ${slaDueAt}) without acknowledgement; no escalation owner is configured.`,
      'open',
    ),
  followUpSent: (at: Date) => note(at, 'Follow-up email sent to the customer.', 'resolved'),
} as const;

const ORDER: Record<CaseStatus, number> = { open: 0, acknowledged: 1, contacted: 2, resolved: 3 };

export interface OwnerMove {
  status: 'acknowledged' | 'contacted' | 'resolved';
  note?: string | undefined;
  outcome?: string | undefined;
}

/**
 * Moves a case forward, never back. Any move by the owner acknowledges the case, so an owner who
 * contacts the customer straight away is not counted as never having acknowledged it.
 */
export const transition = (current: Case, move: OwnerMove, at: Date): CaseTransition => {
  if (ORDER[move.status] < ORDER[current.status]) {
    throw new ConflictError(
      `case is already ${current.status}; it cannot go back to ${move.status}`,
      'invalid_transition',
    );
  }
  return {
    caseId: current.caseId,
    from: current.status,
    to: move.status,
    at,
    note: note(at, move.note ?? '', move.status),
    outcome: move.outcome,
    slaDueAt: current.slaDueAt,
  };
};

/**
 * A case keeps at most this many notes: a customer flipping a score up and down (each flip a
 * reopen or a resolve) would otherwise grow the item toward DynamoDB's 400 KB, after which no write
 * of the case — and so no alert — would succeed. Past it the status still changes, unnoted.
 */
export const MAX_CASE_NOTES = 100;

/** The note to append, or none once the case holds MAX_CASE_NOTES. */
const noteFor = (existing: Case, note: CaseNote): CaseNote | undefined =>
  existing.notes.length < MAX_CASE_NOTES ? note : undefined;

/** What an answer does to its invite's case. */
export type AnswerEffect =
  /** Nothing to do: a 7+ answer on an invite without an open case. */
  | { kind: 'none' }
  /** The customer raised the score to 7+: the case resolves itself, outcome `score raised`. */
  | {
      kind: 'resolve';
      alertType: AlertType;
      statusAfter: 'resolved';
      outcome: string;
      note: CaseNote | undefined;
    }
  /** A detractor answer opens the case or updates it — reopening it if the customer had resolved it. */
  | {
      kind: 'record';
      alertType: AlertType;
      statusAfter: CaseStatus;
      reopen?: { note: CaseNote | undefined };
    };

export const answerEffect = (
  existing: Case | undefined,
  oldImage: Response | undefined,
  newImage: Response,
  at: Date,
): AnswerEffect => {
  if (!isDetractor(newImage.score)) {
    if (!existing || existing.status === 'resolved') return { kind: 'none' };
    return {
      kind: 'resolve',
      alertType: 'detractor.updated',
      statusAfter: 'resolved',
      outcome: SCORE_RAISED,
      note: noteFor(existing, caseNotes.raised(newImage.score, at)),
    };
  }
  const alertType: AlertType =
    existing || (oldImage && isDetractor(oldImage.score)) ? 'detractor.updated' : 'detractor.created';
  if (existing?.status === 'resolved' && existing.resolvedBy === 'customer') {
    return {
      kind: 'record',
      alertType,
      statusAfter: 'open',
      reopen: { note: noteFor(existing, caseNotes.reopened(newImage.score, at)) },
    };
  }
  return { kind: 'record', alertType, statusAfter: existing?.status ?? 'open' };
};

/** Whether a later answer of this score wins the customer back (recovers their earlier cases). */
export const recovers = (score: number): boolean => !isDetractor(score);
