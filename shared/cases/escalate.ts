import { alertPuts, queueAlerts } from '../alerts/outbox.ts';
import { buildAlert } from '../alerts/payload.ts';
import { config } from '../config.ts';
import { logger } from '../observability.ts';
import { caseEscalationWrite, overdueOpenCases } from '../store/cases.ts';
import { getCustomer } from '../store/customers.ts';
import { transactWrite } from '../store/db.ts';
import { customerNotErasedCheck } from '../store/erasure.ts';
import { getOwner } from '../store/owners.ts';
import { getResponse } from '../store/responses.ts';
import type { Case, Owner } from '../store/schemas.ts';
import { mapLimit } from '../util/concurrency.ts';
import { caseNotes } from './lifecycle.ts';

/**
 * Escalates one overdue case to the fallback owner: the case is marked escalated and the alert to
 * that owner is queued in one transaction, conditional on the case still being open, overdue and
 * never escalated — so however often the check runs, a case is escalated once. False when it was
 * not (acknowledged meanwhile, or escalated by an overlapping run).
 */
const escalateCase = async (c: Case, fallback: Owner | undefined, now: Date): Promise<boolean> => {
  const [response, customer] = fallback
    ? await Promise.all([getResponse(c.inviteId), getCustomer(c.customerId)])
    : [undefined, undefined];
  const outbox =
    fallback && response
      ? alertPuts({
          eventId: `${c.caseId}.escalated`,
          caseId: c.caseId,
          customerId: c.customerId,
          owner: fallback,
          type: 'detractor.updated',
          payload: buildAlert({
            type: 'detractor.updated',
            caseItem: { caseId: c.caseId, status: 'open', slaDueAt: c.slaDueAt },
            response,
            customer: customer ?? {
              id: c.customerId,
              name: undefined,
              email: '',
              attributes: c.attributes ?? {},
            },
            owner: fallback,
            publicUrl: config().PUBLIC_URL,
          }),
          // `now` is what the SLA is judged against; the alert itself is due at once, by the clock.
          now: new Date(),
        })
      : { puts: [], alertIds: [] };
  const note = caseNotes.escalated(c.slaDueAt, fallback?.id, now);
  // Nothing is written for a customer erased meanwhile: the alert would carry their name and comment.
  const result = await transactWrite([
    caseEscalationWrite(c, fallback?.id, note, now),
    ...outbox.puts,
    customerNotErasedCheck(c.customerId),
  ]);
  if (!result.committed) return false;
  // Committed: the alerts are in the outbox, so a failed hand-over here is retried by the sweep.
  await queueAlerts(outbox.alertIds);
  return true;
};

/**
 * The SLA check (every minute): every open case whose SLA passed without acknowledgement goes to
 * the escalation owner (ESCALATION_OWNER_ID, else DEFAULT_OWNER_ID). Reads only overdue,
 * unescalated open cases — one key range of the byKind index — never the whole case list.
 */
export const escalateOverdueCases = async (now = new Date()): Promise<{ escalated: string[] }> => {
  const due = await overdueOpenCases(now);
  if (due.length === 0) return { escalated: [] };
  const c = config();
  const fallbackId = c.ESCALATION_OWNER_ID ?? c.DEFAULT_OWNER_ID;
  const fallback = fallbackId ? await getOwner(fallbackId) : undefined;
  if (!fallback) {
    // Still marked escalated: the breach is recorded and shown, even with nobody to alert.
    logger.warn('cases breached their SLA but no escalation owner exists', { fallbackId, cases: due.length });
  }
  const escalated: string[] = [];
  await mapLimit(due, 4, async (item) => {
    if (await escalateCase(item, fallback, now)) escalated.push(item.caseId);
  });
  return { escalated };
};
