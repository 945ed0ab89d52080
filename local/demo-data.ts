import type { CampaignInput, CustomerInput, PurchaseInput, RoutingInput } from '#shared/api/inputs';
import type { ChurnKind } from '#shared/store/retention';
import type { LeaveReason } from '#shared/winback/reasons';
import {
  CHURN_NOTES,
  CONTACT_NOTES,
  DE_COMPANY,
  DE_FIRST,
  DE_LAST,
  DE_SUFFIX,
  DEMO_COMMENTS,
  DEMO_THEMES,
  EN_COMPANY,
  EN_FIRST,
  EN_LAST,
  EN_SUFFIX,
  ES_FIRST,
  ES_LAST,
  FR_COMPANY,
  FR_FIRST,
  FR_LAST,
  FR_SUFFIX,
  LATAM_COMPANY,
  LATAM_SUFFIX,
  type Language,
  type NameParts,
  type NpsClass,
  OUTCOMES,
  PT_FIRST,
  PT_LAST,
  type Theme,
  TW_COMPANY,
  TW_GIVEN,
  TW_SUFFIX,
  TW_SURNAMES,
  ZH_COMPANY,
  ZH_GIVEN,
  ZH_SUFFIX,
  ZH_SURNAMES,
} from './demo-words.ts';

export { DEMO_COMMENTS, DEMO_THEMES, type Theme } from './demo-words.ts';

/**
 * The demo account's data: a year of a customer-success team's life, planned here as plain data —
 * no I/O, no clock, no Math.random — so the same inputs give the same plan (a seeded PRNG), and a
 * unit test can read its shape. local/demo.ts writes it through the API and the store functions.
 *
 * The shape: 400 customers in three tiers, four regions, four plans and eleven locales (three in
 * four APAC customers write Chinese, Simplified or Traditional); four account managers; 18 months of purchases in which a few customers
 * carry most of the revenue, some lapsed (last purchase 182–208 days ago: the daily win-back pass
 * finds them lost) and a few marked churned; a relationship survey that reaches each customer once
 * a quarter, post-support and onboarding surveys answered over the last 12 months in English and Chinese, with a trend (worse
 * a year ago, a delivery crisis in LATAM and APAC mid-year, better since) and segments that differ;
 * each detractor's case worked by its owner; and today's live campaign to the key accounts.
 */

export const DEMO_SEED = 20261206;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// ---------------------------------------------------------------------------------------------
// A seeded PRNG (mulberry32): fast, 32-bit state, good enough for demo data.

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** An integer from lo to hi, both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  between(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const entries = Object.entries(weights) as Array<[T, number]>;
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return (entries.at(-1) as [T, number])[0];
  }
  /** A standard normal deviate (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** A Pareto deviate with minimum 1: a heavy tail, few large values (α ≈ 1.16 is the 80/20 rule). */
  pareto(alpha: number): number {
    return (1 - this.next()) ** (-1 / alpha);
  }
}

// ---------------------------------------------------------------------------------------------
// Dates: calendar days (`YYYY-MM-DD`, the account's) and instants (ISO), counted back from today.

export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Who: owners, customers.

export type Tier = 'key' | 'standard' | 'small';
export type Region = 'emea' | 'apac' | 'na' | 'latam';
type Plan = 'enterprise' | 'pro' | 'team' | 'starter';

export interface DemoOwner {
  id: string;
  name: string;
  email: string;
  style: 'generic' | 'slack' | 'teams';
  locale?: string;
  /** The demo webhook receiver's path for this owner. */
  hook: string;
  /** The receiver answers this hook 410 Gone (an archived channel): its alerts end dead. */
  refused?: boolean;
}

export const DEMO_OWNERS: readonly DemoOwner[] = [
  {
    id: 'alice',
    name: 'Alice Martin (key accounts)',
    email: 'alice@nps-loop.example',
    style: 'generic',
    hook: '/hooks/alice',
  },
  { id: 'bob', name: 'Bob Chen', email: 'bob@nps-loop.example', style: 'generic', hook: '/hooks/bob' },
  {
    id: 'carol',
    name: 'Carol Diaz (team lead)',
    email: 'carol@nps-loop.example',
    style: 'slack',
    hook: '/hooks/carol',
  },
  {
    id: 'wang',
    name: '王芳 (Wang Fang, Greater China)',
    email: 'wang.fang@nps-loop.example',
    style: 'teams',
    locale: 'zh-CN',
    hook: '/hooks/wang-teams',
    refused: true,
  },
];

/** The team lead: a case left unacknowledged past its SLA is escalated to her (ESCALATION_OWNER_ID). */
export const DEMO_ESCALATION_OWNER_ID = 'carol';

/** Customers with no owner of their own (the small tier) are routed by region. */
export const DEMO_ROUTING: RoutingInput['rules'] = [
  { segment: 'region:apac', ownerId: 'wang' },
  { segment: 'region:emea', ownerId: 'carol' },
  { segment: 'all', ownerId: 'bob' },
];

/** The customer's situation over the demo's 18 months. */
export type Status = 'active' | 'lapsed' | 'churned' | 'dormant' | 'trial';

