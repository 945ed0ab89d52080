import { z } from 'zod';
import { recordSendFeedback } from '../campaigns/run-health.ts';
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

/** The survey email an event is about, from the `invite` tag the sender gave it. */
const inviteTag = z.object({ mail: z.object({ tags: z.object({ invite: z.array(z.string()).min(1) }) }) });

/**
 * Recipients who hard-bounced or complained are never surveyed again (protects the sender's
 * reputation), and a survey email's bounce or complaint counts against its run, which pauses itself
 * past the rates it may reach (shared/campaigns/run-health.ts).
 */
export const recordSesEvent = async (message: unknown, now = new Date()): Promise<number> => {
  const suppressions = suppressionsFrom(message);
  for (const { email, reason } of suppressions) await suppressAddress(email, reason, now);
  const tagged = inviteTag.safeParse(message);
  const inviteId = tagged.success ? tagged.data.mail.tags.invite[0] : undefined;
  if (inviteId && suppressions.length > 0) {
    await recordSendFeedback(inviteId, suppressions[0]?.reason === 'complaint' ? 'complaint' : 'bounce', now);
  }
  if (suppressions.length)
    logger.info('addresses suppressed after SES feedback', { count: suppressions.length });
  return suppressions.length;
};
