import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENT_DIMENSIONS } from '../../shared/nps/segments.ts';
import { changeOf, contributions } from '../../shared/rollup/counters.ts';
import type { Response } from '../../shared/store/schemas.ts';

const SCOPE = { timeZone: 'UTC', dimensions: DEFAULT_SEGMENT_DIMENSIONS };

const response = (over: Partial<Response> = {}): Response => ({
  inviteId: 'inv',
  campaignId: 'q4',
  customerId: 'c1',
  ownerId: 'alice',
  attributes: { tier: 'key', region: 'emea' },
  score: 3,
  firstAnsweredAt: '2026-11-23T10:00:00.000Z',
  respondedAt: '2026-11-23T10:00:00.000Z',
  version: 1,
  ...over,
});

describe('rollup counters', () => {
  it('counts a response once in every segment of its snapshot, on the day of its first answer', () => {
    const keys = contributions(response(), SCOPE).map(([k]) => `${k.pk} ${k.sk}`);
    // all, tier, region, owner, campaign: one day item each (weeks, months… are sums of days)
    expect(keys.sort()).toEqual([
      'all|day 2026-11-23',
      'campaign:q4|day 2026-11-23',
      'owner:alice|day 2026-11-23',
      'region:emea|day 2026-11-23',
      'tier:key|day 2026-11-23',
    ]);
  });

  it('counts on the day of the account time zone', () => {
    const late = response({ firstAnsweredAt: '2026-11-23T23:30:00.000Z' });
    const days = contributions(late, { ...SCOPE, timeZone: 'Asia/Shanghai' }).map(([key]) => key.sk);
    expect(new Set(days)).toEqual(new Set(['2026-11-24']));
  });

  it('moves a score edit from the old class to the new one, in the first answer window', () => {
    const before = response({ score: 3 });
    const after = response({ score: 9, respondedAt: '2026-12-05T10:00:00.000Z', version: 2 });
    const change = changeOf(before, after, SCOPE);
    const all = [...change.values()].find((c) => c.key.pk === 'all|day');
    expect(all?.key.sk).toBe('2026-11-23');
    expect(all?.delta).toEqual({
      h0: 0,
      h1: 0,
      h2: 0,
      h3: -1,
      h4: 0,
      h5: 0,
      h6: 0,
      h7: 0,
      h8: 0,
      h9: 1,
      h10: 0,
    });
  });

  it('changes nothing for a late comment', () => {
    const change = changeOf(response(), response({ comment: 'slow support', version: 2 }), SCOPE);
    expect(change.size).toBe(0);
  });

  it('subtracts an erased response everywhere it counted', () => {
    const change = changeOf(response({ score: 10 }), undefined, SCOPE);
    expect(change.size).toBe(5);
    for (const { delta } of change.values()) expect(delta).toMatchObject({ h10: -1, h9: 0 });
  });
});
