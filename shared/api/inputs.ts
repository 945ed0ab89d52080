import { z } from 'zod';
import { WEEKDAYS } from '../campaigns/send-window.ts';
import { ValidationError } from '../errors.ts';
import { MAX_SCORE, MIN_SCORE } from '../nps/score.ts';
import { SEGMENT_PATTERN } from '../nps/segments.ts';
import { parseLocalDate } from '../nps/windows.ts';
import { INVALID_CURSOR } from '../store/cursor.ts';
import type { PageRequest } from '../store/db.ts';
import { CHURN_KINDS } from '../store/retention.ts';
import { ownerStyle, scheduleShape } from '../store/schemas.ts';
import { SUBMISSION_TRIGGERS, type SubmissionTrigger } from '../survey/scanner.ts';
import { COMPUTED_ATTRIBUTES } from '../value/attributes.ts';
import { WIN_BACK_STATUSES } from '../winback/policy.ts';
import { LEAVE_REASONS } from '../winback/reasons.ts';

/** Public HTTP bodies. Extra fields are allowed (and ignored); the fields named here are fixed. */
const id = z
  .string()
  .trim()
  .min(1, 'required (an empty value is no id)')
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, 'use letters, digits and . _ @ - only');

const RESERVED_ATTRIBUTES = new Set(['all', 'owner', 'campaign', 'theme']);
const attributeName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_-]{1,40}$/, 'attribute names are 1–40 of a-z 0-9 _ -')
  .refine((n) => !RESERVED_ATTRIBUTES.has(n), 'all, owner, campaign and theme are reserved segment names');

const attributeValue = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((v) => !v.includes('|'), 'attribute values must not contain |');

/** A BCP 47 language tag: `en`, `en-GB`, `zh-CN`, `zh-Hant-TW` (which catalog it reads: messages.ts). */
const localeTag = z
  .string()
  .trim()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'locale like en, en-GB, zh-CN or zh-Hant-TW');

export const customerInput = z.object({
  id,
  email: z.email().max(254),
  name: z.string().trim().max(200).optional(),
  locale: localeTag.optional(),
  ownerId: id.optional(),
  attributes: z
    .record(attributeName, attributeValue)
    .refine(
      (attributes) => !COMPUTED_ATTRIBUTES.some((name) => name in attributes),
      'value and loyalty are computed from purchases (POST /api/value/recompute) and cannot be set',
    )
    .optional(),
});
export type CustomerInput = z.infer<typeof customerInput>;

/** Customers per `POST /api/customers` request (`nps customers import` sends batches of this size). */
export const MAX_CUSTOMERS_JSON = 1000;
export const customersInput = z.array(customerInput).min(1).max(MAX_CUSTOMERS_JSON);

/**
 * A purchase (`POST /api/purchases`, `/api/purchases/import`). Amounts are in the account's
 * currency with at most two decimals (the value tiers sum them in cents, exactly); JSON may give
 * amount and quantity as numbers or as numeric strings, as CSV does. The date is the calendar date
 * of the purchase (YYYY-MM-DD, the account's time zone), not after today.
 */
const MAX_AMOUNT = 1_000_000_000;
const decimalText = /^\d{1,10}(\.\d{1,2})?$/;
const amountMessage = `amount must be a number from 0 to ${MAX_AMOUNT.toLocaleString('en')} with at most two decimals`;
const amount = z.preprocess(
  (v) => (typeof v === 'string' && decimalText.test(v.trim()) ? Number(v.trim()) : v),
  z
    .number({ error: amountMessage })
    .min(0, amountMessage)
    .max(MAX_AMOUNT, amountMessage)
    .refine((x) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6, amountMessage),
);
const quantityMessage = 'quantity must be a whole number from 1 to 1000000';
const quantity = z.preprocess(
  (v) => (typeof v === 'string' && /^\d{1,7}$/.test(v.trim()) ? Number(v.trim()) : v),
  z
    .number({ error: quantityMessage })
    .int(quantityMessage)
    .min(1, quantityMessage)
    .max(1_000_000, quantityMessage),
);
/** A day of slack: "today" somewhere in the world may be tomorrow in UTC. */
const latestPurchaseDate = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const purchaseDate = z
  .string({ error: 'date must be a date YYYY-MM-DD' })
  .trim()
  .refine((d) => {
    const parsed = parseLocalDate(d);
    return parsed !== undefined && parsed.year >= 1970;
  }, 'date must be a date YYYY-MM-DD (1970 or later)')
  .refine((d) => d <= latestPurchaseDate(), 'date must not be in the future');

