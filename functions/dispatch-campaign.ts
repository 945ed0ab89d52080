import { z } from 'zod';
import { dispatchRun, type RunTotals } from '#shared/campaigns/dispatch';
import { observedHandler } from '#shared/observability';

const request = z.object({ campaignId: z.string().min(1), runId: z.string().min(1) });

/** Invoked asynchronously with `{campaignId, runId}` by the admin API and the scheduler tick. */
const dispatch = async (event: unknown): Promise<RunTotals> => {
  const { campaignId, runId } = request.parse(event);
  return dispatchRun(campaignId, runId);
};

export const handler = observedHandler<unknown, RunTotals>().handler(dispatch);
