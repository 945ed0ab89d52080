import middy from '@middy/core';
import { escalateOverdueCases } from '#shared/cases/escalate';

/** EventBridge Scheduler, every minute: escalate open cases whose SLA passed unacknowledged. */
export const handler = middy<unknown, { escalated: string[] }>({ timeoutEarlyInMillis: 0 }).handler(() =>
  escalateOverdueCases(),
);