interface Profile {
  customer: CustomerInput & { attributes: Record<string, string> };
  tier: Tier;
  region: Region;
  plan: Plan;
  language: Language;
  /** Days before today the customer signed up (540 or more: before the demo's purchases start). */
  signupDaysAgo: number;
  status: Status;
  /** Churned: the mark. Lapsed, churned, dormant: the day of the last purchase. */
  churn?: { kind: ChurnKind; on: string; note: string };
  lastPurchase?: string;
  /** How the customer feels about us, before the segment, time and campaign effects. */
  mood: number;
  /** Their yearly spend, heavy-tailed. */
  yearlySpend: number;
}

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const TIMEZONES: Record<string, readonly string[]> = {
  'en-GB': ['Europe/London', 'Europe/Dublin'],
  'de-DE': ['Europe/Berlin', 'Europe/Vienna'],
  'fr-FR': ['Europe/Paris', 'Europe/Brussels'],
  'en-US': ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
  'fr-CA': ['America/Toronto'],
  'zh-CN': ['Asia/Shanghai'],
  'zh-TW': ['Asia/Taipei'],
  'en-AU': ['Australia/Sydney', 'Australia/Melbourne'],
  'en-SG': ['Asia/Singapore'],
  'es-MX': ['America/Mexico_City', 'America/Bogota'],
  'pt-BR': ['America/Sao_Paulo'],
};

const LOCALES_OF: Record<Region, Record<string, number>> = {
  emea: { 'en-GB': 50, 'de-DE': 28, 'fr-FR': 22 },
  na: { 'en-US': 88, 'fr-CA': 12 },
  apac: { 'zh-CN': 58, 'zh-TW': 16, 'en-AU': 16, 'en-SG': 10 },
  latam: { 'es-MX': 55, 'pt-BR': 45 },
};

/**
 * The twelve accounts of the earlier, smaller demo, kept with their names (the README walks
 * through some of them).
 */
const CLASSIC: ReadonlyArray<{
  id: string;
  name: string;
  email: string;
  tier: Tier;
  region: Region;
  plan: Plan;
  locale: string;
  status?: Status;
}> = [
  {
    id: 'c-northwind',
    name: 'Dana Fox',
    email: 'dana@northwind.example',
    tier: 'key',
    region: 'emea',
    plan: 'enterprise',
    locale: 'en-GB',
  },
  {
    id: 'c-contoso',
    name: 'Li Wei',
    email: 'li@contoso.example',
    tier: 'key',
    region: 'apac',
    plan: 'enterprise',
    locale: 'zh-CN',
  },
  {
    id: 'c-globex',
    name: 'Hank Scorpio',
    email: 'hank@globex.example',
    tier: 'key',
    region: 'na',
    plan: 'enterprise',
    locale: 'en-US',
  },
  {
    id: 'c-initech',
    name: 'Peter Gibbons',
    email: 'peter@initech.example',
    tier: 'standard',
    region: 'na',
    plan: 'team',
    locale: 'en-US',
  },
  {
    id: 'c-umbrella',
    name: 'Alice Wong',
    email: 'alice.w@umbrella.example',
    tier: 'standard',
    region: 'emea',
    plan: 'team',
    locale: 'en-GB',
  },
  {
    id: 'c-hooli',
    name: 'Gavin Belson',
    email: 'gavin@hooli.example',
    tier: 'standard',
    region: 'na',
    plan: 'team',
    locale: 'en-US',
  },
  {
    id: 'c-stark',
    name: 'Pepper Potts',
    email: 'pepper@stark.example',
    tier: 'standard',
    region: 'apac',
    plan: 'pro',
    locale: 'en-AU',
  },
  {
    id: 'c-wayne',
    name: 'Lucius Fox',
    email: 'lucius@wayne.example',
    tier: 'small',
    region: 'na',
    plan: 'pro',
    locale: 'en-US',
  },
  {
    id: 'c-acme',
    name: 'Wile E. Coyote',
    email: 'wile@acme.example',
    tier: 'small',
    region: 'na',
    plan: 'starter',
    locale: 'en-US',
  },
  {
    id: 'c-soylent',
    name: 'Sol Roth',
    email: 'sol@soylent.example',
    tier: 'small',
    region: 'emea',
    plan: 'starter',
    locale: 'en-GB',
  },
  {
    id: 'c-tyrell',
    name: 'Rachael Tyrell',
    email: 'rachael@tyrell.example',
    tier: 'small',
    region: 'apac',
    plan: 'pro',
    locale: 'en-SG',
  },
  {
    id: 'c-cyberdyne',
    name: 'Miles Dyson',
    email: 'miles@cyberdyne.example',
    tier: 'small',
    region: 'emea',
    plan: 'starter',
    locale: 'en-GB',
    status: 'dormant',
  },
];

const languageOf = (locale: string): Language =>
  locale === 'zh-CN' ? 'zh-CN' : locale === 'zh-TW' ? 'zh-TW' : 'en';

/** Chinese-speaking customers have the Greater China manager; key accounts Alice; the rest by region. */
const ownerOf = (tier: Tier, region: Region, language: Language): string | undefined => {
  if (language !== 'en' && tier !== 'small') return 'wang';
  if (tier === 'key') return 'alice';
  if (tier === 'small') return undefined;
  return region === 'na' || region === 'latam' ? 'bob' : 'carol';
};

const PLAN_OF: Record<Tier, Record<Plan, number>> = {
  key: { enterprise: 80, pro: 20, team: 0, starter: 0 },
  standard: { enterprise: 5, pro: 45, team: 50, starter: 0 },
  small: { enterprise: 0, pro: 10, team: 40, starter: 50 },
};
const SPEND_SCALE: Record<Tier, number> = { key: 30_000, standard: 4_000, small: 600 };

const TIER_EFFECT: Record<Tier, number> = { key: 0.25, standard: 0, small: -0.15 };
const REGION_EFFECT: Record<Region, number> = { emea: 0.2, na: 0.3, apac: -0.25, latam: -0.45 };
const PLAN_EFFECT: Record<Plan, number> = { enterprise: 0.15, pro: 0.05, team: 0, starter: -0.3 };

