import { beforeAll, describe, expect, it } from 'vitest';
import type { NpsComparisonResult } from '../../shared/rollup/compare-nps.ts';
import { batchWriteAll, mainTable } from '../../shared/store/db.ts';
import { responseModel } from '../../shared/store/model.ts';
import { adminFetch, useLocalStack } from '../support/local-stack.ts';

const DAY = 86_400_000;
const TIME_ZONE = 'America/New_York';

interface Answer {
  tier: string;
  score: number;
  at: string;
}

/** P promoters (10), passives (8) and detractors (3) of a tier, one a day round the days from `first`, at 17:00 UTC. */
const spread = (tier: string, [p, pa, d]: [number, number, number], first: string, days: number): Answer[] =>
  [...Array<number>(p).fill(10), ...Array<number>(pa).fill(8), ...Array<number>(d).fill(3)].map(
    (score, i) => ({
      tier,
      score,
      at: new Date(Date.parse(`${first}T17:00:00Z`) + (i % days) * DAY).toISOString(),
    }),
  );

/**
 * March 2025 (31 days) against the 31 days before it, 29 January to 28 February, in New York time:
 *
 * |                     | tier:key   | tier:smb   |
 * | 2025-03-01..03-31   | 60 / 25 / 15 | 45 / 25 / 30 |
 * | 2025-01-29..02-28   | 45 / 25 / 30 | 1 / 1 / 3    |
 *
 * (promoters / passives / detractors). The edges are in local time: a key promoter at 02:00 UTC on
 * 1 April is 31 March in New York, and a key detractor at 03:00 UTC on 1 March is 28 February there;
 * one key answer just past each end counts nowhere.
 */
const ANSWERS: Answer[] = [
  ...spread('key', [59, 25, 15], '2025-03-01', 31),
  { tier: 'key', score: 9, at: '2025-04-01T02:00:00.000Z' },
  ...spread('smb', [45, 25, 30], '2025-03-01', 31),
  ...spread('key', [45, 25, 29], '2025-01-29', 31),
  { tier: 'key', score: 0, at: '2025-03-01T03:00:00.000Z' },
  ...spread('smb', [1, 1, 3], '2025-01-29', 31),
  { tier: 'key', score: 10, at: '2025-04-01T05:00:00.000Z' },
  { tier: 'key', score: 2, at: '2025-01-29T04:00:00.000Z' },
];

const MARCH = 'from=2025-03-01&to=2025-03-31';

/**
 * GET /api/nps/compare over the real rollup: answers stored as the survey function stores them,
 * counted by the rollup from the table's stream, summed from its day counters on read. Expected
 * figures were computed independently with Python 3 and SciPy (norm.sf), as in
 * test/unit/nps-compare.test.ts.
 */
