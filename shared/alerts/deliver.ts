import { Webhook } from 'standardwebhooks';
import { Agent, fetch } from 'undici';
import { config } from '../config.ts';
import { sendEmail } from '../email/send-email.ts';
import { count, logger, redact } from '../observability.ts';
import { dueAlerts, leaseAlert, markAlertDelivered, markAlertFailed } from '../store/alerts.ts';
import { disableOwnerWebhook, getOwner } from '../store/owners.ts';
import type { Alert, Owner } from '../store/schemas.ts';
import { mapLimit } from '../util/concurrency.ts';
import { renderAlertEmail } from './alert-email.ts';
import { bodyForStyle, type DetractorAlert } from './payload.ts';
import { assertDeliverableUrl, deliverableLookup, isUnsafeUrlError } from './url-safety.ts';

const MAX_KEPT_ANSWER_BYTES = 1024;

/** Attempts allowed: the first, plus one per configured retry delay. */

/** When the next attempt may run after `attempts` failed ones; undefined once they are used up. */
export const nextAttemptAt = (attempts: number, now: Date, random = Math.random): Date | undefined => {
  const delays = config().ALERT_RETRY_DELAYS;
  if (attempts > delays.length) return undefined;
  const base = (delays[attempts - 1] ?? 0) * 1000;
  // ±25 % jitter, so receivers coming back up are not hit by every retry at once.
  return new Date(now.getTime() + Math.round(base * (0.75 + random() * 0.5)));
};

let agents: { public: Agent; local: Agent } | undefined;
/**
 * Every connection's addresses are checked as it connects, in local mode too: there loopback is
 * allowed as well, but a name that resolves to a private or metadata address is refused all the same.
 */
const agentFor = (localMode: boolean): Agent => {
  agents ??= {
    public: new Agent({ connect: { lookup: deliverableLookup(false) } }),
    local: new Agent({ connect: { lookup: deliverableLookup(true) } }),
  };
  return localMode ? agents.local : agents.public;
};

const readCapped = async (body: ReadableStream<Uint8Array> | null): Promise<string> => {
  if (!body) return '';
  const reader = body.getReader();
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

type Attempt =
  | { ok: true; statusCode?: number }
  | { ok: false; error: string; statusCode?: number; final?: boolean };

const postWebhook = async (alert: Alert, owner: Owner): Promise<Attempt> => {
  if (!owner.webhookUrl || !owner.webhookSecret)
    return { ok: false, error: 'owner has no webhook', final: true };
  if (owner.webhookDisabledAt) {
    return {
      ok: false,
      error: `webhook disabled: ${owner.webhookDisabledReason ?? 'receiver gone'}`,
      final: true,
    };
  }
  const c = config();
  const url = assertDeliverableUrl(owner.webhookUrl, c.LOCAL_MODE);
  const body = bodyForStyle(owner.style, JSON.parse(alert.payload) as DetractorAlert);
  const timestamp = new Date();
  const res = await fetch(url, {
    method: 'POST',
    // No redirect is followed: a 3xx is a failed attempt, so a redirect can never reach a host that
    // was not checked.
    redirect: 'manual',
    dispatcher: agentFor(c.LOCAL_MODE),
    signal: AbortSignal.timeout(c.ALERT_TIMEOUT_MS),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'nps-loop-alerts/1',
      'webhook-id': alert.alertId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(owner.webhookSecret).sign(alert.alertId, timestamp, body),
    },
    body,
  });
  const answer = await readCapped(res.body as ReadableStream<Uint8Array> | null);
  if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status };
  const error = `receiver answered ${res.status}${answer ? `: ${answer}` : ''}`;
  if (res.status === 410) {
    // The receiver says it is gone for good: stop posting to it and tell the admin (owners list, dashboard).
    await disableOwnerWebhook(owner.id, `receiver answered 410 Gone on ${timestamp.toISOString()}`);
    return { ok: false, error, statusCode: res.status, final: true };
  }
  return { ok: false, error, statusCode: res.status };
};

const sendAlertEmail = async (alert: Alert, owner: Owner): Promise<Attempt> => {
  if (!owner.email) return { ok: false, error: 'owner has no email address', final: true };
  await sendEmail(owner.email, renderAlertEmail(JSON.parse(alert.payload) as DetractorAlert, owner.locale), {
    kind: 'alert',
  });
  return { ok: true };
};

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead' | 'not-due';

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  /** When a retrying alert may be tried again. */
  nextAttemptAt?: Date;
}

/**
 * One delivery attempt of one alert, under a lease (only one deliverer at a time). The body and
 * webhook-id are the same on every attempt, so receivers can deduplicate; the signature is fresh.
 */
export const deliverAlert = async (alertId: string, now = new Date()): Promise<DeliveryResult> => {
  const alert = await leaseAlert(alertId, now, config().ALERT_TIMEOUT_MS * 3);
  if (!alert) return { outcome: 'not-due' };
  let attempt: Attempt;
  try {
    const owner = await getOwner(alert.ownerId);
    if (!owner) attempt = { ok: false, error: `owner ${alert.ownerId} no longer exists`, final: true };
    else
      attempt =
        alert.channel === 'email' ? await sendAlertEmail(alert, owner) : await postWebhook(alert, owner);
  } catch (err: unknown) {
    // A refused address is final whether the URL or its DNS answer was refused (fetch wraps the
    // latter in "fetch failed"): retrying cannot help, the admin must fix the owner, then re-drive.
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    attempt = {
      ok: false,
      error: err instanceof Error ? `${err.name}: ${err.message}${cause}` : String(err),
      final: isUnsafeUrlError(err),
    };
  }
  if (attempt.ok) {
    await markAlertDelivered(alert.alertId, attempt.statusCode ?? 0, new Date());
    count('AlertDelivered');
    return { outcome: 'delivered' };
  }
  // The error is kept on the alert and shown on the dashboard, not only logged: an SES error quotes
  // its recipient, and a receiver's answer may hold anything.
  const error = redact(attempt.error);
  const next = attempt.final ? undefined : nextAttemptAt(alert.attempts, new Date());
  if (!(await markAlertFailed(alert, { error, statusCode: attempt.statusCode }, next))) {
    logger.warn('alert attempt outlived its lease; its failure is not recorded', { alertId });
    return { outcome: 'not-due' };
  }
  logger.warn('alert delivery failed', {
    alertId,
    channel: alert.channel,
    attempts: alert.attempts,
    error,
    dead: !next,
  });
  count(next ? 'AlertRetried' : 'AlertDead');
  return next ? { outcome: 'retrying', nextAttemptAt: next } : { outcome: 'dead' };
};

/** The retry sweep: every due alert gets its next attempt (the safety net behind the queue). */
export const deliverDueAlerts = async (now = new Date()): Promise<Record<DeliveryOutcome, number>> => {
  const due: Alert[] = await dueAlerts(now);
  const counts: Record<DeliveryOutcome, number> = { delivered: 0, retrying: 0, dead: 0, 'not-due': 0 };
  await mapLimit(due, 8, async (a) => {
    counts[(await deliverAlert(a.alertId, now)).outcome]++;
  });
  return counts;
};
