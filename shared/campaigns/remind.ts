import { config } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { logger } from '../logger.ts';
import { tokenKey } from '../secrets.ts';
import { closeReminder, dueReminders, isSuppressed } from '../store/invites.ts';
import { getResponse } from '../store/responses.ts';
import type { Invite } from '../store/schemas.ts';
import { mapLimit } from '../util/concurrency.ts';
import { sendReminder } from './send-invite.ts';

const SEND_CONCURRENCY = 8;
/** A reminder whose link dies within the day would only frustrate: not sent. */
const MIN_LINK_LIFE_MS = 86_400_000;

export interface ReminderTotals {
  sent: number;
  skipped: number;
  failed: number;
}

/**
 * A reminder must come while the survey link still works, with the day of life a reminder needs
 * (sending can lag the invite's creation a little, so a full day is kept in hand besides).
 */
export const validateReminder = (reminderDays: number | undefined): void => {
  const linkDays = config().TOKEN_TTL_DAYS;
  const latest = linkDays - 2;
  if (reminderDays !== undefined && reminderDays > latest) {
    throw new ValidationError(
      `reminderDays must be at most ${latest}: survey links expire after ${linkDays} days`,
      'invalid_reminder',
    );
  }
};

/** Why an invite due for its reminder should not get it, if it should not. */
const reasonToSkip = async (invite: Invite, now: Date): Promise<string | undefined> => {
  if (await getResponse(invite.inviteId)) return 'answered';
  if (invite.unsubscribedAt || (await isSuppressed(invite.email))) return 'suppressed';
  if (new Date(invite.expiresAt).getTime() - now.getTime() < MIN_LINK_LIFE_MS) return 'expired';
  return undefined;
};

/**
 * The campaign rule "remind after N days": every sent invite of such a campaign that is still
 * unanswered N days later gets one reminder — never two, never after an answer, an unsubscribe, a
 * bounce or a complaint. Run by the minute sweep; a failed send stays due and is retried.
 */
export const sendDueReminders = async (now = new Date()): Promise<ReminderTotals> => {
  const due = await dueReminders(now);
  const totals: ReminderTotals = { sent: 0, skipped: 0, failed: 0 };
  if (due.length === 0) return totals;
  const key = await tokenKey();
  await mapLimit(due, SEND_CONCURRENCY, async (invite) => {
    try {
      const skip = await reasonToSkip(invite, now);
      if (skip) {
        await closeReminder(invite.inviteId, { skipped: skip });
        totals.skipped++;
      } else if (await sendReminder(invite, key, now)) {
        totals.sent++;
      }
    } catch (err: unknown) {
      totals.failed++;
      logger.error('reminder not sent; the next sweep retries', { inviteId: invite.inviteId, err });
    }
  });
  if (totals.sent + totals.skipped + totals.failed > 0) logger.info('reminders', { ...totals });
  return totals;
};