export const purchaseInput = z.object({
  purchaseId: id,
  customerId: id,
  date: purchaseDate,
  amount,
  quantity,
  productId: z
    .string({ error: 'productId is required' })
    .trim()
    .min(1, 'productId is required')
    .max(100, 'productId must be at most 100 characters'),
});
export type PurchaseInput = z.infer<typeof purchaseInput>;

/** Purchases per request: a JSON array, or the rows of one CSV file. */
export const MAX_PURCHASES_JSON = 1000;
export const MAX_PURCHASES_CSV = 5000;

/** A purchase with where it came from (`line 7` of a CSV, `[3]` of a JSON array), for error messages. */
export interface PlacedPurchase {
  where: string;
  purchase: PurchaseInput;
}

/** At most this many problems are named in one error; the rest are counted. */
const PROBLEMS_NAMED = 10;

/** Throws one 400 naming the first problems (and counting the others), when there are any. */
export const refuseProblems = (problems: string[], code: string, subject = 'no purchases recorded'): void => {
  if (problems.length === 0) return;
  const more = problems.length > PROBLEMS_NAMED ? ` (and ${problems.length - PROBLEMS_NAMED} more)` : '';
  throw new ValidationError(`${subject} — ${problems.slice(0, PROBLEMS_NAMED).join('; ')}${more}`, code);
};

