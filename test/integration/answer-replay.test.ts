import { describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import type { WebhookReceiver } from '../../local/webhook-receiver.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import {
  adminFetch,
  postAnswer,
  sesEmails,
  tokenOf,
  useLocalStack,
  useWebhookReceiver,
} from '../support/local-stack.ts';

interface AlertBody {
  type: string;
  response: { score: number; comment: string | null };
}

/** One owner reached by webhook and email, one customer, one survey sent: the token. */
const surveyOne = async (stack: LocalStack, receiver: WebhookReceiver, secret: string) => {
  const owner = await adminFetch(stack, 'POST', '/api/owners', {
    id: 'alice',
    name: 'Alice',
    email: 'alice@nps-loop.example',
    webhookUrl: `${receiver.url}/alice`,
    webhookSecret: secret,
  });
  expect(owner.status).toBe(200);
  await adminFetch(stack, 'POST', '/api/customers', [
    { id: 'c1', email: 'c1@example.com', name: 'Cy One', ownerId: 'alice', attributes: { tier: 'key' } },
  ]);
  await adminFetch(stack, 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', brand: 'Acme' });
  expect((await adminFetch(stack, 'POST', '/api/campaigns/q4/send')).status).toBe(202);
  await stack.settle();
  const [email] = await sesEmails(stack);
  if (!email) throw new Error('no survey email');
  return tokenOf(email);
};

const alertEmails = async (stack: LocalStack) =>
  (await sesEmails(stack)).filter((e) => e.destination.to.includes('alice@nps-loop.example'));

/** Runs the minute sweep until `done` holds, or fails after `ms` (the debounce is seconds here). */
const tickUntil = async (stack: LocalStack, done: () => boolean, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not reached before the deadline');
    await stack.tick();
    await stack.settle();
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('a replayed answer is not news', () => {
  const stack = useLocalStack({
    perTest: true,
    // Long enough that the edits below land inside it on a loaded machine (each waits for the
    // stream to settle), short enough that the test waits it out in real time.
    extraEnv: { ALERT_DEBOUNCE_SECONDS: '10', ANSWER_EDITS_PER_HOUR: '5' },
  });
  const secret = newWebhookSecret();
  const receiver = useWebhookReceiver({ '/alice': secret });

  it('raises one alert for 20 identical answers, and writes the answer once', async () => {
    const token = await surveyOne(stack(), receiver(), secret);
    for (let i = 0; i < 20; i++) {
      const res = await postAnswer(stack(), token, { score: 2, comment: 'same' });
      expect(res.status).toBe(200);
    }
    await stack().settle();
    await stack().tick();
    await stack().settle();

    expect(receiver().received).toHaveLength(1);
    expect(receiver().received[0]?.verified).toBe(true);
    expect((receiver().received[0]?.payload as AlertBody | undefined)?.type).toBe('detractor.created');
    expect(await alertEmails(stack())).toHaveLength(1);
    const cases = await adminFetch(stack(), 'GET', '/api/cases');
    expect(cases.body.cases).toEqual([expect.objectContaining({ score: 2, comment: 'same', notes: [] })]);
    const nps = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    expect(nps.body.points).toEqual([expect.objectContaining({ responses: 1, detractors: 1 })]);
  });

  it('takes a same-class score for the distribution without telling the owner again', async () => {
    const token = await surveyOne(stack(), receiver(), secret);
    expect((await postAnswer(stack(), token, { score: 2 })).status).toBe(200);
    await stack().settle();
    expect((await postAnswer(stack(), token, { score: 3 })).status).toBe(200);
    await stack().settle();
    await stack().tick();
    await stack().settle();

    expect(receiver().received).toHaveLength(1);
    const nps = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    const [point] = nps.body.points as Array<{ histogram: number[] }>;
    expect(point?.histogram.slice(0, 4)).toEqual([0, 0, 0, 1]);
  });

  it('debounces the changes after an alert into one update that carries the latest answer', {
    timeout: 60_000,
  }, async () => {
    const token = await surveyOne(stack(), receiver(), secret);
    expect((await postAnswer(stack(), token, { score: 2 })).status).toBe(200);
    await stack().settle();
    expect(receiver().received).toHaveLength(1);
    // The customer types a comment right after clicking, then corrects it.
    expect((await postAnswer(stack(), token, { score: 2, comment: 'Slow suport' })).status).toBe(200);
    await stack().settle();
    expect((await postAnswer(stack(), token, { score: 1, comment: 'Slow support' })).status).toBe(200);
    await stack().settle();
    expect(receiver().received).toHaveLength(1);

    await tickUntil(stack(), () => receiver().received.length >= 2);
    const update = receiver().received[1]?.payload as AlertBody;
    expect(update.type).toBe('detractor.updated');
    expect(update.response).toMatchObject({ score: 1, comment: 'Slow support' });
    // Nothing more comes: the two changes made one update, by webhook and by email alike.
    await stack().tick();
    await stack().settle();
    expect(receiver().received).toHaveLength(2);
    expect(await alertEmails(stack())).toHaveLength(2);
  });

  it('refuses edits beyond the hourly limit with 429, changing nothing', async () => {
    const token = await surveyOne(stack(), receiver(), secret);
    // The first answer and five changes, the limit of this stack.
    for (const score of [3, 9, 3, 9, 3, 9]) {
      expect((await postAnswer(stack(), token, { score })).status).toBe(200);
    }
    const refused = await postAnswer(stack(), token, { score: 3 });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_edits');
    expect(body.error.message).toMatch(/try again in \d+ minutes/);
    // A repeat of the stored answer is still accepted: it writes nothing.
    expect((await postAnswer(stack(), token, { score: 9 })).status).toBe(200);
    await stack().settle();
    const nps = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    expect(nps.body.points).toEqual([expect.objectContaining({ responses: 1, promoters: 1 })]);
  });
});
