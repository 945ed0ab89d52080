import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import type { WebhookReceiver } from '../../local/webhook-receiver.ts';
import { getClients } from '../../shared/clients.ts';
import { config } from '../../shared/config.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import { inviteModel, provisionalModel } from '../../shared/store/model.ts';
import {
  adminFetch,
  postAnswer,
  sesEmails,
  tokenOf,
  useLocalStack,
  useWebhookReceiver,
} from '../support/local-stack.ts';

/** One owner reached by webhook, one customer, one survey sent: the token. */
const surveyOne = async (stack: LocalStack, receiver: WebhookReceiver, secret: string) => {
  await adminFetch(stack, 'POST', '/api/owners', {
    id: 'alice',
    name: 'Alice',
    webhookUrl: `${receiver.url}/alice`,
    webhookSecret: secret,
  });
  await adminFetch(stack, 'POST', '/api/customers', [
    { id: 'c1', email: 'c1@example.com', name: 'Cy One', ownerId: 'alice', attributes: { tier: 'key' } },
  ]);
  await adminFetch(stack, 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', brand: 'Acme' });
  expect((await adminFetch(stack, 'POST', '/api/campaigns/q4/send')).status).toBe(202);
  await stack.settle();
  const [email] = await sesEmails(stack);
  if (!email) throw new Error('no survey email');
  return { token: tokenOf(email), html: email.body.html ?? '' };
};

const settled = async (stack: LocalStack) => {
  await stack.settle();
  await stack.tick();
  await stack.settle();
};

const npsAll = async (stack: LocalStack) =>
  (await adminFetch(stack, 'GET', '/api/nps?segment=all&window=all')).body.points as Array<{
    responses: number;
    detractors: number;
  }>;

const fetchHoneypot = (stack: LocalStack, token: string) =>
  fetch(`${stack.url}/s/${encodeURIComponent(token)}/check`, { redirect: 'manual' });

/** The page script's settings, as the server wrote them into the page. */
const pageTimer = async (stack: LocalStack, token: string) => {
  const page = await (await fetch(`${stack.url}/s/${encodeURIComponent(token)}?score=0`)).text();
  const m = /"timerMs":(null|\d+)/.exec(page);
  if (!m) throw new Error('no timer setting in the survey page');
  return m[1] === 'null' ? null : Number(m[1]);
};

describe('mail scanners that run script', () => {
  const stack = useLocalStack({ perTest: true, extraEnv: { ALERT_DEBOUNCE_SECONDS: '0' } });
  const secret = newWebhookSecret();
  const receiver = useWebhookReceiver({ '/alice': secret });

  it('notes a honeypot fetch on the invite, answers 204 without a score, and 404 for a tampered link', async () => {
    const { token, html } = await surveyOne(stack(), receiver(), secret);
    expect(html).toContain(`/s/${encodeURIComponent(token)}/check`);
    expect(await pageTimer(stack(), token)).toBe(5000);

    const res = await fetchHoneypot(stack(), token);
    expect(res.status).toBe(204);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    // Fetched again (scanners retry): still 204, and still no answer.
    expect((await fetchHoneypot(stack(), token)).status).toBe(204);
    const inviteId = token.split('.')[0] ?? '';
    const invite = await getClients().ddb.send(
      new GetCommand({ TableName: config().TABLE_NAME, Key: inviteModel.key(inviteId) }),
    );
    expect(invite.Item?.scannedAt).toEqual(expect.any(String));
    expect(invite.Item?.firstScannedAt).toEqual(expect.any(String));

    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await fetchHoneypot(stack(), tampered);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_token');

    // The page now waits for a person: no timer while the scanner is about.
    expect(await pageTimer(stack(), token)).toBeNull();
    await settled(stack());
    expect(await npsAll(stack())).toEqual([]);
    expect((await adminFetch(stack(), 'GET', '/api/responses')).body.responses).toEqual([]);
  });

  it('holds a timer answer after a honeypot fetch apart — not counted, no case — until a person confirms it', async () => {
    const { token } = await surveyOne(stack(), receiver(), secret);
    expect((await fetchHoneypot(stack(), token)).status).toBe(204);

    const held = await postAnswer(stack(), token, { score: 0, trigger: 'timer' });
    expect(held.status).toBe(200);
    expect(await held.json()).toMatchObject({ ok: true, provisional: true, response: { score: 0 } });
    await settled(stack());

    expect(await npsAll(stack())).toEqual([]);
    expect((await adminFetch(stack(), 'GET', '/api/responses')).body.responses).toEqual([]);
    expect((await adminFetch(stack(), 'GET', '/api/cases')).body.cases).toEqual([]);
    expect(receiver().received).toEqual([]);
    const listed = await adminFetch(stack(), 'GET', '/api/responses?provisional=true');
    expect(listed.body).toEqual({
      responses: [
        expect.objectContaining({
          customerId: 'c1',
          score: 0,
          reason: 'honeypot',
          status: 'held',
          submissions: 1,
        }),
      ],
      cursor: null,
    });

    // The person moves the mouse on the page: the page posts again, with a person's sign.
    const confirmed = await postAnswer(stack(), token, { score: 0, trigger: 'person' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ ok: true, provisional: false, response: { score: 0 } });
    // A replay of the person's answer (a reload) is no news.
    expect((await postAnswer(stack(), token, { score: 0, trigger: 'person' })).status).toBe(200);
    await settled(stack());

    expect(await npsAll(stack())).toEqual([expect.objectContaining({ responses: 1, detractors: 1 })]);
    expect((await adminFetch(stack(), 'GET', '/api/cases')).body.cases).toEqual([
      expect.objectContaining({ score: 0 }),
    ]);
    expect(receiver().received).toHaveLength(1);
    expect(receiver().received[0]?.verified).toBe(true);
    expect((await adminFetch(stack(), 'GET', '/api/responses?provisional=true')).body.responses).toEqual([]);

    // A later timer post on the confirmed invite changes nothing.
    const late = await postAnswer(stack(), token, { score: 10, trigger: 'timer' });
    expect(await late.json()).toMatchObject({ provisional: true });
    await settled(stack());
    expect(await npsAll(stack())).toEqual([expect.objectContaining({ responses: 1, detractors: 1 })]);
    expect((await adminFetch(stack(), 'GET', '/api/responses?provisional=true')).body.responses).toEqual([]);
  });

  it('holds the second of several timer scores within seconds (a burst), without a honeypot fetch', async () => {
    const { token } = await surveyOne(stack(), receiver(), secret);
    expect((await postAnswer(stack(), token, { score: 9, trigger: 'timer' })).status).toBe(200);
    const second = await postAnswer(stack(), token, { score: 2, trigger: 'timer' });
    expect(await second.json()).toMatchObject({ provisional: true });
    await settled(stack());

    expect(await npsAll(stack())).toEqual([expect.objectContaining({ responses: 1, detractors: 0 })]);
    expect(receiver().received).toEqual([]);
    const listed = await adminFetch(stack(), 'GET', '/api/responses?provisional=true');
    expect(listed.body.responses).toEqual([expect.objectContaining({ score: 2, reason: 'burst' })]);
  });

  it('pages the held answers with a cursor sealed to that listing, and refuses a bad flag', async () => {
    const { token } = await surveyOne(stack(), receiver(), secret);
    // A second customer, surveyed by a second run (the first one is fatigued).
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'c2', email: 'c2@example.com', ownerId: 'alice' },
    ]);
    expect((await adminFetch(stack(), 'POST', '/api/campaigns/q4/send')).status).toBe(202);
    await stack().settle();
    const second = (await sesEmails(stack())).find((e) => e.destination.to.includes('c2@example.com'));
    if (!second) throw new Error('no survey email for c2');
    for (const t of [token, tokenOf(second)]) {
      expect((await fetchHoneypot(stack(), t)).status).toBe(204);
      expect((await postAnswer(stack(), t, { score: 4, trigger: 'timer' })).status).toBe(200);
    }

    const first = await adminFetch(stack(), 'GET', '/api/responses?provisional=true&limit=1');
    expect(first.body.responses).toEqual([expect.objectContaining({ customerId: 'c2' })]);
    expect(typeof first.body.cursor).toBe('string');
    const cursor = String(first.body.cursor);
    const next = await adminFetch(stack(), 'GET', `/api/responses?provisional=true&limit=1&cursor=${cursor}`);
    expect(next.body.responses).toEqual([expect.objectContaining({ customerId: 'c1' })]);
    // The cursor opens only the listing that issued it: not the answers, nor another range.
    for (const path of [
      `/api/responses?limit=1&cursor=${cursor}`,
      `/api/responses?provisional=true&from=2020-01-01&cursor=${cursor}`,
    ]) {
      const crossed = await adminFetch(stack(), 'GET', path);
      expect(crossed.status, path).toBe(400);
      expect(crossed.body.error?.code).toBe('invalid_cursor');
    }
    const flag = await adminFetch(stack(), 'GET', '/api/responses?provisional=yes');
    expect(flag.status).toBe(400);
    expect(flag.body.error?.code).toBe('invalid_request');
    const trigger = await postAnswer(stack(), token, { score: 4, trigger: 'robot' });
    expect(trigger.status).toBe(400);
  });

  it('erases a held answer with its customer, and holds nothing for an erased customer', async () => {
    const { token } = await surveyOne(stack(), receiver(), secret);
    await fetchHoneypot(stack(), token);
    expect((await postAnswer(stack(), token, { score: 1, trigger: 'timer' })).status).toBe(200);
    expect((await adminFetch(stack(), 'DELETE', '/api/customers/c1')).status).toBe(200);
    const inviteId = token.split('.')[0] ?? '';
    const item = await getClients().ddb.send(
      new GetCommand({
        TableName: config().TABLE_NAME,
        Key: provisionalModel.key(inviteId),
        ConsistentRead: true,
      }),
    );
    expect(item.Item).toBeUndefined();
    expect((await postAnswer(stack(), token, { score: 1, trigger: 'timer' })).status).toBe(404);
    expect((await fetchHoneypot(stack(), token)).status).toBe(404);
  });
});

describe('strict mode: the page waits for a person', () => {
  const stack = useLocalStack({ extraEnv: { SURVEY_REQUIRE_PERSON: 'true' } });
  const secret = newWebhookSecret();
  const receiver = useWebhookReceiver({ '/alice': secret });

  it('serves the survey page without a timer', async () => {
    const { token } = await surveyOne(stack(), receiver(), secret);
    expect(await pageTimer(stack(), token)).toBeNull();
  });
});
