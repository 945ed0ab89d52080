import middy from '@middy/core';
import { deliverDueAlerts } from '#shared/alerts/deliver';
import { restartStalledRuns, sendStaleInvites } from '#shared/campaigns/dispatch';

/**
 * EventBridge Scheduler, every minute: retry what a first attempt left behind — campaign runs whose
 * dispatch never started or died, survey emails never sent, and alerts whose backoff has passed.
 */
const sweep = async () => {
  const [runsRestarted, invitesSent, alerts] = await Promise.all([
    restartStalledRuns(),
    sendStaleInvites(),
    deliverDueAlerts(),
  ]);
  return { runsRestarted, invitesSent, alerts };
};

export const handler = middy<unknown, Awaited<ReturnType<typeof sweep>>>({ timeoutEarlyInMillis: 0 }).handler(
  sweep,
);