const makeCustomers = (rng: Rng): Profile[] => {
  const profiles: Profile[] = [];
  const usedIds = new Set<string>();
  const usedEmails = new Set<string>();
  const tierCounts: Record<Tier, number> = { key: 32, standard: 160, small: 208 };
  const tiers: Tier[] = [];
  for (const [tier, n] of Object.entries(tierCounts) as Array<[Tier, number]>) {
    for (let i = 0; i < n; i++) tiers.push(tier);
  }
  for (const classic of CLASSIC) {
    const index = tiers.indexOf(classic.tier);
    tiers.splice(index, 1);
  }
  const profileOf = (
    c: { id: string; name: string; email: string; locale: string },
    tier: Tier,
    region: Region,
    plan: Plan,
  ): Profile => {
    const language = languageOf(c.locale);
    const ownerId = ownerOf(tier, region, language);
    usedIds.add(c.id);
    usedEmails.add(c.email);
    return {
      customer: {
        id: c.id,
        email: c.email,
        name: c.name,
        locale: c.locale,
        ...(ownerId ? { ownerId } : {}),
        // The locale as an attribute too: `locale` is a segment dimension, read from attributes.
        attributes: {
          tier,
          region,
          plan,
          locale: c.locale,
          timezone: rng.pick(TIMEZONES[c.locale] ?? ['UTC']),
        },
      },
      tier,
      region,
      plan,
      language,
      signupDaysAgo: 600,
      status: 'active',
      mood: rng.normal() * 0.8,
      yearlySpend: Math.min(40, rng.pareto(1.16)) * SPEND_SCALE[tier] * rng.between(0.6, 1.4),
    };
  };
  for (const c of CLASSIC) {
    const p = profileOf(c, c.tier, c.region, c.plan);
    if (c.status) p.status = c.status;
    profiles.push(p);
  }
  for (const tier of tiers) {
    const region = rng.weighted<Region>({ emea: 30, na: 28, apac: 32, latam: 10 });
    const locale = rng.weighted(LOCALES_OF[region]);
    const plan = rng.weighted(PLAN_OF[tier]);
    const person = personOf(rng, locale);
    let company = companyOf(rng, locale);
    for (let n = 2; usedIds.has(`c-${company.slug}`); n++)
      company = { ...company, slug: `${company.slugBase}-${n}` };
    let email = `${person.local}@${company.slug}.example`;
    for (let n = 2; usedEmails.has(email); n++) email = `${person.local}${n}@${company.slug}.example`;
    profiles.push(
      profileOf({ id: `c-${company.slug}`, name: person.name, email, locale }, tier, region, plan),
    );
  }
  // The relationship survey's wave of each account with a manager; the classic key accounts are in
  // the first (surveyed in October), so today's key-account pulse reaches them.
  let n = 0;
  for (const p of profiles) {
    if (p.tier === 'small') continue;
    const classicKey = p.tier === 'key' && CLASSIC.some((c) => c.id === p.customer.id);
    p.customer.attributes.wave = classicKey ? '1' : (WAVES[n++ % WAVES.length] ?? '1');
  }
  return profiles;
};

const personOf = (rng: Rng, locale: string): { name: string; local: string } => {
  if (locale === 'zh-CN' || locale === 'zh-TW') {
    const [surnames, given] = locale === 'zh-CN' ? [ZH_SURNAMES, ZH_GIVEN] : [TW_SURNAMES, TW_GIVEN];
    const [s, sp] = rng.pick(surnames);
    const [g, gp] = rng.pick(given);
    return { name: `${s}${g}`, local: `${gp}.${sp}` };
  }
  const [first, last] =
    locale === 'de-DE'
      ? [DE_FIRST, DE_LAST]
      : locale === 'fr-FR' || locale === 'fr-CA'
        ? [FR_FIRST, FR_LAST]
        : locale === 'es-MX'
          ? [ES_FIRST, ES_LAST]
          : locale === 'pt-BR'
            ? [PT_FIRST, PT_LAST]
            : [EN_FIRST, EN_LAST];
  const f = rng.pick(first);
  const l = rng.pick(last);
  return { name: `${f} ${l}`, local: `${slug(f)}.${slug(l)}` };
};

const companyOf = (rng: Rng, locale: string): { slug: string; slugBase: string } => {
  const pair = (names: NameParts, suffixes: NameParts) => {
    const [, a] = rng.pick(names);
    const [, b] = rng.pick(suffixes);
    return `${a}-${b}`;
  };
  const plain = (names: readonly string[], suffixes: readonly string[]) =>
    slug(`${rng.pick(names)} ${rng.pick(suffixes)}`);
  const s =
    locale === 'zh-CN'
      ? pair(ZH_COMPANY, ZH_SUFFIX)
      : locale === 'zh-TW'
        ? pair(TW_COMPANY, TW_SUFFIX)
        : locale === 'de-DE'
          ? plain(DE_COMPANY, DE_SUFFIX)
          : locale === 'fr-FR' || locale === 'fr-CA'
            ? plain(FR_COMPANY, FR_SUFFIX)
            : locale === 'es-MX' || locale === 'pt-BR'
              ? plain(LATAM_COMPANY, LATAM_SUFFIX)
              : plain(EN_COMPANY, EN_SUFFIX);
  return { slug: s, slugBase: s };
};

const classOf = (score: number): NpsClass => (score <= 6 ? 'detractor' : score <= 8 ? 'passive' : 'promoter');

// ---------------------------------------------------------------------------------------------
// The plan.

export interface PlannedMove {
  status: 'acknowledged' | 'contacted' | 'resolved';
  at: string;
  note?: string;
  outcome?: string;
}

