import { describe, expect, it } from 'vitest';
import { alertTiming, debouncedEventId } from '../../shared/alerts/debounce.ts';
import type { Response } from '../../shared/store/schemas.ts';
import { decideAnswer, isNews } from '../../shared/survey/answer-change.ts';

const NOW = new Date('2026-12-01T23:40:00.000Z');

const stored = (over: Partial<Response> = {}): Response => ({
  inviteId: 'inv',
  campaignId: 'q4',
  customerId: 'c1',
  attributes: {},
  score: 2,
  comment: 'slow',
  firstAnsweredAt: '2026-12-01T23:00:00.000Z',
  respondedAt: '2026-12-01T23:00:00.000Z',
  version: 1,
  revision: 1,
  edits: { hour: '2026-12-01T23', count: 1 },
  ...over,
});

describe('what a submitted answer does to the stored one', () => {
  it('writes the first answer as news', () => {
    expect(decideAnswer(undefined, { score: 2 }, NOW, 20)).toEqual({
      kind: 'write',
      news: true,
      edits: { hour: '2026-12-01T23', count: 0 },
    });
  });

  it('writes nothing for the same score and comment, or the same score without a comment', () => {
    expect(decideAnswer(stored(), { score: 2, comment: 'slow' }, NOW, 20)).toEqual({ kind: 'unchanged' });
    expect(decideAnswer(stored(), { score: 2 }, NOW, 20)).toEqual({ kind: 'unchanged' });
  });

  it('calls a new class or a new comment news, a same-class score not', () => {
    expect(decideAnswer(stored(), { score: 9 }, NOW, 20)).toMatchObject({ kind: 'write', news: true });
    expect(decideAnswer(stored(), { score: 2, comment: 'slower' }, NOW, 20)).toMatchObject({ news: true });
    expect(decideAnswer(stored(), { score: 3 }, NOW, 20)).toMatchObject({ kind: 'write', news: false });
    expect(decideAnswer(stored({ score: 7 }), { score: 8 }, NOW, 20)).toMatchObject({ news: false });
    expect(decideAnswer(stored({ score: 8 }), { score: 9 }, NOW, 20)).toMatchObject({ news: true });
  });

  it('counts writes per UTC hour and refuses past the limit until the next hour', () => {
    const busy = stored({ edits: { hour: '2026-12-01T23', count: 20 } });
    expect(decideAnswer(busy, { score: 9 }, NOW, 20)).toEqual({ kind: 'limited', retryAfterSeconds: 1200 });
    expect(decideAnswer(busy, { score: 9 }, new Date('2026-12-02T00:00:01Z'), 20)).toMatchObject({
      kind: 'write',
      edits: { hour: '2026-12-02T00', count: 1 },
    });
    expect(decideAnswer(stored(), { score: 9 }, NOW, 20)).toMatchObject({ edits: { count: 2 } });
  });

  it('tells news on the stream by the version', () => {
    expect(isNews(undefined, stored())).toBe(true);
    expect(isNews(stored(), stored({ score: 3, revision: 2 }))).toBe(false);
    expect(isNews(stored(), stored({ score: 9, version: 2, revision: 2 }))).toBe(true);
  });
});

describe('when a case alert goes out', () => {
  const DEBOUNCE = 120_000;
  it('goes at once the first time, and once the debounce since the last has passed', () => {
    expect(alertTiming(undefined, NOW, DEBOUNCE)).toEqual({ kind: 'now', at: NOW });
    expect(alertTiming('2026-12-01T23:37:59.000Z', NOW, DEBOUNCE)).toEqual({ kind: 'now', at: NOW });
  });

  it('waits for the end of the debounce, and later changes replace that waiting update', () => {
    const due = new Date('2026-12-01T23:41:00.000Z');
    expect(alertTiming('2026-12-01T23:39:00.000Z', NOW, DEBOUNCE)).toEqual({
      kind: 'debounced',
      at: due,
      replacesPending: false,
    });
    expect(alertTiming(due.toISOString(), NOW, DEBOUNCE)).toEqual({
      kind: 'debounced',
      at: due,
      replacesPending: true,
    });
    expect(debouncedEventId('case1', due)).toBe(`case1.t${due.getTime()}`);
  });
});
