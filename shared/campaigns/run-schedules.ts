import { config } from '../config.ts';
import { logger } from '../observability.ts';
import { advanceSchedule, dueSchedules, getCampaign } from '../store/campaigns.ts';
import { nextRunAfter } from './schedule.ts';
import { scheduledRunId, startRun } from './start-run.ts';

/**
 * The scheduler tick: every campaign whose next run is due gets that run started once. The run id
 * is derived from the scheduled time, so a repeated tick starts nothing twice.
 */
export const runDueSchedules = async (now = new Date()): Promise<string[]> => {
  const started: string[] = [];
  for (const due of await dueSchedules(now)) {
    const campaign = await getCampaign(due.campaignId);
    const next = campaign?.schedule
      ? nextRunAfter(campaign.schedule, now, new Date(campaign.createdAt), config().TIME_ZONE)
      : undefined;
    if (!campaign) {
      await advanceSchedule(due.campaignId, due.nextRunAt, undefined);
      continue;
    }
    const runId = scheduledRunId(due.nextRunAt);
    await startRun(campaign.id, runId, 'schedule');
    if (await advanceSchedule(campaign.id, due.nextRunAt, next)) started.push(`${campaign.id}/${runId}`);
    logger.info('scheduled run started', { campaignId: campaign.id, runId, next: next?.toISOString() });
  }
  return started;
};
