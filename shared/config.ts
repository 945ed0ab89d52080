import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { DEFAULT_SEGMENT_DIMENSIONS } from './nps/segments.ts';
import { VALUE_TIER_METHOD_NAMES } from './value/tiers.ts';
import { parseSurveyTiers, parseWinBackCases } from './winback/policy.ts';

/** The shortest admin key accepted: anything shorter is guessable. */
export const ADMIN_KEY_MIN_LENGTH = 16;

export const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    TABLE_NAME: z.string().min(1),
    AGGREGATES_TABLE_NAME: z.string().min(1),
    /** The purchases table (shared/store/model.ts PURCHASES_TABLE); `<TABLE_NAME>-purchases` by default. */
    PURCHASES_TABLE_NAME: z.string().min(1).optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    DYNAMODB_ENDPOINT: z.url().optional(),
    SES_ENDPOINT: z.url().optional(),
    LAMBDA_ENDPOINT: z.url().optional(),
    SQS_ENDPOINT: z.url().optional(),
    /** The alert delivery queue; without it (tests, tools) alerts are delivered inline and by the sweep. */
    ALERT_QUEUE_URL: z.url().optional(),
    PUBLIC_URL: z.url().transform((u) => u.replace(/\/+$/, '')),
    SENDER_EMAIL: z.email(),
    SES_CONFIGURATION_SET: z.string().min(1).optional(),
    TIME_ZONE: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris'),
    TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    DISPATCH_FUNCTION_NAME: z.string().min(1),
    /** The invite sender (functions/send-invites.ts), started by a dispatch when its invites are written. */
    SENDER_FUNCTION_NAME: z.string().min(1),
    /**
     * The SES account's maximum send rate (emails per second; SES starts accounts at 14). Every
     * email the stack sends — invites, reminders, follow-ups, owner alert emails — takes a turn from
     * this one shared rate (shared/email/send-rate.ts).
     */
    SES_MAX_SEND_RATE: z.coerce.number().int().min(1).max(10_000).default(14),
    /** A customer with no purchase for this many days is lost (churn and retention). */
    CHURN_AFTER_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    /**
     * A campaign run pauses itself when, with at least RUN_PAUSE_MIN_SENT emails out, its complaint
     * rate passes RUN_PAUSE_COMPLAINT_RATE or its hard-bounce rate passes RUN_PAUSE_BOUNCE_RATE
     * (fractions: Gmail and Yahoo ask bulk senders to stay under 0.1 % complaints, never 0.3 %).
     */
    RUN_PAUSE_MIN_SENT: z.coerce.number().int().min(1).default(200),
    RUN_PAUSE_COMPLAINT_RATE: z.coerce.number().min(0).max(1).default(0.003),
    RUN_PAUSE_BOUNCE_RATE: z.coerce.number().min(0).max(1).default(0.05),
    /** Local mode relaxes what only makes sense on AWS, e.g. webhooks to loopback receivers. */
    LOCAL_MODE: flag,
    TOKEN_KEY: z.string().min(32).optional(),
    TOKEN_KEY_SECRET_ID: z.string().min(1).optional(),
    ADMIN_KEY: z.string().min(ADMIN_KEY_MIN_LENGTH).optional(),
    ADMIN_KEY_SECRET_ID: z.string().min(1).optional(),
    /** HMAC key of the suppression list's address hashes (a bare hash of an address is guessable). */
    SUPPRESSION_KEY: z.string().min(32).optional(),
    SUPPRESSION_KEY_SECRET_ID: z.string().min(1).optional(),
    /**
     * The segment dimensions NPS is rolled up by: customer attributes, plus `owner` and `campaign`.
     * Any other attribute stays a property of the customer and never becomes an aggregate key, so a
     * free-form value (an address in a `contact` attribute) cannot outlive its customer's erasure.
     */
    SEGMENT_DIMENSIONS: z
      .string()
      .default(DEFAULT_SEGMENT_DIMENSIONS.join(','))
      .transform((s) =>
        s
          .split(',')
          .map((d) => d.trim().toLowerCase())
          .filter(Boolean),
      ),
    /**
     * How customers are split into value tiers by their revenue over the trailing 12 months
     * (shared/value/tiers.ts): three-way (best 1 %, secondary to 20 %, ordinary), four-way (best 1 %,
     * major to 10 %, ordinary to 60 %, small), revenue-deciles or count-deciles.
     */
    VALUE_TIER_METHOD: z.enum(VALUE_TIER_METHOD_NAMES).default('three-way'),
    /**
     * The weights of the loyalty index's four behaviours — purchases, distinct products, quantity,
     * amount — in that order (shared/value/loyalty.ts); equal by default.
     */
    LOYALTY_WEIGHTS: z
      .string()
      .default('1,1,1,1')
      .transform((s) => s.split(',').map((x) => Number(x.trim())))
      .refine(
        (ws) => ws.length === 4 && ws.every((w) => Number.isFinite(w) && w >= 0) && ws.some((w) => w > 0),
        {
          message: 'four comma-separated weights ≥ 0 (purchases, products, quantity, amount), not all 0',
        },
      )
      .transform(([purchases = 0, products = 0, quantity = 0, revenue = 0]) => ({
        purchases,
        products,
        quantity,
        revenue,
      })),
    /** A customer whose loyalty index F is at least this is `loyalty:loyal`, else `loyalty:not`. */
    LOYALTY_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
    /**
     * Win-back by value (shared/winback/policy.ts): the value tiers whose lost customers get a
     * win-back case, as tier:priority:hours (priority urgent, high or normal; the SLA in hours).
     * Tiers not named get none (three-way's `ordinary`, four-way's `small`). Empty: no cases.
     */
    WINBACK_CASES: z
      .string()
      .default('best:urgent:24,secondary:high:72,major:high:72')
      .transform((s, ctx) => {
        try {
          return parseWinBackCases(s);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
    /** The value tiers whose lost customers get one "why did you leave?" email: `*` (every tier with purchases), a list, or empty for none. */
    WINBACK_SURVEY_TIERS: z.string().default('*').transform(parseSurveyTiers),
    /** The name customers know the company by, in emails that belong to no campaign; else the sender address's domain. */
    BRAND_NAME: z.string().trim().min(1).max(100).optional(),
    /** The value recompute (functions/recompute-value.ts), started by POST /api/value/recompute. */
    VALUE_FUNCTION_NAME: z.string().min(1).default('recompute-value'),
    /** The sign-in link's email (functions/send-sign-in-link.ts), started by POST /auth/sign-in. */
    SIGN_IN_FUNCTION_NAME: z.string().min(1).default('send-sign-in-link'),
    /** Changes to one case's answer within this many seconds of its last alert give one update. */
    ALERT_DEBOUNCE_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
    /** Tries of one survey email before it is given up (its reason kept on the invite). */
    INVITE_SEND_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    /**
     * Strict mode against mail scanners that run script: the survey page records its preselected
     * score only on a sign of a person (pointer, touch, key, wheel or scroll, a click), never by
     * its timer (shared/survey/scanner.ts).
     */
    SURVEY_REQUIRE_PERSON: flag,
    /** Answer edits accepted per invite per hour; more get 429. */
    ANSWER_EDITS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(20),
    /**
     * Days an invite is kept after its link expires (DynamoDB TTL); its answer is kept apart. Its
     * unsubscribe link (which must keep working in old emails) and a case's follow-up need it, so
     * the default is long.
     */
    INVITE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    /** Days an alert (delivered or given up) is kept (DynamoDB TTL). */
    ALERT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /**
     * The addresses that sign in as admins with a one-time link (comma-separated, compared in lower
     * case). Account managers sign in with their owner's `email`. Empty: only the bearer admin key.
     */
    ADMIN_EMAILS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((a) => a.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.email())),
    /** How long a signed-in session lasts, in hours (its cookie's Max-Age and its item's TTL). */
    SESSION_HOURS: z.coerce.number().int().min(1).max(720).default(8),
    /** Days an audit log entry is kept (DynamoDB TTL). */
    AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
    SLA_HOURS_KEY: z.coerce.number().positive().default(24),
    SLA_HOURS_DEFAULT: z.coerce.number().positive().default(72),
    /** Owner alerted when a customer has none of their own. */
    DEFAULT_OWNER_ID: z.string().min(1).optional(),
    /** Owner a case is escalated to when its SLA passes unacknowledged; else DEFAULT_OWNER_ID. */
    ESCALATION_OWNER_ID: z.string().min(1).optional(),
    /** Customer tiers (comma-separated) whose cases are high priority, on the SLA_HOURS_KEY clock. */
    KEY_TIERS: z
      .string()
      .default('key')
      .transform((s) =>
        s
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      ),
    ALERT_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
    /**
     * Seconds to wait before each retry of a failed alert; attempts = retries + 1. The default makes
     * 8 attempts over about 21 hours. Each delay is at most 12 h (the longest SQS visibility timeout).
     */
    ALERT_RETRY_DELAYS: z
      .string()
      .default('60,300,900,3600,7200,21600,43200')
      .transform((s) => s.split(',').map((x) => Number(x.trim())))
      .refine(
        (xs) =>
          xs.length >= 1 && xs.length <= 20 && xs.every((x) => Number.isInteger(x) && x >= 0 && x <= 43_200),
        {
          message: 'comma-separated whole seconds, each 0..43200, at most 20',
        },
      ),
  })
  // The local runtime names the purchases table after the main one; the stack passes its own name.
  .transform((c) => ({ ...c, PURCHASES_TABLE_NAME: c.PURCHASES_TABLE_NAME ?? `${c.TABLE_NAME}-purchases` }))
  .refine((c) => c.TOKEN_KEY || c.TOKEN_KEY_SECRET_ID, {
    message: 'set TOKEN_KEY or TOKEN_KEY_SECRET_ID',
    path: ['TOKEN_KEY'],
  })
  .refine((c) => c.ADMIN_KEY || c.ADMIN_KEY_SECRET_ID, {
    message: 'set ADMIN_KEY or ADMIN_KEY_SECRET_ID',
    path: ['ADMIN_KEY'],
  });

export type Config = z.infer<typeof schema>;

let cached: Config | undefined;

/** Every setting, read and validated once; fails fast naming the variable that is wrong. */
export const config = (): Config => {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration — ${problems.join('; ')}`);
  }
  cached = parsed.data;
  return cached;
};

/** For tests and the local runtime, which set the environment before the first handler call. */
export const resetConfigForTests = (): void => {
  cached = undefined;
};
