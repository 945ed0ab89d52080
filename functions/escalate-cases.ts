import { escalateOverdueCases } from '#shared/cases/escalate';
import { observedHandler } from '#shared/observability';

/** EventBridge Scheduler, every minute: escalate open cases whose SLA passed unacknowledged. */
export const handler = observedHandler<unknown, { escalated: string[] }>().handler(() =>
  escalateOverdueCases(),
);
