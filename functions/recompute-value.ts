import { observedHandler } from '#shared/observability';
import { type RecomputeOutcome, recomputeValue } from '#shared/value/recompute';

/**
 * EventBridge Scheduler, daily, and POST /api/value/recompute (an asynchronous invoke): value tiers
 * and loyalty from the trailing 12 months of purchases, written where they changed.
 */
export const handler = observedHandler<unknown, RecomputeOutcome>().handler(() => recomputeValue());
