import { runDueSchedules } from '#shared/campaigns/run-schedules';
import { observedHandler } from '#shared/observability';

/** EventBridge Scheduler, every minute: start every campaign run that is due. */
export const handler = observedHandler<unknown, { started: string[] }>().handler(async () => ({
  started: await runDueSchedules(),
}));
