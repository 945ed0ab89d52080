import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhook-receiver.ts';
import { deliverDueAlerts } from '../../shared/alerts/deliver.ts';
import { restartStalledRuns } from '../../shared/campaigns/dispatch.ts';
import { runDueSchedules } from '../../shared/campaigns/run-schedules.ts';
import { RUN_START_GRACE_MS } from '../../shared/campaigns/start-run.ts';
import { getClients } from '../../shared/clients.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import { createRun } from '../../shared/store/campaigns.ts';
import { putInviteOnce } from '../../shared/store/invites.ts';
import { responseModel } from '../../shared/store/model.ts';
import {
  adminFetch,
  postAnswer,
  sendDue,
  sesEmails,
  tokenOf,
  useLocalStack,
} from '../support/local-stack.ts';

const HOUR = 3_600_000;

/**
 * Each test starts on a fresh stack with a fresh flaky receiver (beforeEach), and replays the
 * earlier steps it builds on — the CSV import, the weekly run that mails c1 and c2, c2's alerted
 * answer — with the helpers below. Any test runs alone, in any order.
 */
describe('nothing is lost: schedules, sweeps, retries and poison records', () => {
  const stack = useLocalStack({ expectStreamFailures: true, perTest: true });
  const secret = newWebhookSecret();
  let failuresLeft = 2;
  let receiver: WebhookReceiver;

  // The receiver fails its first two deliveries; a new one per test, so each test sees both fail.
  beforeEach(async () => {
    failuresLeft = 2;
    receiver = await startWebhookReceiver({
      secrets: { '/flaky': secret },
      respond: () => (failuresLeft-- > 0 ? 503 : 200),
    });
    await adminFetch(stack(), 'POST', '/api/owners', {
      id: 'flaky',
      name: 'Flaky Receiver',
      webhookUrl: `${receiver.url}/flaky`,
      webhookSecret: secret,
    });
  });
  afterEach(async () => {
    await receiver.close();
  });

  /** Customers c1 (key, emea) and c2 (smb), both owned by flaky, imported from CSV. */
  const importCustomers = async () => {
    const csv =
      'id,email,name,ownerId,tier,region\nc1,c1@example.com,"Doe, Jane",flaky,key,EMEA\nc2,c2@example.com,,flaky,smb,\n';
    const res = await fetch(`${stack().url}/api/customers/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack().adminKey}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(200);
    return res;
  };

  /** Campaign weekly, started once by the schedule tick when due: one survey email each to c1 and c2. */
  const runWeekly = async () => {
    const created = await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'weekly',
      name: 'Weekly pulse',
      schedule: { type: 'cron', expression: '0 9 * * 1', timezone: 'Europe/Paris' },
      fatigueDays: 0,
    });
    expect(created.status).toBe(201);
    const due = new Date(String(created.body.nextRunAt));
    expect(await runDueSchedules(new Date(due.getTime() - 60_000))).toEqual([]);
    const later = new Date(due.getTime() + 60_000);
    expect(await runDueSchedules(later)).toHaveLength(1);
    expect(await runDueSchedules(later)).toEqual([]);
    await stack().settle();
    return due;
  };

  /** c2 answers 1 with a comment; its alert fails twice, then is delivered by the retry sweeps. */
  const c2DetractorAlerted = async () => {
    const email = (await sesEmails(stack())).find((e) => e.destination.to.includes('c2@example.com'));
    if (!email) throw new Error('no email for c2');
    expect((await postAnswer(stack(), tokenOf(email), { score: 1, comment: 'Broken' })).status).toBe(200);
    await stack().settle();
    expect(receiver.received).toHaveLength(1); // first attempt answered 503
    expect(await deliverDueAlerts(new Date())).toMatchObject({ delivered: 0, retrying: 0 }); // backoff not over
    expect(await deliverDueAlerts(new Date(Date.now() + HOUR))).toMatchObject({ retrying: 1 });
    expect(await deliverDueAlerts(new Date(Date.now() + 2 * HOUR))).toMatchObject({ delivered: 1 });
    expect(await deliverDueAlerts(new Date(Date.now() + 48 * HOUR))).toMatchObject({
      delivered: 0,
      retrying: 0,
    });
  };

  it('imports customers from CSV, every other column becoming a segment attribute', async () => {
    const res = await importCustomers();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ upserted: 2 });
    const c1 = await adminFetch(stack(), 'GET', '/api/customers/c1');
    expect(c1.body).toMatchObject({
      name: 'Doe, Jane',
      ownerId: 'flaky',
      attributes: { tier: 'key', region: 'emea' },
    });
    const c2 = await adminFetch(stack(), 'GET', '/api/customers/c2');
    expect(c2.body.attributes).toEqual({ tier: 'smb' });
  });

  it('rejects a CSV with a bad row whole, naming the line', async () => {
    const res = await fetch(`${stack().url}/api/customers/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack().adminKey}`, 'content-type': 'text/csv' },
      body: 'id,email\nc9,c9@example.com\nc10,not-an-email\n',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_csv');
    expect(body.error.message).toContain('line 3');
    expect((await adminFetch(stack(), 'GET', '/api/customers/c9')).status).toBe(404);
  });

  it('starts a scheduled run once when it is due, however often the tick runs', async () => {
    await importCustomers(); // the run's audience: c1 and c2
    const due = await runWeekly();
    const campaign = await adminFetch(stack(), 'GET', '/api/campaigns/weekly');
    expect(campaign.body.runs).toEqual([
      expect.objectContaining({ trigger: 'schedule', status: 'sent', sent: 2 }),
    ]);
    expect(new Date(String(campaign.body.nextRunAt)).getTime()).toBe(due.getTime() + 7 * 24 * HOUR);
  });

  it('starts a run once when overlapping ticks race for it, and restarts a run whose start was lost', async () => {
    await importCustomers(); // each run mails c1 and c2
    const created = await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'daily',
      name: 'Daily pulse',
      schedule: { type: 'rate', expression: 'rate(1 day)' },
      fatigueDays: 0,
    });
    const due = new Date(new Date(String(created.body.nextRunAt)).getTime() + 1000);
    const before = (await sesEmails(stack())).length;
    const started = await Promise.all([runDueSchedules(due), runDueSchedules(due), runDueSchedules(due)]);
    expect(started.flat()).toHaveLength(1);
    await stack().settle();
    expect((await sesEmails(stack())).length).toBe(before + 2);

    // A run whose dispatch was never invoked (a crash right after it was created) is restarted.
    const restartAt = new Date(Date.now() + RUN_START_GRACE_MS);
    expect(await createRun({ campaignId: 'daily', runId: 'lost-start', trigger: 'manual' }, restartAt)).toBe(
      true,
    );
    expect(await restartStalledRuns(new Date())).toBe(0);
    const later = new Date(Date.now() + 3 * 60_000);
    expect(await Promise.all([restartStalledRuns(later), restartStalledRuns(later)])).toEqual(
      expect.arrayContaining([1, 0]),
    );
    await stack().settle();
    const runs = (await adminFetch(stack(), 'GET', '/api/campaigns/daily')).body.runs as Array<{
      runId: string;
      status: string;
    }>;
    expect(runs.find((r) => r.runId === 'lost-start')?.status).toBe('sent');
    expect((await sesEmails(stack())).length).toBe(before + 4);
  });

  it('sends an invite that a crashed dispatch wrote but never handed to SES', async () => {
    // The crashed invite's campaign and customer, next to invites that were sent and must stay so.
    await importCustomers();
    await runWeekly();
    const before = (await sesEmails(stack())).length;
    await putInviteOnce({
      inviteId: 'CrashedDispatchInvite0',
      campaignId: 'weekly',
      runId: 'run-crashed',
      customerId: 'c1',
      email: 'c1@example.com',
      attributes: { tier: 'key' },
      brand: 'Acme',
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 48 * HOUR).toISOString(),
    });
    // Two senders at once (the schedule's and a dispatch's): exactly one hands it to SES.
    expect((await Promise.all([sendDue(), sendDue()])).sort()).toEqual([0, 1]);
    expect(await sendDue()).toBe(0);
    expect((await sesEmails(stack())).length).toBe(before + 1);
  });

  it('retries a failing webhook with backoff until it is delivered, exactly once', async () => {
    // c2, owned by the flaky receiver, gets a survey email from the weekly run.
    await importCustomers();
    await runWeekly();
    await c2DetractorAlerted();
    expect(receiver.received).toHaveLength(3);
    const ids = new Set(receiver.received.map((h) => h.headers['webhook-id']));
    expect(ids.size).toBe(1); // the same message each time, so the receiver can deduplicate
    expect(receiver.received.every((h) => h.verified)).toBe(true);
  });

  it('reports a poison stream record, gives up on it after bounded retries, and counts its neighbours once', async () => {
    // The story so far: c1 and c2 mailed by the weekly run, c2's detractor answer counted and alerted.
    await importCustomers();
    await runWeekly();
    await c2DetractorAlerted();
    const emails = await sesEmails(stack());
    const c1 = emails.find((e) => e.destination.to.includes('c1@example.com'));
    if (!c1) throw new Error('no email for c1');
    const { ddb } = getClients();
    await ddb.send(
      new PutCommand({
        TableName: stack().tables.main,
        Item: { ...responseModel.key('PoisonPoisonPoison0000'), score: 'eleven', kind: 'response' },
      }),
    );
    expect((await postAnswer(stack(), tokenOf(c1), { score: 10 })).status).toBe(200);
    await stack().settle();
    expect(
      stack()
        .streamFailures.map((f) => f.consumer)
        .sort(),
    ).toEqual(['raise-alerts', 'rollup-responses']);
    const nps = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    expect(nps.body.points).toEqual([expect.objectContaining({ responses: 2, promoters: 1, detractors: 1 })]);
  });
});
