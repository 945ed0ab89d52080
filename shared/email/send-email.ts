import { SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { count } from '../observability.ts';
import { sendRate } from './send-rate.ts';
import type { RenderedEmail } from './survey-email.ts';

/** Tries of one email that SES throttles, each after a longer pause: 0.5, 1, 2, 4 s. */
const THROTTLED_ATTEMPTS = 5;
const throttleBackOffMs = (attempt: number) => 500 * 2 ** (attempt - 1);

const THROTTLE_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

/** SES said "too fast" (its send rate, or its API rate): the email was not sent; try again later. */
export const isThrottled = (err: unknown): boolean =>
  err instanceof Error &&
  (THROTTLE_NAMES.has(err.name) ||
    (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 429);

/** Connections that never reached SES: nothing can have been sent. */
const UNREACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether SES certainly did not take the email: it answered with an error (a refusal, a throttle),
 * or it was never reached. A send cut off in flight (a timeout, a reset connection) may have been
 * taken: that one must not be sent again, or someone may get it twice.
 */
export const certainlyNotSent = (err: unknown): boolean => {
  if (err instanceof SESv2ServiceException) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNREACHED.has(code);
};

/**
 * An email SES did not take: SES's own error, as it came (its name, its already redacted message,
 * its metadata), marked `certain` when the email surely has not been sent.
 */
export class EmailNotSentError extends Error {
  readonly certain: boolean;
  readonly $metadata: unknown;
  constructor(err: unknown) {
    super(err instanceof Error ? err.message : String(err));
    this.name = err instanceof Error ? err.name : 'Error';
    if (err instanceof Error && err.stack) this.stack = err.stack;
    this.$metadata = (err as { $metadata?: unknown } | null)?.$metadata;
    this.certain = certainlyNotSent(err);
  }
}

/**
 * Sends through SESv2 SendEmail with Simple content: SES builds the multipart HTML + text MIME,
 * and `Headers` carries List-Unsubscribe / List-Unsubscribe-Post (RFC 8058 one-click), which
 * mailbox providers require of bulk senders. Every email waits for its turn at the account's send
 * rate first; one that SES throttles anyway waits longer (and holds back every sender of this
 * process meanwhile) and is tried again, a few times. `beforeSend` runs once the turn has come,
 * right before the first try, and may call the send off (returns false): an invite takes its send
 * lease there, so that the lease covers the send and nothing else. Returns the SES message id, or
 * undefined when called off; throws EmailNotSentError.
 */
export const sendEmailOnTurn = async (
  to: string,
  email: RenderedEmail,
  tags: Record<string, string>,
  beforeSend?: () => Promise<boolean>,
): Promise<string | undefined> => {
  const c = config();
  const command = new SendEmailCommand({
    FromEmailAddress: c.SENDER_EMAIL,
    Destination: { ToAddresses: [to] },
    ConfigurationSetName: c.SES_CONFIGURATION_SET,
    EmailTags: Object.entries(tags).map(([Name, Value]) => ({ Name, Value: Value.replace(/[^\w-]/g, '_') })),
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: {
          Html: { Data: email.html, Charset: 'UTF-8' },
          Text: { Data: email.text, Charset: 'UTF-8' },
        },
        Headers: email.unsubscribeUrl
          ? [
              { Name: 'List-Unsubscribe', Value: `<${email.unsubscribeUrl}>` },
              { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
            ]
          : undefined,
      },
    },
  });
  const rate = sendRate();
  for (let attempt = 1; ; attempt++) {
    await rate.take();
    if (attempt === 1 && beforeSend && !(await beforeSend())) return undefined;
    try {
      const out = await getClients().ses.send(command);
      count('EmailSent');
      if (!out.MessageId) throw new Error('SES accepted the email without returning a MessageId');
      return out.MessageId;
    } catch (err: unknown) {
      if (isThrottled(err) && attempt < THROTTLED_ATTEMPTS) {
        count('EmailThrottled');
        rate.backOff(throttleBackOffMs(attempt));
        continue;
      }
      count('EmailFailed');
      throw new EmailNotSentError(err);
    }
  }
};

/** sendEmailOnTurn for an email with nothing to check at its turn. Returns the SES message id. */
export const sendEmail = async (
  to: string,
  email: RenderedEmail,
  tags: Record<string, string> = {},
): Promise<string> => {
  const messageId = await sendEmailOnTurn(to, email, tags);
  if (messageId === undefined) throw new Error('an email without a check before it was called off');
  return messageId;
};
