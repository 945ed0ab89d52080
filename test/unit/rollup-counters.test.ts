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
  it('counts a response once in every segment × window of its snapshot', () => {
    const keys = contributions(response(), SCOPE).map(([k]) => `${k.pk} ${k.sk}`);
    // all, tier, region, owner, campaign × day, week, month, quarter, all
    expect(keys).toHaveLength(25);
    expect(keys).toContain('tier:key|month 2026-11');
    expect(keys).toContain('owner:alice|all all');
    expect(keys).toContain('campaign:q4|week 2026-W48');
  });

  it('moves a score edit from the old class to the new one, in the first answer window', () => {
    const before = response({ score: 3 });
    const after = response({ score: 9, respondedAt: '2026-12-05T10:00:00.000Z', version: 2 });
    const change = changeOf(before, after, SCOPE);
    const month = [...change.values()].find((c) => c.key.pk === 'all|month');
    expect(month?.key.sk).toBe('2026-11');
    expect(month?.delta).toMatchObject({
      responses: 0,
      detractors: -1,
      promoters: 1,
      scoreSum: 6,
      h3: -1,
      h9: 1,
    });
  });

  it('changes nothing for a late comment', () => {
    const change = changeOf(response(), response({ comment: 'slow support', version: 2 }), SCOPE);
    expect(change.size).toBe(0);
  });

  it('subtracts an erased response everywhere it counted', () => {
    const change = changeOf(response({ score: 10 }), undefined, SCOPE);
    expect(change.size).toBe(25);
    for (const { delta } of change.values()) expect(delta).toMatchObject({ responses: -1, promoters: -1 });
  });
});
