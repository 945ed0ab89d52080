import { randomBytes } from 'node:crypto';
import { config } from '../config.ts';
import { invokeAsync } from '../invoke.ts';
import { createRun } from '../store/campaigns.ts';
import type { Run } from '../store/schemas.ts';

/** A run not started within this long after it was created is started again by the sweep. */
export const RUN_START_GRACE_MS = 120_000;
/** A dispatch cannot outlive Lambda's 15 minutes: a run still open after this is restarted. */
export const RUN_DISPATCH_LEASE_MS = 16 * 60_000;

export const newRunId = (now = new Date()): string =>
  `run_${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}_${randomBytes(3).toString('hex')}`;

/** A scheduled run's id is its due time: a duplicate tick for the same time is the same run. */
export const scheduledRunId = (at: string): string => `sch_${at.replace(/[-:.]/g, '').slice(0, 15)}`;

export interface DispatchRequest {
  campaignId: string;
  runId: string;
}

/**
 * Creates a run and hands it to the dispatch function asynchronously (Lambda retries async
 * invocations twice; the sweep restarts runs that still do not complete). Idempotent per run id.
 */
export const startRun = async (campaignId: string, runId: string, trigger: Run['trigger']) => {
  // Only the caller that created the run starts it: an overlapping tick or a duplicate scheduler
  // delivery finds it there and leaves it (the sweep restarts a run whose start was lost).
  const now = new Date();
  const restartAt = new Date(now.getTime() + RUN_START_GRACE_MS);
  if (await createRun({ campaignId, runId, trigger }, restartAt, now)) {
    await invokeDispatch({ campaignId, runId });
  }
  return { runId };
};

export const invokeDispatch = (request: DispatchRequest) =>
  invokeAsync(config().DISPATCH_FUNCTION_NAME, request);

/** Starts the invite sender now (it does nothing if another sender is at work). */
export const invokeSender = () => invokeAsync(config().SENDER_FUNCTION_NAME, {});
