import { config } from '../config.ts';
import { isConditionFailure, NotFoundError } from '../errors.ts';
import { count, logger } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import {
  claimStalledRuns,
  completeRun,
  getCampaign,
  getRun,
  markRunDispatching,
} from '../store/campaigns.ts';
import { customerPages } from '../store/customers.ts';
import {
  getSurveySlots,
  markInviteSkipped,
  putInviteOnce,
  type SurveySlot,
  unsentInvitesBefore,
} from '../store/invites.ts';
import type { Customer, Invite } from '../store/schemas.ts';
import { isSuppressed, suppressedEmails } from '../store/suppressions.ts';
import { deriveInviteId } from '../tokens/survey-token.ts';
import { mapLimit } from '../util/concurrency.ts';
import { inAudience } from './audience.ts';
import { claimSurveySlot, inviteFor } from './invite-customer.ts';
import { sendInvite } from './send-invite.ts';
import { invokeDispatch, RUN_DISPATCH_LEASE_MS } from './start-run.ts';

/** SES accounts start at 14 messages/s; a few in flight keeps well inside that. */
const SEND_CONCURRENCY = 8;

export interface RunTotals {
  invited: number;
  sent: number;
  skipped: number;
  failed: number;
}

/**
 * A campaign run: select the audience, write one invite per customer (idempotent: the invite id
 * is derived from campaign, run and customer) and hand each unsent invite to SES. Safe to repeat
 * after a crash at any line — a repeat finds the invites already written and sends only the rest.
 */
export const dispatchRun = async (
  campaignId: string,
  runId: string,
  now = new Date(),
): Promise<RunTotals> => {
  const key = await tokenKey();
  const campaign = await getCampaign(campaignId);
  if (!campaign) throw new NotFoundError(`campaign ${campaignId} does not exist`);
  const run = await getRun(campaignId, runId);
  if (!run) throw new NotFoundError(`run ${runId} of campaign ${campaignId} does not exist`);
  // A duplicate or late invocation of a finished run changes nothing.
  if (run.status === 'sent') return { invited: run.invited, sent: run.sent, skipped: run.skipped, failed: 0 };
  try {
    await markRunDispatching(campaignId, runId, new Date(Date.now() + RUN_DISPATCH_LEASE_MS));
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
    return { invited: run.invited, sent: run.sent, skipped: run.skipped, failed: 0 };
  }

  const ttlMs = config().TOKEN_TTL_DAYS * 86_400_000;
  const totals: RunTotals = { invited: 0, sent: 0, skipped: 0, failed: 0 };

  const runKey = `${campaignId}/${runId}`;
  const inviteCustomer = async (
    customer: Customer,
    suppressed: Set<string>,
    slots: Map<string, SurveySlot>,
  ) => {
    const claim = await claimSurveySlot({
      customerId: customer.id,
      suppressed: suppressed.has(customer.email.toLowerCase()),
      slotAsRead: slots.get(customer.id),
      runKey,
      fatigueDays: campaign.fatigueDays,
      now,
    });
    if (claim !== 'taken') {
      if (claim === 'suppressed') count('EmailSuppressed');
      return void totals.skipped++;
    }
    const written = await putInviteOnce(
      inviteFor(
        customer,
        campaign,
        { inviteId: deriveInviteId(key, campaignId, runId, customer.id), runId },
        // The real write time, so the sweep's "older than 2 minutes" means what it says.
        { createdAt: new Date().toISOString(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() },
      ),
    );
    // Erased since the page was read: no invite is written for them, no email sent.
    if ('erased' in written) return void totals.skipped++;
    const { invite } = written;
    totals.invited++;
    if (invite.sentAt) return void totals.sent++;
    try {
      // Sent by us now, or by a sweep or an earlier attempt: counted as sent either way.
      await sendInvite(invite, key);
      totals.sent++;
    } catch (err: unknown) {
      // Left unsent on purpose: the sweep retries it, so one SES hiccup does not fail the run.
      totals.failed++;
      logger.error('survey email not sent; the sweep will retry', { inviteId: invite.inviteId, err });
    }
  };

  for await (const page of customerPages()) {
    const audience = page.filter((c) => inAudience(campaign.audience, c));
    // What the decisions need, read for the whole page at once: suppressions and survey slots.
    const [suppressed, slots] = await Promise.all([
      suppressedEmails(audience.map((c) => c.email)),
      getSurveySlots(audience.map((c) => c.id)),
    ]);
    await mapLimit(audience, SEND_CONCURRENCY, (c) => inviteCustomer(c, suppressed, slots));
  }
  await completeRun(campaignId, runId, totals, new Date());
  logger.info('campaign run dispatched', { campaignId, runId, ...totals });
  return totals;
};

/** Sends invites that a crashed or throttled dispatch left behind. */
export const sendStaleInvites = async (now = new Date(), olderThanMs = 120_000): Promise<number> => {
  const key = await tokenKey();
  const stale = await unsentInvitesBefore(new Date(now.getTime() - olderThanMs));
  let sent = 0;
  await mapLimit(stale, SEND_CONCURRENCY, async (invite: Invite) => {
    if (await isSuppressed(invite.email)) {
      count('EmailSuppressed');
      return markInviteSkipped(invite.inviteId, 'suppressed');
    }
    try {
      if (await sendInvite(invite, key, now)) sent++;
    } catch (err: unknown) {
      logger.error('survey email retry failed', { inviteId: invite.inviteId, err });
    }
  });
  return sent;
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
