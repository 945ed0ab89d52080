import type { Config } from '../config.ts';
import type { Case, CasePriority } from '../store/schemas.ts';

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

/**
 * Whose case it is to work: its owner's, and — once its SLA passed unacknowledged — also the
 * escalation owner's it was handed to (escalating brings someone in; it takes the case from nobody).
 */
export const CASE_WORKER_FIELDS = ['ownerId', 'escalatedTo'] as const satisfies ReadonlyArray<keyof Case>;

export const worksCase = (c: Pick<Case, (typeof CASE_WORKER_FIELDS)[number]>, ownerId: string): boolean =>
  CASE_WORKER_FIELDS.some((field) => c[field] === ownerId);
