import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { redact } from './redact.ts';
import { traced } from './tracing.ts';

/**
 * One client per service, created on first use and reused for the life of the container.
 * Endpoints come from config, so the same code talks to AWS or to the local emulators. Each is
 * traced: on Lambda every SDK call is a subsegment of the function's X-Ray trace (outside Lambda
 * there is no tracer, and the clients are left as they are).
 */
export interface Clients {
  ddb: DynamoDBDocumentClient;
  ses: SESv2Client;
  lambda: LambdaClient;
  sqs: SQSClient;
}

let clients: Clients | undefined;

/**
 * SES quotes the recipient in its error messages ("… failed the check in region US-EAST-1:
 * dana@example.com"), and a failed send is logged by dispatch, reminders and follow-ups, recorded
 * on an alert, and — by the X-Ray middleware, at the build step — put in the trace. So the error's
 * texts (message, stack, causes') are blanked as it leaves the request, inside the tracing, at the
 * finalizeRequest step; its name and metadata stay for whoever handles it.
 */
export const withoutAddresses = <C extends SESv2Client>(client: C): C => {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err: unknown) {
        for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
          e.message = redact(e.message);
          if (e.stack) e.stack = redact(e.stack);
        }
        throw err;
      }
    },
    { step: 'finalizeRequest', name: 'redactAddressesInErrors' },
  );
  return client;
};

const localCredentials = (endpoint: string | undefined) =>
  endpoint && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;

export const getClients = (): Clients => {
  if (clients) return clients;
  const c = config();
  const region = c.AWS_REGION;
  const ddb = traced(
    new DynamoDBClient({
      region,
      endpoint: c.DYNAMODB_ENDPOINT,
      credentials: localCredentials(c.DYNAMODB_ENDPOINT),
    }),
  );
  clients = {
    ddb: DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }),
    ses: traced(
      withoutAddresses(
        new SESv2Client({
          region,
          endpoint: c.SES_ENDPOINT,
          credentials: localCredentials(c.SES_ENDPOINT),
          // No retries by the SDK: a retry after a timeout may send an email SES already took, and
          // throttles wait for the account's send rate (email/send-email.ts decides both).
          maxAttempts: 1,
        }),
      ),
    ),
    lambda: traced(
      new LambdaClient({
        region,
        endpoint: c.LAMBDA_ENDPOINT,
        credentials: localCredentials(c.LAMBDA_ENDPOINT),
      }),
    ),
    sqs: traced(
      new SQSClient({ region, endpoint: c.SQS_ENDPOINT, credentials: localCredentials(c.SQS_ENDPOINT) }),
    ),
  };
  return clients;
};

/** Tests swap clients by injection rather than by patching modules. */
export const setClientsForTests = (next: Clients | undefined): void => {
  clients = next;
};
