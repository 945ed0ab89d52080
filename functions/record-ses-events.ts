import type { SNSEvent } from 'aws-lambda';
import { CORRELATION, observedHandler } from '#shared/observability';
import { recordSesEvent } from '#shared/suppression/ses-events';

/**
 * SNS (SES configuration-set events): hard bounces and complaints become suppressions. A message
 * that cannot be read fails the invocation, so SNS retries it rather than dropping it silently.
 */
const recordEvents = async (event: SNSEvent): Promise<{ suppressed: number }> => {
  let suppressed = 0;
  for (const record of event.Records) suppressed += await recordSesEvent(JSON.parse(record.Sns.Message));
  return { suppressed };
};

export const handler = observedHandler<SNSEvent, { suppressed: number }>(CORRELATION.notification).handler(
  recordEvents,
);
