import { describe, expect, it } from 'vitest';
import { caseFigures, caseMetrics, caseSegments } from '../../shared/cases/metrics.ts';
import type { Case } from '../../shared/store/schemas.ts';
import { percentile } from '../../shared/util/stats.ts';

const T = Date.parse('2026-01-05T09:00:00Z');
const iso = (minutes: number) => new Date(T + minutes * 60_000).toISOString();
const NOW = new Date(T + 30 * 24 * 60 * 60_000);

const aCase = (overrides: Partial<Case>): Case => ({
  caseId: 'c',
  inviteId: 'c',
  customerId: 'cust',
  status: 'open',
  score: 3,
  slaDueAt: iso(24 * 60),
  createdAt: iso(0),
  updatedAt: iso(0),
  notes: [],
  recovered: false,
  ...overrides,
});

describe('percentile (nearest rank)', () => {
  it('is null for no values', () => {
    expect(percentile([], 50)).toBeNull();
  });

  it('returns an observed value: the smallest with at least p % at or below it', () => {
    expect(percentile([30, 1800, 120], 50)).toBe(120);
    expect(percentile([30, 1800, 120], 90)).toBe(1800);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 90)).toBe(40);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 90)).toBe(7);
  });

  it('does not reorder the caller array', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('case figures', () => {
  it('measures acknowledge and first-contact times in minutes from the case opening', () => {
    const figures = caseFigures(
      [aCase({ acknowledgedAt: iso(15), contactedAt: iso(45) }), aCase({ acknowledgedAt: iso(90.25) })],
      NOW,
    );
    expect(figures.timeToAcknowledgeMinutes).toEqual({ count: 2, p50: 15, p90: 90.3 });
    expect(figures.timeToFirstContactMinutes).toEqual({ count: 1, p50: 45, p90: 45 });
  });

  it('counts a case toward the SLA once acknowledgement was owed, not before', () => {
    const figures = caseFigures(
      [
        aCase({ acknowledgedAt: iso(60) }), // in time
        aCase({ acknowledgedAt: iso(25 * 60) }), // late
        aCase({}), // never acknowledged, SLA long passed: late
        aCase({ slaDueAt: new Date(NOW.getTime() + 60_000).toISOString() }), // not due yet
        aCase({ status: 'resolved', resolvedBy: 'customer', resolvedAt: iso(60) }), // raised before the SLA
        aCase({ status: 'resolved', resolvedBy: 'customer', resolvedAt: iso(48 * 60) }), // raised after it
      ],
      NOW,
    );
    expect(figures.sla).toEqual({ due: 4, acknowledgedInTime: 1, share: 0.25 });
    expect(figures.scoreRaised).toBe(2);
  });

  it('has no shares for no cases rather than dividing by zero', () => {
    const figures = caseFigures([], NOW);
    expect(figures.sla.share).toBeNull();
    expect(figures.recovery).toEqual({ recovered: 0, cases: 0, rate: null });
    expect(figures.timeToAcknowledgeMinutes).toEqual({ count: 0, p50: null, p90: null });
  });

  it('defines the recovery rate as recovered cases over all cases', () => {
    const figures = caseFigures([aCase({ recovered: true }), aCase({}), aCase({}), aCase({})], NOW);
    expect(figures.recovery).toEqual({ recovered: 1, cases: 4, rate: 0.25 });
  });
});

describe('grouping', () => {
  it('takes segments from the answer snapshot, else from the tier of older cases', () => {
    expect(caseSegments(aCase({ attributes: { tier: 'key', region: 'emea' } }))).toEqual([
      'tier:key',
      'region:emea',
    ]);
    expect(caseSegments(aCase({ tier: 'smb' }))).toEqual(['tier:smb']);
    expect(caseSegments(aCase({ tier: 'none' }))).toEqual([]);
  });

  it('groups per owner (cases without one under "(none)") and per segment, sorted', () => {
    const metrics = caseMetrics(
      [
        aCase({ ownerId: 'bob', attributes: { tier: 'smb' } }),
        aCase({ ownerId: 'alice', attributes: { tier: 'key' } }),
        aCase({ attributes: { tier: 'key' } }),
      ],
      NOW,
    );
    expect(metrics.overall.cases).toBe(3);
    expect(metrics.byOwner.map((o) => [o.ownerId, o.cases])).toEqual([
      ['(none)', 1],
      ['alice', 1],
      ['bob', 1],
    ]);
    expect(metrics.bySegment.map((s) => [s.segment, s.cases])).toEqual([
      ['tier:key', 2],
      ['tier:smb', 1],
    ]);
  });
});
