import { describe, expect, it } from 'vitest';
import { inAudience } from '../../shared/campaigns/audience.ts';
import type { Customer } from '../../shared/store/schemas.ts';

const customer = (attributes: Record<string, string>): Customer => ({
  id: 'c1',
  email: 'c1@example.com',
  attributes,
  updatedAt: '2026-12-01T00:00:00.000Z',
});

describe('campaign audience filters', () => {
  it('takes everyone when it lists nothing', () => {
    expect(inAudience({}, customer({}))).toBe(true);
  });

  it('matches a value, or one of several, whatever the case', () => {
    expect(inAudience({ tier: 'key' }, customer({ tier: 'Key' }))).toBe(true);
    expect(inAudience({ region: ['emea', 'apac'] }, customer({ region: 'apac' }))).toBe(true);
    expect(inAudience({ region: ['emea', 'apac'] }, customer({ region: 'amer' }))).toBe(false);
    expect(inAudience({ tier: 'key' }, customer({}))).toBe(false);
  });

  it('keeps out the listed values with not, and lets in a customer without the attribute', () => {
    expect(inAudience({ plan: { not: 'free' } }, customer({ plan: 'pro' }))).toBe(true);
    expect(inAudience({ plan: { not: ['free', 'trial'] } }, customer({ plan: 'Trial' }))).toBe(false);
    expect(inAudience({ plan: { not: 'free' } }, customer({}))).toBe(true);
  });

  it('needs every listed attribute to pass', () => {
    const audience = { tier: 'key', region: { not: 'emea' } };
    expect(inAudience(audience, customer({ tier: 'key', region: 'apac' }))).toBe(true);
    expect(inAudience(audience, customer({ tier: 'key', region: 'emea' }))).toBe(false);
  });
});
