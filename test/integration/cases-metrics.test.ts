import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdueCases } from '../../shared/cases/escalate.ts';
import { raiseDetractorAlert } from '../../shared/cases/from-answer.ts';
import { readCaseMetrics } from '../../shared/cases/metrics.ts';
import { updateCase } from '../../shared/cases/update-case.ts';
import { getClients } from '../../shared/clients.ts';
import { mainTable } from '../../shared/store/db.ts';
import { responseModel } from '../../shared/store/model.ts';
import type { Response } from '../../shared/store/schemas.ts';
import { adminFetch, useLocalStack } from '../support/local-stack.ts';

const T = Date.parse('2025-03-10T08:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(T + ms);

/** Stores the answer, as the survey function would have, then raises as the stream consumer does. */
const raise = async (old: Response | undefined, response: Response, now: Date) => {
  await getClients().ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: { ...responseModel.key(response.inviteId), kind: 'response', ...response },
    }),
  );
  return raiseDetractorAlert(old, response, now);
};

const answer = (
  inviteId: string,
  customerId: string,
  ownerId: string,
  attributes: Record<string, string>,
  score: number,
  when: Date,
  version = 1,
): Response => ({
  inviteId,
  campaignId: 'm1',
  customerId,
  ownerId,
  attributes,
  score,
  firstAnsweredAt: when.toISOString(),
  respondedAt: when.toISOString(),
  version,
});

/**
 * A small known history, driven through the domain with injected times (a week in 2025, so every
 * SLA has long passed by the time the test runs):
 *
 * | case | owner | tier | opened | acknowledged | contacted | end                               |
 * | A    | alice | key  | T      | +30 min      | +90 min   | resolved +1 d; recovered at +10 d |
 * | B    | alice | smb  | T+1 h  | +120 min     | +600 min  | contacted                         |
 * | C    | bob   | key  | T+2 h  | +1800 (late) | —         | acknowledged                      |
 * | D    | bob   | smb  | T+3 h  | —            | —         | open, escalated                   |
 * | E    | bob   | smb  | T+4 h  | —            | —         | score raised at +1 h (before SLA) |
 * | F    | alice | key  | 12 Mar | —            | —         | open, escalated (outside 10–11)   |
 */
