import type { ChurnKind } from '../store/retention.ts';
import { NO_PURCHASES_CLASS } from '../value/tiers.ts';
import { LEAVE_REASONS, type LeaveReason } from './reasons.ts';

/**
 * Win-back by value, as the loyalty practice prescribes: a key customer's loss is fought hardest,
 * an ordinary customer's is tried, a small one's is left to chance. When a customer is lost — no
 * purchase for CHURN_AFTER_DAYS (a lapse, found by the daily recompute) or marked churned by hand —
 * their value tier decides what follows: a win-back case with a priority and an SLA for the tiers
 * that have one (WINBACK_CASES), and one short "why did you leave?" email for the tiers that get
 * it (WINBACK_SURVEY_TIERS). A churn we ended ourselves gets neither.
 */
export const WIN_BACK_PRIORITIES = ['urgent', 'high', 'normal'] as const;
export type WinBackPriority = (typeof WIN_BACK_PRIORITIES)[number];

export interface WinBackCasePlan {
  priority: WinBackPriority;
  slaHours: number;
}

export interface WinBackPolicy {
  /** The tiers whose lost customers get a case, with its priority and SLA. */
  cases: Readonly<Record<string, WinBackCasePlan>>;
  /** The tiers whose lost customers are asked why they left; `*`: every tier with purchases. */
  surveyTiers: readonly string[] | '*';
}

export interface WinBackPlan {
  case?: WinBackCasePlan | undefined;
  survey: boolean;
}

/** `best:urgent:24,secondary:high:72` → the case plan per tier; throws a message naming the entry. */
export const parseWinBackCases = (setting: string): Record<string, WinBackCasePlan> => {
  const plans: Record<string, WinBackCasePlan> = {};
  for (const entry of setting
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [tier = '', priority = '', hours = '', ...rest] = entry.split(':').map((p) => p.trim());
    const slaHours = Number(hours);
    if (
      !tier ||
      rest.length > 0 ||
      !(WIN_BACK_PRIORITIES as readonly string[]).includes(priority) ||
      !Number.isFinite(slaHours) ||
      slaHours <= 0
    ) {
      throw new Error(
        `"${entry}" is not tier:priority:hours (priority one of ${WIN_BACK_PRIORITIES.join(', ')}, hours > 0)`,
      );
    }
    plans[tier] = { priority: priority as WinBackPriority, slaHours };
  }
  return plans;
};

/** `*`, or comma-separated tiers (empty: nobody is asked). */
export const parseSurveyTiers = (setting: string): readonly string[] | '*' =>
  setting.trim() === '*'
    ? '*'
    : setting
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);

/**
 * What a loss gets. `*` asks every tier but the customers with no purchases in the year (their
 * "value" is unknown, not small); a tier named explicitly is asked whatever it is.
 */
export const winBackPlanFor = (
  tier: string,
  churnKind: ChurnKind | undefined,
  policy: WinBackPolicy,
): WinBackPlan => {
  if (churnKind === 'ended-by-us') return { survey: false };
  const survey = policy.surveyTiers === '*' ? tier !== NO_PURCHASES_CLASS : policy.surveyTiers.includes(tier);
  return { case: policy.cases[tier], survey };
};

/**
 * A day (YYYY-MM-DD) plus whole days, in calendar days: the loss of a customer whose last purchase
 * was on day P is day P + CHURN_AFTER_DAYS, the first day they are no longer active
 * (shared/retention/churn.ts counts them lost from then).
 */
export const addDays = (day: string, days: number): string => {
  const [y = 0, m = 1, d = 1] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
};

/**
 * How far back the daily recompute looks for losses it has not acted on: a day it did not run (a
 * failed invocation) is caught up on by the next, and a case already opened is found, not doubled.
 */
export const LOSS_LOOKBACK_DAYS = 30;

/** The day a lapsed customer was lost, or undefined while they are still active on `today`. */
export const lapsedOn = (
  lastPurchaseDay: string,
  today: string,
  churnAfterDays: number,
): string | undefined => {
  const lostOn = addDays(lastPurchaseDay, churnAfterDays);
  return lostOn <= today ? lostOn : undefined;
};

/** Whether a loss of that day is one the daily pass still acts on. */
export const withinLookback = (lostOn: string, today: string): boolean =>
  lostOn <= today && lostOn > addDays(today, -LOSS_LOOKBACK_DAYS);

export const WIN_BACK_STATUSES = ['open', 'contacted', 'won-back', 'not-won'] as const;
export type WinBackStatus = (typeof WIN_BACK_STATUSES)[number];
/** Statuses of a case still being worked: the daily pass closes them when the customer buys again. */
export const ACTIVE_WIN_BACK_STATUSES = ['open', 'contacted'] as const satisfies readonly WinBackStatus[];

/** What the reason tallies read of a loss. */
export interface LossFacts {
  valueTier: string;
  trigger: 'lapsed' | 'marked';
  churnKind?: ChurnKind | undefined;
  surveyState: string;
  reason?: LeaveReason | undefined;
}

export interface TierReasons {
  tier: string;
  lost: number;
  /** Customers the "why did you leave?" email went to. */
  asked: number;
  answered: number;
  reasons: Record<LeaveReason, number>;
  /** Marked churns by kind; lapses (nobody said why) under `lapsed`. */
  kinds: Record<ChurnKind | 'lapsed', number>;
}

const zeroReasons = () => Object.fromEntries(LEAVE_REASONS.map((r) => [r, 0])) as Record<LeaveReason, number>;
const zeroKinds = (): TierReasons['kinds'] => ({
  lapsed: 0,
  natural: 0,
  competitor: 0,
  'our-fault': 0,
  'ended-by-us': 0,
});

/**
 * Why customers left, per value tier (in `tierOrder`, then any other tier met): how many were lost,
 * asked and answered, each reason's count and each kind of churn. Tiers with no loss are left out.
 */
export const tallyReasons = (losses: Iterable<LossFacts>, tierOrder: readonly string[]): TierReasons[] => {
  const byTier = new Map<string, TierReasons>();
  for (const loss of losses) {
    let t = byTier.get(loss.valueTier);
    if (!t) {
      t = {
        tier: loss.valueTier,
        lost: 0,
        asked: 0,
        answered: 0,
        reasons: zeroReasons(),
        kinds: zeroKinds(),
      };
      byTier.set(loss.valueTier, t);
    }
    t.lost++;
    if (loss.surveyState === 'sent') t.asked++;
    if (loss.reason) {
      t.answered++;
      t.reasons[loss.reason]++;
    }
    t.kinds[loss.trigger === 'lapsed' ? 'lapsed' : (loss.churnKind ?? 'natural')]++;
  }
  const rank = (tier: string) => {
    const i = tierOrder.indexOf(tier);
    return i === -1 ? tierOrder.length : i;
  };
  return [...byTier.values()].sort((a, b) => rank(a.tier) - rank(b.tier) || a.tier.localeCompare(b.tier));
};

/**
 * Whether a customer bought again after the loss named by `episode` (their last purchase before
 * it; `none`: they had none): any later purchase means they came back.
 */
export const boughtSince = (lastPurchaseDay: string | undefined, episode: string): boolean =>
  lastPurchaseDay !== undefined && (episode === NO_EPISODE || lastPurchaseDay > episode);

/** The episode of a loss with no purchase known before it. */
export const NO_EPISODE = 'none';