/** One row checked: its value, or what is wrong with it (`email: Invalid email address`). */
export type RowCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A failed parse as a row's problem: the field of its first issue, then what is wrong. */
export const problemOf = (error: z.ZodError): string => {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}`;
};

/**
 * One purchase checked by the API's rules. Exposed per row so `nps purchases import` can check a
 * file it streams, row by row, exactly as the API would before it sends anything.
 */
export const checkPurchase = (raw: unknown): RowCheck<PurchaseInput> => {
  const parsed = purchaseInput.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: problemOf(parsed.error) };
};

/** Validates every row before anything is written: all valid, or one 400 naming the bad rows. */
export const validatePurchaseRows = (
  rows: ReadonlyArray<{ where: string; raw: unknown }>,
  code: string,
): PlacedPurchase[] => {
  const problems: string[] = [];
  const valid: PlacedPurchase[] = [];
  for (const { where, raw } of rows) {
    const checked = checkPurchase(raw);
    if (checked.ok) valid.push({ where, purchase: checked.value });
    else problems.push(`${where}: ${checked.problem}`);
  }
  refuseProblems(problems, code);
  return valid;
};

const purchasesShape = `a JSON array of 1 to ${MAX_PURCHASES_JSON} purchases {purchaseId, customerId, date, amount, quantity, productId}`;

/** `POST /api/purchases`: the body's shape; each purchase is checked by parsePurchasesJson. */
export const purchasesBody = z
  .array(z.unknown(), { error: `send ${purchasesShape}` })
  .min(1, `send ${purchasesShape}`)
  .max(MAX_PURCHASES_JSON, `at most ${MAX_PURCHASES_JSON} purchases per request; split them`);

/** Each purchase of the body checked, all before any is written; errors name its index. */
export const parsePurchasesJson = (body: unknown[]): PlacedPurchase[] => {
  return validatePurchaseRows(
    body.map((raw, i) => ({ where: `[${i}]`, raw })),
    'invalid_request',
  );
};

const whsecSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'a Standard Webhooks secret: whsec_ followed by base64 of 24+ bytes');

export const ownerInput = z.object({
  id,
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).optional(),
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  webhookSecret: whsecSecret.optional(),
  style: ownerStyle.optional(),
  /** The language of the owner's alert emails, a BCP 47 tag (`de`, `zh-CN`). */
  locale: localeTag.optional(),
});
export type OwnerInput = z.infer<typeof ownerInput>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM (24 h), e.g. 09:00');
const audienceValues = z.union([attributeValue, z.array(attributeValue).min(1).max(100)]);

export const campaignInput = z.object({
  id: id.optional(),
  name: z.string().trim().min(1).max(200),
  /** Per attribute: a value, one of several (`["emea", "apac"]`), or none of them (`{"not": …}`). */
  audience: z
    .record(attributeName, z.union([audienceValues, z.object({ not: audienceValues }).strict()]))
    .optional(),
  /**
   * When emails may reach people, in each one's local time (customer attribute `timezone`, else the
   * schedule's time zone, else the account's): e.g. weekdays 09:00–17:00.
   */
  sendWindow: z
    .object({
      days: z
        .array(z.enum(WEEKDAYS))
        .min(1)
        .max(7)
        .default([...WEEKDAYS]),
      start: hhmm,
      end: hhmm,
    })
    .refine((w) => w.end > w.start, {
      message: 'the window must end after it starts, on the same day',
      path: ['end'],
    })
    .optional(),
  schedule: scheduleShape.optional(),
  question: z.string().trim().min(5).max(300).optional(),
  brand: z.string().trim().min(1).max(100).optional(),
  /** The question and brand for customers of one locale (`zh-CN`: …), over the defaults above. */
  locales: z
    .record(
      localeTag,
      z.object({
        question: z.string().trim().min(2).max(300).optional(),
        brand: z.string().trim().min(1).max(100).optional(),
      }),
    )
    .refine((r) => Object.keys(r).length <= 20, 'at most 20 locales')
    .optional(),
  fatigueDays: z.number().int().min(0).max(365).optional(),
  reminderDays: z.number().int().min(1).max(60).optional(),
});
export type CampaignInput = z.infer<typeof campaignInput>;

/**
 * An ISO 8601 duration of days, hours, minutes and seconds (`PT2H`, `P1DT30M`), up to 30 days; as
 * milliseconds. Years, months and weeks have no fixed length and are refused.
 */
const MAX_DELAY_MS = 30 * 86_400_000;
export const isoDelay = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
    const [d, h, min, sec] = (m?.slice(1) ?? []).map((v) => Number(v ?? 0));
    const ms = (((d ?? 0) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * 60_000 + (sec ?? 0) * 1000;
    if (!m || text === 'P' || text.endsWith('T') || ms > MAX_DELAY_MS) {
      ctx.addIssue({
        code: 'custom',
        message: 'delay must be an ISO 8601 duration such as PT2H or P1DT30M, at most 30 days',
      });
      return z.NEVER;
    }
    return ms;
  });

/** `POST /api/surveys`: one survey for one customer, after a delay (a help desk closing a ticket). */
export const surveyRequestInput = z.object({
  /** An existing customer's id, or the customer itself (upserted first). */
  customer: z.union([id, customerInput]),
  campaignId: id,
  delay: isoDelay.optional(),
  /** The caller's key for this request: the same key never sends a second survey. */
  idempotencyKey: z.string().trim().min(1).max(200),
});
export type SurveyRequestInput = z.infer<typeof surveyRequestInput>;

const MAX_COMMENT_LENGTH = 2000;

/** Form posts carry strings, JSON carries numbers: both become an integer score or a 400. */
export const surveyAnswerInput = z.object({
  score: z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,2}$/.test(v.trim()) ? Number(v.trim()) : v),
    z
      .number({ error: 'score is required: an integer from 0 to 10' })
      .int('score must be an integer from 0 to 10')
      .min(MIN_SCORE, 'score must be an integer from 0 to 10')
      .max(MAX_SCORE, 'score must be an integer from 0 to 10'),
  ),
  comment: z
    .string()
    .max(MAX_COMMENT_LENGTH, `comment must be at most ${MAX_COMMENT_LENGTH} characters`)
    .optional()
    .transform((c) => (c?.trim() ? c.trim() : undefined)),
  /**
   * How the page submitted it (shared/survey/scanner.ts): a sign of a person, or its timer. Absent
   * for the no-script form, which a person posts by pressing the button.
   */
  trigger: z
    .enum(SUBMISSION_TRIGGERS, { error: `trigger must be one of ${SUBMISSION_TRIGGERS.join(', ')}` })
    .optional(),
});
/** A validated answer: an integer score, if any a trimmed non-empty comment, and how it was sent. */
export type SurveyAnswerInput = {
  score: number;
  comment?: string | undefined;
  trigger?: SubmissionTrigger | undefined;
};

export const caseUpdateInput = z
  .object({
    status: z.enum(['acknowledged', 'contacted', 'resolved']),
    note: z.string().trim().max(2000).optional(),
    outcome: z.string().trim().max(500).optional(),
  })
  // The record of the follow-up is the point: how the customer was contacted, what was done.
  .superRefine((input, ctx) => {
    if (input.status === 'contacted' && !input.note) {
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'a note is required when marking a case contacted',
      });
    }
    if (input.status === 'resolved' && !input.outcome) {
      ctx.addIssue({
        code: 'custom',
        path: ['outcome'],
        message: 'an outcome is required to resolve a case',
      });
    }
  });
export type CaseUpdateInput = z.infer<typeof caseUpdateInput>;

/**
 * Routing rules, first match wins: `{segment: "tier:key", ownerId: "key-accounts"}`. A segment is
 * `attr:value`, `campaign:<id>` or `all` (a catch-all); `owner:` is refused, since rules only
 * route customers who have no owner of their own.
 */
export const routingInput = z.object({
  rules: z
    .array(
      z.object({
        segment: z
          .string()
          .trim()
          .toLowerCase()
          .regex(SEGMENT_PATTERN, 'segment must be attr:value (e.g. tier:key), campaign:<id> or all')
          .refine((s) => !s.startsWith('owner:'), 'owner: segments cannot route: use the customer ownerId'),
        ownerId: id,
      }),
    )
    .max(100),
});
export type RoutingInput = z.infer<typeof routingInput>;

/**
 * `PUT /api/themes/definitions`: every theme with its keywords, replacing the saved ones. A name
 * is its segment value (`theme:price`), so letters (any script), digits, _ and -, in lower case.
 */
export const themeDefinitionsInput = z.object({
  themes: z
    .array(
      z.object({
        name: z
          .string()
          .trim()
          .transform((n) => n.normalize('NFKC').toLowerCase())
          .pipe(z.string().regex(/^[\p{L}\p{N}_-]{1,40}$/u, 'a theme name is 1–40 letters, digits, _ or -')),
        keywords: z
          .array(
            z
              .string()
              .trim()
              .min(1)
              .max(60, 'a keyword is at most 60 characters')
              .regex(/[\p{L}\p{N}]/u, 'a keyword needs a letter or a digit'),
          )
          .min(1, 'a theme needs at least one keyword')
          .max(100, 'at most 100 keywords per theme'),
      }),
    )
    .max(50, 'at most 50 themes')
    .refine(
      (themes) => new Set(themes.map((t) => t.name)).size === themes.length,
      'theme names must be unique',
    ),
});
export type ThemeDefinitionsInput = z.infer<typeof themeDefinitionsInput>;

const wholeNumber = (name: string, max: number) =>
  z
    .string()
    .regex(/^[1-9]\d{0,3}$/, `${name} must be a whole number from 1 to ${max}`)
    .transform(Number)
    .refine((n) => n <= max, `${name} must be a whole number from 1 to ${max}`);

/** `GET /api/themes`: how many detractor comments a term needs, and how many terms to return. */
export const themesQueryInput = z.object({
  minCount: wholeNumber('minCount', 1000).default(3),
  limit: wholeNumber('limit', 100).default(20),
});

export const followUpInput = z.object({
  message: z.string().trim().min(1).max(2000).optional(),
});

/** Every list route's page size: `limit` when the caller gives none, and the most it may ask for. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const limitMessage = `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

