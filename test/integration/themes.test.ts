import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { getClients } from '../../shared/clients.ts';
import { config } from '../../shared/config.ts';
import { rollupScopeOf } from '../../shared/rollup/counters.ts';
import { reconcile } from '../../shared/rollup/reconcile.ts';
import { themesReport } from '../../shared/themes/report.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

const THEMES = [
  { name: 'price', keywords: ['price', 'expensive', '价格'] },
  { name: 'support', keywords: ['support', '客服'] },
  // 閃退 (Traditional) in a comment is found by the Simplified keyword 闪退.
  { name: 'app', keywords: ['App', 'crash', 'crashes', '闪退'] },
];

/** Who answers what: 4 detractors, 2 promoters and a passive with comments, a promoter without. */
const ANSWERS: Array<{ id: string; tier: string; score: number; comment?: string }> = [
  { id: 'c1', tier: 'key', score: 2, comment: 'Support is slow and the price is too high' },
  { id: 'c2', tier: 'smb', score: 3, comment: 'Slow support. The app crashes every day' },
  { id: 'c3', tier: 'smb', score: 5, comment: '客服太慢了，价格也太贵' },
  { id: 'c4', tier: 'key', score: 4, comment: '客服態度很差，App常常閃退' },
  { id: 'c5', tier: 'key', score: 9, comment: 'Great product at a fair price' },
  { id: 'c6', tier: 'smb', score: 10, comment: 'Fast and friendly support' },
  { id: 'c7', tier: 'smb', score: 8, comment: 'Slow at times' },
  { id: 'c8', tier: 'key', score: 10 },
];

