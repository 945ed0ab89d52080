import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { getClients } from '../../shared/clients.ts';
import { batchWriteAll, mainTable, PAGE_READ_BUDGET } from '../../shared/store/db.ts';
import { alertModel, responseModel } from '../../shared/store/model.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

const CUSTOMERS = 7;
const ACKNOWLEDGED = 3;
const RUNS = 4;
const DEAD_ALERTS = 7;
/** Campaigns besides `cmp`, never sent: only listed. */
const OTHER_CAMPAIGNS = ['cmp-b', 'cmp-c', 'cmp-d'];

/** Each list route, the field its items come under, and what tells one item from another. */
const LISTS = [
  { path: '/api/cases', field: 'cases', id: 'caseId' },
  { path: '/api/cases?status=open', field: 'cases', id: 'caseId' },
  { path: '/api/responses', field: 'responses', id: 'inviteId' },
  // A filtered listing: the filter is applied page by page, never to a whole partition at once.
  { path: '/api/responses?segment=campaign:cmp', field: 'responses', id: 'inviteId' },
  { path: '/api/nps/segments?window=all', field: 'segments', id: 'segment' },
  { path: '/api/campaigns/cmp', field: 'runs', id: 'runId' },
  { path: '/api/campaigns', field: 'campaigns', id: 'id' },
  { path: '/api/alerts/dead', field: 'alerts', id: 'alertId' },
] as const;
type List = (typeof LISTS)[number];

const withParams = (path: string, params: Record<string, string>) =>
  `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(params)}`;

/**
 * Seven customers in seven regions answer as detractors (seven responses and cases, nine or more
 * segments), three cases are acknowledged (so the case listing spans two status partitions), the
 * campaign runs five times beside three others never sent, and seven alerts are dead: more than a
 * page of everything.
 */
describe('bounded reads: every list answers a page and a cursor', () => {
  const stack = useLocalStack();

  const get = (path: string) => adminFetch(stack(), 'GET', path);

  /** Follows the cursors from the first page to the last, returning each page's items. */
  const walk = async (list: List, limit: number) => {
    const pages: Array<Array<Record<string, unknown>>> = [];
    let cursor: string | null = null;
    do {
      const res = await get(withParams(list.path, { limit: String(limit), ...(cursor ? { cursor } : {}) }));
      expect(res.status, list.path).toBe(200);
      pages.push(res.body[list.field] as Array<Record<string, unknown>>);
      cursor = res.body.cursor as string | null;
      expect(cursor === null || typeof cursor === 'string').toBe(true);
      expect(pages.length, `${list.path} keeps giving cursors`).toBeLessThanOrEqual(20);
    } while (cursor !== null);
    return pages;
  };

  /** A cursor this list route issues for its first page of one item. */
  const firstCursor = async (path: string) => {
    const res = await get(withParams(path, { limit: '1' }));
    expect(res.body.cursor, path).toEqual(expect.any(String));
    return res.body.cursor as string;
  };

  beforeAll(async () => {
    await adminFetch(
      stack(),
      'POST',
      '/api/customers',
      Array.from({ length: CUSTOMERS }, (_, i) => ({
        id: `c${i}`,
        email: `c${i}@example.com`,
        attributes: { region: `r${i}` },
      })),
    );
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'cmp', name: 'Campaign' });
    for (const id of OTHER_CAMPAIGNS) await adminFetch(stack(), 'POST', '/api/campaigns', { id, name: id });
    await adminFetch(stack(), 'POST', '/api/campaigns/cmp/send');
    await stack().settle();
    const emails = await sesEmails(stack());
    expect(emails).toHaveLength(CUSTOMERS);
    for (const email of emails)
      expect((await postAnswer(stack(), tokenOf(email), { score: 3 })).status).toBe(200);
    await stack().settle();

    const open = (await get('/api/cases?limit=200')).body.cases as Array<{ caseId: string }>;
    expect(open).toHaveLength(CUSTOMERS);
    for (const c of open.slice(0, ACKNOWLEDGED)) {
      const res = await adminFetch(stack(), 'PATCH', `/api/cases/${c.caseId}`, { status: 'acknowledged' });
      expect(res.status).toBe(200);
    }
    // More runs of the campaign (fatigue keeps them from mailing anyone again).
    for (let i = 0; i < RUNS; i++) await adminFetch(stack(), 'POST', '/api/campaigns/cmp/send');
    await stack().settle();

    for (let i = 0; i < DEAD_ALERTS; i++) {
      const alertId = `dead-${i}`;
      const at = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
      await getClients().ddb.send(
        new PutCommand({
          TableName: mainTable(),
          Item: {
            ...alertModel.key(alertId),
            kind: alertModel.kind,
            ...alertModel.dead(at, alertId),
            alertId,
            caseId: `case-${i}`,
            ownerId: 'alice',
            channel: 'webhook',
            type: 'detractor.created',
            payload: '{}',
            status: 'dead',
            attempts: 8,
            lastError: 'HTTP 500',
            createdAt: at,
          },
        }),
      );
    }
  });

  it.each(LISTS)(
    'walks $path to its end a page at a time, with no item twice and none left out',
    async (list) => {
      const whole = await get(withParams(list.path, { limit: '200' }));
      expect(whole.body.cursor).toBeNull();
      const all = (whole.body[list.field] as Array<Record<string, unknown>>).map((item) => item[list.id]);
      expect(all.length).toBeGreaterThan(3);
      expect(new Set(all).size).toBe(all.length);

      const pages = await walk(list, 3);
      // Full pages but the last, and no empty page at the end: the listing knows where it ends.
      expect(pages.map((p) => p.length)).toEqual(
        Array.from({ length: Math.ceil(all.length / 3) }, (_, i) => Math.min(3, all.length - 3 * i)),
      );
      expect(pages.flat().map((item) => item[list.id])).toEqual(all);
    },
  );

  it('lists every case, the open ones first, however the pages fall across the status partitions', async () => {
    const pages = await walk(LISTS[0], 2);
    const statuses = pages.flat().map((c) => c.status);
    expect(statuses).toEqual([
      ...Array(CUSTOMERS - ACKNOWLEDGED).fill('open'),
      ...Array(ACKNOWLEDGED).fill('acknowledged'),
    ]);
    const runs = (await get('/api/campaigns/cmp?limit=200')).body.runs as unknown[];
    expect(runs).toHaveLength(1 + RUNS);
    expect((await get('/api/alerts/dead?limit=200')).body.alerts).toHaveLength(DEAD_ALERTS);
  });

  it('reads at most 50 by default and 200 at a time', async () => {
    const res = await get('/api/cases');
    expect(res.status).toBe(200);
    expect(res.body.cases).toHaveLength(CUSTOMERS);
    expect(res.body.cursor).toBeNull();
    expect((await get('/api/cases?limit=200')).status).toBe(200);
  });

  it.each(LISTS)('answers a bad limit on $path with 400 invalid_limit and nothing else', async (list) => {
    for (const limit of ['0', '201', '-1', '1.5', 'abc', '10abc', '1e2', ' 5', '99999']) {
      const res = await get(withParams(list.path, { limit }));
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(res.body).toEqual({ error: { code: 'invalid_limit', message: expect.any(String) } });
    }
  });

  it.each(LISTS)(
    'refuses on $path a cursor it did not issue: 400 invalid_cursor and nothing else',
    async (list) => {
      const own = await firstCursor(list.path);
      // Another listing's cursor: every other list route, and the same route with other filters.
      const others = await Promise.all(
        [...LISTS.filter((other) => other.path !== list.path).map((other) => other.path)].map(firstCursor),
      );
      const middle = Math.floor(own.length / 2);
      const tampered = `${own.slice(0, middle)}${own[middle] === 'A' ? 'B' : 'A'}${own.slice(middle + 1)}`;
      const forged = Buffer.from(JSON.stringify({ pk: 'CASE#x', sk: 'CASE' })).toString('base64url');
      for (const cursor of [...others, tampered, forged, 'not a cursor', 'x'.repeat(3000)]) {
        const res = await get(withParams(list.path, { limit: '1', cursor }));
        expect(res.status, cursor).toBe(400);
        expect(res.body).toEqual({ error: { code: 'invalid_cursor', message: expect.any(String) } });
      }
      // Its own cursor still works, with another page size too.
      expect((await get(withParams(list.path, { limit: '2', cursor: own }))).status).toBe(200);
    },
  );

  it('refuses the cursor of /api/cases?status=open on /api/alerts/dead and on other statuses', async () => {
    const open = await firstCursor('/api/cases?status=open');
    for (const path of ['/api/alerts/dead', '/api/cases?status=acknowledged', '/api/cases']) {
      const res = await get(withParams(path, { cursor: open }));
      expect(res.status, path).toBe(400);
      expect(res.body.error?.code).toBe('invalid_cursor');
    }
  });
});

