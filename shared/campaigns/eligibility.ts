import type { SurveySlot } from '../store/invites.ts';

/**
 * Who may be surveyed now. A customer gets at most one survey per `fatigueDays` across every
 * campaign (the slot remembers the last invite, whichever campaign sent it); a suppressed address
 * (unsubscribe, hard bounce, complaint) gets none; and one run invites a customer once — a retried
 * dispatch of the same run finds the slot it took itself and goes on.
 */
export type SurveyDecision =
  | { invite: true; slot: SurveySlot }
  | { invite: false; reason: 'suppressed' | 'fatigued' };

export interface SurveyCandidate {
  suppressed: boolean;
  /** The customer's slot as stored: when, and by which run, they were last invited. */
  lastSlot: SurveySlot | undefined;
  /** `campaignId/runId` of the run asking. */
  runKey: string;
  fatigueDays: number;
  now: Date;
}

const DAY_MS = 86_400_000;

export const surveyDecision = (c: SurveyCandidate): SurveyDecision => {
  if (c.suppressed) return { invite: false, reason: 'suppressed' };
  const slot = { invitedAt: c.now.toISOString(), runKey: c.runKey };
  if (!c.lastSlot || c.lastSlot.runKey === c.runKey) return { invite: true, slot };
  const rested = c.now.getTime() - new Date(c.lastSlot.invitedAt).getTime() > c.fatigueDays * DAY_MS;
  return rested ? { invite: true, slot } : { invite: false, reason: 'fatigued' };
};
