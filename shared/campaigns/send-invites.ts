import { randomUUID } from 'node:crypto';
import { config } from '../config.ts';
import { logger } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import { getRun } from '../store/campaigns.ts';
import { erasedAmong } from '../store/erasure.ts';
import { dueUnsentInvites, holdInvite, releaseSenderLease, takeSenderLease } from '../store/invites.ts';
import { isCampaignRun } from '../store/model.ts';
import { inCounterLane } from '../store/run-progress.ts';
import type { Invite } from '../store/schemas.ts';
import { suppressedEmails } from '../store/suppressions.ts';
import { Places } from '../util/concurrency.ts';
import { releaseHeldInvites } from './run-health.ts';
import { progressWrites, type SendChecks, sendInvite } from './send-invite.ts';

export interface SendTotals {
  sent: number;
  /** Skipped with why (expired, suppressed, erased, outcome unknown) or left to another sender. */
  skipped: number;
  failed: number;
  /** Invites may still be due: the sender stopped at its deadline, or new ones came as it ended. */
  more: boolean;
  /** Another sender held the lease: this one sent nothing. */
  busy: boolean;
}

/**
 * Sends in flight at once: a second's worth of the rate, so that the rate stays busy even while
 * each send waits up to a second on SES and the table (a send takes tens of ms when all is well);
 * at most 64, to stay light.
 */
export const senderConcurrency = (perSecond: number): number => Math.min(64, Math.max(4, perSecond));

/** How many due invites one listing read asks for, beyond those already in flight. */
const PAGE = 100;
/** The least time between two reads of the listing that found nothing new. */
const EMPTY_READ_PAUSE_MS = 500;
/** The most a sender spends putting a resumed run's held invites back before it sends. */
const RELEASE_BUDGET_MS = 10_000;

/**
 * The invite sender: hands every invite that is due (its run wrote it, its delay or window has
 * come, its retry is due) to SES at the account's send rate, soonest due first, until nothing is
 * due or `until` (epoch ms) comes. One sender at a time (a lease); invites go out in parallel, each
 * waiting for its turn of the shared rate. `now` pretends another time, for tests of what is due.
 */
export const sendDueInvites = async (options: { until: number; now?: Date }): Promise<SendTotals> => {
  const totals: SendTotals = { sent: 0, skipped: 0, failed: 0, more: false, busy: false };
  const holder = randomUUID();
  const leaseUntil = new Date(options.until + 60_000);
  if (!(await takeSenderLease(holder, leaseUntil, new Date()))) return { ...totals, busy: true };
  try {
    return await drain(options, totals);
  } finally {
    await releaseSenderLease(holder);
  }
};

/** The sender's work under its lease: what sendDueInvites describes. */
const drain = async (options: { until: number; now?: Date }, totals: SendTotals): Promise<SendTotals> => {
  const key = await tokenKey();
  // A resumed run's invites that its resume request did not get to.
  await releaseHeldInvites(Math.min(options.until, Date.now() + RELEASE_BUDGET_MS));
  const concurrency = senderConcurrency(config().SES_MAX_SEND_RATE);
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const places = new Places();
  const lanes = `s${randomUUID().slice(0, 6)}`;

  // Whether a run is paused, read at most once a second per run.
  const pausedRuns = new Map<string, { paused: boolean; readAt: number }>();
  const runPaused = async (invite: Invite) => {
    if (!isCampaignRun(invite.runId)) return false;
    const runKey = `${invite.campaignId}/${invite.runId}`;
    const known = pausedRuns.get(runKey);
    if (known && Date.now() - known.readAt < 1_000) return known.paused;
    const paused = Boolean((await getRun(invite.campaignId, invite.runId))?.pausedAt);
    pausedRuns.set(runKey, { paused, readAt: Date.now() });
    return paused;
  };

  const sendOne = async (invite: Invite, known: SendChecks) => {
    try {
      if (await runPaused(invite)) {
        // Out of the way of every other run's invites until the run is resumed.
        const moves =
          invite.runState === 'deferred'
            ? []
            : progressWrites(invite, { from: 'queued', to: 'deferred' }, new Date());
        await holdInvite(invite, moves);
        totals.skipped++;
      } else if (await sendInvite(invite, key, options.now, known)) totals.sent++;
      else totals.skipped++;
    } catch (err: unknown) {
      // Recorded on the invite (deferred, or given up); the next one goes on.
      totals.failed++;
      logger.warn('survey email not sent', { inviteId: invite.inviteId, err });
    }
  };
  // The listing is read forward from where the last read ended (`from`), past invites this sender
  // already handed out but whose send has not moved them yet; at its end, once more from the top.
  let from: string | undefined;
  const unseenDue = async () => {
    const page = await dueUnsentInvites(options.now ?? new Date(), PAGE + concurrency, from);
    from = page.at(-1)?.listKey;
    return page.map((p) => p.invite).filter((i) => !seen.has(i.inviteId));
  };

  while (Date.now() < options.until) {
    let due = await unseenDue();
    if (due.length === 0 && from !== undefined) {
      from = undefined;
      due = await unseenDue();
    }
    if (due.length === 0) {
      if (inFlight.size === 0) break;
      // Nothing new is due yet: look again when a send is done, and not more than twice a second.
      const lookAgain = Date.now() + EMPTY_READ_PAUSE_MS;
      await Promise.race(inFlight);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lookAgain - Date.now())));
      continue;
    }
    // What each send must check, read for the page at once: erasures and suppressions.
    const [erased, suppressed] = await Promise.all([
      erasedAmong(due.map((i) => i.customerId)),
      suppressedEmails(due.map((i) => i.email)),
    ]);
    for (const invite of due) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (Date.now() >= options.until) break;
      seen.add(invite.inviteId);
      const known = {
        erased: erased.has(invite.customerId),
        suppression: suppressed.get(invite.email.toLowerCase()),
      };
      // Each send in flight adds to counters of its own place (see inCounterLane).
      const place = places.take();
      const job: Promise<void> = inCounterLane(`${lanes}-${place}`, () => sendOne(invite, known)).finally(
        () => {
          places.give(place);
          inFlight.delete(job);
        },
      );
      inFlight.add(job);
    }
  }
  await Promise.all(inFlight);
  // Invites written while this sender was finishing found its lease taken: whoever started it
  // for them went away. Look once more (the caller starts a new sender if any are due).
  from = undefined;
  totals.more = (await unseenDue()).length > 0;
  if (totals.sent + totals.skipped + totals.failed > 0) logger.info('invites sent', { ...totals });
  return totals;
};
