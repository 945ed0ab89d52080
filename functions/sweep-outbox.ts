import { deliverDueAlerts } from '#shared/alerts/deliver';
import { restartStalledRuns } from '#shared/campaigns/dispatch';
import { sendDueReminders } from '#shared/campaigns/remind';
import { observedHandler } from '#shared/observability';
import { sweepRecentErasures } from '#shared/store/erasure';

/**
 * EventBridge Scheduler, every minute: retry what a first attempt left behind — campaign runs whose
 * dispatch never started or died (invites are the sender's, functions/send-invites.ts), alerts whose backoff (or debounce) has
 * passed, and what an erasure's first pass could not see yet — and send the reminders that have
 * come due.
 */
const sweep = async () => {
  const jobs = {
    runsRestarted: restartStalledRuns(),
    alerts: deliverDueAlerts(),
    reminders: sendDueReminders(),
    erasedLate: sweepRecentErasures(),
  };
  // Each job runs to its end whatever the others do (one failing must not cut the deliveries of
  // another short); the invocation fails afterwards if any did, so it is seen and retried.
  const settled = await Promise.allSettled(Object.values(jobs));
  const failed = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failed.length > 0) throw new AggregateError(failed, `${failed.length} sweep job(s) failed`);
  return Object.fromEntries(
    Object.keys(jobs).map((name, i) => [name, (settled[i] as PromiseFulfilledResult<unknown>).value]),
  );
};

export const handler = observedHandler<unknown, Record<string, unknown>>().handler(sweep);
