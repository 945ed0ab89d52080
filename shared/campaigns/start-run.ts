import { InvokeCommand } from '@aws-sdk/client-lambda';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { createRun } from '../store/campaigns.ts';
import type { Run } from '../store/schemas.ts';

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
  if (await createRun({ campaignId, runId, trigger })) await invokeDispatch({ campaignId, runId });
  return { runId };
};

export const invokeDispatch = async (request: DispatchRequest) => {
  await getClients().lambda.send(
    new InvokeCommand({
      FunctionName: config().DISPATCH_FUNCTION_NAME,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(request)),
    }),
  );
};
