import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { count } from '../observability.ts';
import type { RenderedEmail } from './survey-email.ts';

/**
 * Sends through SESv2 SendEmail with Simple content: SES builds the multipart HTML + text MIME,
 * and `Headers` carries List-Unsubscribe / List-Unsubscribe-Post (RFC 8058 one-click), which
 * mailbox providers require of bulk senders. Returns the SES message id.
 */
export const sendEmail = async (to: string, email: RenderedEmail, tags: Record<string, string> = {}) => {
  const c = config();
  const out = await getClients()
    .ses.send(
      new SendEmailCommand({
        FromEmailAddress: c.SENDER_EMAIL,
        Destination: { ToAddresses: [to] },
        ConfigurationSetName: c.SES_CONFIGURATION_SET,
        EmailTags: Object.entries(tags).map(([Name, Value]) => ({
          Name,
          Value: Value.replace(/[^\w-]/g, '_'),
        })),
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
      }),
    )
    .catch((err: unknown) => {
      count('EmailFailed');
      throw err;
    });
  count('EmailSent');
  if (!out.MessageId) throw new Error('SES accepted the email without returning a MessageId');
  return out.MessageId;
};
