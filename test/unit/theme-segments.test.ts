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

  it('reach the rollup: one day item per theme, and a re-tagged comment moves between them', () => {
    const keys = contributions(response(), SCOPE).map(([k]) => `${k.pk} ${k.sk}`);
    expect(keys.sort()).toEqual([
      'all|day 2026-11-23',
      'campaign:q4|day 2026-11-23',
      'theme:price|day 2026-11-23',
      'theme:speed|day 2026-11-23',
      'tier:key|day 2026-11-23',
    ]);

    const edited = response({ themes: ['support'], comment: 'support never called', version: 2 });
    const change = changeOf(response(), edited, SCOPE);
    const day = (segment: string) => change.get(`${segment}|day\u00002026-11-23`)?.delta;
    // The counters are the score histogram: the 3 leaves the old themes' days, joins the new one's.
    expect(day('theme:price')).toMatchObject({ h3: -1 });
    expect(day('theme:speed')).toMatchObject({ h3: -1 });
    expect(day('theme:support')).toMatchObject({ h3: 1 });
    // The answer stays where it was in every other segment: nothing to write there.
    expect(day('all')).toBeUndefined();
  });

  it('filter a listing by the tag', () => {
    expect(responseFilterOf('theme:price')).toEqual({ theme: 'price' });
  });
});
