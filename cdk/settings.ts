import type { Node } from 'constructs';
import { isTimeZone } from '#shared/config';

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
  /** Email address subscribed to the alarm topic, if any. */
  alarmEmail?: string;
  /** Steady-state requests per second of the HTTP API stage, and the burst above it. */
  throttle: { rateLimit: number; burstLimit: number };
}

/**
 * Example values so that `npm run synth` and the CDK tests work with no context at all. They are
 * not deployable as they are: on deploy, pass the real sender (`-c senderEmail=surveys@yourdomain`)
 * and, with a custom domain, the public URL (`-c publicUrl=https://nps.yourdomain`). The synth
 * warns while the example sender is in use.
 */
export const EXAMPLE_SENDER_EMAIL = 'surveys@example.com';

const DEFAULTS = {
  timeZone: 'UTC',
  tokenTtlDays: 30,
  rateLimit: 50,
  burstLimit: 100,
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

/** Reads and validates every setting; throws a SettingsError naming the context key that is wrong. */
export const settingsFromContext = (node: Node): NpsLoopSettings => {
  const timeZone = text(node, 'timeZone') ?? DEFAULTS.timeZone;
  if (!isTimeZone(timeZone)) {
    throw new SettingsError(
      `context "timeZone" must be an IANA time zone such as Europe/Paris, got "${timeZone}"`,
    );
  }
  const rateLimit = integer(node, 'apiRateLimit', DEFAULTS.rateLimit, 1, 10_000);
  return {
    senderEmail: email(node, 'senderEmail') ?? EXAMPLE_SENDER_EMAIL,
    publicUrl: httpsUrl(node, 'publicUrl'),
    sesConfigurationSet: text(node, 'sesConfigurationSet'),
    timeZone,
    defaultOwnerId: text(node, 'defaultOwnerId'),
    escalationOwnerId: text(node, 'escalationOwnerId'),
    keyTiers: text(node, 'keyTiers'),
    tokenTtlDays: integer(node, 'tokenTtlDays', DEFAULTS.tokenTtlDays, 1, 365),
    alarmEmail: email(node, 'alarmEmail'),
    throttle: {
      rateLimit,
      burstLimit: integer(node, 'apiBurstLimit', Math.max(DEFAULTS.burstLimit, rateLimit), 1, 5_000),
    },
  };
};
