import { randomBytes } from 'node:crypto';
import { config } from '../config.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { count, logger } from '../observability.ts';
import { getRun, pauseRun, resumeRun } from '../store/campaigns.ts';
import { getInvite, heldInvitesAfter, noteInviteFeedback, releaseHeldInvite } from '../store/invites.ts';
import { inviteModel, isCampaignRun } from '../store/model.ts';
import { inCounterLane, runCounterAdd, runCounterItems } from '../store/run-progress.ts';
import type { Invite } from '../store/schemas.ts';
import { countsOf, type Feedback, feedbackCounts, pauseReason, progressFrom } from './run-progress.ts';
import { invokeSender } from './start-run.ts';

const thresholds = () => {
  const c = config();
  return {
    minSent: c.RUN_PAUSE_MIN_SENT,
    complaintRate: c.RUN_PAUSE_COMPLAINT_RATE,
    bounceRate: c.RUN_PAUSE_BOUNCE_RATE,
  };
};

/** Pauses the run, with why, if its complaint or hard-bounce rate says so. */
export const checkRunHealth = async (campaignId: string, runId: string, now = new Date()): Promise<void> => {
  const run = await getRun(campaignId, runId);
  if (!run || run.pausedAt) return;
  const progress = progressFrom(await runCounterItems(campaignId, runId), run.status === 'sent');
  const reason = pauseReason(progress, thresholds());
  if (reason && (await pauseRun(campaignId, runId, reason, now))) {
    count('RunPaused');
    logger.warn('campaign run paused', { campaignId, runId, reason });
  }
};

/**
 * SES reported a complaint or a hard bounce on a survey email (its `invite` tag): counted once on
 * its run, whose health is then checked. Feedback on other emails, or a repeat, changes nothing.
 */
export const recordSendFeedback = async (inviteId: string, feedback: Feedback, now = new Date()) => {
  const invite = await getInvite(inviteId);
  if (!invite || !isCampaignRun(invite.runId)) return;
  const counted = await noteInviteFeedback(inviteId, feedback, now, [
    runCounterAdd(invite.campaignId, invite.runId, invite.customerId, feedbackCounts(feedback)),
  ]);
  if (counted) await checkRunHealth(invite.campaignId, invite.runId, now);
};

const release = (invite: Invite, now: Date) =>
  releaseHeldInvite(invite, now, [
    runCounterAdd(
      invite.campaignId,
      invite.runId,
      invite.customerId,
      countsOf({ from: 'deferred', to: 'queued' }),
    ),
  ]);

const RELEASE_PAGE = 100;

/**
 * Puts the held invites of runs that are no longer paused back in the sender's way, until `until`
 * (epoch ms). Runs still paused are stepped over. Returns how many were released; the rest, if
 * any, go with the next call.
 */
export const releaseHeldInvites = (until: number, now = new Date()): Promise<number> =>
  // A lane of its own: a resume request and a sender may release at the same time.
  inCounterLane(`r${randomBytes(3).toString('hex')}`, () => releaseUntil(until, now));

const releaseUntil = async (until: number, now: Date): Promise<number> => {
  let released = 0;
  let after: string | undefined;
  const paused = new Map<string, boolean>();
  while (Date.now() < until) {
    const held = await heldInvitesAfter(after, RELEASE_PAGE);
    if (held.length === 0) break;
    for (const invite of held) {
      if (Date.now() >= until) break;
      const runKey = `${invite.campaignId}/${invite.runId}`;
      if (!paused.has(runKey))
        paused.set(runKey, Boolean((await getRun(invite.campaignId, invite.runId))?.pausedAt));
      if (paused.get(runKey)) {
        after = inviteModel.heldRunEnd(invite.campaignId, invite.runId);
        break;
      }
      if (await release(invite, now)) released++;
      after = inviteModel.held(invite.campaignId, invite.runId, invite.inviteId).gsi1sk;
    }
  }
  return released;
};

/** How long a resume request releases held invites itself before leaving the rest to the sender. */
const RESUME_BUDGET_MS = 5_000;

/**
 * A paused run goes on: its held invites go back to the sender (those the request's budget does not
 * reach, the sender releases itself), which is started. 404 for no such run, 409 if not paused.
 */
export const resumeCampaignRun = async (campaignId: string, runId: string, now = new Date()) => {
  const run = await getRun(campaignId, runId);
  if (!run) throw new NotFoundError('run not found');
  if (!(await resumeRun(campaignId, runId, now)))
    throw new ConflictError('the run is not paused', 'not_paused');
  const released = await releaseHeldInvites(Date.now() + RESUME_BUDGET_MS, now);
  await invokeSender();
  logger.info('campaign run resumed', { campaignId, runId, released });
  return { campaignId, runId, resumedAt: now.toISOString(), released };
};