describe('case metrics, exact on a known history', () => {
  const stack = useLocalStack({ streamConsumers: [] });

  beforeAll(async () => {
    for (const id of ['alice', 'bob']) await adminFetch(stack(), 'POST', '/api/owners', { id, name: id });
    const A = answer('inv-a', 'ca', 'alice', { tier: 'key', region: 'emea' }, 2, at(0));
    const B = answer('inv-b', 'cb', 'alice', { tier: 'smb', region: 'emea' }, 3, at(HOUR));
    const C = answer('inv-c', 'cc', 'bob', { tier: 'key' }, 1, at(2 * HOUR));
    const D = answer('inv-d', 'cd', 'bob', { tier: 'smb' }, 0, at(3 * HOUR));
    const E = answer('inv-e', 'ce', 'bob', { tier: 'smb' }, 5, at(4 * HOUR));
    const F = answer('inv-f', 'cf', 'alice', { tier: 'key' }, 6, new Date('2025-03-12T10:00:00Z'));
    for (const r of [A, B, C, D, E, F]) await raise(undefined, r, new Date(r.respondedAt));

    await updateCase('inv-a', { status: 'acknowledged' }, at(30 * MIN));
    await updateCase('inv-a', { status: 'contacted', note: 'called' }, at(90 * MIN));
    await updateCase('inv-a', { status: 'resolved', outcome: 'refund' }, at(24 * HOUR));
    await updateCase('inv-b', { status: 'acknowledged' }, at(HOUR + 120 * MIN));
    await updateCase('inv-b', { status: 'contacted', note: 'mailed' }, at(HOUR + 600 * MIN));
    await updateCase('inv-c', { status: 'acknowledged' }, at(2 * HOUR + 1800 * MIN));
    const raised = { ...E, score: 9, version: 2, respondedAt: at(5 * HOUR).toISOString() };
    await raise(E, raised, at(5 * HOUR));
    // The customer of A answers a later survey with 9: A is recovered.
    await raise(
      undefined,
      answer('inv-a2', 'ca', 'alice', { tier: 'key' }, 9, at(240 * HOUR)),
      at(240 * HOUR),
    );
    expect((await escalateOverdueCases(at(96 * HOUR))).escalated.sort()).toEqual(['inv-d', 'inv-f']);
  });

  it('reports p50/p90 times, SLA share and recovery overall, per owner and per segment', async () => {
    const res = await adminFetch(stack(), 'GET', '/api/cases/metrics?from=2025-03-10&to=2025-03-11');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2025-03-10', to: '2025-03-11', timeZone: 'UTC' });
    expect(res.body.overall).toEqual({
      cases: 5,
      byStatus: { open: 1, acknowledged: 1, contacted: 1, resolved: 2 },
      escalated: 1,
      scoreRaised: 1,
      followUpsSent: 0,
      timeToAcknowledgeMinutes: { count: 3, p50: 120, p90: 1800 },
      timeToFirstContactMinutes: { count: 2, p50: 90, p90: 600 },
      sla: { due: 4, acknowledgedInTime: 2, share: 0.5 },
      recovery: { recovered: 1, cases: 5, rate: 0.2 },
    });

    const owners = res.body.byOwner as Array<Record<string, unknown>>;
    expect(owners.map((o) => o.ownerId)).toEqual(['alice', 'bob']);
    expect(owners[0]).toMatchObject({
      cases: 2,
      timeToAcknowledgeMinutes: { count: 2, p50: 30, p90: 120 },
      timeToFirstContactMinutes: { count: 2, p50: 90, p90: 600 },
      sla: { due: 2, acknowledgedInTime: 2, share: 1 },
      recovery: { recovered: 1, cases: 2, rate: 0.5 },
    });
    expect(owners[1]).toMatchObject({
      cases: 3,
      escalated: 1,
      scoreRaised: 1,
      timeToAcknowledgeMinutes: { count: 1, p50: 1800, p90: 1800 },
      timeToFirstContactMinutes: { count: 0, p50: null, p90: null },
      sla: { due: 2, acknowledgedInTime: 0, share: 0 },
      recovery: { recovered: 0, cases: 3, rate: 0 },
    });

    const segments = Object.fromEntries(
      (res.body.bySegment as Array<Record<string, unknown>>).map((s) => [s.segment, s]),
    );
    expect(Object.keys(segments)).toEqual(['region:emea', 'tier:key', 'tier:smb']);
    expect(segments['tier:key']).toMatchObject({
      cases: 2,
      timeToAcknowledgeMinutes: { count: 2, p50: 30, p90: 1800 },
      sla: { due: 2, acknowledgedInTime: 1, share: 0.5 },
      recovery: { rate: 0.5 },
    });
    expect(segments['tier:smb']).toMatchObject({
      cases: 3,
      timeToAcknowledgeMinutes: { count: 1, p50: 120, p90: 120 },
      sla: { due: 2, acknowledgedInTime: 1, share: 0.5 },
      recovery: { rate: 0 },
    });
    expect(segments['region:emea']).toMatchObject({ cases: 2 });
  });

  it('reads the last 90 days by default and at most 366 days, and refuses malformed dates', async () => {
    // All six cases are of March 2025: a range naming those days sees them all.
    const march = await adminFetch(stack(), 'GET', '/api/cases/metrics?from=2025-03-01&to=2025-03-31');
    expect(march.body).toMatchObject({
      from: '2025-03-01',
      to: '2025-03-31',
      overall: { cases: 6, escalated: 2 },
    });
    const from12 = await adminFetch(stack(), 'GET', '/api/cases/metrics?from=2025-03-12&to=2025-03-12');
    expect(from12.body.overall).toMatchObject({ cases: 1 });

    // Without a range: the 90 days up to today, in which none of them opened.
    const recent = await adminFetch(stack(), 'GET', '/api/cases/metrics');
    expect(recent.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const ninetyDaysAgo = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
    expect(recent.body).toMatchObject({ from: ninetyDaysAgo, to: today, overall: { cases: 0 } });
    const toOnly = await adminFetch(stack(), 'GET', '/api/cases/metrics?to=2025-03-31');
    expect(toOnly.body).toMatchObject({ from: '2025-01-01', to: '2025-03-31', overall: { cases: 6 } });

    const year = await adminFetch(stack(), 'GET', '/api/cases/metrics?from=2024-03-31&to=2025-03-31');
    expect(year.status).toBe(200); // 366 days: the longest range
    for (const q of ['from=2024-03-30&to=2025-03-31', 'from=2025-03-12']) {
      const tooLong = await adminFetch(stack(), 'GET', `/api/cases/metrics?${q}`);
      expect(tooLong.status, q).toBe(400);
      expect(tooLong.body.error?.code).toBe('range_too_long');
    }
    for (const q of ['from=2025-3-10', 'to=2025-02-30', 'from=2025-03-12&to=2025-03-10']) {
      const bad = await adminFetch(stack(), 'GET', `/api/cases/metrics?${q}`);
      expect(bad.status, q).toBe(400);
      expect(bad.body.error?.code).toBe('invalid_date');
    }
  });

  it('refuses a range it cannot read whole, rather than answer figures over part of it', async () => {
    const range = { from: '2025-03-10', to: '2025-03-12' };
    // Six cases in the range: a cap of six reads them all, a cap of five cannot.
    expect((await readCaseMetrics(range, 'UTC', new Date(), 6)).overall.cases).toBe(6);
    await expect(readCaseMetrics(range, 'UTC', new Date(), 5)).rejects.toMatchObject({
      status: 400,
      code: 'range_too_large',
    });
  });
});
