import { failureText, MIN_LINK_LIFE_MS } from '../campaigns/send-invite.ts';
import { routeCase } from '../cases/routing.ts';
import { type Config, config } from '../config.ts';
import { renderLeaveEmail } from '../email/leave-email.ts';
import { EmailNotSentError, sendEmail } from '../email/send-email.ts';
import { count } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import { getCustomer } from '../store/customers.ts';
import { isErased } from '../store/erasure.ts';
import { lastPurchaseDayOnOrBefore } from '../store/purchases.ts';
import type { ChurnKind, ChurnMark } from '../store/retention.ts';
import { isSuppressed } from '../store/suppressions.ts';
import {
  claimLeaveSurvey,
  getLoss,
  type Loss,
  openLoss,
  settleLeaveSurvey,
  type WinBack,
} from '../store/winbacks.ts';
import { deriveLossId, signLeaveToken } from '../tokens/survey-token.ts';
import { NO_PURCHASES_CLASS } from '../value/tiers.ts';
import { NO_EPISODE, type WinBackPolicy, winBackPlanFor } from './policy.ts';

export const winBackPolicyOf = (c: Config): WinBackPolicy => ({
  cases: c.WINBACK_CASES,
  surveyTiers: c.WINBACK_SURVEY_TIERS,
});

/**
 * Routing rules see a win-back as an answer to this campaign: a rule on `campaign:win-back` routes
 * every win-back case, rules on customer attributes route them as they route detractor cases.
 */
export const WIN_BACK_ROUTING_CAMPAIGN = 'win-back';

/** A customer found lost: by the daily pass (a lapse) or by a churn mark. */
export interface LossSighting {
  customerId: string;
  /** Their last purchase day before the loss, or NO_EPISODE. */
  episode: string;
  lostOn: string;
  trigger: 'lapsed' | 'marked';
  churnKind?: ChurnKind | undefined;
  /** Their value tier now (the recompute's new one, or the customer record's). */
  valueTier?: string | undefined;
}

export interface OpenedLoss {
  lossId: string;
  outcome: 'opened' | 'exists' | 'erased' | 'unknown-customer';
  winBack: boolean;
  surveyState?: Loss['surveyState'];
}

