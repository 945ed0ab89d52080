import type { Config } from '../config.ts';
import type { CasePriority } from '../store/schemas.ts';

export type PolicySettings = Pick<Config, 'KEY_TIERS' | 'SLA_HOURS_KEY' | 'SLA_HOURS_DEFAULT'>;

/**
 * Priority and SLA by the customer's tier at answer time: key customers' losses are fought
 * hardest — high priority and the shorter clock.
 */
export const casePolicy = (
  tier: string | undefined,
  settings: PolicySettings,
): { priority: CasePriority; slaHours: number } => {
  const key = tier !== undefined && settings.KEY_TIERS.includes(tier.trim().toLowerCase());
  return key
    ? { priority: 'high', slaHours: settings.SLA_HOURS_KEY }
    : { priority: 'normal', slaHours: settings.SLA_HOURS_DEFAULT };
};

export const slaDueAt = (openedAt: Date, slaHours: number): string =>
  new Date(openedAt.getTime() + slaHours * 3_600_000).toISOString();
