import { Webhook } from 'standardwebhooks';
import { config } from '../config.ts';
import { logger } from '../logger.ts';
import { dueAlerts, leaseAlert, markAlertDelivered, markAlertFailed } from '../store/alerts.ts';
import { getOwner } from '../store/owners.ts';
import type { Alert } from '../store/schemas.ts';
import { mapLimit } from '../util/concurrency.ts';
import { bodyForStyle, type DetractorAlert } from './payload.ts';
import { assertDeliverableUrl, UnsafeUrlError } from './url-safety.ts';

/** Delays before attempts 2..8: about a day in all, with jitter so receivers are not stampeded. */
export const RETRY_DELAYS_MS = [
  30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
const MAX_KEPT_ANSWER_BYTES = 1024;

export const nextAttemptAt = (attempts: number, now: Date, random = Math.random): Date | undefined => {
  if (attempts >= MAX_ATTEMPTS) return undefined;
  const base = RETRY_DELAYS_MS[attempts - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1] ?? 60_000;
  return new Date(now.getTime() + Math.round(base * (0.75 + random() * 0.5)));
};

const readCapped = async (res: Response): Promise<string> => {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_KEPT_ANSWER_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).subarray(0, MAX_KEPT_ANSWER_BYTES).toString('utf8');
};

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead' | 'not-due';

/**
 * One delivery attempt of one alert, under a lease. The body and webhook-id are the same on every
 * attempt, so receivers can deduplicate; the signature is fresh (its timestamp is checked).
 */
export const deliverAlert = async (alertId: string, now = new Date()): Promise<DeliveryOutcome> => {
  const c = config();
  const alert = await leaseAlert(alertId, now, c.ALERT_TIMEOUT_MS * 3);
  if (!alert) return 'not-due';
  const fail = async (error: string, statusCode?: number) => {
    const next = nextAttemptAt(alert.attempts, new Date());
    await markAlertFailed(alert, { error, statusCode }, next);
    logger.warn('alert delivery failed', {
      alertId,
      attempts: alert.attempts,
      statusCode,
      error,
      dead: !next,
    });
    return next ? 'retrying' : 'dead';
  };
  const owner = await getOwner(alert.ownerId);
  if (!owner?.webhookUrl || !owner.webhookSecret) return fail('owner has no webhook configured');
  try {
    const url = await assertDeliverableUrl(owner.webhookUrl, c.LOCAL_MODE);
    const generic = JSON.parse(alert.payload) as DetractorAlert;
    const body = bodyForStyle(owner.style, generic);
    const timestamp = new Date();
    const signature = new Webhook(owner.webhookSecret).sign(alert.alertId, timestamp, body);
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(c.ALERT_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'nps-loop-alerts/1',
        'webhook-id': alert.alertId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    });
    const answer = await readCapped(res);
    if (res.status >= 200 && res.status < 300) {
      await markAlertDelivered(alert.alertId, res.status, new Date());
      return 'delivered';
    }
    return fail(`receiver answered ${res.status}${answer ? `: ${answer}` : ''}`, res.status);
  } catch (err: unknown) {
    if (err instanceof UnsafeUrlError) return fail(err.message);
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return fail(message);
  }
};

/** The retry sweep: every due alert gets its next attempt. */
export const deliverDueAlerts = async (now = new Date()): Promise<Record<DeliveryOutcome, number>> => {
  const due: Alert[] = await dueAlerts(now);
  const counts: Record<DeliveryOutcome, number> = { delivered: 0, retrying: 0, dead: 0, 'not-due': 0 };
  await mapLimit(due, 8, async (a) => {
    counts[await deliverAlert(a.alertId, now)]++;
  });
  return counts;
};