const hoursAfter = (now: Date, hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();

export const lossIdOf = async (customerId: string, episode: string): Promise<string> =>
  deriveLossId(await tokenKey(), customerId, episode);

/**
 * Opens a loss as the customer's value tier says (shared/winback/policy.ts): with a win-back case
 * routed to an owner, and the "why did you leave?" email due, or neither. Once per loss: a second
 * sighting of the same loss (the other trigger, or a later pass) finds it and changes nothing.
 */
export const openWinBack = async (sighting: LossSighting, now: Date): Promise<OpenedLoss> => {
  const c = config();
  const lossId = await lossIdOf(sighting.customerId, sighting.episode);
  const customer = await getCustomer(sighting.customerId);
  if (!customer) return { lossId, outcome: 'unknown-customer', winBack: false };
  const valueTier = sighting.valueTier ?? customer.attributes.value ?? NO_PURCHASES_CLASS;
  const plan = winBackPlanFor(valueTier, sighting.churnKind, winBackPolicyOf(c));
  const openedAt = now.toISOString();
  const loss: Loss = {
    lossId,
    customerId: sighting.customerId,
    episode: sighting.episode,
    lostOn: sighting.lostOn,
    trigger: sighting.trigger,
    ...(sighting.churnKind ? { churnKind: sighting.churnKind } : {}),
    valueTier,
    openedAt,
    winBack: Boolean(plan.case),
    surveyState: plan.survey ? 'pending' : 'not-asked',
    ...(plan.survey ? { surveyExpiresAt: hoursAfter(now, c.TOKEN_TTL_DAYS * 24) } : {}),
    surveyAttempts: 0,
  };
  let winBack: WinBack | undefined;
  if (plan.case) {
    const routed = await routeCase({
      ownerId: customer.ownerId,
      attributes: customer.attributes,
      campaignId: WIN_BACK_ROUTING_CAMPAIGN,
    });
    winBack = {
      lossId,
      customerId: customer.id,
      ...(customer.name ? { name: customer.name } : {}),
      ...(routed.owner ? { ownerId: routed.owner.id } : {}),
      valueTier,
      priority: plan.case.priority,
      status: 'open',
      slaDueAt: hoursAfter(now, plan.case.slaHours),
      lostOn: loss.lostOn,
      trigger: loss.trigger,
      ...(loss.churnKind ? { churnKind: loss.churnKind } : {}),
      episode: loss.episode,
      openedAt,
      updatedAt: openedAt,
      notes: [],
    };
  }
  const outcome = await openLoss(loss, winBack);
  if (outcome === 'opened') count(winBack ? 'WinBackOpened' : 'LossRecorded');
  return { lossId, outcome, winBack: Boolean(winBack), surveyState: loss.surveyState };
};

/** The loss a churn mark names: the customer's last purchase on or before the day they were lost. */
export const sightingOfMark = async (mark: ChurnMark): Promise<LossSighting> => ({
  customerId: mark.customerId,
  episode: (await lastPurchaseDayOnOrBefore(mark.customerId, mark.on)) ?? NO_EPISODE,
  lostOn: mark.on,
  trigger: 'marked',
  churnKind: mark.kind,
});

/** Tries of one "why did you leave?" email that SES refused before it is given up. */
const LEAVE_SEND_ATTEMPTS = 3;
/** A claim left behind by a crash before the send is taken again after this long. */
const CLAIM_STALE_MS = 15 * 60_000;

/** The brand of emails that belong to no campaign: BRAND_NAME, else the sender address's domain. */
export const accountBrand = (c: Config): string =>
  c.BRAND_NAME ?? c.SENDER_EMAIL.split('@')[1] ?? c.SENDER_EMAIL;

/**
 * Sends the loss's "why did you leave?" email if it is due: once (a claim taken first makes two
 * racing passes send one), never to an unsubscribed or bounced address, never with a link about to
 * close, never after the customer's erasure began. An email SES certainly did not take is due again
 * (the next pass), given up after LEAVE_SEND_ATTEMPTS; one cut off in flight is not sent twice.
 * Returns the survey's state afterwards.
 */
export const sendLeaveSurvey = async (
  lossId: string,
  now = new Date(),
): Promise<Loss['surveyState'] | undefined> => {
  const loss = await getLoss(lossId);
  if (!loss || (loss.surveyState !== 'pending' && loss.surveyState !== 'sending')) return loss?.surveyState;
  const customer = await getCustomer(loss.customerId);
  const skip = async (why: string) => {
    await settleLeaveSurvey(lossId, { state: 'skipped', why });
    return 'skipped' as const;
  };
  if (!customer) return skip('customer not found');
  if (await isSuppressed(customer.email)) return skip('suppressed');
  const expiresAt = new Date(loss.surveyExpiresAt ?? now.toISOString());
  if (expiresAt.getTime() - now.getTime() < MIN_LINK_LIFE_MS) return skip('expired');
  if (!(await claimLeaveSurvey(lossId, now, new Date(now.getTime() - CLAIM_STALE_MS))))
    return loss.surveyState;
  try {
    // Checked after the claim: an erasure that began meanwhile (the loss not deleted yet) wins.
    if (await isErased(loss.customerId)) return skip('customer erased');
    const c = config();
    const email = renderLeaveEmail({
      publicUrl: c.PUBLIC_URL,
      token: signLeaveToken(await tokenKey(), lossId, expiresAt),
      brand: accountBrand(c),
      name: customer.name,
      locale: customer.locale,
    });
    await sendEmail(customer.email, email, { kind: 'leave-survey' });
  } catch (err: unknown) {
    if (!(err instanceof EmailNotSentError)) throw err;
    const attempts = loss.surveyAttempts + 1;
    if (!err.certain) return skip(`send cut off, not retried: ${failureText(err)}`);
    if (attempts >= LEAVE_SEND_ATTEMPTS) return skip(`given up: ${failureText(err)}`);
    await settleLeaveSurvey(lossId, { state: 'pending', attempts, error: failureText(err) });
    return 'pending';
  }
  await settleLeaveSurvey(lossId, { state: 'sent', sentAt: now.toISOString() });
  count('LeaveSurveySent');
  return 'sent';
};
