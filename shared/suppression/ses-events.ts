import { z } from 'zod';
import { logger } from '../observability.ts';
import { suppressAddress } from '../store/suppressions.ts';

/**
 * SES event publishing (configuration set → SNS): the parts of Bounce and Complaint events that
 * decide a suppression. Other event types (Send, Delivery, Open, …) pass through untouched.
 */
const recipients = z.array(z.object({ emailAddress: z.string().min(3) }));
const sesEvent = z.discriminatedUnion('eventType', [
  z.object({
    eventType: z.literal('Bounce'),
    bounce: z.object({ bounceType: z.string(), bouncedRecipients: recipients }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    complaint: z.object({ complainedRecipients: recipients }),
  }),
]);

/** Addresses to suppress: permanent (hard) bounces and every complaint. Transient bounces are retried by SES. */
const suppressionsFrom = (message: unknown): Array<{ email: string; reason: string }> => {
  const type = (message as { eventType?: unknown } | null)?.eventType;
  if (type !== 'Bounce' && type !== 'Complaint') return [];
  const event = sesEvent.parse(message);
  if (event.eventType === 'Complaint') {
    return event.complaint.complainedRecipients.map((r) => ({ email: r.emailAddress, reason: 'complaint' }));
  }
  if (event.bounce.bounceType !== 'Permanent') return [];
  return event.bounce.bouncedRecipients.map((r) => ({ email: r.emailAddress, reason: 'hard-bounce' }));
};

/** Recipients who hard-bounced or complained are never surveyed again (protects the sender's reputation). */
export const recordSesEvent = async (message: unknown, now = new Date()): Promise<number> => {
  const suppressions = suppressionsFrom(message);
  for (const { email, reason } of suppressions) await suppressAddress(email, reason, now);
  if (suppressions.length)
    logger.info('addresses suppressed after SES feedback', { count: suppressions.length });
  return suppressions.length;
};
