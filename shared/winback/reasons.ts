import type { MessageKey } from '../email/messages.ts';

/**
 * Why a lost customer left: a closed list, so answers can be counted per reason, in the order the
 * email and the page show them; the comment says the rest (and what `other` means).
 */
export const LEAVE_REASONS = [
  'price',
  'quality',
  'service',
  'competitor',
  'no-longer-needed',
  'other',
] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];

const REASON_KEYS: Record<LeaveReason, MessageKey> = {
  price: 'leaveReasonPrice',
  quality: 'leaveReasonQuality',
  service: 'leaveReasonService',
  competitor: 'leaveReasonCompetitor',
  'no-longer-needed': 'leaveReasonNoLongerNeeded',
  other: 'leaveReasonOther',
};

/** The catalog key of a reason's label, the same words in the email and on the page. */
export const leaveReasonKey = (reason: LeaveReason): MessageKey => REASON_KEYS[reason];
