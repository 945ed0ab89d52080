import { z } from 'zod';

/**
 * Shapes of the items this service writes. Everything read back from DynamoDB — and above all
 * every stream image — is parsed through these, so a malformed item fails loudly at the boundary.
 */
export const attributes = z.record(z.string(), z.string());

export const customerItem = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().optional(),
  locale: z.string().optional(),
  ownerId: z.string().optional(),
  attributes: attributes.default({}),
  updatedAt: z.string(),
  /** The loyalty index F the value recompute found (shared/value/loyalty.ts), with `value`/`loyalty`. */
  loyaltyIndex: z.number().min(0).max(1).optional(),
});
export type Customer = z.infer<typeof customerItem>;

/** A purchase as recorded: what was posted (the latest correction of it), and when. */
export const purchaseItem = z.object({
  purchaseId: z.string(),
  customerId: z.string(),
  date: z.string(),
  amount: z.number(),
  quantity: z.number().int(),
  productId: z.string(),
  /** When this body was recorded (a correction records it again). */
  recordedAt: z.string(),
});
export type Purchase = z.infer<typeof purchaseItem>;

export const ownerStyle = z.enum(['generic', 'slack', 'teams']);
export const ownerItem = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().optional(),
  webhookUrl: z.string().optional(),
  webhookSecret: z.string().optional(),
  style: ownerStyle.default('generic'),
  /** The language of the owner's alert emails (en when absent). */
  locale: z.string().optional(),
  /** Set when the receiver answered 410 Gone: no more posts until the owner is saved again. */
  webhookDisabledAt: z.string().optional(),
  webhookDisabledReason: z.string().optional(),
  updatedAt: z.string(),
});
export type Owner = z.infer<typeof ownerItem>;

export const scheduleShape = z.object({
  type: z.enum(['once', 'cron', 'rate']),
  expression: z.string(),
  timezone: z.string().optional(),
});
export type Schedule = z.infer<typeof scheduleShape>;

/** Who a campaign surveys: per attribute, a value, one of several, or `{not}` one or several. */
const audienceValues = z.union([z.string(), z.array(z.string())]);
export const audienceFilter = z.union([audienceValues, z.object({ not: audienceValues })]);
export type AudienceFilter = z.infer<typeof audienceFilter>;

/** When emails may reach people, in their own local time (shared/campaigns/send-window.ts). */
export const sendWindowShape = z.object({
  days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])),
  start: z.string(),
  end: z.string(),
});

