import { deliverDueAlerts } from '#shared/alerts/deliver';
import { restartStalledRuns, sendStaleInvites } from '#shared/campaigns/dispatch';
import { sendDueReminders } from '#shared/campaigns/remind';
import { observedHandler } from '#shared/observability';

/**
 * EventBridge Scheduler, every minute: retry what a first attempt left behind — campaign runs whose
 * dispatch never started or died, survey emails never sent, and alerts whose backoff has passed —
 * and send the reminders that have come due.
 */
const sweep = async () => {
  const [runsRestarted, invitesSent, alerts, reminders] = await Promise.all([
    restartStalledRuns(),
    sendStaleInvites(),
    deliverDueAlerts(),
    sendDueReminders(),
  ]);
  return { runsRestarted, invitesSent, alerts, reminders };
};

export const handler = observedHandler<unknown, Awaited<ReturnType<typeof sweep>>>().handler(sweep);