describe('GET /api/nps/compare: is a difference in NPS real?', () => {
  const stack = useLocalStack({ timeZone: TIME_ZONE, streamConsumers: ['rollup-responses'] });

  beforeAll(async () => {
    await batchWriteAll(
      mainTable(),
      ANSWERS.map(({ tier, score, at }, i) => {
        const inviteId = `inv-${i}`;
        return {
          PutRequest: {
            Item: {
              ...responseModel.key(inviteId),
              kind: responseModel.kind,
              ...responseModel.listed(at, inviteId),
              inviteId,
              campaignId: 'cmp',
              customerId: `c${i}`,
              ownerId: '',
              attributes: { tier },
              score,
              firstAnsweredAt: at,
              respondedAt: at,
              version: 1,
            },
          },
        };
      }),
    );
    await stack().settle();
  });

  const compare = async (query: string) => {
    const res = await adminFetch(stack(), 'GET', `/api/nps/compare?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as NpsComparisonResult;
  };

  it('holds a segment against the same number of days just before: a real rise', async () => {
    const body = await compare(`segment=tier:key&${MARCH}&against=previous`);
    expect(body).toMatchObject({
      segment: 'tier:key',
      against: 'previous',
      subject: {
        segment: 'tier:key',
        from: '2025-03-01',
        to: '2025-03-31',
        responses: 100,
        promoters: 60,
        passives: 25,
        detractors: 15,
        nps: 45,
        // n' = 103: centre 43.689 ± 14.346
        marginOfError: 14.3,
        interval: { low: 29.3, high: 58 },
        lowN: false,
      },
      baseline: {
        segment: 'tier:key',
        from: '2025-01-29',
        to: '2025-02-28',
        responses: 100,
        promoters: 45,
        passives: 25,
        detractors: 30,
        nps: 15,
        marginOfError: 16.4,
        interval: { low: -1.8, high: 31 },
        lowN: false,
      },
      difference: {
        nps: 30,
        marginOfError: 21.8,
        interval: { low: 7.3, high: 50.9 },
        z: 2.62,
        pValue: 0.008804,
        significant: true,
      },
    });
    expect(body.baseline.excluding).toBeUndefined();
    expect(body.summary).toBe(
      'tier:key from 2025-03-01 to 2025-03-31: NPS 45.0 on 100 answers; 2025-01-29 to 2025-02-28: NPS 15.0 on 100 answers. ' +
        'A difference of 30.0 points (95 % interval 7.3 to 50.9, p = 0.008804): more than chance would explain at the 5 % level.',
    );
  });

  it('does not call a rise of 17.6 points on 200 against 105 answers real', async () => {
    // all: 105 / 50 / 45 in March against 46 / 26 / 33 before; z = 1.7508, p = 0.079983
    const body = await compare(`segment=all&${MARCH}&against=previous`);
    expect(body.subject).toMatchObject({ responses: 200, nps: 30, marginOfError: 11.2 });
    expect(body.subject.interval).toEqual({ low: 18.4, high: 40.7 });
    expect(body.baseline).toMatchObject({ responses: 105, nps: 12.4, marginOfError: 16.1 });
    expect(body.baseline.interval).toEqual({ low: -4.1, high: 28.2 });
    expect(body.difference).toEqual({
      nps: 17.6,
      marginOfError: 19.6,
      interval: { low: -2.1, high: 37.1 },
      z: 1.75,
      pValue: 0.07998,
      significant: false,
    });
  });

  it('flags a side with fewer than 30 answers as too few to read', async () => {
    // smb: 45 / 25 / 30 against 1 / 1 / 3; centre difference 39.563 ± 57.187, z = 1.3560, p = 0.17511
    const body = await compare(`segment=tier:smb&${MARCH}&against=previous`);
    expect(body.subject).toMatchObject({ responses: 100, nps: 15, lowN: false });
    expect(body.baseline).toMatchObject({
      responses: 5,
      nps: -40,
      marginOfError: 54.8,
      interval: { low: -79.8, high: 29.8 },
      lowN: true,
    });
    expect(body.difference).toEqual({
      nps: 55,
      marginOfError: 57.2,
      interval: { low: -17.6, high: 96.8 },
      z: 1.36,
      pValue: 0.1751,
      significant: false,
    });
    expect(body.summary).toContain('no more than chance could explain');
    expect(body.summary).toContain('Fewer than 30 answers on a side are too few to read.');
  });

  it('holds a segment against every answer outside it over the same days', async () => {
    // March: all 105 / 50 / 45 less tier:key 60 / 25 / 15 = 45 / 25 / 30, the smb answers.
    const body = await compare(`segment=tier:key&${MARCH}&against=rest`);
    expect(body).toMatchObject({
      segment: 'tier:key',
      against: 'rest',
      subject: { segment: 'tier:key', from: '2025-03-01', to: '2025-03-31', responses: 100, nps: 45 },
      baseline: {
        segment: 'all',
        excluding: 'tier:key',
        from: '2025-03-01',
        to: '2025-03-31',
        responses: 100,
        promoters: 45,
        passives: 25,
        detractors: 30,
        nps: 15,
      },
      difference: { nps: 30, interval: { low: 7.3, high: 50.9 }, pValue: 0.008804, significant: true },
    });
    expect(body.summary).toContain('; everyone else over the same days: NPS 15.0 on 100 answers.');
  });

  it('has nothing to compare where a side has no answers', async () => {
    const body = await compare('segment=tier:key&from=2024-06-01&to=2024-06-30&against=previous');
    expect(body.subject).toMatchObject({ responses: 0, nps: null, interval: null, lowN: true });
    expect(body.summary).toContain('nothing to compare');
    expect(body.difference).toEqual({
      nps: null,
      marginOfError: null,
      interval: null,
      z: null,
      pValue: null,
      significant: false,
    });
  });

  it.each([
    [`segment=tier:key&${MARCH}`, 'invalid_against'],
    [`segment=tier:key&${MARCH}&against=last-year`, 'invalid_against'],
    [`segment=all&${MARCH}&against=rest`, 'invalid_against'],
    ['segment=tier:key&from=2025-03-31&to=2025-03-01&against=previous', 'invalid_date'],
    ['segment=tier:key&from=2025-02-30&to=2025-03-01&against=previous', 'invalid_date'],
    ['segment=tier:key&from=1970-01-02&to=1970-01-03&against=previous', 'invalid_date'],
    [`segment=bad%20segment&${MARCH}&against=previous`, 'invalid_segment'],
    [`segment=colour:red&${MARCH}&against=previous`, 'unknown_segment_dimension'],
  ])('answers %s with a 400 %s', async (query, code) => {
    const res = await adminFetch(stack(), 'GET', `/api/nps/compare?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  });
});
