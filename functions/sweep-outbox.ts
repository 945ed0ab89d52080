import middy from '@middy/core';
import { deliverDueAlerts } from '#shared/alerts/deliver';
import { sendStaleInvites } from '#shared/campaigns/dispatch';

/**
 * EventBridge Scheduler, every minute: retry what a first attempt left behind — survey emails a
 * crashed dispatch never sent, and alerts whose delivery failed and whose backoff has passed.
 */
const sweep = async () => {
  const [invitesSent, alerts] = await Promise.all([sendStaleInvites(), deliverDueAlerts()]);
  return { invitesSent, alerts };
};

export const handler = middy<unknown, Awaited<ReturnType<typeof sweep>>>({ timeoutEarlyInMillis: 0 }).handler(
  sweep,
);
