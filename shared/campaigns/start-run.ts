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
 * invocations twice; the sweep covers what still fails). Idempotent for a given run id.
 */
export const startRun = async (campaignId: string, runId: string, trigger: Run['trigger']) => {
  await createRun({ campaignId, runId, trigger });
  const request: DispatchRequest = { campaignId, runId };
  await getClients().lambda.send(
    new InvokeCommand({
      FunctionName: config().DISPATCH_FUNCTION_NAME,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(request)),
    }),
  );
  return { runId };
};
