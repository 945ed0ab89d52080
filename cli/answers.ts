import { z } from 'zod';
import { CliError } from './errors.ts';

/**
 * The parts of the API's answers the CLI reads, checked as they arrive: an API of another version
 * (or something else at NPS_API_URL) is told apart in one line, not met as `undefined` later.
 * Fields the CLI does not read are let through unchecked.
 */
export const checkAnswer = <T>(schema: z.ZodType<T>, body: unknown, what: string): T => {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CliError(
    `the API's answer to ${what} is not what this CLI expects (${issue?.path.join('.') || 'body'}: ${issue?.message}) — is it the same version?`,
  );
};

const interval = z.object({ low: z.number(), high: z.number() }).nullable();

/** What every NPS figure carries (shared/nps/score.ts NpsFigures). */
const figures = {
  responses: z.number(),
  promoters: z.number(),
  passives: z.number(),
  detractors: z.number(),
  nps: z.number().nullable(),
  interval,
  lowN: z.boolean(),
};

/** `GET /api/nps`. */
export const npsSeriesAnswer = z.object({
  segment: z.string(),
  window: z.string(),
  points: z.array(z.object({ period: z.string(), ...figures })),
});
export type NpsSeriesAnswer = z.infer<typeof npsSeriesAnswer>;

/** `GET /api/nps/compare`. */
export const compareAnswer = z.object({
  subject: z.object({ from: z.string(), to: z.string(), ...figures }),
  baseline: z.object({ from: z.string(), to: z.string(), ...figures }),
  difference: z.object({
    nps: z.number().nullable(),
    interval,
    pValue: z.number().nullable(),
    significant: z.boolean(),
  }),
});
export type CompareAnswer = z.infer<typeof compareAnswer>;

/** A run's progress (shared/campaigns/run-progress.ts RunProgress). */
export const runProgress = z.object({
  recipients: z.number(),
  queued: z.number(),
  deferred: z.number(),
  sent: z.number(),
  suppressed: z.number(),
  failed: z.number(),
  reasons: z.record(z.string(), z.number()),
  complaints: z.number(),
  hardBounces: z.number(),
  settled: z.boolean(),
});
export type RunProgressAnswer = z.infer<typeof runProgress>;

export const runAnswer = z.object({
  campaignId: z.string(),
  runId: z.string(),
  status: z.string(),
  trigger: z.string(),
  createdAt: z.string(),
  completedAt: z.string().optional(),
  pausedReason: z.string().optional(),
  progress: runProgress,
});
export type RunAnswer = z.infer<typeof runAnswer>;

/** `GET /api/campaigns/{id}/runs/{runId}`. */
export const runStatusAnswer = runAnswer.extend({
  skippedRecipients: z.array(z.object({ customerId: z.string(), reason: z.string() })),
  cursor: z.string().nullable(),
});

const schedule = z.object({ type: z.string(), expression: z.string(), timezone: z.string().optional() });

export const campaignAnswer = z.object({
  id: z.string(),
  name: z.string(),
  brand: z.string(),
  question: z.string().optional(),
  audience: z.record(z.string(), z.unknown()).default({}),
  schedule: schedule.optional(),
  nextRunAt: z.string().optional(),
  fatigueDays: z.number(),
  reminderDays: z.number().optional(),
  updatedAt: z.string(),
});
export type CampaignAnswer = z.infer<typeof campaignAnswer>;

/** `GET /api/campaigns`. */
export const campaignsPage = z.object({ campaigns: z.array(campaignAnswer), cursor: z.string().nullable() });

/** `GET /api/campaigns/{id}`: the campaign and a page of its runs. */
export const campaignWithRuns = campaignAnswer.extend({
  runs: z.array(runAnswer),
  cursor: z.string().nullable(),
});

const listingPage = z.object({
  items: z.array(z.record(z.string(), z.unknown())),
  cursor: z.string().nullable(),
});

/** A page of any listing: its items under their own field, and the cursor to the next page. */
export const checkPage = (
  body: unknown,
  field: string,
  what: string,
): { items: Array<Record<string, unknown>>; cursor: string | null } => {
  const fields = (body ?? {}) as Record<string, unknown>;
  return checkAnswer(listingPage, { items: fields[field], cursor: fields.cursor }, what);
};
