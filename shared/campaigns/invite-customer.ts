import type { TransactItem } from '../store/db.ts';
import { getSurveySlot, type SurveySlot, takeSlotAndPutInvite, takeSurveySlot } from '../store/invites.ts';
import type { Campaign, Customer, Invite } from '../store/schemas.ts';
import { surveyDecision } from './eligibility.ts';
import { wordingFor } from './save-campaign.ts';

/** A slot taken by another run meanwhile is read and decided again at most this often. */
const MAX_SLOT_ATTEMPTS = 5;

export interface SlotCandidate {
  customerId: string;
  suppressed: boolean;
  slotAsRead: SurveySlot | undefined;
  runKey: string;
  fatigueDays: number;
  now: Date;
}

/**
 * Decides whether the customer may be surveyed by this run and, if so, makes `take` write the slot
 * (with whatever goes with it); decides again on what the slot holds now if another run took it
 * since it was read. `taken`, or why not.
 */
const decideAndTake = async (
  c: SlotCandidate,
  take: (slot: SurveySlot, seen: SurveySlot | undefined) => Promise<'taken' | 'changed' | 'erased'>,
): Promise<'taken' | 'suppressed' | 'fatigued' | 'erased'> => {
  let lastSlot = c.slotAsRead;
  for (let attempt = 0; attempt < MAX_SLOT_ATTEMPTS; attempt++) {
    const decision = surveyDecision({ ...c, lastSlot });
    if (!decision.invite) return decision.reason;
    const taken = await take(decision.slot, lastSlot);
    if (taken !== 'changed') return taken;
    // Another run took the slot since it was read: decide again on what it holds now.
    lastSlot = await getSurveySlot(c.customerId);
  }
  throw new Error(`survey slot of customer ${c.customerId} kept changing`);
};

/** Takes the customer's survey slot for a run (one event-triggered survey), if they may be surveyed. */
export const claimSurveySlot = (c: SlotCandidate) =>
  decideAndTake(c, (slot, seen) => takeSurveySlot(c.customerId, slot, seen));

/**
 * A campaign run's decision and write for one customer: the slot and the invite (with `alongside`,
 * the run's counters) in one transaction, if they may be surveyed. `taken` also when an earlier
 * attempt of this run wrote them already.
 */
export const claimSlotWithInvite = (c: SlotCandidate, invite: Invite, alongside: TransactItem[]) =>
  decideAndTake(c, async (slot, seen) => {
    const outcome = await takeSlotAndPutInvite(invite, slot, seen, alongside);
    return outcome === 'written' || outcome === 'exists' ? 'taken' : outcome;
  });

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
