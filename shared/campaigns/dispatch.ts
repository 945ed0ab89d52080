import { randomBytes } from 'node:crypto';
import { config } from '../config.ts';
import { isConditionFailure, NotFoundError } from '../errors.ts';
import { logger } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import {
  claimStalledRuns,
  completeRun,
  getCampaign,
  getRun,
  markRunDispatching,
  saveRunPosition,
} from '../store/campaigns.ts';
import { customerPages } from '../store/customers.ts';
import { getSurveySlots, type SurveySlot } from '../store/invites.ts';
import { inCounterLane, logRunSkip } from '../store/run-progress.ts';
import type { Campaign, Customer, Invite } from '../store/schemas.ts';
import { suppressedEmails } from '../store/suppressions.ts';
import { deriveInviteId } from '../tokens/survey-token.ts';
import { mapLimit } from '../util/concurrency.ts';
import { inAudience } from './audience.ts';
import { claimSlotWithInvite, inviteFor } from './invite-customer.ts';
import { bucketOf, countsOf, type SkipReason, skipReasonOfSuppression } from './run-progress.ts';
import { progressWrites } from './send-invite.ts';
import { nextWindowOpening, recipientTimeZone } from './send-window.ts';
import { invokeDispatch, invokeSender, RUN_DISPATCH_LEASE_MS } from './start-run.ts';

/** Recipients decided and written at once: the table's writes, not SES, are what this waits on. */
const WRITE_CONCURRENCY = 16;

/** What one dispatch invocation did (the run's own figures are its progress counters). */
export interface DispatchTotals {
  invited: number;
  skipped: number;
  /** The dispatch ran out of time and started itself again to go on. */
  continued: boolean;
}

/**
 * A campaign run: go through the audience a page at a time, decide for each customer (suppressed,
 * fatigued — logged with why — or invited) and write one invite per customer, idempotently: the
 * invite id is derived from campaign, run and customer, each write is conditional and carries the
 * run's counters in its transaction. The invites are sent by the invite sender at the account's
 * send rate (shared/campaigns/send-invites.ts), which each page starts, so sending begins while the
 * rest of the audience is written. After each page the run records how far it came: a dispatch out
 * of time starts itself again from there, and the sweep restarts one that died. Safe to repeat after
 * a crash at any line — a repeat finds what is written and writes only the rest; nobody is invited,
 * counted or emailed twice.
 */
export const dispatchRun = async (
  campaignId: string,
  runId: string,
  options: { now?: Date; deadline?: number } = {},
): Promise<DispatchTotals> => {
  const now = options.now ?? new Date();
  const totals: DispatchTotals = { invited: 0, skipped: 0, continued: false };
  const key = await tokenKey();
  const campaign = await getCampaign(campaignId);
  if (!campaign) throw new NotFoundError(`campaign ${campaignId} does not exist`);
  const run = await getRun(campaignId, runId);
  if (!run) throw new NotFoundError(`run ${runId} of campaign ${campaignId} does not exist`);
  // A duplicate or late invocation of a finished run changes nothing.
  if (run.status === 'sent') return totals;
  try {
    await markRunDispatching(campaignId, runId, new Date(Date.now() + RUN_DISPATCH_LEASE_MS));
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
    return totals;
  }

  const decide = recipientDecider(campaign, runId, key, now);
  const lanes = `d${randomBytes(3).toString('hex')}`;
  for await (const page of customerPages(run.resumeAfter)) {
    const audience = page.filter((c) => inAudience(campaign.audience, c));
    // What the decisions need, read for the whole page at once: suppressions and survey slots.
    const [suppressed, slots] = await Promise.all([
      suppressedEmails(audience.map((c) => c.email)),
      getSurveySlots(audience.map((c) => c.id)),
    ]);
    // Each worker adds to counters of its own (see inCounterLane): its writes never collide. The
    // sender starts with the page's first invite, not after the page: it has work at once.
    let senderStarted = false;
    const outcomes = await mapLimit(audience, WRITE_CONCURRENCY, async (c, worker) => {
      const outcome = await inCounterLane(`${lanes}-${worker}`, () => decide(c, suppressed, slots));
      if (outcome === 'invited' && !senderStarted) {
        senderStarted = true;
        await invokeSender();
      }
      return outcome;
    });
    for (const outcome of outcomes) totals[outcome]++;
    const last = page.at(-1);
    if (last) await saveRunPosition(campaignId, runId, last.id);
    if (outcomes.includes('invited')) await invokeSender();
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      await invokeDispatch({ campaignId, runId });
      logger.info('campaign run continues in a new invocation', { campaignId, runId, ...totals });
      return { ...totals, continued: true };
    }
  }
  await completeRun(campaignId, runId, new Date());
  logger.info('campaign run dispatched', { campaignId, runId, ...totals });
  return totals;
};

/** The decision and write for one customer of a run: `invited`, or `skipped` with why (logged). */
const recipientDecider = (campaign: Campaign, runId: string, key: string, now: Date) => {
  const ttlMs = config().TOKEN_TTL_DAYS * 86_400_000;
  const runKey = `${campaign.id}/${runId}`;
  const defaultZone = campaign.schedule?.timezone ?? config().TIME_ZONE;
  const logSkip = async (customer: Customer, reason: SkipReason) => {
    const move = { to: bucketOf(reason), reason };
    const entry = { customerId: customer.id, reason, at: new Date().toISOString() };
    await logRunSkip(campaign.id, runId, entry, countsOf(move));
  };
  return async (
    customer: Customer,
    suppressed: Map<string, string>,
    slots: Map<string, SurveySlot>,
  ): Promise<'invited' | 'skipped'> => {
    const suppression = suppressed.get(customer.email.toLowerCase());
    // Outside the campaign's send window in the recipient's own time: deferred to its opening.
    const timeZone = recipientTimeZone(customer.attributes, defaultZone);
    const opening = campaign.sendWindow ? nextWindowOpening(campaign.sendWindow, timeZone, now) : undefined;
    const invite: Invite = {
      ...inviteFor(
        customer,
        campaign,
        { inviteId: deriveInviteId(key, campaign.id, runId, customer.id), runId },
        {
          // The real write time, so the listing's order means what it says.
          createdAt: new Date().toISOString(),
          expiresAt: new Date((opening ?? now).getTime() + ttlMs).toISOString(),
          sendAfter: opening?.toISOString(),
        },
      ),
      runState: opening ? 'deferred' : 'queued',
      ...(campaign.sendWindow ? { sendWindow: campaign.sendWindow, timeZone } : {}),
    };
    const claim = await claimSlotWithInvite(
      {
        customerId: customer.id,
        suppressed: suppression !== undefined,
        slotAsRead: slots.get(customer.id),
        runKey,
        fatigueDays: campaign.fatigueDays,
        now,
      },
      invite,
      progressWrites(invite, { to: opening ? 'deferred' : 'queued' }, now),
    );
    if (claim === 'taken') return 'invited';
    // Erased since the page was read: nothing is written for them, no email sent.
    if (claim === 'erased') return 'skipped';
    await logSkip(customer, claim === 'suppressed' ? skipReasonOfSuppression(suppression ?? '') : claim);
    return 'skipped';
  };
};

/** Campaign runs that never started, or whose dispatch died midway, are dispatched again (idempotent). */
export const restartStalledRuns = async (now = new Date()): Promise<number> => {
  const stalled = await claimStalledRuns(now, new Date(now.getTime() + RUN_DISPATCH_LEASE_MS));
  for (const run of stalled) {
    logger.warn('restarting a stalled campaign run', run);
    await invokeDispatch(run);
  }
  return stalled.length;
};
