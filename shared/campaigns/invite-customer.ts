import { getSurveySlot, type SurveySlot, takeSurveySlot } from '../store/invites.ts';
import type { Campaign, Customer, Invite } from '../store/schemas.ts';
import { surveyDecision } from './eligibility.ts';
import { wordingFor } from './save-campaign.ts';

/** A slot taken by another run meanwhile is read and decided again at most this often. */
const MAX_SLOT_ATTEMPTS = 5;

/**
 * Decides whether the customer may be surveyed by this run (a campaign run, or one event-triggered
 * survey) and takes their survey slot if so; decides again if another run took the slot since it
 * was read. `taken`, or why not.
 */
export const claimSurveySlot = async (c: {
  customerId: string;
  suppressed: boolean;
  slotAsRead: SurveySlot | undefined;
  runKey: string;
  fatigueDays: number;
  now: Date;
}): Promise<'taken' | 'suppressed' | 'fatigued' | 'erased'> => {
  let lastSlot = c.slotAsRead;
  for (let attempt = 0; attempt < MAX_SLOT_ATTEMPTS; attempt++) {
    const decision = surveyDecision({ ...c, lastSlot });
    if (!decision.invite) return decision.reason;
    const taken = await takeSurveySlot(c.customerId, decision.slot, lastSlot);
    if (taken !== 'changed') return taken;
    // Another run took the slot since it was read: decide again on what it holds now.
    lastSlot = await getSurveySlot(c.customerId);
  }
  throw new Error(`survey slot of customer ${c.customerId} kept changing`);
};

/** The invite of one customer in one run: who, in the campaign's wording for their locale. */
export const inviteFor = (
  customer: Customer,
  campaign: Campaign,
  run: { inviteId: string; runId: string },
  times: { createdAt: string; expiresAt: string; sendAfter?: string },
): Invite => ({
  inviteId: run.inviteId,
  campaignId: campaign.id,
  runId: run.runId,
  customerId: customer.id,
  email: customer.email,
  name: customer.name,
  locale: customer.locale,
  ownerId: customer.ownerId,
  attributes: customer.attributes,
  ...wordingFor(campaign, customer.locale),
  reminderDays: campaign.reminderDays,
  ...times,
});
