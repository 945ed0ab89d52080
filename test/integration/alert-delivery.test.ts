import { createServer, type Server } from 'node:http';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import { startLocalStack } from '../../local/stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhook-receiver.ts';
import { raiseDetractorAlert } from '../../shared/cases/from-answer.ts';
import { getClients } from '../../shared/clients.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import {
  deadAlerts,
  getAlert,
  leaseAlert,
  markAlertDelivered,
  markAlertFailed,
  newAlertPut,
} from '../../shared/store/alerts.ts';
import { type Alert, responseItem } from '../../shared/store/schemas.ts';
import { parseImage } from '../../shared/stream/records.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';
import { isResponseRecord, readStream } from '../support/stream.ts';

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

describe('detractor alerts reach their owner, whatever the receiver does', () => {
  const stack = useLocalStack({ extraEnv: { ALERT_TIMEOUT_MS: '400' } });
  const secret = newWebhookSecret();
  let receiver: WebhookReceiver;
  let goneAnswers = 0;
  const hanging = createServer(() => undefined); // accepts, never answers
  const redirecting = createServer((_req, res) =>
    res.writeHead(302, { location: 'http://169.254.169.254/latest' }).end(),
  );
  const chatty = createServer((_req, res) => res.writeHead(500).end('x'.repeat(5000)));
  const urls: Record<string, string> = {};
  let tokens: Map<string, string>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({
      secrets: { '/slack': secret, '/teams': secret, '/gone': secret, '/generic': secret },
      respond: (hook) => (hook.path === '/gone' && goneAnswers++ === 0 ? 410 : 204),
    });
    urls.hang = await listen(hanging);
    urls.redirect = await listen(redirecting);
    urls.chatty = await listen(chatty);
    const owners = [
      { id: 'slack', name: 'Slack Team', style: 'slack', webhookUrl: `${receiver.url}/slack` },
      { id: 'teams', name: 'Teams Team', style: 'teams', webhookUrl: `${receiver.url}/teams` },
      { id: 'gone', name: 'Gone Receiver', webhookUrl: `${receiver.url}/gone` },
      { id: 'hang', name: 'Hanging Receiver', webhookUrl: urls.hang },
      { id: 'redirect', name: 'Redirecting Receiver', webhookUrl: urls.redirect },
      { id: 'chatty', name: 'Chatty Receiver', webhookUrl: urls.chatty },
      { id: 'mail', name: 'Mail Only', email: 'owner@nps-loop.example' },
      { id: 'generic', name: 'Generic', webhookUrl: `${receiver.url}/generic` },
    ];
    for (const owner of owners)
      await adminFetch(stack(), 'POST', '/api/owners', { ...owner, webhookSecret: secret });
    await adminFetch(
      stack(),
      'POST',
      '/api/customers',
      owners.map((o) => ({
        id: `c-${o.id}`,
        email: `c-${o.id}@example.com`,
        name: `Customer <${o.id}>`,
        ownerId: o.id,
        attributes: { tier: 'key' },
      })),
    );
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'alerts', name: 'Alerts', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/alerts/send');
    await stack().settle();
    tokens = new Map((await sesEmails(stack())).map((e) => [e.destination.to[0] ?? '', tokenOf(e)]));
  });
  afterAll(async () => {
    await receiver.close();
    for (const s of [hanging, redirecting, chatty]) {
      s.closeAllConnections();
      s.close();
    }
  });

  const detract = async (ownerId: string, comment = 'Not good <at all>') => {
    const res = await postAnswer(stack(), tokens.get(`c-${ownerId}@example.com`) ?? '', {
      score: 2,
      comment,
    });
    expect(res.status).toBe(200);
    await stack().settle();
  };
  const alertsOf = async (ownerId: string) => {
    const inviteId = (tokens.get(`c-${ownerId}@example.com`) ?? '').split('.')[0];
    return Promise.all(['webhook', 'email'].map((ch) => getAlert(`${inviteId}.v1.${ch}`)));
  };

  it('posts Slack blocks and a Teams Adaptive Card, signed like every other alert', async () => {
    await detract('slack');
    await detract('teams');
    const slack = receiver.received.find((h) => h.path === '/slack');
    const teams = receiver.received.find((h) => h.path === '/teams');
    expect(new Webhook(secret).verify(slack?.body ?? '', slack?.headers ?? {})).toMatchObject({
      text: expect.stringContaining('scored 2/10'),
      blocks: expect.arrayContaining([
        expect.objectContaining({ type: 'header' }),
        expect.objectContaining({ type: 'actions' }),
      ]),
    });
    expect(slack?.body).toContain('Customer &lt;slack&gt;');
    expect(new Webhook(secret).verify(teams?.body ?? '', teams?.headers ?? {})).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: expect.objectContaining({
            type: 'AdaptiveCard',
            actions: [expect.objectContaining({ type: 'Action.OpenUrl' })],
          }),
        },
      ],
    });
  });

  it('emails an owner whose channel is email, with every customer string escaped', async () => {
    await detract('mail', 'Call me <script>alert(1)</script>');
    const mail = (await sesEmails(stack())).find((e) => e.destination.to.includes('owner@nps-loop.example'));
    expect(mail?.subject).toBe('New detractor: Customer <mail> scored 2/10');
    expect(mail?.body.html).toContain('Call me &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail?.body.html).not.toContain('<script>');
    const [webhook, email] = await alertsOf('mail');
    expect(webhook).toBeUndefined();
    expect(email?.status).toBe('delivered');
  });

  it('gives up on a receiver that hangs after the timeout, and schedules a retry', async () => {
    await detract('hang');
    const [alert] = await alertsOf('hang');
    expect(alert).toMatchObject({ status: 'pending', attempts: 1 });
    expect(alert?.lastError).toMatch(/timeout|aborted/i);
    expect(new Date(alert?.nextAttemptAt ?? 0).getTime()).toBeGreaterThan(Date.now());
  });

  it('does not follow redirects, and keeps at most 1 KB of what a receiver answers', async () => {
    await detract('redirect');
    await detract('chatty');
    const [redirected] = await alertsOf('redirect');
    expect(redirected).toMatchObject({ status: 'pending', lastStatusCode: 302 });
    const [chatty] = await alertsOf('chatty');
    expect(chatty?.lastStatusCode).toBe(500);
    expect(chatty?.lastError?.length).toBeLessThanOrEqual(1024);
  });

  it('disables a channel that answers 410, tells the admin, and re-drives its alert once fixed', async () => {
    await detract('gone');
    const [alert] = await alertsOf('gone');
    expect(alert).toMatchObject({ status: 'dead', lastStatusCode: 410 });
    const owners = await adminFetch(stack(), 'GET', '/api/owners');
    expect(
      (owners.body.owners as Array<{ id: string; webhookDisabled: boolean }>).find((o) => o.id === 'gone'),
    ).toMatchObject({
      webhookDisabled: true,
      webhookDisabledReason: expect.stringContaining('410'),
    });
    const dead = await adminFetch(stack(), 'GET', '/api/alerts/dead');
    expect((dead.body.alerts as Array<{ alertId: string }>).map((a) => a.alertId)).toContain(alert?.alertId);

    // The admin fixes the receiver (saving the owner re-enables it) and re-drives the alert.
    await adminFetch(stack(), 'POST', '/api/owners', {
      id: 'gone',
      name: 'Gone Receiver',
      webhookUrl: `${receiver.url}/gone`,
      webhookSecret: secret,
    });
    const redrive = await adminFetch(stack(), 'POST', `/api/alerts/${alert?.alertId}/redeliver`);
    expect(redrive.status).toBe(202);
    await stack().settle();
    expect((await getAlert(alert?.alertId ?? ''))?.status).toBe('delivered');
    expect(receiver.received.filter((h) => h.path === '/gone')).toHaveLength(2);
    expect((await adminFetch(stack(), 'POST', `/api/alerts/${alert?.alertId}/redeliver`)).status).toBe(409);
    expect((await adminFetch(stack(), 'POST', '/api/alerts/nope/redeliver')).status).toBe(404);
  });

  it('raises one case and one alert however often the stream delivers the same record', async () => {
    await detract('generic');
    const inviteId = (tokens.get('c-generic@example.com') ?? '').split('.')[0];
    const [{ records } = { records: [] }] = await readStream(stack());
    const record = records.filter(isResponseRecord(inviteId));
    expect(record).toHaveLength(1);
    for (let i = 0; i < 3; i++) await invoke('raise-alerts', { Records: record });
    await stack().settle();
    expect(receiver.received.filter((h) => h.path === '/generic')).toHaveLength(1);
    const cases = await adminFetch(stack(), 'GET', '/api/cases');
    expect((cases.body.cases as Array<{ caseId: string }>).filter((c) => c.caseId === inviteId)).toHaveLength(
      1,
    );
  });
});

