import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../local/webhook-receiver.ts';
import { escalateOverdueCases } from '../../shared/cases/escalate.ts';
import { getClients } from '../../shared/clients.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import { alertModel } from '../../shared/store/model.ts';
import type { Case } from '../../shared/store/schemas.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';
import { isResponseRecord, readStream } from '../support/stream.ts';

const HOUR = 3_600_000;

interface AlertPayload {
  type: string;
  case: { id: string; status: string };
  response: { score: number };
  customer: { id: string };
}

/**
 * One case story — spring detractors, workflow, escalation, an autumn survey, a stream replay —
 * told afresh for every test: each starts on its own empty stack and webhook receiver, replays the
 * steps before its own with the helpers below, and checks only its own step. Any test runs alone,
 * in any order.
 */
describe('a case from detractor answer to recovery: raise, workflow, escalation, recovery', () => {
  // Each update alerts at once here; the debounce of updates has its own test (answer-replay).
  const stack = useLocalStack({
    extraEnv: { ESCALATION_OWNER_ID: 'duty', ALERT_DEBOUNCE_SECONDS: '0' },
    perTest: true,
  });
  const secrets = { '/alice': newWebhookSecret(), '/duty': newWebhookSecret() };
  let receiver: WebhookReceiver;
  let tokens: Map<string, string>;

  const cases = async () => (await adminFetch(stack(), 'GET', '/api/cases')).body.cases as Case[];
  /** The customer's first case. */
  const caseOf = async (customerId: string) =>
    (await cases())
      .filter((c) => c.customerId === customerId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  const hooks = (path: string) =>
    receiver.received.filter((h) => h.path === path).map((h) => h.payload as AlertPayload);

  /** Sends a campaign and remembers each customer's survey token under `${campaign}:${customer}`. */
  const send = async (campaign: string) => {
    const before = (await sesEmails(stack())).length;
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: campaign, name: campaign, fatigueDays: 0 });
    expect((await adminFetch(stack(), 'POST', `/api/campaigns/${campaign}/send`)).status).toBe(202);
    await stack().settle();
    for (const email of (await sesEmails(stack())).slice(before)) {
      tokens.set(`${campaign}:${email.destination.to[0]?.split('@')[0]}`, tokenOf(email));
    }
  };
  const answer = async (key: string, body: { score: number; comment?: string }) => {
    const token = tokens.get(key);
    if (!token) throw new Error(`no survey for ${key}`);
    expect((await postAnswer(stack(), token, body)).status).toBe(200);
  };

  // Every test starts from the spring survey: three detractors, so three open cases for alice.
  beforeEach(async () => {
    tokens = new Map();
    receiver = await startWebhookReceiver({ secrets });
    for (const [path, secret] of Object.entries(secrets)) {
      const id = path.slice(1);
      await adminFetch(stack(), 'POST', '/api/owners', {
        id,
        name: id,
        webhookUrl: `${receiver.url}${path}`,
        webhookSecret: secret,
      });
    }
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'k1', email: 'k1@example.com', ownerId: 'alice', attributes: { tier: 'key' } },
      { id: 's1', email: 's1@example.com', ownerId: 'alice', attributes: { tier: 'smb' } },
      { id: 's2', email: 's2@example.com', ownerId: 'alice', attributes: { tier: 'smb' } },
    ]);
    await send('spring');
    await answer('spring:k1', { score: 3, comment: 'Too slow.' });
    await answer('spring:s1', { score: 2 });
    await answer('spring:s2', { score: 4 });
    await stack().settle();
  });
  afterEach(async () => {
    await receiver.close();
  });

  // The steps of the story, in order; each test replays those before its own.

  /** k1 raises the spring score to 8: the customer resolves their own case. */
  const raiseK1 = async () => {
    await answer('spring:k1', { score: 8, comment: 'They called, all good now.' });
    await stack().settle();
  };
  /** k1 lowers it again to 1: the case reopens. */
  const lowerK1 = async () => {
    await answer('spring:k1', { score: 1 });
    await stack().settle();
  };
  /** The owner acknowledges s1's case, then marks it contacted (the refused tries changed nothing). */
  const workS1 = async () => {
    const path = `/api/cases/${(await caseOf('s1'))?.caseId}`;
    expect((await adminFetch(stack(), 'PATCH', path, { status: 'acknowledged' })).status).toBe(200);
    expect(
      (await adminFetch(stack(), 'PATCH', path, { status: 'contacted', note: 'Called Sam.' })).status,
    ).toBe(200);
  };
  /** The SLA check runs past k1's 24 h, then past s2's 72 h (its no-op runs left out); s2 acknowledged. */
  const escalateK1AndS2 = async () => {
    const s2 = await caseOf('s2');
    const k1 = await caseOf('k1');
    if (!s2 || !k1) throw new Error('cases missing');
    await escalateOverdueCases(new Date(Date.parse(k1.slaDueAt) + 60_000));
    await escalateOverdueCases(new Date(Date.parse(s2.slaDueAt) + 60_000));
    await stack().settle();
    expect(
      (await adminFetch(stack(), 'PATCH', `/api/cases/${s2.caseId}`, { status: 'acknowledged' })).status,
    ).toBe(200);
  };
  /** The autumn survey: s1 answers 9 (a recovery), s2 answers 5 (a new case). */
  const autumn = async () => {
    await send('autumn');
    await answer('autumn:s1', { score: 9 });
    await answer('autumn:s2', { score: 5 });
    await stack().settle();
  };

  it('resolves the case when the customer raises the score to 7+, and tells the owner', async () => {
    expect(hooks('/alice').filter((h) => h.customer.id === 'k1')).toHaveLength(1);
    await raiseK1();
    const k1 = await caseOf('k1');
    expect(k1).toMatchObject({
      status: 'resolved',
      outcome: 'score raised',
      resolvedBy: 'customer',
      score: 8,
      resolvedAt: expect.any(String),
      recovered: false,
    });
    expect(k1?.notes.at(-1)).toMatchObject({ status: 'resolved', text: expect.stringContaining('raised') });
    const update = hooks('/alice').filter((h) => h.customer.id === 'k1');
    expect(update).toHaveLength(2);
    expect(update[1]).toMatchObject({
      type: 'detractor.updated',
      case: { status: 'resolved' },
      response: { score: 8 },
    });
    // A resolved case stays out of the open list (and so out of escalation).
    const open = (await adminFetch(stack(), 'GET', '/api/cases?status=open')).body.cases as Case[];
    expect(open.map((c) => c.customerId).sort()).toEqual(['s1', 's2']);
  });

  it('reopens a case the customer resolved if they lower the score again', async () => {
    await raiseK1();
    await lowerK1();
    expect(await caseOf('k1')).toMatchObject({ status: 'open', score: 1 });
    expect((await caseOf('k1'))?.resolvedBy).toBeUndefined();
    expect(
      hooks('/alice')
        .filter((h) => h.customer.id === 'k1')
        .at(-1),
    ).toMatchObject({
      type: 'detractor.updated',
      case: { status: 'open' },
    });
  });

  it('requires a note to mark a case contacted and an outcome to resolve it', async () => {
    const s1 = await caseOf('s1');
    const path = `/api/cases/${s1?.caseId}`;
    const noNote = await adminFetch(stack(), 'PATCH', path, { status: 'contacted' });
    expect(noNote.status).toBe(400);
    expect(JSON.stringify(noNote.body)).toContain('note');
    const noOutcome = await adminFetch(stack(), 'PATCH', path, { status: 'resolved', note: 'done' });
    expect(noOutcome.status).toBe(400);
    expect(JSON.stringify(noOutcome.body)).toContain('outcome');
    expect((await caseOf('s1'))?.status).toBe('open');

    const ack = await adminFetch(stack(), 'PATCH', path, { status: 'acknowledged' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String) });
    const contacted = await adminFetch(stack(), 'PATCH', path, { status: 'contacted', note: 'Called Sam.' });
    expect(contacted.body).toMatchObject({ status: 'contacted', contactedAt: expect.any(String) });
  });

  it('escalates an unacknowledged case past its SLA to the fallback owner, once', async () => {
    // k1's case resolved and reopened (open again, never acknowledged); s1's acknowledged.
    await raiseK1();
    await lowerK1();
    await workS1();
    const s2 = await caseOf('s2');
    const k1 = await caseOf('k1');
    if (!s2 || !k1) throw new Error('cases missing');
    const slaOf = (c: Case) => Date.parse(c.slaDueAt);
    expect(slaOf(s2) - Date.parse(s2.createdAt)).toBe(72 * HOUR);

    // Before any SLA passes: nothing. After the key customer's 24 h: only k1.
    expect(await escalateOverdueCases(new Date(slaOf(k1) - 60_000))).toEqual({ escalated: [] });
    expect(await escalateOverdueCases(new Date(slaOf(k1) + 60_000))).toEqual({ escalated: [k1.caseId] });
    // After 72 h: s2 too, but k1 not again; s1 was acknowledged, so never.
    const later = new Date(slaOf(s2) + 60_000);
    expect(await escalateOverdueCases(later)).toEqual({ escalated: [s2.caseId] });
    expect(await escalateOverdueCases(later)).toEqual({ escalated: [] });
    await stack().settle();

    const escalated = await caseOf('s2');
    expect(escalated).toMatchObject({
      status: 'open',
      escalatedTo: 'duty',
      escalatedAt: later.toISOString(),
    });
    expect(escalated?.notes.at(-1)?.text).toContain('escalated to duty');
    const duty = hooks('/duty');
    expect(duty.map((h) => h.customer.id).sort()).toEqual(['k1', 's2']);
    expect(duty.every((h) => h.type === 'detractor.updated' && h.case.status === 'open')).toBe(true);
    expect(receiver.received.filter((h) => h.path === '/duty').every((h) => h.verified)).toBe(true);

    // Acknowledging an escalated case takes it out of the open list as usual.
    const ack = await adminFetch(stack(), 'PATCH', `/api/cases/${s2.caseId}`, { status: 'acknowledged' });
    expect(ack.body).toMatchObject({ status: 'acknowledged', escalatedTo: 'duty' });
    expect(await escalateOverdueCases(new Date(later.getTime() + 24 * HOUR))).toEqual({ escalated: [] });
  });

  it("marks the customer's earlier cases recovered when a later answer is 7 or more", async () => {
    await raiseK1();
    await lowerK1();
    await workS1();
    await escalateK1AndS2();
    await autumn();
    const s1 = await caseOf('s1');
    expect(s1).toMatchObject({ recovered: true, recoveredAt: expect.any(String), status: 'contacted' });
    expect(s1?.recoveredBy).not.toBe(s1?.inviteId);
    // A later detractor answer recovers nothing; it opens its own case.
    const s2Cases = (await cases()).filter((c) => c.customerId === 's2');
    expect(s2Cases).toHaveLength(2);
    expect(s2Cases.every((c) => !c.recovered)).toBe(true);
    expect((await caseOf('k1'))?.recovered).toBe(false);
  });

  it('changes nothing when every stream record is delivered again', async () => {
    // The whole story first, so the replay meets every kind of case: resolved, reopened,
    // contacted, escalated, recovered.
    await raiseK1();
    await lowerK1();
    await workS1();
    await escalateK1AndS2();
    await autumn();
    const alertsNow = async () => {
      const out = await getClients().ddb.send(
        new ScanCommand({
          TableName: stack().tables.main,
          FilterExpression: 'kind = :alert',
          ExpressionAttributeValues: { ':alert': alertModel.kind },
        }),
      );
      return (out.Items ?? []).map((i) => String(i.alertId)).sort();
    };
    const snapshot = async () =>
      (await cases())
        .map(({ caseId, updatedAt, notes, status, recovered, escalatedAt }) => ({
          caseId,
          updatedAt,
          notes: notes.length,
          status,
          recovered,
          escalatedAt,
        }))
        .sort((a, b) => a.caseId.localeCompare(b.caseId));
    const casesBefore = await snapshot();
    const alertsBefore = await alertsNow();
    const hooksBefore = receiver.received.length;

    const shards = await readStream(stack());
    const records = shards.flatMap((s) => s.records).filter(isResponseRecord());
    expect(records).toHaveLength(7); // 3 + 2 edits in spring, 2 in autumn
    const result = (await invoke('raise-alerts', { Records: records })) as { batchItemFailures: unknown[] };
    expect(result.batchItemFailures).toEqual([]);
    await stack().settle();

    expect(await snapshot()).toEqual(casesBefore);
    expect(await alertsNow()).toEqual(alertsBefore);
    expect(receiver.received.length).toBe(hooksBefore);
  });
});