export interface PlannedAnswer {
  score: number;
  comment?: string;
  /** When it was answered (ISO): the rollup counts it on this day. */
  at: string;
  /** The theme its comment is about (for the plan's own checks). */
  theme?: Theme;
  /** A detractor's case, as its owner worked it (none: still open). */
  caseMoves?: PlannedMove[];
  /** Left open past its SLA: the SLA check escalates it. */
  escalates?: boolean;
}

export interface PlannedInvite {
  customerId: string;
  /** When the email went (ISO). */
  sentAt: string;
  answer?: PlannedAnswer;
}

/** One campaign run of the past (`sch_…` ids, as the schedule names them) or one event survey. */
export interface PlannedRun {
  campaignId: string;
  runId: string;
  trigger: 'schedule' | 'event';
  at: string;
  invites: PlannedInvite[];
  /** Customers of the audience the run skipped: surveyed by another campaign too recently. */
  fatigued: string[];
}

export interface PlannedChurn {
  customerId: string;
  kind: ChurnKind;
  on: string;
  note: string;
}

export interface DemoPlan {
  today: string;
  now: string;
  owners: readonly DemoOwner[];
  customers: Array<CustomerInput & { attributes: Record<string, string> }>;
  /** Each customer's situation (for checks: the API does not know it). */
  statusOf: Record<string, Status>;
  routing: RoutingInput['rules'];
  themes: typeof DEMO_THEMES;
  purchases: PurchaseInput[];
  churns: PlannedChurn[];
  campaigns: CampaignInput[];
  /** Past runs and event surveys, oldest first. */
  runs: PlannedRun[];
  live: {
    campaignId: string;
    /** Today's answers to the live campaign, given through the links in its emails. */
    answers: Record<string, { score: number; comment?: string }>;
    /** Answers to the "why did you leave?" emails, given through their links. */
    leaveAnswers: Record<string, { reason: LeaveReason; comment?: string }>;
  };
}

/** The relationship survey, in three waves: each wave's accounts once a quarter, a wave a month. */
const WAVES = ['1', '2', '3'] as const;
const WAVE_MONTHS = {
  '1': 'Jan, Apr, Jul, Oct',
  '2': 'Feb, May, Aug, Nov',
  '3': 'Mar, Jun, Sep, Dec',
} as const;
export const relationshipCampaign = (wave: string) => `relationship-wave-${wave}`;
const isRelationship = (campaignId: string) => campaignId.startsWith('relationship-wave-');
const POST_SUPPORT = 'post-support';
const ONBOARDING = 'onboarding';
export const LIVE_CAMPAIGN = 'key-accounts-pulse';

const RELATIONSHIP_FATIGUE_DAYS = 45;
const FATIGUE_DAYS: Record<string, number> = {
  ...Object.fromEntries(WAVES.map((w) => [relationshipCampaign(w), RELATIONSHIP_FATIGUE_DAYS])),
  [POST_SUPPORT]: 14,
  [ONBOARDING]: 0,
  [LIVE_CAMPAIGN]: 30,
};

const ZH_BRAND = 'Acme 云';
const TW_BRAND = 'Acme 雲';
const campaignsOf = (): CampaignInput[] => [
  // The accounts with an account manager (key and standard), a third of them each month.
  ...WAVES.map((wave, i) => ({
    id: relationshipCampaign(wave),
    name: `Quarterly relationship survey, wave ${wave} (${WAVE_MONTHS[wave]})`,
    brand: 'Acme Cloud',
    audience: { wave, status: { not: 'churned' } },
    schedule: {
      type: 'cron' as const,
      expression: `0 9 7 ${i + 1},${i + 4},${i + 7},${i + 10} *`,
      timezone: 'UTC',
    },
    sendWindow: {
      days: ['mon' as const, 'tue' as const, 'wed' as const, 'thu' as const, 'fri' as const],
      start: '09:00',
      end: '17:00',
    },
    fatigueDays: RELATIONSHIP_FATIGUE_DAYS,
    locales: { 'zh-CN': { brand: ZH_BRAND }, 'zh-TW': { brand: TW_BRAND } },
  })),
  {
    id: POST_SUPPORT,
    name: 'After a support ticket',
    brand: 'Acme Cloud Support',
    question: 'How likely are you to recommend {brand} to a colleague, after your recent ticket?',
    fatigueDays: FATIGUE_DAYS[POST_SUPPORT],
    locales: {
      'zh-CN': { brand: 'Acme 云客服', question: '根据这次工单的体验，您有多大可能向同事推荐{brand}？' },
      'zh-TW': { brand: 'Acme 雲客服' },
    },
  },
  {
    id: ONBOARDING,
    name: 'Onboarding check-in, 30 days after signing up',
    brand: 'Acme Cloud',
    fatigueDays: FATIGUE_DAYS[ONBOARDING],
    locales: { 'zh-CN': { brand: ZH_BRAND }, 'zh-TW': { brand: TW_BRAND } },
  },
  {
    id: LIVE_CAMPAIGN,
    name: 'Key accounts pulse',
    brand: 'Acme Cloud',
    audience: { tier: 'key', status: { not: 'churned' } },
    fatigueDays: FATIGUE_DAYS[LIVE_CAMPAIGN],
    reminderDays: 3,
    locales: { 'zh-CN': { brand: ZH_BRAND }, 'zh-TW': { brand: TW_BRAND } },
  },
];

const PRODUCTS = [
  'seats',
  'storage',
  'support-plus',
  'analytics',
  'api',
  'training',
  'backup',
  'sso',
  'audit',
  'mobile',
];

/** 18 months of purchases: the trailing year of the value tiers, and a half year before it for churn. */
const HISTORY_DAYS = 540;

