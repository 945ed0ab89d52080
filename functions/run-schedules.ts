import middy from '@middy/core';
import { runDueSchedules } from '#shared/campaigns/run-schedules';

/** EventBridge Scheduler, every minute: start every campaign run that is due. */
export const handler = middy<unknown, { started: string[] }>({ timeoutEarlyInMillis: 0 }).handler(
  async () => ({
    started: await runDueSchedules(),
  }),
);
