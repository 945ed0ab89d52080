/**
 * Where each recipient of a campaign run stands, and why those who got no email got none. Every
 * recipient is in exactly one bucket at a time; a change moves one recipient from one bucket to
 * another (or into the run), so the buckets always add up to the audience the run has reached.
 *
 * - `queued`: an invite waits for its turn at the account's send rate (or for a retry).
 * - `deferred`: an invite waits for a later time (outside the recipient's send window, a paused run).
 * - `sent`: SES has the email.
 * - `suppressed`: not emailed by rule: unsubscribed, bounced, complained, fatigued, erased.
 * - `failed`: not emailed although it should have been: the link expired first, SES kept refusing
 *   it (given up), or a send was cut off with its outcome unknown.
 */
export const RUN_BUCKETS = ['queued', 'deferred', 'sent', 'suppressed', 'failed'] as const;
export type RunBucket = (typeof RUN_BUCKETS)[number];

const SUPPRESSED_REASONS = ['unsubscribed', 'bounced', 'complained', 'fatigued', 'erased'] as const;
const FAILED_REASONS = ['expired', 'given up', 'outcome unknown'] as const;
export type SkipReason = (typeof SUPPRESSED_REASONS)[number] | (typeof FAILED_REASONS)[number];
export const SKIP_REASONS: readonly SkipReason[] = [...SUPPRESSED_REASONS, ...FAILED_REASONS];

export const bucketOf = (reason: SkipReason): 'suppressed' | 'failed' =>
  (SUPPRESSED_REASONS as readonly string[]).includes(reason) ? 'suppressed' : 'failed';

/** The reason a run gives for an address on the suppression list, from the list's own reason. */
export const skipReasonOfSuppression = (listed: string): SkipReason => {
  if (listed === 'complaint') return 'complained';
  if (listed === 'hard-bounce') return 'bounced';
  return 'unsubscribed';
};

/**
 * One recipient's move: into the run (`from` absent), or on from where their invite waited. The
 * reason goes with a move into `suppressed` or `failed`.
 */
export type ProgressMove =
  | { from?: 'queued' | 'deferred'; to: 'queued' | 'deferred' | 'sent' }
  | { from?: 'queued' | 'deferred'; to: 'suppressed' | 'failed'; reason: SkipReason };

/** The counter adds of one move: -1 where the recipient was, +1 where they are, +1 for the reason. */
export const countsOf = (move: ProgressMove): Record<string, number> => {
  const adds: Record<string, number> = { [move.to]: 1 };
  if (move.from) adds[move.from] = -1;
  if ('reason' in move) adds[reasonCounter(move.reason)] = 1;
  return adds;
};

const REASON_PREFIX = 'reason:';
const reasonCounter = (reason: SkipReason) => `${REASON_PREFIX}${reason}`;

export interface RunProgress {
  /** Recipients the run has reached so far (every bucket added up). */
  recipients: number;
  queued: number;
  deferred: number;
  sent: number;
  suppressed: number;
  failed: number;
  /** Recipients not emailed, by why. */
  reasons: Partial<Record<SkipReason, number>>;
  /** Sent emails SES reported back: complaints, and permanent (hard) bounces. */
  complaints: number;
  hardBounces: number;
  /** Nobody of the run is waiting any more (once its dispatch has gone through the audience). */
  settled: boolean;
}

/** The run's progress from its counter items (summed: the counters are spread over several items). */
export const progressFrom = (items: Array<Record<string, unknown>>, dispatched: boolean): RunProgress => {
  const total = (name: string) => items.reduce((sum, item) => sum + (Number(item[name]) || 0), 0);
  const buckets = Object.fromEntries(RUN_BUCKETS.map((b) => [b, total(b)])) as Record<RunBucket, number>;
  const reasons: RunProgress['reasons'] = {};
  for (const reason of SKIP_REASONS) {
    const n = total(reasonCounter(reason));
    if (n) reasons[reason] = n;
  }
  const recipients = RUN_BUCKETS.reduce((sum, b) => sum + buckets[b], 0);
  return {
    recipients,
    ...buckets,
    reasons,
    complaints: total(FEEDBACK_COUNTERS.complaint),
    hardBounces: total(FEEDBACK_COUNTERS.bounce),
    settled: dispatched && buckets.queued + buckets.deferred === 0,
  };
};

/**
 * The run's totals as runs have always shown them: `invited` (an invite was written), `sent`, and
 * `skipped` (no email: suppressed by rule, or failed).
 */
export const runTotalsOf = (p: RunProgress) => ({
  invited: p.queued + p.deferred + p.sent + p.failed,
  sent: p.sent,
  skipped: p.suppressed + p.failed,
});

/** SES feedback on a sent email of the run, each counted once per email. */
export type Feedback = 'complaint' | 'bounce';
export const FEEDBACK_COUNTERS: Record<Feedback, string> = { complaint: 'complaints', bounce: 'hardBounces' };
export const feedbackCounts = (feedback: Feedback): Record<string, number> => ({
  [FEEDBACK_COUNTERS[feedback]]: 1,
});

export interface PauseThresholds {
  minSent: number;
  complaintRate: number;
  bounceRate: number;
}

/**
 * Why a run must stop sending, if it must: with at least `minSent` emails out, a complaint rate or
 * a hard-bounce rate past its threshold — a reputation mailbox providers judge the whole account by
 * (Gmail's and Yahoo's bulk-sender rules: stay under 0.1 % complaints, never reach 0.3 %).
 */
export const pauseReason = (p: RunProgress, t: PauseThresholds): string | undefined => {
  if (p.sent < t.minSent) return undefined;
  const percent = (x: number) => `${(x * 100).toFixed(2)} %`;
  const complaintRate = p.complaints / p.sent;
  if (complaintRate > t.complaintRate)
    return `complaint rate ${percent(complaintRate)} (${p.complaints} of ${p.sent} sent) passed ${percent(t.complaintRate)}`;
  const bounceRate = p.hardBounces / p.sent;
  if (bounceRate > t.bounceRate)
    return `hard-bounce rate ${percent(bounceRate)} (${p.hardBounces} of ${p.sent} sent) passed ${percent(t.bounceRate)}`;
  return undefined;
};
