import { NotFoundError } from '../errors.ts';
import { getRun, listRuns } from '../store/campaigns.ts';
import type { PageRequest } from '../store/db.ts';
import { listRunLog, type RunLogEntry, runCounterItems } from '../store/run-progress.ts';
import type { Run } from '../store/schemas.ts';
import { progressFrom, type RunProgress, runTotalsOf } from './run-progress.ts';

const withProgress = async (run: Run): Promise<Run & { progress: RunProgress }> => {
  const progress = progressFrom(await runCounterItems(run.campaignId, run.runId), run.status === 'sent');
  return { ...run, ...runTotalsOf(progress), progress };
};

/** A campaign's runs, a page at a time, each with its progress. */
export const campaignRuns = async (campaignId: string, page: PageRequest) => {
  const runs = await listRuns(campaignId, page);
  return { items: await Promise.all(runs.items.map(withProgress)), cursor: runs.cursor };
};

/**
 * One run: its status, where its recipients stand (queued / deferred / sent / suppressed / failed,
 * with the reasons), and a page of the recipients it sent nothing to, each with why.
 */
export const runStatus = async (
  campaignId: string,
  runId: string,
  page: PageRequest,
): Promise<Run & { progress: RunProgress; skippedRecipients: RunLogEntry[]; cursor?: string }> => {
  const run = await getRun(campaignId, runId);
  if (!run) throw new NotFoundError('run not found');
  const [shown, log] = await Promise.all([withProgress(run), listRunLog(campaignId, runId, page)]);
  return { ...shown, skippedRecipients: log.items, cursor: log.cursor };
};
