import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { adminRequest, inbox, type StoredEmail, surveyTokenOf } from '../../local/client.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhook-receiver.ts';
import { sendDueInvites } from '../../shared/campaigns/send-invites.ts';

/**
 * A local stack for one test file — or, with `perTest`, a fresh one for every test: its own tables
 * on the shared DynamoDB Local, its own local SES and HTTP server on free ports. Refuses anything but
 * a loopback endpoint, so no test can reach AWS.
 */
export const useLocalStack = (
  options: LocalStackOptions & { expectStreamFailures?: boolean; perTest?: boolean } = {},
) => {
  const holder: { stack?: LocalStack } = {};
  const [before, after] = options.perTest ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    const endpoint = inject('dynamoEndpoint');
    if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(endpoint)) {
      throw new Error(`integration tests run only against DynamoDB Local, got ${endpoint}`);
    }
    const suffix = randomBytes(4).toString('hex');
    holder.stack = await startLocalStack({
      dynamoEndpoint: endpoint,
      tableName: `nps-${suffix}`,
      aggregatesTableName: `nps-agg-${suffix}`,
      tickMs: 0,
      port: 0,
      log: (line) => console.error(line),
      ...options,
      // Tests send in bursts; the account's rate is what send-rate.test.ts is about.
      extraEnv: { SES_MAX_SEND_RATE: '500', ...options.extraEnv },
    });
    // aws-ses-v2-local keeps its emails in one store per process, shared by every stack a file
    // starts: emptied for each new stack, so a test reads only the emails it sent itself.
    const cleared = await fetch(`${holder.stack.sesUrl}/clear-store`, { method: 'POST' });
    if (!cleared.ok) throw new Error(`local SES refused to clear its store: ${cleared.status}`);
  });
  after(async () => {
    const failures = holder.stack?.streamFailures ?? [];
    await holder.stack?.stop();
    holder.stack = undefined;
    // A batch given up on is a lost answer or alert: no test may leave one behind unnoticed.
    if (!options.expectStreamFailures) expect(failures).toEqual([]);
  });
  return () => {
    if (!holder.stack) throw new Error('local stack not started');
    return holder.stack;
  };
};

export type { StoredEmail } from '../../local/client.ts';

/** An SNS notification carrying one message, as SES event publishing delivers it to record-ses-events. */
export const snsEvent = (message: unknown) => ({
  Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(message), Type: 'Notification' } }],
});

/** Runs the invite sender once, as its schedule does, pretending it is `now`: how many it sent. */
export const sendDue = async (now?: Date): Promise<number> =>
  (await sendDueInvites({ until: Date.now() + 60_000, now })).sent;

export const sesEmails = (stack: LocalStack): Promise<StoredEmail[]> => inbox(stack);

/** The survey token in an email's links. */
export const tokenOf = (email: StoredEmail): string => {
  const token = surveyTokenOf(email);
  if (!token) throw new Error('no survey link in email');
  return token;
};

export const adminFetch = (stack: LocalStack, method: string, path: string, body?: unknown) =>
  adminRequest(stack, method, path, body);

export const postAnswer = (stack: LocalStack, token: string, answer: unknown) =>
  fetch(`${stack.url}/s/${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(answer),
  });

/** A webhook receiver for each test (started before it, closed after), verifying these secrets. */
export const useWebhookReceiver = (secrets: Record<string, string>) => {
  const holder: { receiver?: WebhookReceiver } = {};
  beforeEach(async () => {
    holder.receiver = await startWebhookReceiver({ secrets });
  });
  afterEach(async () => {
    await holder.receiver?.close();
    holder.receiver = undefined;
  });
  return (): WebhookReceiver => {
    if (!holder.receiver) throw new Error('webhook receiver not started');
    return holder.receiver;
  };
};
