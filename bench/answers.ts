import { responseModel } from '../shared/store/model.ts';

// Realistic cardinalities: 3 tiers, 6 regions, 4 plans, 40 owners, 2 campaigns.
const TIERS = ['key', 'mid', 'smb'];
const REGIONS = ['emea', 'na', 'latam', 'apac', 'anz', 'mea'];
const PLANS = ['free', 'team', 'pro', 'enterprise'];
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
    attributes: { tier: pick(TIERS, i), region: pick(REGIONS, i >> 1), plan: pick(PLANS, i >> 2) },
    score: (i * 7919) % 11,
    firstAnsweredAt: now,
    respondedAt: now,
    version: 1,
    ...responseModel.listed(now, inviteId),
  };
};
