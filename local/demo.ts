import type { CustomerInput } from '#shared/api/inputs';
import { adminApi, inbox, surveyLinkOf } from './client.ts';

/** A small demo account: three tiers, three regions, three plans, three account managers. */
const DEMO_CUSTOMERS: CustomerInput[] = [
  {
    id: 'c-northwind',
    email: 'dana@northwind.example',
    name: 'Dana Fox',
    ownerId: 'alice',
    attributes: { tier: 'key', region: 'emea', plan: 'enterprise' },
  },
  {
    id: 'c-contoso',
    email: 'li@contoso.example',
    name: 'Li Wei',
    ownerId: 'alice',
    attributes: { tier: 'key', region: 'apac', plan: 'enterprise' },
  },
  {
    id: 'c-globex',
    email: 'hank@globex.example',
    name: 'Hank Scorpio',
    ownerId: 'alice',
    attributes: { tier: 'key', region: 'na', plan: 'enterprise' },
  },
  {
    id: 'c-initech',
    email: 'peter@initech.example',
    name: 'Peter Gibbons',
    ownerId: 'bob',
    attributes: { tier: 'standard', region: 'na', plan: 'team' },
  },
  {
    id: 'c-umbrella',
    email: 'alice.w@umbrella.example',
    name: 'Alice Wong',
    ownerId: 'bob',
    attributes: { tier: 'standard', region: 'emea', plan: 'team' },
  },
  {
    id: 'c-hooli',
    email: 'gavin@hooli.example',
    name: 'Gavin Belson',
    ownerId: 'bob',
    attributes: { tier: 'standard', region: 'na', plan: 'team' },
  },
  {
    id: 'c-stark',
    email: 'pepper@stark.example',
    name: 'Pepper Potts',
    ownerId: 'bob',
    attributes: { tier: 'standard', region: 'apac', plan: 'pro' },
  },
  {
    id: 'c-wayne',
    email: 'lucius@wayne.example',
    name: 'Lucius Fox',
    ownerId: 'carol',
    attributes: { tier: 'smb', region: 'na', plan: 'pro' },
  },
  {
    id: 'c-acme',
    email: 'wile@acme.example',
    name: 'Wile E. Coyote',
    ownerId: 'carol',
    attributes: { tier: 'smb', region: 'na', plan: 'free' },
  },
  {
    id: 'c-soylent',
    email: 'sol@soylent.example',
    name: 'Sol Roth',
    ownerId: 'carol',
    attributes: { tier: 'smb', region: 'emea', plan: 'free' },
  },
  {
    id: 'c-tyrell',
    email: 'rachael@tyrell.example',
    name: 'Rachael Tyrell',
    ownerId: 'carol',
    attributes: { tier: 'smb', region: 'apac', plan: 'pro' },
  },
  {
    id: 'c-cyberdyne',
    email: 'miles@cyberdyne.example',
    name: 'Miles Dyson',
    ownerId: 'carol',
    attributes: { tier: 'smb', region: 'emea', plan: 'free' },
  },
];

/**
 * A year of purchases per customer — how many, of how many products, each for how much — so that
 * the value recompute has tiers to find: Northwind buys big and rarely (the best customer, not
 * loyal), Contoso and Globex often and widely, the small accounts little.
 */
const DEMO_PURCHASES: Record<string, { count: number; products: number; amount: number }> = {
  'c-northwind': { count: 2, products: 1, amount: 48_000 },
  'c-contoso': { count: 14, products: 6, amount: 2_400 },
  'c-globex': { count: 12, products: 5, amount: 1_900 },
  'c-initech': { count: 8, products: 3, amount: 900 },
  'c-umbrella': { count: 5, products: 2, amount: 1_200 },
  'c-hooli': { count: 6, products: 4, amount: 450 },
  'c-stark': { count: 3, products: 2, amount: 700 },
  'c-wayne': { count: 4, products: 2, amount: 300 },
  'c-acme': { count: 2, products: 1, amount: 150 },
  'c-soylent': { count: 3, products: 2, amount: 99.5 },
  'c-tyrell': { count: 1, products: 1, amount: 49 },
};

