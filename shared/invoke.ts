import { InvokeCommand } from '@aws-sdk/client-lambda';
import { getClients } from './clients.ts';

/** Starts a function with this event and does not wait for it (Lambda retries async invocations twice). */
export const invokeAsync = async (functionName: string, payload: unknown): Promise<void> => {
  await getClients().lambda.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(payload)),
    }),
  );
};