const planCustomersFates = (rng: Rng, profiles: Profile[], today: string) => {
  // The generated customers in a shuffled order (they were made tier by tier).
  const generated = profiles.filter((p) => !CLASSIC.some((c) => c.id === p.customer.id));
  for (let i = generated.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [generated[i], generated[j]] = [generated[j] as Profile, generated[i] as Profile];
  }
  const take = (n: number, filter: (p: Profile) => boolean) => {
    const out: Profile[] = [];
    for (const p of generated) {
      if (out.length >= n) break;
      if (p.status === 'active' && filter(p)) out.push(p);
    }
    return out;
  };
  // Signed up during the demo's 18 months: some within the last year (the onboarding survey).
  for (const p of generated) {
    if (rng.chance(0.22)) p.signupDaysAgo = rng.int(45, 520);
  }
  for (const p of take(6, (q) => q.tier === 'small')) {
    p.status = 'trial';
    p.signupDaysAgo = rng.int(8, 40);
  }
  for (const p of take(8, (q) => q.tier !== 'key' && q.signupDaysAgo >= 540)) {
    p.status = 'dormant';
    p.lastPurchase = addDays(today, -rng.int(380, 520));
  }
  // Lapsed: last purchase 182–208 days ago, so they were lost within the win-back pass's 30 days.
  // Larger spenders among them, so that some are in the top value tiers (a win-back case each).
  for (const p of take(24, (q) => q.signupDaysAgo >= 400)) {
    p.status = 'lapsed';
    p.lastPurchase = addDays(today, -rng.int(182, 208));
    p.mood -= 0.6;
  }
  const lapsedBig = profiles.filter((p) => p.status === 'lapsed').slice(0, 4);
  for (const p of lapsedBig) p.yearlySpend *= 6;
  const kinds: ChurnKind[] = [
    'competitor',
    'competitor',
    'competitor',
    'our-fault',
    'our-fault',
    'natural',
    'natural',
    'ended-by-us',
    'ended-by-us',
    'competitor',
  ];
  // The first of them a key account, lost to a competitor: the biggest, so its win-back case is urgent.
  const churned = [
    ...take(1, (q) => q.tier === 'key' && q.language === 'en' && q.signupDaysAgo >= 400),
    ...take(kinds.length - 1, (q) => q.tier !== 'key' && q.signupDaysAgo >= 400),
  ];
  churned.forEach((p, i) => {
    const kind = kinds[i] as ChurnKind;
    const onDaysAgo = 20 + Math.round((i / kinds.length) * 280) + rng.int(0, 15);
    p.status = 'churned';
    p.churn = { kind, on: addDays(today, -onDaysAgo), note: rng.pick(CHURN_NOTES[kind]) };
    p.lastPurchase = addDays(today, -onDaysAgo - rng.int(10, 60));
    p.mood -= kind === 'our-fault' || kind === 'competitor' ? 1.1 : 0.3;
    if (i === 0) p.yearlySpend *= 8;
  });
};

