import { describe, expect, it } from 'vitest';
import {
  deriveLossId,
  signLeaveToken,
  signSurveyToken,
  verifyLeaveToken,
  verifySurveyToken,
} from '../../shared/tokens/survey-token.ts';
import {
  addDays,
  boughtSince,
  lapsedOn,
  parseSurveyTiers,
  parseWinBackCases,
  tallyReasons,
  winBackPlanFor,
  withinLookback,
} from '../../shared/winback/policy.ts';

const policy = {
  cases: parseWinBackCases('best:urgent:24, secondary:high:72'),
  surveyTiers: parseSurveyTiers('*'),
};

describe('win-back policy', () => {
  it('reads tier:priority:hours and refuses anything else, naming the entry', () => {
    expect(parseWinBackCases('best:urgent:24,secondary:high:72.5')).toEqual({
      best: { priority: 'urgent', slaHours: 24 },
      secondary: { priority: 'high', slaHours: 72.5 },
    });
    expect(parseWinBackCases('')).toEqual({});
    expect(() => parseWinBackCases('best:urgent')).toThrow(/"best:urgent" is not tier:priority:hours/);
    expect(() => parseWinBackCases('best:asap:24')).toThrow(/asap/);
    expect(() => parseWinBackCases('best:high:0')).toThrow(/hours > 0/);
    expect(parseSurveyTiers(' best , major ')).toEqual(['best', 'major']);
    expect(parseSurveyTiers('')).toEqual([]);
  });

  it('fights a key customer hardest, tries an ordinary one, and asks nobody whose churn we ended', () => {
    expect(winBackPlanFor('best', 'competitor', policy)).toEqual({
      case: { priority: 'urgent', slaHours: 24 },
      survey: true,
    });
    expect(winBackPlanFor('secondary', undefined, policy)).toEqual({
      case: { priority: 'high', slaHours: 72 },
      survey: true,
    });
    expect(winBackPlanFor('ordinary', undefined, policy)).toEqual({ case: undefined, survey: true });
    // No purchases in the year: value unknown — `*` does not ask them; naming `none` would.
    expect(winBackPlanFor('none', 'natural', policy).survey).toBe(false);
    expect(winBackPlanFor('none', 'natural', { ...policy, surveyTiers: ['none'] }).survey).toBe(true);
    expect(winBackPlanFor('best', 'ended-by-us', policy)).toEqual({ survey: false });
    expect(winBackPlanFor('best', undefined, { ...policy, surveyTiers: [] }).survey).toBe(false);
  });

  it('counts a lapse in calendar days, from the day the customer is no longer active', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    // Last purchase 1 June, 180 days: lost on 28 November — not a day before.
    expect(lapsedOn('2026-06-01', '2026-11-27', 180)).toBeUndefined();
    expect(lapsedOn('2026-06-01', '2026-11-28', 180)).toBe('2026-11-28');
    // The pass acts on the losses of the last 30 days, today included.
    expect(withinLookback('2026-11-28', '2026-11-28')).toBe(true);
    expect(withinLookback('2026-10-30', '2026-11-28')).toBe(true);
    expect(withinLookback('2026-10-29', '2026-11-28')).toBe(false);
    expect(withinLookback('2026-11-29', '2026-11-28')).toBe(false);
  });

  it('knows a customer came back by a purchase after the loss', () => {
    expect(boughtSince('2026-06-02', '2026-06-01')).toBe(true);
    expect(boughtSince('2026-06-01', '2026-06-01')).toBe(false);
    expect(boughtSince(undefined, '2026-06-01')).toBe(false);
    expect(boughtSince('2026-01-01', 'none')).toBe(true);
  });

  it('tallies why customers left per tier, in tier order, with the kind of each churn', () => {
    const tiers = tallyReasons(
      [
        { valueTier: 'ordinary', trigger: 'lapsed', surveyState: 'sent', reason: 'price' },
        {
          valueTier: 'best',
          trigger: 'marked',
          churnKind: 'competitor',
          surveyState: 'sent',
          reason: 'competitor',
        },
        { valueTier: 'best', trigger: 'lapsed', surveyState: 'sent' },
        { valueTier: 'best', trigger: 'marked', churnKind: 'ended-by-us', surveyState: 'not-asked' },
        { valueTier: 'gold', trigger: 'lapsed', surveyState: 'skipped' },
      ],
      ['best', 'secondary', 'ordinary', 'none'],
    );
    expect(tiers.map((t) => [t.tier, t.lost, t.asked, t.answered])).toEqual([
      ['best', 3, 2, 1],
      ['ordinary', 1, 1, 1],
      ['gold', 1, 0, 0],
    ]);
    expect(tiers[0]?.reasons).toEqual({
      price: 0,
      quality: 0,
      service: 0,
      competitor: 1,
      'no-longer-needed': 0,
      other: 0,
    });
    expect(tiers[0]?.kinds).toEqual({
      lapsed: 1,
      natural: 0,
      competitor: 1,
      'our-fault': 0,
      'ended-by-us': 1,
    });
  });
});

describe('leave tokens', () => {
  const key = 'k'.repeat(32);
  const later = new Date(Date.now() + 86_400_000);

  it('name one loss per customer and episode, and are no survey tokens', () => {
    const id = deriveLossId(key, 'c-1', '2026-06-01');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(deriveLossId(key, 'c-1', '2026-06-01')).toBe(id);
    expect(deriveLossId(key, 'c-1', '2026-06-02')).not.toBe(id);
    const token = signLeaveToken(key, id, later);
    expect(verifyLeaveToken(key, token).lossId).toBe(id);
    // The same id and expiry signed for the other purpose: each refuses the other's token.
    expect(() => verifySurveyToken(key, token)).toThrow(/not valid/);
    expect(() => verifyLeaveToken(key, signSurveyToken(key, id, later))).toThrow(/not valid/);
    expect(() => verifyLeaveToken(key, token, { now: new Date(later.getTime() + 1000) })).toThrow(/closed/);
  });
});
