import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { logger } from '../observability.ts';
import { newAlertPut } from '../store/alerts.ts';
import type { AlertChannel, Owner } from '../store/schemas.ts';
import { deliverAlert } from './deliver.ts';
import type { AlertType, DetractorAlert } from './payload.ts';

/** The channels an owner is reached on: their webhook (generic, Slack or Teams) and/or email. */
const channelsOf = (owner: Owner): AlertChannel[] => [
  ...(owner.webhookUrl && owner.webhookSecret ? (['webhook'] as const) : []),
  ...(owner.email ? (['email'] as const) : []),
];

export interface AlertDraft {
  /** Unique per alert-worthy event (e.g. invite + response version); the channel is appended. */
  eventId: string;
  caseId: string;
  customerId: string;
  owner: Owner;
  type: AlertType;
  payload: DetractorAlert;
  now: Date;
  /** When the first attempt is due: now (the default), or the end of the case's debounce. */
  sendAt?: Date;
  /** The alert replaces the case's debounced update still waiting under the same event id. */
  replacesPending?: boolean;
}

/**
 * The outbox rows for one alert, one per channel, to be written in the same transaction as the
 * case: either both exist or neither, so no alert is lost and none is raised twice.
 */
export const alertPuts = (draft: AlertDraft) => {
  const createdAt = draft.now.toISOString();
  const alertIds: string[] = [];
  const puts = channelsOf(draft.owner).map((channel) => {
    const alertId = `${draft.eventId}.${channel}`;
    alertIds.push(alertId);
    return newAlertPut(
      draft.customerId,
      {
        alertId,
        caseId: draft.caseId,
        ownerId: draft.owner.id,
        channel,
        type: draft.type,
        payload: JSON.stringify(draft.payload),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: (draft.sendAt ?? draft.now).toISOString(),
        createdAt,
      },
      { replacePending: draft.replacesPending },
    );
  });
  return { puts, alertIds };
};

/**
 * Hands committed alerts to delivery: to the alert queue on AWS (the deliver function retries with
 * backoff and dead-letters), inline where no queue is configured. If this fails the alerts are
 * still pending in the table, and the minute sweep delivers them: nothing is lost.
 */
export const queueAlerts = async (alertIds: string[]): Promise<void> => {
  if (alertIds.length === 0) return;
  const queueUrl = config().ALERT_QUEUE_URL;
  if (!queueUrl) {
    for (const alertId of alertIds) await deliverAlert(alertId);
    return;
  }
  try {
    for (let i = 0; i < alertIds.length; i += 10) {
      const chunk = alertIds.slice(i, i + 10);
      const out = await getClients().sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((alertId, n) => ({ Id: String(n), MessageBody: JSON.stringify({ alertId }) })),
        }),
      );
      if (out.Failed?.length)
        logger.warn('some alerts not queued; the sweep will deliver them', { failed: out.Failed });
    }
  } catch (err: unknown) {
    logger.warn('alerts not queued; the sweep will deliver them', { alertIds, err });
  }
};
