/**
 * Mail scanners that run script. Some mail security sandboxes open every link of an email in a real
 * headless browser and run its script, so a survey page that submitted its preselected score on
 * load would record their "answers" (and a 0 would open a detractor case). Two signals tell them
 * from people, and this module decides what each means:
 *
 * - the honeypot link: every survey email carries one link no person sees or can reach
 *   (`GET /s/{token}/check`); a fetch of it is a scanner at work on that invite (`scannedAt`);
 * - how a submission was triggered: by a sign of a person on the page (a pointer move, a touch, a
 *   key, a wheel or scroll, a click on a score), by the no-script form (a person pressing the
 *   button), or by the page's timer after a few seconds visible with no such sign.
 *
 * A submission that comes in a scanner's pattern is held as a provisional answer: kept apart,
 * neither counted nor alerted, until a person's submission for the invite makes it a real answer.
 */

/** How a submission was made. `form` is the no-script form post: a person pressing the button. */
export const SUBMISSION_TRIGGERS = ['person', 'form', 'timer'] as const;
export type SubmissionTrigger = (typeof SUBMISSION_TRIGGERS)[number];

/** A honeypot fetch this recent means a scanner is at the invite now: the page uses no timer. */
export const RECENT_SCAN_MS = 10 * 60_000;

/** Timer submissions for one invite this close to an earlier submission are a scanner's burst. */
export const BURST_WINDOW_MS = 10_000;

/** How long the page waits, visible and without a sign of a person, before it submits by itself. */
export const PAGE_TIMER_MS = 5_000;

/** Whether a submission carries a sign of a person. A submission without a trigger is a form post. */
export const isPersonSign = (trigger: SubmissionTrigger | undefined): boolean => trigger !== 'timer';

/** What is known of scanners at one invite when a submission arrives. */
export interface ScannerEvidence {
  /** The latest honeypot fetch of the invite, if any. */
  scannedAt?: string | undefined;
  /** When the invite's latest earlier submission (answer or provisional) was stored, if any. */
  lastSubmissionAt?: string | undefined;
}

export type ProvisionalReason = 'honeypot' | 'burst';

export type SubmissionVerdict =
  /** A real answer: recorded (and counted, and alerted) as always. */
  | { kind: 'answer' }
  /** Held apart: a scanner's pattern, until a person's submission confirms the invite. */
  | { kind: 'provisional'; reason: ProvisionalReason };

const within = (at: string | undefined, now: Date, ms: number): boolean => {
  if (at === undefined) return false;
  const t = Date.parse(at);
  // A time a little ahead of `now` (another function's clock) counts as recent too.
  return Number.isFinite(t) && now.getTime() - t < ms;
};

/**
 * The rule. A submission with a person's sign is an answer, whatever else is known. Without one (the
 * page's timer), it is provisional when the invite's honeypot was ever fetched (a timer on an
 * invite a scanner has visited is never trusted), or when it follows another submission for the
 * invite within BURST_WINDOW_MS (several scores within seconds: a scanner opening every link).
 * Otherwise the timer stands for a person who read the page without touching it.
 */
export const judgeSubmission = (
  trigger: SubmissionTrigger | undefined,
  evidence: ScannerEvidence,
  now: Date,
): SubmissionVerdict => {
  if (isPersonSign(trigger)) return { kind: 'answer' };
  if (evidence.scannedAt !== undefined) return { kind: 'provisional', reason: 'honeypot' };
  if (within(evidence.lastSubmissionAt, now, BURST_WINDOW_MS))
    return { kind: 'provisional', reason: 'burst' };
  return { kind: 'answer' };
};

/**
 * Whether the survey page may submit its preselected score by timer: not in strict mode (a sign of
 * a person is required), and not while a scanner is known to be at the invite (a honeypot fetch
 * within RECENT_SCAN_MS). Otherwise it waits for a sign of a person alone.
 */
export const pageMayUseTimer = (opts: {
  scannedAt?: string | undefined;
  requirePerson: boolean;
  now: Date;
}): boolean => !opts.requirePerson && !within(opts.scannedAt, opts.now, RECENT_SCAN_MS);
