import type { Node } from 'constructs';
import { isTimeZone } from '#shared/config';
import { VALUE_TIER_METHOD_NAMES } from '#shared/value/tiers';
import { parseWinBackCases } from '#shared/winback/policy';

/**
 * The deploy-time settings of one nps-loop stack, read from CDK context (`cdk deploy -c name=value`
 * or the `context` block of cdk.json) and validated once, so a typo fails the synth naming the key.
 */
export interface NpsLoopSettings {
  /** Sender of survey emails; its address or its domain must be a verified SES identity. */
  senderEmail: string;
  /** Base of the links in emails; undefined means the HTTP API's own execute-api URL. */
  publicUrl?: string;
  /** SES configuration set for sending events (bounces, complaints), if any. */
  sesConfigurationSet?: string;
  /** IANA time zone of the NPS windows (day, week, month, quarter). */
  timeZone: string;
  /** Owner alerted when a customer has none of their own. */
  defaultOwnerId?: string;
  /** Owner a case escalates to when its SLA passes unacknowledged (else the default owner). */
  escalationOwnerId?: string;
  /** Customer tiers (comma-separated) whose cases are high priority, e.g. `key,strategic`. */
  keyTiers?: string;
  /** Validity of survey links, in days. */
  tokenTtlDays: number;
  /** The SES account's maximum send rate (emails/s): every email the stack sends shares it. */
  sesMaxSendRate: number;
  /** Email address subscribed to the alarm topic, if any. */
  alarmEmail?: string;
  /** API Gateway throttling of each route class (see ROUTE_CLASSES), and of the `$default` route. */
  throttle: Record<RouteClass | 'fallback', Throttle>;
  /**
   * The answer and retention rules of shared/config.ts, passed to the functions only when set
   * (their defaults live there, once): SEGMENT_DIMENSIONS, ALERT_DEBOUNCE_SECONDS,
   * ANSWER_EDITS_PER_HOUR, INVITE_SEND_ATTEMPTS, INVITE_RETENTION_DAYS, ALERT_RETENTION_DAYS,
   * SURVEY_REQUIRE_PERSON, VALUE_TIER_METHOD, LOYALTY_WEIGHTS, LOYALTY_THRESHOLD, WINBACK_CASES,
   * WINBACK_SURVEY_TIERS, BRAND_NAME, ADMIN_EMAILS, SESSION_HOURS, AUDIT_RETENTION_DAYS.
   */
  handlerEnv: Record<string, string>;
}

/** API Gateway's token bucket: refilled at `rateLimit` requests per second, holding `burstLimit`. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * The HTTP API's routes by who calls them, each class throttled on its own (route-level settings of
 * the stage), so that a flood on one cannot starve another: survey pages and answers (people
 * clicking a score in an email), unsubscribes (the RFC 8058 one-click POSTs of mailbox providers,
 * which do not retry forever), signing in (`/auth/…`: a few people a day), and the admin API with
 * its dashboard. API Gateway keeps one bucket
 * per route key, so each route of a class gets the class's limits — `GET /s/{token}` (fetched by
 * every mail scanner) and `POST /s/{token}` (answers) never share one. The `fallback` limits are the
 * stage's default, which only the `$default` route (404 for unrouted paths) uses.
 */
export const ROUTE_CLASSES = ['survey', 'unsubscribe', 'auth', 'admin'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

/**
 * Example values so that `npm run synth` and the CDK tests work with no context at all. They are
 * not deployable as they are: on deploy, pass the real sender (`-c senderEmail=surveys@yourdomain`)
 * and, with a custom domain, the public URL (`-c publicUrl=https://nps.yourdomain`). The synth
 * warns while the example sender is in use.
 */
export const EXAMPLE_SENDER_EMAIL = 'surveys@example.com';

/**
 * Default limits. Survey: a send reaches tens of thousands of inboxes within minutes, mail scanners
 * fetch every link on delivery and people answer in the first hour, each click a GET then a POST —
 * 200/s with a burst of 400 per route leaves room for that peak, well inside the account's
 * 10,000/s. Unsubscribe: far rarer than answers,
 * but mailbox providers post one-clicks in batches — 50/s, burst 100. Auth: people sign in a few
 * times a day, and each link asked for is an email on the account's send rate — 5/s, burst 10 per
 * route (the per-address limit of shared/auth is the finer one). Admin: a few people and the
 * dashboard's parallel reads — 50/s, burst 100 per route. Fallback (`$default`, 404s only): enough for
 * a mistyped link, little for a scanner walking paths — 10/s, burst 20.
 */
export const THROTTLE_DEFAULTS: Record<RouteClass | 'fallback', Throttle> = {
  survey: { rateLimit: 200, burstLimit: 400 },
  unsubscribe: { rateLimit: 50, burstLimit: 100 },
  auth: { rateLimit: 5, burstLimit: 10 },
  admin: { rateLimit: 50, burstLimit: 100 },
  fallback: { rateLimit: 10, burstLimit: 20 },
};

/** API Gateway's default account quotas per Region: no route limit above them takes effect. */
const ACCOUNT_RATE_LIMIT = 10_000;
const ACCOUNT_BURST_LIMIT = 5_000;

/** Context keys of earlier versions that no longer mean what a deployer who set them expects. */
const REPLACED_KEYS: Record<string, string> = {
  apiRateLimit: 'surveyRateLimit, unsubscribeRateLimit, adminRateLimit and fallbackRateLimit',
  apiBurstLimit: 'surveyBurstLimit, unsubscribeBurstLimit, adminBurstLimit and fallbackBurstLimit',
};

const DEFAULTS = {
  timeZone: 'UTC',
  tokenTtlDays: 30,
  // What SES gives a new account out of the sandbox; raise it with the account's quota.
  sesMaxSendRate: 14,
} as const;

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Context values arrive as strings from `-c`, or as JSON values from cdk.json. */
const text = (node: Node, key: string): string | undefined => {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new SettingsError(`context "${key}" must be a string, got ${JSON.stringify(value)}`);
  }
  return String(value).trim();
};