/**
 * DynamoDB's Limit counts the items a query reads, not the ones its filter keeps: a page of a
 * filtered listing stops after PAGE_READ_BUDGET items read, even with nothing found, and says where
 * to go on — it never walks the whole partition in one request.
 */
describe('bounded reads: a filtered page reads at most its budget', () => {
  const stack = useLocalStack({ streamConsumers: [] });
  const STORED = PAGE_READ_BUDGET + 150;

  beforeAll(async () => {
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    await batchWriteAll(
      mainTable(),
      Array.from({ length: STORED }, (_, i) => ({
        PutRequest: {
          Item: {
            ...responseModel.key(`inv-${i}`),
            kind: responseModel.kind,
            ...responseModel.listed(at(i), `inv-${i}`),
            inviteId: `inv-${i}`,
            campaignId: i === 0 ? 'rare' : 'common',
            customerId: `c${i}`,
            ownerId: '',
            attributes: {},
            score: 9,
            firstAnsweredAt: at(i),
            respondedAt: at(i),
            version: 1,
          },
        },
      })),
    );
  });

  it('ends a page early, with a cursor, when its read budget is spent', async () => {
    // The one match is the oldest answer: last in the newest-first listing, past the first budget.
    const first = await adminFetch(stack(), 'GET', '/api/responses?segment=campaign:rare&limit=10');
    expect(first.status).toBe(200);
    expect(first.body.responses).toEqual([]);
    expect(first.body.cursor).toEqual(expect.any(String));

    const next = await adminFetch(
      stack(),
      'GET',
      `/api/responses?segment=campaign:rare&limit=10&cursor=${first.body.cursor}`,
    );
    expect(next.body.responses).toEqual([expect.objectContaining({ inviteId: 'inv-0' })]);
    expect(next.body.cursor).toBeNull();
  });
});
