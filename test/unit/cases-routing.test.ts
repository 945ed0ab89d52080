import { describe, expect, it } from 'vitest';
import { caseUpdateInput, routingInput } from '../../shared/api/inputs.ts';
import { casePolicy, worksCase } from '../../shared/cases/policy.ts';
import { matchingRules } from '../../shared/cases/routing.ts';

const RULES = [
  { segment: 'tier:key', ownerId: 'key-accounts' },
  { segment: 'region:emea', ownerId: 'emea' },
  { segment: 'campaign:q4', ownerId: 'q4-team' },
  { segment: 'all', ownerId: 'catch-all' },
];

describe('routing rules', () => {
  it('match the answer snapshot segments, in rule order', () => {
    const matched = matchingRules(RULES, { attributes: { tier: 'key', region: 'emea' }, campaignId: 'q1' });
    expect(matched.map((r) => r.ownerId)).toEqual(['key-accounts', 'emea', 'catch-all']);
  });

  it('match attribute values whatever their case, and campaigns', () => {
    const matched = matchingRules(RULES, { attributes: { region: 'EMEA' }, campaignId: 'q4' });
    expect(matched.map((r) => r.ownerId)).toEqual(['emea', 'q4-team', 'catch-all']);
  });

  it('never match on the answer owner: rules route customers who have none', () => {
    const rules = [{ segment: 'owner:alice', ownerId: 'x' }];
    expect(matchingRules(rules, { ownerId: 'alice', attributes: {}, campaignId: 'c' })).toEqual([]);
  });

  it('match nothing when no rule names a segment of the answer', () => {
    expect(matchingRules(RULES.slice(0, 3), { attributes: { tier: 'smb' }, campaignId: 'q1' })).toEqual([]);
  });
});

describe('routing input', () => {
  it('normalizes segments to lower case and keeps the order', () => {
    const parsed = routingInput.parse({
      rules: [
        { segment: ' Tier:Key ', ownerId: 'key-accounts' },
        { segment: 'all', ownerId: 'x' },
      ],
    });
    expect(parsed.rules.map((r) => r.segment)).toEqual(['tier:key', 'all']);
  });

  it('refuses segments that are not attr:value, campaign:<id> or all', () => {
    for (const segment of ['tier', 'tier:', ':key', 'tier: key', 'tier:key|x', 'owner:alice', 'a|b:c']) {
      expect(routingInput.safeParse({ rules: [{ segment, ownerId: 'x' }] }).success, segment).toBe(false);
    }
    // Attribute values may hold inner spaces, as customers' attributes do.
    expect(
      routingInput.safeParse({ rules: [{ segment: 'region:north america', ownerId: 'x' }] }).success,
    ).toBe(true);
  });
});

describe('case workflow input', () => {
  it('requires a note for contacted and an outcome for resolved', () => {
    expect(caseUpdateInput.safeParse({ status: 'acknowledged' }).success).toBe(true);
    expect(caseUpdateInput.safeParse({ status: 'contacted' }).success).toBe(false);
    expect(caseUpdateInput.safeParse({ status: 'contacted', note: '   ' }).success).toBe(false);
    expect(caseUpdateInput.safeParse({ status: 'contacted', note: 'Called' }).success).toBe(true);
    expect(caseUpdateInput.safeParse({ status: 'resolved', note: 'done' }).success).toBe(false);
    expect(caseUpdateInput.safeParse({ status: 'resolved', outcome: 'Refunded' }).success).toBe(true);
  });
});

describe('case policy', () => {
  const settings = { KEY_TIERS: ['key', 'strategic'], SLA_HOURS_KEY: 24, SLA_HOURS_DEFAULT: 72 };

  it('gives key tiers high priority and the key SLA', () => {
    expect(casePolicy('key', settings)).toEqual({ priority: 'high', slaHours: 24 });
    expect(casePolicy('Strategic', settings)).toEqual({ priority: 'high', slaHours: 24 });
  });

  it('gives every other tier, and no tier, normal priority and the default SLA', () => {
    expect(casePolicy('smb', settings)).toEqual({ priority: 'normal', slaHours: 72 });
    expect(casePolicy(undefined, settings)).toEqual({ priority: 'normal', slaHours: 72 });
  });
});

describe('who works a case', () => {
  it('is its owner, and once escalated also the escalation owner', () => {
    expect(worksCase({ ownerId: 'alice' }, 'alice')).toBe(true);
    expect(worksCase({ ownerId: 'alice' }, 'carol')).toBe(false);
    expect(worksCase({ ownerId: 'alice', escalatedTo: 'carol' }, 'carol')).toBe(true);
    expect(worksCase({ ownerId: 'alice', escalatedTo: 'carol' }, 'alice')).toBe(true);
    expect(worksCase({ ownerId: 'alice', escalatedTo: 'carol' }, 'bob')).toBe(false);
    // A case with no owner yet is nobody's to work but an admin's.
    expect(worksCase({}, '')).toBe(false);
  });
});