/**
 * The `limit` and `cursor` query parameters of a list route. A cursor's content is checked where it
 * is opened (shared/store/cursor.ts); here only that it looks like one (base64url, not huge).
 */
export const pageQueryInput = z.object({
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, limitMessage)
    .transform(Number)
    .refine((n) => n <= MAX_PAGE_SIZE, limitMessage)
    .optional(),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,2048}$/, INVALID_CURSOR)
    .optional(),
});

/** A list route's page request from its query parameters, or a 400 `invalid_limit` / `invalid_cursor`. */
export const pageRequestOf = (params: {
  limit?: string | undefined;
  cursor?: string | undefined;
}): PageRequest => {
  const parsed = pageQueryInput.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(
      issue?.message ?? limitMessage,
      issue?.path[0] === 'cursor' ? 'invalid_cursor' : 'invalid_limit',
    );
  }
  return { limit: parsed.data.limit ?? DEFAULT_PAGE_SIZE, cursor: parsed.data.cursor };
};

export { id as idSchema };

/**
 * `POST /api/customers/{id}/churn`: the customer is lost — they left (for no reason we caused, to
 * a competitor, or because of us), or we ended it — on a day (default today).
 */
export const churnMarkInput = z.object({
  kind: z.enum(CHURN_KINDS, { error: `kind must be one of ${CHURN_KINDS.join(', ')}` }),
  on: purchaseDate.optional(),
  note: z.string().trim().max(1000, 'note must be at most 1000 characters').optional(),
});