const integer = (node: Node, key: string, fallback: number, min: number, max: number): number => {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`context "${key}" must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
};

const optionalInteger = (node: Node, key: string, min: number, max: number): string | undefined =>
  text(node, key) === undefined ? undefined : String(integer(node, key, min, min, max));

/** Context key → the function setting it becomes, with its bounds (as shared/config.ts has them). */
const HANDLER_INTEGERS = {
  alertDebounceSeconds: ['ALERT_DEBOUNCE_SECONDS', 0, 3600],
  answerEditsPerHour: ['ANSWER_EDITS_PER_HOUR', 1, 1000],
  inviteSendAttempts: ['INVITE_SEND_ATTEMPTS', 1, 20],
  inviteRetentionDays: ['INVITE_RETENTION_DAYS', 1, 3650],
  alertRetentionDays: ['ALERT_RETENTION_DAYS', 1, 3650],
  sessionHours: ['SESSION_HOURS', 1, 720],
  auditRetentionDays: ['AUDIT_RETENTION_DAYS', 1, 3650],
} as const;

const handlerEnv = (node: Node): Record<string, string> => {
  const env: Record<string, string> = {};
  const dimensions = text(node, 'segmentDimensions');
  if (dimensions !== undefined) {
    if (!/^[a-z0-9_-]{1,40}(,[a-z0-9_-]{1,40})*$/.test(dimensions.replace(/\s+/g, ''))) {
      throw new SettingsError(
        `context "segmentDimensions" must be comma-separated attribute names such as tier,region,plan, got "${dimensions}"`,
      );
    }
    env.SEGMENT_DIMENSIONS = dimensions.replace(/\s+/g, '');
  }
  for (const [key, [name, min, max]] of Object.entries(HANDLER_INTEGERS)) {
    const value = optionalInteger(node, key, min, max);
    if (value !== undefined) env[name] = value;
  }
  // Who signs in as an admin (shared/auth): addresses, comma-separated.
  const adminEmails = text(node, 'adminEmails');
  if (adminEmails !== undefined) {
    const addresses = adminEmails
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean);
    const wrong = addresses.find((a) => !EMAIL.test(a));
    if (wrong !== undefined) {
      throw new SettingsError(
        `context "adminEmails" must be comma-separated email addresses, got "${wrong}"`,
      );
    }
    env.ADMIN_EMAILS = addresses.join(',');
  }
  // Value tiers and loyalty (shared/value/): the method, the loyalty weights and threshold.
  const method = text(node, 'valueTierMethod');
  if (method !== undefined) {
    if (!(VALUE_TIER_METHOD_NAMES as string[]).includes(method)) {
      throw new SettingsError(
        `context "valueTierMethod" must be one of ${VALUE_TIER_METHOD_NAMES.join(', ')}, got "${method}"`,
      );
    }
    env.VALUE_TIER_METHOD = method;
  }
  const weights = text(node, 'loyaltyWeights');
  if (weights !== undefined) {
    const ws = weights.split(',').map((w) => Number(w.trim()));
    if (ws.length !== 4 || !ws.every((w) => Number.isFinite(w) && w >= 0) || !ws.some((w) => w > 0)) {
      throw new SettingsError(
        `context "loyaltyWeights" must be four weights ≥ 0, not all 0 (purchases, products, quantity, amount), got "${weights}"`,
      );
    }
    env.LOYALTY_WEIGHTS = ws.join(',');
  }
  const threshold = text(node, 'loyaltyThreshold');
  if (threshold !== undefined) {
    const t = Number(threshold);
    if (!Number.isFinite(t) || t < 0 || t > 1) {
      throw new SettingsError(`context "loyaltyThreshold" must be a number from 0 to 1, got "${threshold}"`);
    }
    env.LOYALTY_THRESHOLD = String(t);
  }
  // Win-back by value (shared/winback/policy.ts): which tiers get a case, which the email; the brand.
  const cases = text(node, 'winbackCases');
  if (cases !== undefined) {
    try {
      parseWinBackCases(cases);
    } catch (err) {
      throw new SettingsError(`context "winbackCases": ${(err as Error).message}`);
    }
    env.WINBACK_CASES = cases;
  }
  const surveyTiers = text(node, 'winbackSurveyTiers');
  if (surveyTiers !== undefined) env.WINBACK_SURVEY_TIERS = surveyTiers;
  const brand = text(node, 'brandName');
  if (brand !== undefined) {
    if (brand.trim().length === 0 || brand.length > 100) {
      throw new SettingsError(`context "brandName" must be 1 to 100 characters, got "${brand}"`);
    }
    env.BRAND_NAME = brand;
  }
  // Strict mode against mail scanners that run script (shared/survey/scanner.ts).
  // `-c` gives a string, cdk.json may give a JSON boolean.
  const flag: unknown = node.tryGetContext('surveyRequirePerson');
  const requirePerson = typeof flag === 'boolean' ? String(flag) : text(node, 'surveyRequirePerson');
  if (requirePerson !== undefined) {
    if (requirePerson !== 'true' && requirePerson !== 'false') {
      throw new SettingsError(`context "surveyRequirePerson" must be true or false, got "${requirePerson}"`);
    }
    env.SURVEY_REQUIRE_PERSON = requirePerson;
  }
  return env;
};

const email = (node: Node, key: string): string | undefined => {
  const value = text(node, key);
  if (value !== undefined && !EMAIL.test(value)) {
    throw new SettingsError(`context "${key}" must be an email address, got "${value}"`);
  }
  return value;
};

const httpsUrl = (node: Node, key: string): string | undefined => {
  const value = text(node, key);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(
      `context "${key}" must be an absolute URL such as https://nps.example.com, got "${value}"`,
    );
  }
  if (url.protocol !== 'https:')
    throw new SettingsError(`context "${key}" must be an https:// URL, got "${value}"`);
  return value.replace(/\/+$/, '');
};

