import type { Context } from 'aws-lambda';
import { type SendTotals, sendDueInvites } from '#shared/campaigns/send-invites';
import { invokeSender } from '#shared/campaigns/start-run';
import { observedHandler } from '#shared/observability';

/** Time kept back from the function's limit for the sends in flight to finish and be recorded. */
const RESERVE_MS = 10_000;

/**
 * The invite sender: started by a dispatch as soon as it has written invites, and every minute by
 * the scheduler. Sends what is due at the account's rate until its time is nearly up, then starts
 * itself again while invites are still due.
 */
const send = async (_event: unknown, context: Context): Promise<SendTotals> => {
  const totals = await sendDueInvites({
    until: Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS,
  });
  if (totals.more) await invokeSender();
  return totals;
};

export const handler = observedHandler<unknown, SendTotals>().handler(send);