/**
 * `POST /leave/{token}` (the "why did you leave?" page, a form or JSON): one reason, and a comment
 * if the customer wants to say more.
 */
export const leaveAnswerInput = z.object({
  reason: z.enum(LEAVE_REASONS, { error: `choose a reason: one of ${LEAVE_REASONS.join(', ')}` }),
  comment: z
    .string()
    .max(MAX_COMMENT_LENGTH, `comment must be at most ${MAX_COMMENT_LENGTH} characters`)
    .optional()
    .transform((c) => (c?.trim() ? c.trim() : undefined)),
});
export type LeaveAnswerInput = z.infer<typeof leaveAnswerInput>;

/**
 * `PATCH /api/winbacks/{id}`: the owner's work on a win-back case — contacted (with a note of how),
 * won back or not won (with a note of what happened), or reopened; optionally handed to another owner.
 */
export const winBackUpdateInput = z
  .object({
    status: z.enum(WIN_BACK_STATUSES, { error: `status must be one of ${WIN_BACK_STATUSES.join(', ')}` }),
    note: z.string().trim().max(2000, 'note must be at most 2000 characters').optional(),
    ownerId: id.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.status !== 'open' && !input.note) {
      ctx.addIssue({
        code: 'custom',
        path: ['note'],
        message: `a note is required when marking a win-back ${input.status}: how the customer was reached, or what came of it`,
      });
    }
  });
export type WinBackUpdateInput = z.infer<typeof winBackUpdateInput>;

/** POST /auth/sign-in: the address to send a sign-in link to (JSON or a form). */
export const signInInput = z.object({ email: z.email().max(254) });

/** POST /auth/callback: the emailed link's token, posted by the page's button (a form). */
export const signInCallbackInput = z.object({ token: z.string().min(1).max(200) });