/**
 * One class's limits from `<class>RateLimit` / `<class>BurstLimit`. A burst left out is the class's
 * default, or the rate when that is higher (a bucket smaller than one second of the rate would
 * turn a steady stream arriving in clumps into 429s).
 */
const throttle = (node: Node, name: RouteClass | 'fallback'): Throttle => {
  const defaults = THROTTLE_DEFAULTS[name];
  const rateLimit = integer(node, `${name}RateLimit`, defaults.rateLimit, 1, ACCOUNT_RATE_LIMIT);
  const burstLimit = integer(
    node,
    `${name}BurstLimit`,
    Math.min(ACCOUNT_BURST_LIMIT, Math.max(defaults.burstLimit, rateLimit)),
    1,
    ACCOUNT_BURST_LIMIT,
  );
  return { rateLimit, burstLimit };
};

/** Reads and validates every setting; throws a SettingsError naming the context key that is wrong. */
export const settingsFromContext = (node: Node): NpsLoopSettings => {
  for (const [key, replacements] of Object.entries(REPLACED_KEYS)) {
    if (text(node, key) !== undefined) {
      throw new SettingsError(
        `context "${key}" is no longer read: the HTTP API is throttled per route class, with ${replacements}`,
      );
    }
  }
  const timeZone = text(node, 'timeZone') ?? DEFAULTS.timeZone;
  if (!isTimeZone(timeZone)) {
    throw new SettingsError(
      `context "timeZone" must be an IANA time zone such as Europe/Paris, got "${timeZone}"`,
    );
  }
  return {
    senderEmail: email(node, 'senderEmail') ?? EXAMPLE_SENDER_EMAIL,
    publicUrl: httpsUrl(node, 'publicUrl'),
    sesConfigurationSet: text(node, 'sesConfigurationSet'),
    timeZone,
    defaultOwnerId: text(node, 'defaultOwnerId'),
    escalationOwnerId: text(node, 'escalationOwnerId'),
    keyTiers: text(node, 'keyTiers'),
    tokenTtlDays: integer(node, 'tokenTtlDays', DEFAULTS.tokenTtlDays, 1, 365),
    sesMaxSendRate: integer(node, 'sesMaxSendRate', DEFAULTS.sesMaxSendRate, 1, 10_000),
    alarmEmail: email(node, 'alarmEmail'),
    throttle: {
      survey: throttle(node, 'survey'),
      unsubscribe: throttle(node, 'unsubscribe'),
      auth: throttle(node, 'auth'),
      admin: throttle(node, 'admin'),
      fallback: throttle(node, 'fallback'),
    },
    handlerEnv: handlerEnv(node),
  };
};
