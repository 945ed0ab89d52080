import { randomBytes } from 'node:crypto';
import type { CampaignInput } from '../api/inputs.ts';
import { resolveLocale } from '../email/messages.ts';
import { getCampaign, putCampaign } from '../store/campaigns.ts';
import type { Campaign } from '../store/schemas.ts';

const DEFAULT_BRAND = 'our company';
/** One survey per customer per 90 days across all campaigns, unless the campaign says otherwise. */
const DEFAULT_FATIGUE_DAYS = 90;

const newCampaignId = (): string => `cmp_${randomBytes(6).toString('hex')}`;

/** The brand and question a customer of this locale is asked in (the campaign's own, or its locale's). */
export const wordingFor = (campaign: Campaign, locale: string | undefined) => {
  const own = campaign.locales?.[resolveLocale(locale)];
  return { brand: own?.brand ?? campaign.brand, question: own?.question ?? campaign.question };
};

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
    sendWindow: input.sendWindow,
    schedule: input.schedule,
    question: input.question,
    brand: input.brand ?? DEFAULT_BRAND,
    // Keyed by the catalog each tag reads, so `zh-Hans` and `zh` both reach zh-CN customers.
    locales: input.locales
      ? Object.fromEntries(Object.entries(input.locales).map(([tag, w]) => [resolveLocale(tag), w]))
      : undefined,
    fatigueDays: input.fatigueDays ?? DEFAULT_FATIGUE_DAYS,
    reminderDays: input.reminderDays,
    nextRunAt: nextRunAt?.toISOString(),
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await putCampaign(campaign);
  return campaign;
};