describe('an attempt that outlived its delivery lease', () => {
  const stack = useLocalStack();
  const t0 = new Date();
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const pendingAlert = async (alertId: string) => {
    const alert: Alert = {
      alertId,
      caseId: 'case-x',
      ownerId: 'nobody',
      channel: 'webhook',
      type: 'detractor.created',
      payload: '{}',
      status: 'pending',
      attempts: 0,
      nextAttemptAt: t0.toISOString(),
      createdAt: t0.toISOString(),
    };
    await getClients().ddb.send(new TransactWriteCommand({ TransactItems: [newAlertPut('c-x', alert)] }));
  };

  it('cannot kill or re-queue an alert that a later attempt delivered', async () => {
    stack();
    await pendingAlert('alr-late-a');
    const slow = await leaseAlert('alr-late-a', at(0), 1000);
    const fast = await leaseAlert('alr-late-a', at(2000), 1000); // the first lease has lapsed
    expect(slow && fast).toBeTruthy();
    await markAlertDelivered('alr-late-a', 204, at(2100));
    expect(await markAlertFailed(slow as Alert, { error: 'timeout' }, undefined)).toBe(false);
    expect(await markAlertFailed(slow as Alert, { error: 'timeout' }, at(60_000))).toBe(false);
    expect(await getAlert('alr-late-a')).toMatchObject({ status: 'delivered', attempts: 2 });
    expect((await deadAlerts({ limit: 200 })).items.map((a) => a.alertId)).not.toContain('alr-late-a');
  });

  it('cannot overwrite the schedule of the attempt that holds the lease now', async () => {
    await pendingAlert('alr-late-b');
    const slow = await leaseAlert('alr-late-b', at(0), 1000);
    const current = await leaseAlert('alr-late-b', at(2000), 1000);
    expect(await markAlertFailed(slow as Alert, { error: 'timeout' }, undefined)).toBe(false);
    expect(await markAlertFailed(current as Alert, { error: '503' }, at(300_000))).toBe(true);
    expect(await getAlert('alr-late-b')).toMatchObject({
      status: 'pending',
      lastError: '503',
      nextAttemptAt: at(300_000).toISOString(),
    });
  });

  it('brings a queued alert back when the attempt holding its lease must have ended, not every second', async () => {
    await pendingAlert('alr-held');
    await leaseAlert('alr-held', new Date(), 20_000); // another deliverer is on it for 20 s
    const sqs = mockClient(SQSClient);
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    try {
      // Its only message is failed on purpose (SQS brings it back): Powertools fails the whole batch.
      await expect(
        invoke('deliver-alerts', {
          Records: [{ messageId: 'm1', receiptHandle: 'r1', body: JSON.stringify({ alertId: 'alr-held' }) }],
        }),
      ).rejects.toThrow(/All records failed/);
      const [call] = sqs.commandCalls(ChangeMessageVisibilityCommand);
      expect(call?.args[0].input.VisibilityTimeout).toBeGreaterThanOrEqual(18);
    } finally {
      sqs.restore();
    }
  });

  it('records a delivery made under a lapsed lease, but never re-creates an erased alert', async () => {
    await pendingAlert('alr-late-c');
    await leaseAlert('alr-late-c', at(0), 1000);
    await markAlertDelivered('alr-late-c', 200, at(5000));
    expect(await getAlert('alr-late-c')).toMatchObject({ status: 'delivered', lastStatusCode: 200 });
    await markAlertDelivered('alr-never-written', 200, at(5000));
    expect(await getAlert('alr-never-written')).toBeUndefined();
  });
});

