import { randomBytes } from 'node:crypto';
import type { CampaignInput } from '../api/inputs.ts';
import { getCampaign, putCampaign } from '../store/campaigns.ts';
import type { Campaign } from '../store/schemas.ts';

const DEFAULT_BRAND = 'our company';
/** One survey per customer per 30 days across all campaigns, unless the campaign says otherwise. */
const DEFAULT_FATIGUE_DAYS = 30;

const newCampaignId = (): string => `cmp_${randomBytes(6).toString('hex')}`;

/** Creates or replaces a campaign; a replaced one keeps its creation time. */
export const saveCampaign = async (
  input: CampaignInput,
  nextRunAt: Date | undefined,
  now = new Date(),
): Promise<Campaign> => {
  const existing = input.id ? await getCampaign(input.id) : undefined;
  const campaign: Campaign = {
    id: input.id ?? newCampaignId(),
    name: input.name,
    audience: input.audience ?? {},
    schedule: input.schedule,
    question: input.question,
    brand: input.brand ?? DEFAULT_BRAND,
    fatigueDays: input.fatigueDays ?? DEFAULT_FATIGUE_DAYS,
    reminderDays: input.reminderDays,
    nextRunAt: nextRunAt?.toISOString(),
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await putCampaign(campaign);
  return campaign;
};