const demoPurchases = (now: number) =>
  Object.entries(DEMO_PURCHASES).flatMap(([customerId, { count, products, amount }]) =>
    Array.from({ length: count }, (_, k) => ({
      purchaseId: `${customerId}-${k + 1}`,
      customerId,
      // Spread over the last 11 months, so all fall in the trailing 12.
      date: new Date(now - Math.round(((k + 0.5) / count) * 330) * 86_400_000).toISOString().slice(0, 10),
      amount,
      quantity: 1 + (k % 3),
      productId: `sku-${k % products}`,
    })),
  );

/** Answers given on the customers' behalf so the dashboard has figures; the rest wait for you. */
const DEMO_ANSWERS: Record<string, { score: number; comment?: string }> = {
  'c-contoso': { score: 10, comment: 'Support is superb.' },
  'c-globex': { score: 9 },
  'c-initech': { score: 8, comment: 'Good, but reports are slow.' },
  'c-umbrella': { score: 4, comment: 'Three outages this month. <We are evaluating alternatives.>' },
  'c-hooli': { score: 9 },
  'c-wayne': { score: 7 },
  'c-acme': { score: 2, comment: 'Billing charged us twice.' },
  'c-soylent': { score: 10 },
};

/** Comment themes, so the demo's answers are tagged and GET /api/themes has figures. */
const DEMO_THEMES = [
  { name: 'support', keywords: ['support', 'customer service', '客服'] },
  { name: 'reliability', keywords: ['outage', 'outages', 'slow', 'down', '闪退', '卡顿'] },
  { name: 'billing', keywords: ['billing', 'invoice', 'charged', '账单', '扣费'] },
];

interface DemoContext {
  /** Signing secrets per receiver path, chosen here and kept by the caller for verification. */
  secrets: Record<string, string>;
  url: string;
  adminKey: string;
  sesUrl: string;
  webhookBase: string;
  log: (line: string) => void;
  settle: () => Promise<void>;
}

/** Seeds the demo through the public API, exactly as a customer-success team would. */
export const seedDemo = async (ctx: DemoContext) => {
  const api = adminApi(ctx);
  const owners = [
    { id: 'alice', name: 'Alice Martin (key accounts)', email: 'alice@nps-loop.example', style: 'generic' },
    { id: 'bob', name: 'Bob Chen', email: 'bob@nps-loop.example', style: 'generic' },
    { id: 'carol', name: 'Carol Diaz', email: 'carol@nps-loop.example', style: 'slack' },
  ];
  for (const owner of owners) {
    const path = `/hooks/${owner.id}`;
    await api('POST', '/api/owners', {
      ...owner,
      webhookUrl: `${ctx.webhookBase}${path}`,
      webhookSecret: ctx.secrets[path],
    });
  }
  await api('POST', '/api/customers', DEMO_CUSTOMERS);
  await api('PUT', '/api/themes/definitions', { themes: DEMO_THEMES });
  // Purchases, then the value recompute: the answers below snapshot each customer's value tier and
  // loyalty, so NPS reads by them at once (c-cyberdyne has no purchase: value none).
  await api('POST', '/api/purchases', demoPurchases(Date.now()));
  await api('POST', '/api/value/recompute');
  await ctx.settle();
  const { id } = await api('POST', '/api/campaigns', {
    id: 'q4-relationship',
    name: 'Q4 relationship survey',
    brand: 'Acme Cloud',
    fatigueDays: 0,
  });
  await api('POST', `/api/campaigns/${String(id)}/send`);
  await ctx.settle();

  // Answer some invites through the links in the emails, like the customers would.
  const emails = await inbox(ctx);
  for (const customer of DEMO_CUSTOMERS) {
    const answer = DEMO_ANSWERS[customer.id];
    const email = emails.find((e) => e.destination.to.includes(customer.email));
    const link = email && surveyLinkOf(email);
    if (!answer || !link) continue;
    const res = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(answer),
    });
    if (!res.ok) throw new Error(`demo answer for ${customer.id} failed: ${res.status}`);
  }
  await ctx.settle();
  // Again, now that they answered: the value × loyalty matrix reads each customer's latest answer.
  await api('POST', '/api/value/recompute');
  await ctx.settle();
};
