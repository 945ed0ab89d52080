import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { type DispatchTotals, dispatchRun } from '#shared/campaigns/dispatch';
import { observedHandler } from '#shared/observability';

const request = z.object({ campaignId: z.string().min(1), runId: z.string().min(1) });

/** Time kept back for the page in hand: past this the dispatch hands over to a new invocation. */
const RESERVE_MS = 60_000;

/** Invoked asynchronously with `{campaignId, runId}` by the admin API, the scheduler tick and itself. */
const dispatch = async (event: unknown, context: Context): Promise<DispatchTotals> => {
  const { campaignId, runId } = request.parse(event);
  return dispatchRun(campaignId, runId, {
    deadline: Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS,
  });
};

export const handler = observedHandler<unknown, DispatchTotals>().handler(dispatch);
