import { responseModel } from '../shared/store/model.ts';

// Realistic cardinalities: 3 tiers, 6 regions, 4 plans, 4 locales, 3 value tiers, 2 loyalty
// classes, 40 owners, 2 campaigns — every default segment dimension, 9 segments per answer.
export const CARDINALITIES = {
  tiers: 3,
  regions: 6,
  plans: 4,
  locales: 4,
  values: 3,
  loyalty: 2,
  owners: 40,
  campaigns: 2,
};
const TIERS = ['key', 'mid', 'smb'];
const REGIONS = ['emea', 'na', 'latam', 'apac', 'anz', 'mea'];
const PLANS = ['free', 'team', 'pro', 'enterprise'];
const LOCALES = ['en', 'zh-cn', 'de', 'fr'];
// About the shares the three-way value tiering gives: 1 % best, 19 % secondary, 80 % ordinary.
const valueTierOf = (i: number) => (i % 100 === 0 ? 'best' : i % 5 === 0 ? 'secondary' : 'ordinary');
const pick = <T>(xs: T[], i: number) => xs[i % xs.length] as T;

export const answerItem = (i: number, prefix: string) => {
  const inviteId = `${prefix}${String(i).padStart(22 - prefix.length, '0')}`;
  const now = new Date().toISOString();
  const customerId = `cust-${i}`;
  return {
    ...responseModel.key(inviteId),
    kind: responseModel.kind,
    inviteId,
    campaignId: pick(['spring', 'autumn'], i >> 3),
    customerId,
    ownerId: `owner-${(i * 7) % 40}`,
    attributes: {
      tier: pick(TIERS, i),
      region: pick(REGIONS, i >> 1),
      plan: pick(PLANS, i >> 2),
      locale: pick(LOCALES, i >> 3),
      value: valueTierOf(i),
      loyalty: i % 3 === 0 ? 'loyal' : 'not',
    },
    score: (i * 7919) % 11,
    firstAnsweredAt: now,
    respondedAt: now,
    version: 1,
    ...responseModel.listed(now, inviteId),
  };
};