describe('a crash between writing the case and delivering its alert', () => {
  it('delivers the alert after a restart of the local stack', async () => {
    const { inject } = await import('vitest');
    const dynamoEndpoint = inject('dynamoEndpoint');
    const tables = { tableName: `crash-${Date.now()}`, aggregatesTableName: `crash-agg-${Date.now()}` };
    const secret = newWebhookSecret();
    const receiver = await startWebhookReceiver({ secrets: { '/o': secret } });
    // First life: answers are recorded, but the alert consumer "crashes" right after its transaction.
    const first = await startLocalStack({
      dynamoEndpoint,
      ...tables,
      port: 0,
      tickMs: 0,
      streamConsumers: ['rollup-responses'],
    });
    try {
      await adminFetch(first, 'POST', '/api/owners', {
        id: 'o',
        name: 'Owner',
        webhookUrl: `${receiver.url}/o`,
        webhookSecret: secret,
      });
      await adminFetch(first, 'POST', '/api/customers', [{ id: 'c', email: 'c@example.com', ownerId: 'o' }]);
      await adminFetch(first, 'POST', '/api/campaigns', { id: 'k', name: 'K' });
      await adminFetch(first, 'POST', '/api/campaigns/k/send');
      await first.settle();
      const email = (await sesEmails(first)).find((e) => e.destination.to.includes('c@example.com'));
      if (!email) throw new Error('no survey email');
      expect((await postAnswer(first, tokenOf(email), { score: 1 })).status).toBe(200);
      await first.settle();
      const [{ records } = { records: [] }] = await readStream(first);
      const response = records.find(isResponseRecord());
      const { alertIds } = await raiseDetractorAlert(
        undefined,
        parseImage(responseItem, response?.dynamodb?.NewImage),
      );
      expect(alertIds).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await first.stop();
    }
    // Second life, same data: the pending alert is delivered — once.
    const second = await startLocalStack({
      dynamoEndpoint,
      ...tables,
      port: 0,
      tickMs: 0,
      adminKey: first.adminKey,
    });
    try {
      await second.tick();
      await second.settle();
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]?.verified).toBe(true);
    } finally {
      await second.stop();
      await receiver.close();
    }
  });
});
