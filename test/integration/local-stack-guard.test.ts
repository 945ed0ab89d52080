import { request } from 'node:http';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { getClients } from '../../shared/clients.ts';
import { config } from '../../shared/config.ts';
import { useLocalStack } from '../support/local-stack.ts';

/**
 * The AWS APIs the handlers call on each other locally (Lambda Invoke, SQS) must not be an open
 * door: any web page the developer visits can POST to 127.0.0.1, and a forged SES complaint to
 * `record-ses-events` would suppress a customer. Only the SDK clients of this run may get through.
 */

/** A forged SES complaint, as a hostile page would POST it to the Invoke API. */
const forgedComplaint = JSON.stringify({
  Records: [
    {
      EventSource: 'aws:sns',
      Sns: {
        Type: 'Notification',
        Message: JSON.stringify({
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: 'victim@example.com' }] },
        }),
      },
    },
  ],
});

const INVOKE_PATH = '/2015-03-31/functions/record-ses-events/invocations';

/**
 * One request with exactly these headers — fetch would add `Sec-Fetch-Mode` itself, as browsers
 * do, and the point here is to choose them.
 */
const rawPost = (url: string, headers: Record<string, string>, body: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });

/** What the handlers' SDK clients are configured with: the endpoint that must let only them in. */
const lambdaEndpoint = () => {
  const endpoint = config().LAMBDA_ENDPOINT;
  if (!endpoint) throw new Error('the local stack set no LAMBDA_ENDPOINT');
  return endpoint;
};

/** The two kinds of call the endpoint serves, as a page would forge them. */
const forgedCalls = () => ({
  'Lambda Invoke': {
    url: `${lambdaEndpoint()}${INVOKE_PATH}`,
    headers: { 'content-type': 'text/plain', 'x-amz-invocation-type': 'Event' },
    body: forgedComplaint,
  },
  SQS: {
    url: `${config().SQS_ENDPOINT}/`,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
    body: JSON.stringify({ QueueUrl: config().ALERT_QUEUE_URL, MessageBody: '{"forged":true}' }),
  },
});

const BROWSER_HEADERS = {
  // What a page's fetch() or form POST carries: the Origin, and the Fetch Metadata headers.
  'an Origin': { origin: 'http://evil.example' },
  'Sec-Fetch-* headers': {
    'sec-fetch-site': 'cross-site',
    'sec-fetch-mode': 'no-cors',
    'sec-fetch-dest': 'empty',
  },
  'only a Sec-Fetch-Site header': { 'sec-fetch-site': 'same-site' },
};

describe('the local stack is not an open door', () => {
  const stack = useLocalStack();

  it('the public API port answers 404 to the Lambda Invoke path', async () => {
    const res = await fetch(`${stack().url}${INVOKE_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-amz-invocation-type': 'Event' },
      body: forgedComplaint,
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: expect.objectContaining({ code: 'not_found' }) });
  });

  it('the public API port answers 404 to SQS calls', async () => {
    const res = await fetch(`${stack().url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: config().ALERT_QUEUE_URL, MessageBody: '{"forged":true}' }),
    });
    expect(res.status).toBe(404);
  });

  it('the Lambda and SQS endpoints are on another port than the public API', () => {
    for (const endpoint of [config().LAMBDA_ENDPOINT, config().SQS_ENDPOINT]) {
      expect(new URL(endpoint ?? '').hostname).toBe('127.0.0.1');
      expect(new URL(endpoint ?? '').port).not.toBe(new URL(stack().url).port);
    }
  });

  describe.each(['Lambda Invoke', 'SQS'] as const)('the %s endpoint', (api) => {
    it.each(Object.entries(BROWSER_HEADERS))(
      'refuses a request with %s (a browser) with 403',
      async (_what, browser) => {
        const call = forgedCalls()[api];
        const res = await rawPost(call.url, { ...call.headers, ...browser }, call.body);
        expect(res.status).toBe(403);
      },
    );

    it('refuses a request without this run’s secret, or with another, with 403', async () => {
      const call = forgedCalls()[api];
      const url = new URL(call.url);
      const secret = url.pathname.split('/')[1] ?? '';
      const withoutSecret = `${url.origin}${url.pathname.slice(secret.length + 1)}`;
      const withOtherSecret = `${url.origin}/${'x'.repeat(secret.length)}${url.pathname.slice(secret.length + 1)}`;
      expect(secret.length).toBeGreaterThanOrEqual(24);
      for (const target of [withoutSecret, withOtherSecret])
        expect((await rawPost(target, call.headers, call.body)).status).toBe(403);
    });

    it('refuses a Host other than its loopback address (DNS rebinding) with 403', async () => {
      const call = forgedCalls()[api];
      const res = await rawPost(
        call.url,
        { ...call.headers, host: `evil.example:${new URL(call.url).port}` },
        call.body,
      );
      expect(res.status).toBe(403);
    });
  });

  it('lets the handlers’ own SDK clients through, unchanged', async () => {
    const { lambda, sqs } = getClients();
    const delivery = {
      Records: [
        { EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: '{"eventType":"Delivery"}' } },
      ],
    };
    const answered = await lambda.send(
      new InvokeCommand({ FunctionName: 'record-ses-events', Payload: JSON.stringify(delivery) }),
    );
    expect(answered.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(answered.Payload ?? []).toString())).toEqual({ suppressed: 0 });
    const queued = await lambda.send(
      new InvokeCommand({
        FunctionName: 'record-ses-events',
        InvocationType: 'Event',
        Payload: JSON.stringify(delivery),
      }),
    );
    expect(queued.StatusCode).toBe(202);
    await stack().settle();

    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: config().ALERT_QUEUE_URL, MaxNumberOfMessages: 1 }),
    );
    expect(received.$metadata.httpStatusCode).toBe(200);

    // The same client without the secret in its endpoint is refused: the secret is what lets it in.
    const endpoint = new URL(config().SQS_ENDPOINT ?? '');
    const withoutSecret = new SQSClient({
      region: 'us-east-1',
      endpoint: endpoint.origin,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      await expect(
        withoutSecret.send(new ReceiveMessageCommand({ QueueUrl: config().ALERT_QUEUE_URL })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      withoutSecret.destroy();
    }
  });
});
