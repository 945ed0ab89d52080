import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { tracer } from './tracing.ts';

/**
 * One client per service, created on first use and reused for the life of the container.
 * Endpoints come from config, so the same code talks to AWS or to the local emulators. Each is
 * captured by the tracer: on Lambda every SDK call is a subsegment of the function's X-Ray trace
 * (outside Lambda the tracer is off and the clients are left as they are).
 */
export interface Clients {
  ddb: DynamoDBDocumentClient;
  ses: SESv2Client;
  lambda: LambdaClient;
  sqs: SQSClient;
}

let clients: Clients | undefined;

const localCredentials = (endpoint: string | undefined) =>
  endpoint && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;

export const getClients = (): Clients => {
  if (clients) return clients;
  const c = config();
  const region = c.AWS_REGION;
  const ddb = tracer.captureAWSv3Client(
    new DynamoDBClient({
      region,
      endpoint: c.DYNAMODB_ENDPOINT,
      credentials: localCredentials(c.DYNAMODB_ENDPOINT),
    }),
  );
  clients = {
    ddb: DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } }),
    ses: tracer.captureAWSv3Client(
      new SESv2Client({ region, endpoint: c.SES_ENDPOINT, credentials: localCredentials(c.SES_ENDPOINT) }),
    ),
    lambda: tracer.captureAWSv3Client(
      new LambdaClient({
        region,
        endpoint: c.LAMBDA_ENDPOINT,
        credentials: localCredentials(c.LAMBDA_ENDPOINT),
      }),
    ),
    sqs: tracer.captureAWSv3Client(
      new SQSClient({ region, endpoint: c.SQS_ENDPOINT, credentials: localCredentials(c.SQS_ENDPOINT) }),
    ),
  };
  return clients;
};

/** Tests swap clients by injection rather than by patching modules. */
export const setClientsForTests = (next: Clients | undefined): void => {
  clients = next;
};