const makePurchases = (rng: Rng, profiles: Profile[], today: string): PurchaseInput[] => {
  const purchases: PurchaseInput[] = [];
  for (const p of profiles) {
    if (p.status === 'trial') continue;
    const firstDay = Math.min(HISTORY_DAYS, p.signupDaysAgo);
    // The last purchase: recent for an active customer (well inside the 180 days that make one lost).
    const lastDaysAgo = p.lastPurchase
      ? Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${p.lastPurchase}T00:00:00Z`)) / DAY_MS)
      : rng.int(0, 60);
    if (lastDaysAgo > firstDay) continue;
    const span = firstDay - lastDaysAgo;
    const perYear = p.tier === 'key' ? rng.int(6, 14) : p.tier === 'standard' ? rng.int(2, 8) : rng.int(1, 4);
    const count = Math.max(1, Math.round((perYear * span) / 365));
    const products = p.tier === 'key' ? rng.int(3, 8) : p.tier === 'standard' ? rng.int(1, 5) : rng.int(1, 2);
    const perPurchase = (p.yearlySpend * Math.max(span, 30)) / 365 / count;
    for (let k = 0; k < count; k++) {
      // The last purchase on its day; the others spread over the span before it.
      const daysAgo = k === 0 ? lastDaysAgo : lastDaysAgo + rng.int(1, Math.max(1, span));
      purchases.push({
        purchaseId: `${p.customer.id}-${String(k + 1).padStart(3, '0')}`,
        customerId: p.customer.id,
        date: addDays(today, -daysAgo),
        amount: Math.max(9, Math.round(perPurchase * rng.between(0.5, 1.5) * 100) / 100),
        quantity: p.tier === 'key' ? rng.int(1, 20) : rng.int(1, 5),
        productId: `sku-${PRODUCTS[rng.int(0, products - 1)]}`,
      });
    }
  }
  return purchases;
};

/** The month index of an instant: 0 is the oldest month of the year, 11 the current one. */
const monthIndex = (daysAgo: number) => Math.max(0, 11 - Math.floor(daysAgo / 30.5));

const scoreOf = (rng: Rng, p: Profile, campaignId: string, daysAgo: number): number => {
  const m = monthIndex(daysAgo);
  let z = p.mood + TIER_EFFECT[p.tier] + REGION_EFFECT[p.region] + PLAN_EFFECT[p.plan];
  // Worse a year ago, better month by month since.
  z += -0.45 + 0.075 * m;
  // The delivery crisis: months 5 and 6, in APAC and LATAM.
  if ((m === 5 || m === 6) && (p.region === 'latam' || p.region === 'apac')) z -= 0.7;
  // Support was the weak spot until the team grew, six months ago.
  if (campaignId === POST_SUPPORT) z += daysAgo > 180 ? -0.8 : -0.1;
  if (campaignId === ONBOARDING) z += 0.3;
  z += rng.normal() * 0.85;
  return Math.max(0, Math.min(10, Math.round(8.1 + 1.7 * z)));
};

const themeOf = (rng: Rng, p: Profile, campaignId: string, cls: NpsClass, daysAgo: number): Theme => {
  const w: Record<Theme, number> = {
    price: 3,
    support: 2,
    delivery: 1,
    quality: 2,
    reliability: 1.5,
    billing: 1,
    onboarding: 0.5,
  };
  if (cls === 'detractor') {
    if (p.region === 'apac' || p.tier === 'small') w.price *= 2.5;
    if (p.region === 'latam' || p.region === 'apac') w.delivery *= monthIndex(daysAgo) >= 5 ? 3 : 6;
    if (p.tier === 'key') w.reliability *= 2;
  }
  if (campaignId === POST_SUPPORT) w.support *= 8;
  if (campaignId === ONBOARDING) w.onboarding *= 12;
  return rng.weighted(w);
};

const commentOf = (rng: Rng, theme: Theme, cls: NpsClass, language: Language) =>
  rng.pick(DEMO_COMMENTS[theme][cls][language]);

/** How the owner worked a detractor's case, by the answer's age: old ones resolved, recent ones in progress. */
const caseMovesOf = (
  rng: Rng,
  p: Profile,
  answer: { at: number; theme?: Theme },
  nowMs: number,
): { moves: PlannedMove[] } => {
  const ageDays = (nowMs - answer.at) / DAY_MS;
  const zh = p.customer.ownerId === 'wang' || (!p.customer.ownerId && p.region === 'apac');
  const language: Language = zh ? (p.language === 'zh-TW' ? 'zh-TW' : 'zh-CN') : 'en';
  const name = p.customer.name ?? p.customer.id;
  const fast = p.tier === 'key';
  let target: 'open' | PlannedMove['status'];
  // Old cases are resolved, a few still waiting on the customer; recent ones are being worked.
  if (ageDays >= 45) target = rng.weighted({ resolved: 94, contacted: 6 });
  else if (ageDays >= 14) target = rng.weighted({ resolved: 50, contacted: 30, acknowledged: 20 });
  else if (ageDays >= 4) target = rng.weighted({ resolved: 25, contacted: 40, acknowledged: 35 });
  // Open only while its SLA runs (72 h; a key account's 24 h has passed by now): never escalated.
  else if (!fast && ageDays < 2.5) target = rng.weighted({ open: 40, acknowledged: 30, contacted: 30 });
  else target = rng.weighted({ acknowledged: 50, contacted: 50 });
  if (target === 'open') return { moves: [] };
  // Times after the answer, squeezed to fit before now.
  const room = Math.min(ageDays * DAY_MS - HOUR_MS, 12 * DAY_MS);
  const ack = Math.min(room * 0.1, (fast ? rng.between(1, 8) : rng.between(3, 30)) * HOUR_MS);
  const contact = ack + Math.min(room * 0.3, rng.between(4, 48) * HOUR_MS);
  const resolve = contact + Math.min(room * 0.55, rng.between(1, 8) * DAY_MS);
  const iso = (ms: number) => new Date(answer.at + ms).toISOString();
  const moves: PlannedMove[] = [
    { status: 'acknowledged', at: iso(ack), note: language === 'en' ? 'Looking into it.' : '正在跟进。' },
  ];
  if (target === 'acknowledged') return { moves };
  moves.push({
    status: 'contacted',
    at: iso(contact),
    note: rng.pick(CONTACT_NOTES[language]).replace('{name}', name),
  });
  if (target === 'contacted') return { moves };
  const outcome = OUTCOMES[answer.theme ?? 'none'];
  moves.push({ status: 'resolved', at: iso(resolve), outcome: language === 'en' ? outcome.en : outcome.zh });
  return { moves };
};

const RESPONSE_RATE: Record<Tier, number> = { key: 0.6, standard: 0.4, small: 0.25 };
/** Who opens support tickets in a year, and how many at most. */
const TICKET_CHANCE: Record<Tier, number> = { key: 0.7, standard: 0.4, small: 0.4 };
const MAX_TICKETS: Record<Tier, number> = { key: 4, standard: 2, small: 2 };

/**
 * The demo's plan for `now` (an instant) and `today` (its calendar day in the account's time zone):
 * the same inputs and seed give the same plan.
 */
export const planDemo = (input: { now: string; today: string; seed?: number }): DemoPlan => {
  const rng = new Rng(input.seed ?? DEMO_SEED);
  const { today } = input;
  const nowMs = Date.parse(input.now);
  const profiles = makeCustomers(rng);
  planCustomersFates(rng, profiles, today);
  const byId = new Map(profiles.map((p) => [p.customer.id, p]));
  const purchases = makePurchases(rng, profiles, today);

  const daysAgoOf = (ms: number) => (nowMs - ms) / DAY_MS;
  /** Whether the customer could be surveyed at that instant: signed up, not yet gone. */
  const reachable = (p: Profile, ms: number) => {
    const daysAgo = daysAgoOf(ms);
    if (daysAgo > p.signupDaysAgo) return false;
    if (p.churn && addDays(today, -Math.floor(daysAgo)) >= p.churn.on) return false;
    return true;
  };

  // Every invite of every campaign, decided in time order so fatigue reads what went before.
  type Draft = {
    campaignId: string;
    runId: string;
    trigger: 'schedule' | 'event';
    ms: number;
    customers: Profile[];
  };
  const drafts: Draft[] = [];
  // The relationship survey: each wave on the 7th of its months, 09:00 UTC — the last four runs of
  // each wave that are at least 5 days old, to the accounts of its wave.
  for (const [i, wave] of WAVES.entries()) {
    const runs: number[] = [];
    for (let back = 0; runs.length < 4; back++) {
      const ms = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - back, 7, 9);
      if ((new Date(ms).getUTCMonth() - i) % 3 === 0 && daysAgoOf(ms) >= 5) runs.push(ms);
    }
    for (const ms of runs) {
      const id = new Date(ms).toISOString().replace(/[-:.]/g, '').slice(0, 15);
      drafts.push({
        campaignId: relationshipCampaign(wave),
        runId: `sch_${id}`,
        trigger: 'schedule',
        ms,
        customers: profiles.filter((p) => p.customer.attributes.wave === wave),
      });
    }
  }
  // Support tickets closed over the year; the survey goes a day after.
  let ticket = 1000;
  for (const p of profiles) {
    // Dana Fox (Northwind) opens none: the README has her answer today's pulse.
    const opens = p.customer.id !== 'c-northwind' && rng.chance(TICKET_CHANCE[p.tier]);
    const tickets = opens ? rng.int(1, MAX_TICKETS[p.tier]) : 0;
    for (let t = 0; t < tickets; t++) {
      const ms = nowMs - rng.between(1.2, 360) * DAY_MS;
      drafts.push({
        campaignId: POST_SUPPORT,
        runId: `event:ticket-${ticket++}`,
        trigger: 'event',
        ms,
        customers: [p],
      });
    }
  }
  // Cases planned to be in a given state whatever the dice say: a key account's support detractor
  // two days ago left open (past its 24 h SLA: the SLA check escalates it), and two recent
  // detractors still open within their 72 h.
  const pickActive = (tier: Tier, skip: readonly string[]) => {
    const found = profiles.find(
      (p) => p.tier === tier && p.status === 'active' && p.language === 'en' && !skip.includes(p.customer.id),
    );
    if (!found) throw new Error(`no active ${tier} customer`);
    return found;
  };
  const forced = new Map<string, { score: number; comment: string; theme: Theme }>();
  const forceTicket = (
    p: Profile,
    daysAgo: number,
    answer: { score: number; comment: string; theme: Theme },
  ) => {
    const runId = `event:ticket-${ticket++}`;
    forced.set(runId, answer);
    drafts.push({
      campaignId: POST_SUPPORT,
      runId,
      trigger: 'event',
      ms: nowMs - daysAgo * DAY_MS,
      customers: [p],
    });
  };
  forceTicket(pickActive('key', ['c-northwind', 'c-globex']), 2.2, {
    score: 2,
    comment: 'Our ticket has been open for five days and nobody from support called back.',
    theme: 'support',
  });
  forceTicket(pickActive('standard', ['c-initech', 'c-umbrella', 'c-hooli', 'c-stark']), 1.6, {
    score: 3,
    comment: 'Support closed our ticket without fixing the bug.',
    theme: 'support',
  });
  forceTicket(pickActive('small', ['c-wayne', 'c-acme', 'c-soylent', 'c-tyrell']), 0.9, {
    score: 1,
    comment: 'Billing charged us twice and support has not answered.',
    theme: 'billing',
  });
  // Onboarding: 30 days after signing up, for those who signed up in the last year.
  for (const p of profiles) {
    if (p.signupDaysAgo >= 31 && p.signupDaysAgo <= 395) {
      const ms = nowMs - (p.signupDaysAgo - 30) * DAY_MS + rng.between(9, 11) * HOUR_MS;
      if (ms < nowMs - DAY_MS)
        drafts.push({
          campaignId: ONBOARDING,
          runId: `event:onboarding-${p.customer.id}`,
          trigger: 'event',
          ms,
          customers: [p],
        });
    }
  }
  drafts.sort((a, b) => a.ms - b.ms || a.runId.localeCompare(b.runId));

  const lastInvited = new Map<string, number>();
  const runs: PlannedRun[] = [];
  for (const d of drafts) {
    const fatigueMs = (FATIGUE_DAYS[d.campaignId] ?? 0) * DAY_MS;
    const run: PlannedRun = {
      campaignId: d.campaignId,
      runId: d.runId,
      trigger: d.trigger,
      at: new Date(d.ms).toISOString(),
      invites: [],
      fatigued: [],
    };
    for (const p of d.customers) {
      if (!reachable(p, d.ms)) continue;
      const last = lastInvited.get(p.customer.id);
      const must = forced.get(d.runId);
      if (!must && last !== undefined && d.ms - last < fatigueMs) {
        // An event survey that would fatigue is never written; a campaign run logs the skip.
        if (d.trigger === 'schedule') run.fatigued.push(p.customer.id);
        continue;
      }
      lastInvited.set(p.customer.id, d.ms);
      // A run's emails go out over its first minutes.
      const sentMs = d.ms + (d.trigger === 'schedule' ? rng.between(0, 20) * 60_000 : 0);
      const invite: PlannedInvite = { customerId: p.customer.id, sentAt: new Date(sentMs).toISOString() };
      const rate =
        RESPONSE_RATE[p.tier] * (p.status === 'dormant' ? 0.4 : 1) * (isRelationship(d.campaignId) ? 1 : 1.2);
      if (must || rng.chance(rate)) {
        // Most answer within a day or two; the answer is never after now.
        const delay = must ? HOUR_MS : (rng.chance(0.6) ? rng.between(0.05, 1) : rng.between(1, 10)) * DAY_MS;
        const answeredMs = Math.min(sentMs + delay, nowMs - 2 * HOUR_MS);
        const daysAgo = daysAgoOf(answeredMs);
        const score = must?.score ?? scoreOf(rng, p, d.campaignId, daysAgo);
        const cls = classOf(score);
        const withComment = rng.chance(cls === 'detractor' ? 0.8 : cls === 'passive' ? 0.45 : 0.4);
        const theme = must?.theme ?? (withComment ? themeOf(rng, p, d.campaignId, cls, daysAgo) : undefined);
        const answer: PlannedAnswer = {
          score,
          at: new Date(answeredMs).toISOString(),
          ...(theme ? { theme, comment: must?.comment ?? commentOf(rng, theme, cls, p.language) } : {}),
        };
        if (cls === 'detractor') {
          // A forced one stays open; a key account's past its 24 h SLA is escalated.
          answer.caseMoves = must ? [] : caseMovesOf(rng, p, { at: answeredMs, theme }, nowMs).moves;
          if (must && p.tier === 'key') answer.escalates = true;
        }
        invite.answer = answer;
      }
      run.invites.push(invite);
    }
    if (run.invites.length > 0 || run.fatigued.length > 0) runs.push(run);
  }

  // Today's live campaign to the key accounts: those not surveyed in the last 30 days get its
  // email; about half of them answer now (the rest wait for you), one of Wang Fang's customers a
  // detractor, whose webhook alert ends dead (her old Teams channel answers 410 Gone).
  const liveAudience = profiles.filter(
    (p) =>
      p.tier === 'key' &&
      p.status !== 'churned' &&
      (lastInvited.get(p.customer.id) ?? 0) < nowMs - (FATIGUE_DAYS[LIVE_CAMPAIGN] ?? 0) * DAY_MS,
  );
  const answers: DemoPlan['live']['answers'] = {};
  const contoso = byId.get('c-contoso');
  const globex = byId.get('c-globex');
  if (contoso && liveAudience.includes(contoso))
    answers['c-contoso'] = { score: 10, comment: '客服非常专业，响应很快。' };
  if (globex && liveAudience.includes(globex)) answers['c-globex'] = { score: 9 };
  const wangsDetractor = liveAudience.find(
    (p) => p.customer.ownerId === 'wang' && p.customer.id !== 'c-contoso',
  );
  if (wangsDetractor)
    answers[wangsDetractor.customer.id] = { score: 3, comment: '价格太贵，续约报价比去年高了三成。' };
  const alicesDetractor = liveAudience.find(
    (p) =>
      p.customer.ownerId === 'alice' &&
      p.customer.id !== 'c-northwind' &&
      p.customer.id !== 'c-globex' &&
      !answers[p.customer.id],
  );
  if (alicesDetractor)
    answers[alicesDetractor.customer.id] = {
      score: 4,
      comment: 'Two outages this month during our close. <We need a fix.>',
    };
  for (const p of liveAudience) {
    const id = p.customer.id;
    // Dana Fox (Northwind) is left for you to answer, as the README walks through.
    if (answers[id] || id === 'c-northwind' || !rng.chance(0.45)) continue;
    const score = scoreOf(rng, p, LIVE_CAMPAIGN, 0);
    const cls = classOf(score);
    const theme = rng.chance(0.5) ? themeOf(rng, p, LIVE_CAMPAIGN, cls, 0) : undefined;
    answers[id] = { score, ...(theme ? { comment: commentOf(rng, theme, cls, p.language) } : {}) };
  }

  // The lost answer the "why did you leave?" email, some of them.
  const leaveAnswers: DemoPlan['live']['leaveAnswers'] = {};
  const reasons: Array<{ reason: LeaveReason; comment: Record<Language, string> }> = [
    {
      reason: 'price',
      comment: {
        en: 'Your renewal price went up too much.',
        'zh-CN': '续约价格涨得太多。',
        'zh-TW': '續約價格漲太多。',
      },
    },
    {
      reason: 'competitor',
      comment: {
        en: 'A competitor offered the same for less.',
        'zh-CN': '竞争对手报价更低。',
        'zh-TW': '競爭對手報價更低。',
      },
    },
    {
      reason: 'service',
      comment: {
        en: 'Support never got back to us.',
        'zh-CN': '客服一直没有回复。',
        'zh-TW': '客服一直沒有回覆。',
      },
    },
    {
      reason: 'no-longer-needed',
      comment: { en: 'The project ended.', 'zh-CN': '项目已经结束。', 'zh-TW': '專案已經結束。' },
    },
    {
      reason: 'quality',
      comment: {
        en: 'Too many bugs in the last releases.',
        'zh-CN': '最近几个版本故障太多。',
        'zh-TW': '最近幾個版本故障太多。',
      },
    },
  ];
  for (const p of profiles) {
    const lost = p.status === 'lapsed' || (p.status === 'churned' && p.churn?.kind !== 'ended-by-us');
    if (!lost || !rng.chance(0.5)) continue;
    const r = rng.pick(reasons);
    leaveAnswers[p.customer.id] = {
      reason: r.reason,
      ...(rng.chance(0.7) ? { comment: r.comment[p.language] } : {}),
    };
  }

  return {
    today,
    now: input.now,
    owners: DEMO_OWNERS,
    customers: profiles.map((p) => p.customer),
    statusOf: Object.fromEntries(profiles.map((p) => [p.customer.id, p.status])),
    routing: DEMO_ROUTING,
    themes: DEMO_THEMES,
    purchases,
    churns: profiles.flatMap((p) => (p.churn ? [{ customerId: p.customer.id, ...p.churn }] : [])),
    campaigns: campaignsOf(),
    runs,
    live: { campaignId: LIVE_CAMPAIGN, answers, leaveAnswers },
  };
};

/** Every answer of the plan's past, with its customer and run, oldest first. */
export const plannedAnswers = (plan: DemoPlan) =>
  plan.runs.flatMap((run) =>
    run.invites.flatMap((invite) => (invite.answer ? [{ run, invite, answer: invite.answer }] : [])),
  );
