import { deliverDueAlerts } from '#shared/alerts/deliver';
import { restartStalledRuns, sendStaleInvites } from '#shared/campaigns/dispatch';
import { sendDueReminders } from '#shared/campaigns/remind';
import { observedHandler } from '#shared/observability';
import { sweepRecentErasures } from '#shared/store/erasure';

/**
 * EventBridge Scheduler, every minute: retry what a first attempt left behind — campaign runs whose
 * dispatch never started or died, survey emails never sent, alerts whose backoff (or debounce) has
 * passed, and what an erasure's first pass could not see yet — and send the reminders that have
 * come due.
 */
const sweep = async () => {
  const [runsRestarted, invitesSent, alerts, reminders, erasedLate] = await Promise.all([
    restartStalledRuns(),
    sendStaleInvites(),
    deliverDueAlerts(),
    sendDueReminders(),
    sweepRecentErasures(),
  ]);
  return { runsRestarted, invitesSent, alerts, reminders, erasedLate };
};

export const handler = observedHandler<unknown, Awaited<ReturnType<typeof sweep>>>().handler(sweep);