const scanAll = async (table: string) => {
  const items: Array<Record<string, unknown>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await getClients().ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/** The theme definitions, the customers, one campaign sent to all: each customer's survey token. */
const surveyAll = async (stack: LocalStack) => {
  const saved = await adminFetch(stack, 'PUT', '/api/themes/definitions', { themes: THEMES });
  expect(saved.status).toBe(200);
  const customers = ANSWERS.map(({ id, tier }) => ({
    id,
    email: `${id}@themes.example`,
    name: `Customer ${id}`,
    attributes: { tier },
  }));
  expect((await adminFetch(stack, 'POST', '/api/customers', customers)).status).toBe(200);
  await adminFetch(stack, 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', brand: 'Acme' });
  expect((await adminFetch(stack, 'POST', '/api/campaigns/q4/send')).status).toBe(202);
  await stack.settle();
  const tokens = new Map((await sesEmails(stack)).map((e) => [e.destination.to[0] ?? '', tokenOf(e)]));
  return (id: string) => tokens.get(`${id}@themes.example`) ?? '';
};

/** The listed terms of a GET /api/themes answer. */
const topTerms = (body: Record<string, unknown>): string[] =>
  (body.terms as { top: Array<{ term: string }> }).top.map((t) => t.term);

const answerAll = async (stack: LocalStack, token: (id: string) => string) => {
  for (const { id, score, comment } of ANSWERS) {
    expect((await postAnswer(stack, token(id), { score, comment })).status).toBe(200);
  }
};

describe('what detractors talk about, through the HTTP API', () => {
  const stack = useLocalStack({ perTest: true });

  it('tags answers with their themes, ranks detractor terms by lift and counts each theme per class', async () => {
    const token = await surveyAll(stack());
    const definitions = await adminFetch(stack(), 'GET', '/api/themes/definitions');
    expect(definitions.body).toEqual({ themes: THEMES, updatedAt: expect.any(String) });
    await answerAll(stack(), token);
    // The passive edits the comment: the answer is tagged again, by its new comment.
    const edit = await postAnswer(stack(), token('c7'), { score: 8, comment: 'The price went up' });
    expect(edit.status).toBe(200);
    await stack().settle();

    const listed = await adminFetch(stack(), 'GET', '/api/responses?limit=50');
    const tags = Object.fromEntries(
      (listed.body.responses as Array<{ customerId: string; themes: string[] }>).map((r) => [
        r.customerId,
        r.themes,
      ]),
    );
    expect(tags).toEqual({
      c1: ['price', 'support'],
      c2: ['support', 'app'],
      c3: ['price', 'support'],
      c4: ['support', 'app'],
      c5: ['price'],
      c6: ['support'],
      c7: ['price'],
      c8: [],
    });

    const all = await adminFetch(stack(), 'GET', '/api/themes?segment=all&window=all&minCount=2');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ segment: 'all', window: 'all' });
    // D = 4 detractor comments, P = 2 promoter comments. app, slow and 客服 are each in 2 detractor
    // comments and no promoter one: (2.5 / 5) / (0.5 / 3) = 3. support is in 2 and 1: (2.5 / 5) /
    // (1.5 / 3) = 1, no more than promoters use it, so it is not listed.
    expect(all.body.terms).toEqual({
      answers: 8,
      comments: { detractors: 4, passives: 1, promoters: 2 },
      complete: true,
      oldestRead: expect.any(String),
      minCount: 2,
      smoothing: 0.5,
      top: [
        {
          term: 'app',
          lift: 3,
          detractors: 2,
          passives: 0,
          promoters: 0,
          detractorShare: 0.5,
          promoterShare: 0,
        },
        {
          term: 'slow',
          lift: 3,
          detractors: 2,
          passives: 0,
          promoters: 0,
          detractorShare: 0.5,
          promoterShare: 0,
        },
        {
          term: '客服',
          lift: 3,
          detractors: 2,
          passives: 0,
          promoters: 0,
          detractorShare: 0.5,
          promoterShare: 0,
        },
      ],
    });
    // From the rollup's theme:<name> segments: price has c1 and c3 (detractors), c5 (promoter) and
    // c7 (passive, since its edit); support c1–c4 and c6; app c2 and c4.
    const themes = all.body.themes as Array<{ name: string; segment: string; total: unknown }>;
    expect(themes.map((t) => [t.name, t.segment])).toEqual([
      ['price', 'theme:price'],
      ['support', 'theme:support'],
      ['app', 'theme:app'],
    ]);
    expect(themes.map((t) => t.total)).toEqual([
      expect.objectContaining({ responses: 4, promoters: 1, passives: 1, detractors: 2, nps: -25 }),
      expect.objectContaining({ responses: 5, promoters: 1, passives: 0, detractors: 4, nps: -60 }),
      expect.objectContaining({ responses: 2, promoters: 0, passives: 0, detractors: 2, nps: -100 }),
    ]);
    const nps = await adminFetch(stack(), 'GET', '/api/nps?segment=theme:support&window=all');
    expect(nps.body.points).toEqual([expect.objectContaining({ responses: 5, detractors: 4 })]);

    // One segment: the key tier's answers only (c1, c4 detractors; c5 promoter; c8 no comment).
    const key = await adminFetch(
      stack(),
      'GET',
      '/api/themes?segment=tier:key&window=all&minCount=1&limit=3',
    );
    expect(key.body.terms).toMatchObject({
      answers: 4,
      comments: { detractors: 2, passives: 0, promoters: 1 },
      // Each in 1 of 2 detractor comments and no promoter one: (1.5 / 3) / (0.5 / 2) = 2.
      top: [
        expect.objectContaining({ term: 'app', lift: 2, detractors: 1 }),
        expect.objectContaining({ term: 'high', lift: 2, detractors: 1 }),
        expect.objectContaining({ term: 'slow', lift: 2, detractors: 1 }),
      ],
    });
    // A theme is a segment of the listing too: the answers tagged with it.
    const tagged = await adminFetch(stack(), 'GET', '/api/responses?segment=theme:app');
    expect((tagged.body.responses as Array<{ customerId: string }>).map((r) => r.customerId).sort()).toEqual([
      'c2',
      'c4',
    ]);

    // A range holding more answers than a request reads: the newest are read, and it says so.
    const newest = (listed.body.responses as Array<{ respondedAt: string }>).map((r) => r.respondedAt);
    const bounded = await themesReport(
      { segment: 'all', window: 'all', minCount: 1, limit: 5 },
      new Date(),
      3,
    );
    expect(bounded.terms).toMatchObject({ answers: 3, complete: false, oldestRead: newest[2] });

    // The rollup's theme counters are exactly what the answers say, edit included.
    const report = await reconcile(rollupScopeOf(config()));
    expect(report.drift).toEqual([]);
    expect(report.responses).toBe(8);
  });

  it('refuses bad queries and definitions with a 4xx and a reason', async () => {
    const bad = async (path: string, code: string, method = 'GET', body?: unknown) => {
      const res = await adminFetch(stack(), method, path, body);
      expect(res.status, path).toBe(400);
      expect(res.body.error?.code, path).toBe(code);
    };
    await bad('/api/themes?window=year', 'invalid_window');
    await bad('/api/themes?segment=color:red', 'unknown_segment_dimension');
    await bad('/api/themes?from=2026-13-01', 'invalid_date');
    await bad('/api/themes?from=2026-12-01&to=2026-11-01', 'invalid_date');
    await bad('/api/themes?minCount=0', 'invalid_request');
    await bad('/api/themes?limit=101', 'invalid_request');
    await bad('/api/themes/definitions', 'invalid_request', 'PUT', {
      themes: [{ name: 'a b', keywords: ['x'] }],
    });
    await bad('/api/themes/definitions', 'invalid_request', 'PUT', {
      themes: [
        { name: 'price', keywords: ['x'] },
        { name: 'Price', keywords: ['y'] },
      ],
    });
    await bad('/api/customers', 'invalid_request', 'POST', [
      { id: 'c9', email: 'c9@themes.example', attributes: { theme: 'dark' } },
    ]);
    const unauthorized = await fetch(`${stack().url}/api/themes`);
    expect(unauthorized.status).toBe(401);
    const empty = await adminFetch(stack(), 'GET', '/api/themes');
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ segment: 'all', window: 'month', themes: [] });
    expect(empty.body.terms).toMatchObject({ answers: 0, complete: true, oldestRead: null, top: [] });
  });

  it('leaves nothing of an erased customer’s comment behind: only theme names were ever kept', async () => {
    const token = await surveyAll(stack());
    await answerAll(stack(), token);
    const unique = 'Zyxwvut support wasted my week';
    expect((await postAnswer(stack(), token('c2'), { score: 3, comment: unique })).status).toBe(200);
    await stack().settle();
    const before = await adminFetch(stack(), 'GET', '/api/themes?window=all&minCount=1&limit=100');
    expect(topTerms(before.body)).toContain('zyxwvut');

    expect((await adminFetch(stack(), 'DELETE', '/api/customers/c2')).status).toBe(200);
    await stack().settle();

    for (const table of [config().TABLE_NAME, config().AGGREGATES_TABLE_NAME]) {
      for (const item of await scanAll(table)) {
        if (item.kind === 'erasure') continue;
        const text = JSON.stringify(item).toLowerCase();
        expect(text, `left behind: ${text.slice(0, 200)}`).not.toContain('zyxwvut');
        expect(text).not.toContain('c2@themes.example');
      }
    }
    const after = await adminFetch(stack(), 'GET', '/api/themes?window=all&minCount=1&limit=100');
    expect(topTerms(after.body)).not.toContain('zyxwvut');
    expect((after.body.terms as { comments: unknown }).comments).toEqual({
      detractors: 3,
      passives: 1,
      promoters: 2,
    });
    const support = (after.body.themes as Array<{ name: string; total: unknown }>).find(
      (t) => t.name === 'support',
    );
    // support: c1, c3, c4 (detractors) and c6 (promoter) are left.
    expect(support?.total).toEqual(expect.objectContaining({ responses: 4, detractors: 3, promoters: 1 }));
    const report = await reconcile(rollupScopeOf(config()));
    expect(report.drift).toEqual([]);
  });
});
