import { describe, expect, it } from 'vitest';
import { type SurveyCandidate, surveyDecision } from '../../shared/campaigns/eligibility.ts';

const DAY = 86_400_000;
const now = new Date('2026-06-15T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
const candidate = (overrides: Partial<SurveyCandidate> = {}): SurveyCandidate => ({
  suppressed: false,
  lastSlot: undefined,
  runKey: 'spring/run-2',
  fatigueDays: 30,
  now,
  ...overrides,
});

describe('who may be surveyed now', () => {
  it('invites a customer never surveyed before, taking the slot for this run', () => {
    expect(surveyDecision(candidate())).toEqual({
      invite: true,
      slot: { invitedAt: now.toISOString(), runKey: 'spring/run-2' },
    });
  });

  it('does not invite again within fatigueDays, whichever campaign sent the last survey', () => {
    const decision = surveyDecision(
      candidate({ lastSlot: { invitedAt: daysAgo(10), runKey: 'autumn/run-1' } }),
    );
    expect(decision).toEqual({ invite: false, reason: 'fatigued' });
  });

  it('invites again once fatigueDays have passed since the last survey', () => {
    const decision = surveyDecision(
      candidate({ lastSlot: { invitedAt: daysAgo(31), runKey: 'autumn/run-1' } }),
    );
    expect(decision.invite).toBe(true);
  });

  it('counts the fatigue window to the millisecond: exactly fatigueDays ago is still too soon', () => {
    expect(surveyDecision(candidate({ lastSlot: { invitedAt: daysAgo(30), runKey: 'a/b' } })).invite).toBe(
      false,
    );
    const justPast = new Date(now.getTime() - 30 * DAY - 1).toISOString();
    expect(surveyDecision(candidate({ lastSlot: { invitedAt: justPast, runKey: 'a/b' } })).invite).toBe(true);
  });

  it('lets a retried dispatch of the same run go on: one invite per run, not none', () => {
    const decision = surveyDecision(
      candidate({ lastSlot: { invitedAt: daysAgo(0), runKey: 'spring/run-2' } }),
    );
    expect(decision.invite).toBe(true);
  });

  it('with fatigueDays 0, invites whenever a new run asks', () => {
    const decision = surveyDecision(
      candidate({ fatigueDays: 0, lastSlot: { invitedAt: daysAgo(0.001), runKey: 'spring/run-1' } }),
    );
    expect(decision.invite).toBe(true);
  });

  it('never invites a suppressed address, even a fresh customer', () => {
    expect(surveyDecision(candidate({ suppressed: true }))).toEqual({ invite: false, reason: 'suppressed' });
    const sameRun = { invitedAt: daysAgo(0), runKey: 'spring/run-2' };
    expect(surveyDecision(candidate({ suppressed: true, lastSlot: sameRun })).invite).toBe(false);
  });
});