export const campaignItem = z.object({
  id: z.string(),
  name: z.string(),
  audience: z.record(z.string(), audienceFilter).default({}),
  sendWindow: sendWindowShape.optional(),
  schedule: scheduleShape.optional(),
  question: z.string().optional(),
  brand: z.string(),
  /** Per-locale question and brand, keyed by the catalog locale they apply to (`zh-CN`, `de`). */
  locales: z
    .record(z.string(), z.object({ question: z.string().optional(), brand: z.string().optional() }))
    .optional(),
  fatigueDays: z.number().int().min(0),
  reminderDays: z.number().int().min(0).optional(),
  nextRunAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Campaign = z.infer<typeof campaignItem>;

const runStatus = z.enum(['pending', 'dispatching', 'sent']);
export const runItem = z.object({
  campaignId: z.string(),
  runId: z.string(),
  status: runStatus,
  trigger: z.enum(['manual', 'schedule', 'demo']),
  createdAt: z.string(),
  invited: z.number().int().default(0),
  sent: z.number().int().default(0),
  skipped: z.number().int().default(0),
  completedAt: z.string().optional(),
  /** The last customer id (in audience order) the dispatch finished: where a restart goes on. */
  resumeAfter: z.string().optional(),
  /** Paused by its complaint or bounce rate (and why), until resumed. */
  pausedAt: z.string().optional(),
  pausedReason: z.string().optional(),
  resumedAt: z.string().optional(),
});
export type Run = z.infer<typeof runItem>;

export const inviteItem = z.object({
  inviteId: z.string(),
  campaignId: z.string(),
  runId: z.string(),
  customerId: z.string(),
  email: z.string(),
  name: z.string().optional(),
  locale: z.string().optional(),
  ownerId: z.string().optional(),
  attributes: attributes.default({}),
  brand: z.string(),
  question: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Not sent before this (an event-triggered survey with a delay, a send window); listed by it. */
  sendAfter: z.string().optional(),
  /** Where the invite waits in its run's progress: for its turn, or for a later time (window, pause). */
  runState: z.enum(['queued', 'deferred']).optional(),
  /** SES feedback on the sent email, noted once each (the run's complaint and bounce rates). */
  complainedAt: z.string().optional(),
  bouncedAt: z.string().optional(),
  /** The campaign's send window and the recipient's time zone, when the invite was written. */
  sendWindow: sendWindowShape.optional(),
  timeZone: z.string().optional(),
  sentAt: z.string().optional(),
  messageId: z.string().optional(),
  unsubscribedAt: z.string().optional(),
  /** The campaign's reminder rule when the invite was written: one reminder this many days after sending. */
  reminderDays: z.number().int().min(1).optional(),
  remindedAt: z.string().optional(),
  reminderMessageId: z.string().optional(),
  /** Why no reminder went out: answered, suppressed, expired, failed. */
  reminderSkipped: z.string().optional(),
  /** Reminder sends that failed so far (each one defers the next try). */
  reminderAttempts: z.number().int().optional(),
  /** Sends of the invite that failed so far (each one defers the next try, up to INVITE_SEND_ATTEMPTS). */
  sendAttempts: z.number().int().optional(),
  /** The last send failure (the error's name and redacted message). */
  lastSendError: z.string().optional(),
  /** Why the invite was never sent: suppressed, expired, given up after N attempts. */
  skippedReason: z.string().optional(),
  /** The latest fetch of the email's honeypot link: a mail scanner at work (shared/survey/scanner.ts). */
  scannedAt: z.string().optional(),
  /** The first such fetch. */
  firstScannedAt: z.string().optional(),
});
export type Invite = z.infer<typeof inviteItem>;

/** What an answer holds, recorded or held: the invite, the customer's snapshot, the score. */
const answerFields = z.object({
  inviteId: z.string(),
  campaignId: z.string(),
  customerId: z.string(),
  /** '' is stored for "no owner at answer time" (see recordAnswer), read back as undefined. */
  ownerId: z
    .string()
    .transform((v) => v || undefined)
    .optional(),
  attributes: attributes.default({}),
  score: z.number().int().min(0).max(10),
  comment: z.string().optional(),
});

export const responseItem = answerFields.extend({
  /**
   * The user-defined themes its comment matched when the comment was recorded (written on every
   * answer, [] for none; absent on answers stored before themes). Names only, never comment text.
   */
  themes: z.array(z.string()).optional(),
  firstAnsweredAt: z.string(),
  respondedAt: z.string(),
  /** Counts news only (a new score class or comment): alerts and case notes key on it. */
  version: z.number().int().min(1),
  /** Counts every write, for optimistic concurrency (absent on answers stored before it). */
  revision: z.number().int().min(1).optional(),
  /** Writes in the current hour, for the per-invite edit limit. */
  edits: z.object({ hour: z.string(), count: z.number().int().min(0) }).optional(),
});
export type Response = z.infer<typeof responseItem>;
export type EditCount = NonNullable<Response['edits']>;

/**
 * A provisional answer: a submission in a mail scanner's pattern (shared/survey/scanner.ts), held
 * apart from the invite's response until a person's submission confirms the invite.
 */
export const provisionalItem = answerFields.extend({
  /** Why it is held: the invite's honeypot was fetched, or several scores came within seconds. */
  reason: z.enum(['honeypot', 'burst']),
  status: z.enum(['held', 'confirmed']),
  /** When the first held submission came, and the latest. */
  heldAt: z.string(),
  updatedAt: z.string(),
  /** Held submissions for the invite so far. */
  submissions: z.number().int().min(1),
  /** When a person's submission made the invite's answer real. */
  confirmedAt: z.string().optional(),
});
export type Provisional = z.infer<typeof provisionalItem>;

export const caseStatus = z.enum(['open', 'acknowledged', 'contacted', 'resolved']);
export type CaseStatus = z.infer<typeof caseStatus>;
const casePriority = z.enum(['high', 'normal']);
export type CasePriority = z.infer<typeof casePriority>;
export const caseItem = z.object({
  caseId: z.string(),
  inviteId: z.string(),
  customerId: z.string(),
  ownerId: z.string().optional(),
  status: caseStatus,
  score: z.number().int(),
  comment: z.string().optional(),
  tier: z.string().optional(),
  slaDueAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  notes: z.array(z.object({ at: z.string(), text: z.string(), status: caseStatus })).default([]),
  outcome: z.string().optional(),
  recovered: z.boolean().default(false),
  /** Set by the routing: the customer's own owner, a routing rule, or the default owner. */
  routedBy: z.enum(['customer', 'rule', 'default']).optional(),
  priority: casePriority.optional(),
  /** The answer's segment snapshot, so metrics per segment read the case alone. */
  attributes: attributes.optional(),
  responseVersion: z.number().int().optional(),
  /** When the case's latest alert went, or its debounced update will go, to the owner. */
  alertedAt: z.string().optional(),
  /** The alerts the latest answer raised (handed to delivery again if its record is redelivered). */
  lastAlertIds: z.array(z.string()).optional(),
  acknowledgedAt: z.string().optional(),
  contactedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  /** `customer` when the customer raised the score to 7+ themselves (outcome `score raised`). */
  resolvedBy: z.enum(['owner', 'customer']).optional(),
  /** When and by which later answer (invite id) the customer came back with 7 or more. */
  recoveredAt: z.string().optional(),
  recoveredBy: z.string().optional(),
  escalatedAt: z.string().optional(),
  escalatedTo: z.string().optional(),
  followUp: z.object({ sentAt: z.string(), messageId: z.string(), message: z.string() }).optional(),
});
export type Case = z.infer<typeof caseItem>;

const routingRule = z.object({ segment: z.string(), ownerId: z.string() });
export type RoutingRule = z.infer<typeof routingRule>;
export const routingItem = z.object({
  rules: z.array(routingRule).default([]),
  updatedAt: z.string(),
});
export type Routing = z.infer<typeof routingItem>;

/** A theme's name is its segment value (`theme:<name>`): lower case letters, digits, _ and -. */
export const themeDefinition = z.object({ name: z.string(), keywords: z.array(z.string()) });
export const themeDefinitionsItem = z.object({
  themes: z.array(themeDefinition).default([]),
  updatedAt: z.string(),
});

const alertStatus = z.enum(['pending', 'delivered', 'dead']);
const alertChannel = z.enum(['webhook', 'email']);
export type AlertChannel = z.infer<typeof alertChannel>;
export const alertItem = z.object({
  alertId: z.string(),
  caseId: z.string(),
  ownerId: z.string(),
  channel: alertChannel.default('webhook'),
  type: z.enum(['detractor.created', 'detractor.updated']),
  /** The exact body sent on every attempt, frozen when the alert was raised. */
  payload: z.string(),
  status: alertStatus,
  attempts: z.number().int().min(0),
  nextAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
  lastStatusCode: z.number().int().optional(),
  deliveredAt: z.string().optional(),
  /** Who holds the delivery attempt now (see leaseAlert); only they may record its failure. */
  leaseId: z.string().optional(),
  leaseUntil: z.string().optional(),
  createdAt: z.string(),
});
export type Alert = z.infer<typeof alertItem>;

/** Who may sign in, and as what: an admin (ADMIN_EMAILS) or an account manager (an owner's email). */
export const role = z.enum(['admin', 'owner']);
export type Role = z.infer<typeof role>;

/** A one-time sign-in link's token, keyed by a hash of its secret (shared/auth/sign-in.ts). */
export const signInItem = z.object({
  email: z.string(),
  role,
  ownerId: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Set when the link was used: it never opens a session again. */
  usedAt: z.string().optional(),
});
export type SignIn = z.infer<typeof signInItem>;

/** A signed-in session, keyed by a hash of its id (the cookie's value). */
export const sessionItem = z.object({
  role,
  ownerId: z.string().optional(),
  email: z.string(),
  /** What a cookie-authenticated write must echo in `x-csrf-token`. */
  csrfToken: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export type Session = z.infer<typeof sessionItem>;

export const auditAction = z.enum([
  'case.update',
  'case.follow-up',
  'customer.erase',
  'auth.sign-in',
  'auth.sign-out',
]);
export type AuditAction = z.infer<typeof auditAction>;

/** Who acted: the bearer admin key, or a session (its person's own address and role). */
export const auditActor = z.object({
  via: z.enum(['admin-key', 'session']),
  role,
  email: z.string().nullable(),
  ownerId: z.string().nullable(),
});
export type AuditActor = z.infer<typeof auditActor>;

/** One audit log entry: who, what, when, and what it was done to. Never a customer's address. */
export const auditItem = z.object({
  id: z.string(),
  at: z.string(),
  action: auditAction,
  actor: auditActor,
  caseId: z.string().optional(),
  /** A case move's statuses. */
  from: caseStatus.optional(),
  to: caseStatus.optional(),
  customerId: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditItem>;
