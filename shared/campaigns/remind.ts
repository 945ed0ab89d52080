import { config } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { count, logger } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import { closeReminder, deferReminder, dueReminders } from '../store/invites.ts';
import { getResponse } from '../store/responses.ts';
import type { Invite } from '../store/schemas.ts';
import { isSuppressed } from '../store/suppressions.ts';
import { mapLimit } from '../util/concurrency.ts';
import { MIN_LINK_LIFE_MS, sendReminder } from './send-invite.ts';

const SEND_CONCURRENCY = 8;

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

const PAGE = 100;
/** The sweep runs every minute with a 60 s limit: reminders get most of it, the rest stays due. */
const BUDGET_MS = 40_000;
const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 15 * 60_000;

/**
 * The campaign rule "remind after N days": every sent invite of such a campaign that is still
 * unanswered N days later gets one reminder — never two, never after an answer, an unsubscribe, a
 * bounce or a complaint. Run by the minute sweep, a page at a time while its budget lasts. A failed
 * send comes back after 15 min, 30 min, 1 h, 2 h; after five failures the reminder is given up.
 */
export const sendDueReminders = async (now = new Date(), pageSize = PAGE): Promise<ReminderTotals> => {
  const totals: ReminderTotals = { sent: 0, skipped: 0, failed: 0 };
  const deadline = Date.now() + BUDGET_MS;
  const seen = new Set<string>();
  let key: string | undefined;
  for (;;) {
    // Handled invites leave the index; any still listed (another sweep holds it) is not re-tried.
    const due = (await dueReminders(now, pageSize)).filter((i) => !seen.has(i.inviteId));
    if (due.length === 0) break;
    key ??= await tokenKey();
    const tokenKeyNow = key;
    await mapLimit(due, SEND_CONCURRENCY, async (invite) => {
      seen.add(invite.inviteId);
      try {
        const skip = await reasonToSkip(invite, now);
        if (skip) {
          if (skip === 'suppressed') count('EmailSuppressed');
          await closeReminder(invite.inviteId, { skipped: skip });
          totals.skipped++;
        } else if (await sendReminder(invite, tokenKeyNow, now)) {
          totals.sent++;
        }
      } catch (err: unknown) {
        totals.failed++;
        const attempts = (invite.reminderAttempts ?? 0) + 1;
        logger.error('reminder not sent', { inviteId: invite.inviteId, attempts, err });
        if (attempts >= MAX_ATTEMPTS) await closeReminder(invite.inviteId, { skipped: 'failed' });
        else
          await deferReminder(
            invite.inviteId,
            new Date(now.getTime() + RETRY_BASE_MS * 2 ** (attempts - 1)),
            attempts,
          );
      }
    });
    if (Date.now() > deadline) break;
  }
  if (totals.sent + totals.skipped + totals.failed > 0) logger.info('reminders', { ...totals });
  return totals;
};
