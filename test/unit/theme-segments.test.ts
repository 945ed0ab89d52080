import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENT_DIMENSIONS, responseFilterOf, segmentsOf } from '../../shared/nps/segments.ts';
import { changeOf, contributions } from '../../shared/rollup/counters.ts';
import type { Response } from '../../shared/store/schemas.ts';

const SCOPE = { timeZone: 'UTC', dimensions: DEFAULT_SEGMENT_DIMENSIONS };

const response = (over: Partial<Response> = {}): Response => ({
  inviteId: 'inv',
  campaignId: 'q4',
  customerId: 'c1',
  attributes: { tier: 'key' },
  score: 3,
  comment: 'slow and expensive',
  themes: ['price', 'speed'],
  firstAnsweredAt: '2026-11-23T10:00:00.000Z',
  respondedAt: '2026-11-23T10:00:00.000Z',
  version: 1,
  ...over,
});

describe('theme segments', () => {
  it('count an answer in theme:<name> for each of its themes, when theme is a dimension', () => {
    expect(DEFAULT_SEGMENT_DIMENSIONS).toContain('theme');
    expect(segmentsOf(response(), SCOPE.dimensions)).toEqual([
      'all',
      'tier:key',
      'campaign:q4',
      'theme:price',
      'theme:speed',
    ]);
    expect(segmentsOf(response(), ['tier', 'campaign'])).toEqual(['all', 'tier:key', 'campaign:q4']);
    expect(segmentsOf(response({ themes: undefined }), SCOPE.dimensions)).not.toContain('theme:price');
  });

  it('never take a customer attribute named theme for a comment theme', () => {
    const segments = segmentsOf(response({ attributes: { theme: 'dark' }, themes: [] }), SCOPE.dimensions);
    expect(segments).toEqual(['all', 'campaign:q4']);
  });

  it('reach the rollup: every window of each theme, and a re-tagged comment moves between them', () => {
    const keys = contributions(response(), SCOPE).map(([k]) => `${k.pk} ${k.sk}`);
    expect(keys).toContain('theme:price|month 2026-11');
    expect(keys).toContain('theme:speed|all all');
    // all, tier, campaign, 2 themes × 5 windows
    expect(keys).toHaveLength(25);

    const edited = response({ themes: ['support'], comment: 'support never called', version: 2 });
    const change = changeOf(response(), edited, SCOPE);
    const month = (segment: string) => change.get(`${segment}|month\u00002026-11`)?.delta;
    expect(month('theme:price')).toMatchObject({ responses: -1, detractors: -1 });
    expect(month('theme:support')).toMatchObject({ responses: 1, detractors: 1 });
    // The answer stays where it was in every other segment: nothing to write there.
    expect(month('all')).toBeUndefined();
  });

  it('filter a listing by the tag', () => {
    expect(responseFilterOf('theme:price')).toEqual({ theme: 'price' });
  });
});
