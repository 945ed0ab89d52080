import type { SurveyRequestInput } from '../api/inputs.ts';
import { config } from '../config.ts';
import { saveCustomers } from '../customers/save-customers.ts';
import { NotFoundError } from '../errors.ts';
import { logger } from '../observability.ts';
import { tokenKey } from '../secrets.ts';
import { getCampaign } from '../store/campaigns.ts';
import { getCustomer } from '../store/customers.ts';
import { getInvite, getSurveySlot, putInviteOnce } from '../store/invites.ts';
import { isSuppressed } from '../store/suppressions.ts';
import { deriveInviteId } from '../tokens/survey-token.ts';
import { claimSurveySlot, inviteFor } from './invite-customer.ts';
import { sendInvite } from './send-invite.ts';
import { nextWindowOpening, recipientTimeZone } from './send-window.ts';

export type SurveyRequestResult =
  | { scheduled: true; inviteId: string; sendAfter: string }
  | { scheduled: false; skipped: 'suppressed' | 'fatigued' | 'erased' };

/**
 * An event-triggered survey (a help desk closing a ticket): one invite for one customer of a
 * campaign (its wording and fatigue rule), sent after the delay, under the same suppression and
 * fatigue rules as a campaign run, and inside its send window in the customer's own time (a
 * survey due outside it waits for the window's opening). The invite id is derived from the campaign and the caller's
 * idempotency key, so the same key never makes a second invite, whatever it is sent with. A zero
 * delay sends at once; a later one is listed for the minute sweep by its send time.
 */
export const requestSurvey = async (
  input: SurveyRequestInput,
  now = new Date(),
): Promise<SurveyRequestResult> => {
  const [campaign, key] = await Promise.all([getCampaign(input.campaignId), tokenKey()]);
  if (!campaign) throw new NotFoundError(`campaign ${input.campaignId} does not exist`);
  const inviteId = deriveInviteId(key, campaign.id, `event:${input.idempotencyKey}`, '');
  const sendAfter = new Date(now.getTime() + (input.delay ?? 0));
  const replayed = await getInvite(inviteId, true);
  if (replayed) return { scheduled: true, inviteId, sendAfter: replayed.sendAfter ?? replayed.createdAt };

  if (typeof input.customer !== 'string') await saveCustomers([input.customer]);
  const customerId = typeof input.customer === 'string' ? input.customer : input.customer.id;
  const customer = await getCustomer(customerId);
  if (!customer) throw new NotFoundError(`customer ${customerId} does not exist`);

  const runId = `event:${input.idempotencyKey}`;
  const [suppressed, slotAsRead] = await Promise.all([
    isSuppressed(customer.email),
    getSurveySlot(customer.id),
  ]);
  const claim = await claimSurveySlot({
    customerId: customer.id,
    suppressed,
    slotAsRead,
    runKey: `${campaign.id}/${runId}`,
    fatigueDays: campaign.fatigueDays,
    now,
  });
  if (claim !== 'taken') return { scheduled: false, skipped: claim };

  // After the delay, and inside the campaign's send window in the customer's own time.
  const timeZone = recipientTimeZone(customer.attributes, campaign.schedule?.timezone ?? config().TIME_ZONE);
  const opening = campaign.sendWindow
    ? nextWindowOpening(campaign.sendWindow, timeZone, sendAfter)
    : undefined;
  const goesAt = opening ?? sendAfter;
  const written = await putInviteOnce({
    ...inviteFor(
      customer,
      campaign,
      { inviteId, runId },
      {
        createdAt: now.toISOString(),
        sendAfter: goesAt.toISOString(),
        expiresAt: new Date(goesAt.getTime() + config().TOKEN_TTL_DAYS * 86_400_000).toISOString(),
      },
    ),
    ...(campaign.sendWindow ? { sendWindow: campaign.sendWindow, timeZone } : {}),
  });
  if ('erased' in written) return { scheduled: false, skipped: 'erased' };
  if (goesAt.getTime() <= now.getTime()) {
    // Sent now; if SES fails, the invite stays listed and the sweep retries it.
    await sendInvite(written.invite, key, now).catch((err: unknown) =>
      logger.warn('event survey not sent at once; the sweep will retry', { inviteId, err }),
    );
  }
  return { scheduled: true, inviteId, sendAfter: goesAt.toISOString() };
};
