import { beforeEach, describe, expect, it } from 'vitest';
import { signSurveyToken } from '../../shared/tokens/survey-token.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

/** Every error is `{error:{code,message}}`, with no stack trace or internals in it. */
const expectCleanError = async (res: Response, status: number, code?: string) => {
  expect(res.status).toBe(status);
  const text = await res.text();
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+|Exception|stack/i);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.message).toEqual(expect.any(String));
  if (code) expect(body.error.code).toBe(code);
};

/**
 * Each test gets a fresh stack holding one sent, unanswered survey (beforeEach), so "nothing was
 * written" and "counted once" hold whatever ran before it. Any test runs alone, in any order.
 */
describe('bad input gets a clear error and changes nothing', () => {
  const stack = useLocalStack({ perTest: true });
  let token = '';

  const responsesWritten = async () => {
    await stack().settle();
    const res = await adminFetch(stack(), 'GET', '/api/responses');
    return (res.body.responses as unknown[]).length;
  };

  // One customer, one campaign sent to them: the survey token every test aims its bad input at.
  beforeEach(async () => {
    token = '';
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'c1', email: 'c1@example.com' }]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'cmp', name: 'Campaign' });
    await adminFetch(stack(), 'POST', '/api/campaigns/cmp/send');
    await stack().settle();
    const [email] = await sesEmails(stack());
    if (!email) throw new Error('no survey email was sent');
    token = tokenOf(email);
  });

  it('answers 404 for an unknown token and 404 for a tampered one', async () => {
    const unknown = signSurveyToken(
      'not-the-key-'.repeat(4),
      'A'.repeat(22),
      new Date(Date.now() + 86_400_000),
    );
    await expectCleanError(await postAnswer(stack(), unknown, { score: 5 }), 404, 'invalid_token');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    await expectCleanError(await postAnswer(stack(), `${token.slice(0, -1)}${last}`, { score: 5 }), 404);
    const page = await fetch(
      `${stack().url}/s/${encodeURIComponent(`${token.slice(0, -1)}${last}`)}?score=5`,
    );
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('not valid');
    expect(await responsesWritten()).toBe(0);
  });

  it('answers 404 for a well-signed token whose invite does not exist', async () => {
    const key = process.env.TOKEN_KEY ?? '';
    const forged = signSurveyToken(key, 'Z'.repeat(22), new Date(Date.now() + 86_400_000));
    await expectCleanError(await postAnswer(stack(), forged, { score: 5 }), 404, 'unknown_invite');
  });

  it('answers 410 for an expired token', async () => {
    const key = process.env.TOKEN_KEY ?? '';
    const inviteId = token.split('.')[0] ?? '';
    const expired = signSurveyToken(key, inviteId, new Date(Date.now() - 60_000));
    await expectCleanError(await postAnswer(stack(), expired, { score: 5 }), 410, 'survey_expired');
    const page = await fetch(`${stack().url}/s/${expired}?score=5`);
    expect(page.status).toBe(410);
    expect(await responsesWritten()).toBe(0);
  });

  const BAD_SCORES: Array<[string, unknown]> = [
    ['above 10', { score: 11 }],
    ['below 0', { score: -1 }],
    ['a fraction', { score: 6.5 }],
    ['text', { score: 'nine' }],
    ['missing', { comment: 'no score' }],
    ['null', { score: null }],
  ];

  /** The rejected answers of the tests above, all aimed at this one invite, replayed in one go. */
  const postRejectedAnswers = async () => {
    const key = process.env.TOKEN_KEY ?? '';
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect((await postAnswer(stack(), `${token.slice(0, -1)}${last}`, { score: 5 })).status).toBe(404);
    const expired = signSurveyToken(key, token.split('.')[0] ?? '', new Date(Date.now() - 60_000));
    expect((await postAnswer(stack(), expired, { score: 5 })).status).toBe(410);
    for (const [, body] of BAD_SCORES) expect((await postAnswer(stack(), token, body)).status).toBe(400);
    expect((await postAnswer(stack(), token, { score: 5, comment: 'x'.repeat(2001) })).status).toBe(400);
    const malformed = await fetch(`${stack().url}/s/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"score": 5',
    });
    expect(malformed.status).toBe(400);
  };

  it.each(BAD_SCORES)('answers 400 for a score that is %s', async (_label, body) => {
    await expectCleanError(await postAnswer(stack(), token, body), 400, 'invalid_request');
    expect(await responsesWritten()).toBe(0);
  });

  it('answers 400 for a comment over 2,000 characters', async () => {
    await expectCleanError(await postAnswer(stack(), token, { score: 5, comment: 'x'.repeat(2001) }), 400);
    expect(await responsesWritten()).toBe(0);
  });

  it('answers 400 for malformed JSON', async () => {
    const res = await fetch(`${stack().url}/s/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"score": 5',
    });
    await expectCleanError(res, 400, 'invalid_json');
    const admin = await fetch(`${stack().url}/api/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack().adminKey}` },
      body: '[{"id":',
    });
    await expectCleanError(admin, 400, 'invalid_json');
    expect(await responsesWritten()).toBe(0);
  });

  it('answers 413 with the error shape for a body over 1 MB, and records nothing', async () => {
    // Over the API's own limit: refused by the handler chain, as on AWS.
    const overLimit = await postAnswer(stack(), token, { score: 5, comment: 'x'.repeat(2 * 1_048_576) });
    await expectCleanError(overLimit, 413, 'payload_too_large');
    // Over what Lambda can be handed at all: refused by the local server, without resetting the
    // connection before the client reads the answer.
    const overLambda = await fetch(`${stack().url}/s/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: 5, comment: 'x'.repeat(7 * 1_048_576) }),
    });
    await expectCleanError(overLambda, 413, 'payload_too_large');
    expect(await responsesWritten()).toBe(0);
  });

  it('answers 401 to admin calls without a key or with a wrong one', async () => {
    await expectCleanError(await fetch(`${stack().url}/api/nps`), 401, 'unauthorized');
    await expectCleanError(
      await fetch(`${stack().url}/api/nps`, { headers: { authorization: `Bearer ${stack().adminKey}x` } }),
      401,
      'unauthorized',
    );
    await expectCleanError(
      await fetch(`${stack().url}/api/customers`, {
        method: 'POST',
        headers: { authorization: 'Basic abc', 'content-type': 'application/json' },
        body: JSON.stringify([{ id: 'intruder', email: 'i@example.com' }]),
      }),
      401,
    );
    const res = await adminFetch(stack(), 'GET', '/api/customers/intruder');
    expect(res.status).toBe(404);
  });

  it('rejects an invalid customer batch whole, writing none of it', async () => {
    const res = await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'good', email: 'good@example.com' },
      { id: 'bad', email: 'not-an-email' },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid_request');
    expect((await adminFetch(stack(), 'GET', '/api/customers/good')).status).toBe(404);
  });

  it('rejects bad query parameters and unknown routes with the same error shape', async () => {
    expect((await adminFetch(stack(), 'GET', '/api/nps?window=year')).body.error?.code).toBe(
      'invalid_window',
    );
    expect((await adminFetch(stack(), 'GET', '/api/nps?from=2026-13-01')).body.error?.code).toBe(
      'invalid_date',
    );
    expect((await adminFetch(stack(), 'GET', '/api/nps?segment=bad%20segment')).body.error?.code).toBe(
      'invalid_segment',
    );
    expect((await adminFetch(stack(), 'POST', '/api/campaigns/nope/send')).status).toBe(404);
    // Served by the $default route's function, as on AWS: the API's error shape, not the gateway's.
    await expectCleanError(await fetch(`${stack().url}/nowhere`), 404, 'not_found');
    await expectCleanError(await fetch(`${stack().url}/dashboard`, { method: 'DELETE' }), 404, 'not_found');
  });

  it('describes itself without a key: the OpenAPI document over HTTP', async () => {
    const res = await fetch(`${stack().url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/customers/{id}/churn']).toHaveProperty('post');
  });

  it('records a valid answer after all that, and counts it once', async () => {
    // "All that" is this test's own: every rejected answer first, then the valid one.
    await postRejectedAnswers();
    expect((await postAnswer(stack(), token, { score: 6, comment: 'ok' })).status).toBe(200);
    expect(await responsesWritten()).toBe(1);
    const nps = await adminFetch(stack(), 'GET', '/api/nps?segment=all&window=all');
    expect(nps.body.points).toEqual([expect.objectContaining({ responses: 1, detractors: 1, nps: -100 })]);
  });
});
