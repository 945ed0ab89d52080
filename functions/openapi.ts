import { z } from 'zod';
import {
  campaignInput,
  caseUpdateInput,
  churnMarkInput,
  customersInput,
  followUpInput,
  leaveAnswerInput,
  ownerInput,
  pageQueryInput,
  purchasesBody,
  routingInput,
  signInCallbackInput,
  signInInput,
  surveyAnswerInput,
  surveyRequestInput,
  themeDefinitionsInput,
  themesQueryInput,
  winBackUpdateInput,
} from '#shared/api/inputs';
import { SCORE_CLASSES } from '#shared/nps/score';
import type { ROUTES } from './routes.ts';

/**
 * The OpenAPI 3.1 document of the HTTP API, served at GET /api/openapi.json. Request bodies and
 * query parameters are the very zod schemas the handlers validate with, turned into JSON Schema
 * 2020-12 (OpenAPI 3.1's dialect) by zod's own `toJSONSchema` — so the document cannot describe a
 * body the API would refuse. Every route of functions/routes.ts has an entry here (the type makes
 * it so) and nothing else does.
 */
type RouteKey = (typeof ROUTES)[number]['routeKey'];

interface RouteDoc {
  summary: string;
  tag:
    | 'survey'
    | 'auth'
    | 'customers'
    | 'value'
    | 'campaigns'
    | 'nps'
    | 'cases'
    | 'settings'
    | 'alerts'
    | 'docs';
  /** Public routes: the signed token in the path, or nothing, is the credential. */
  public?: boolean;
  body?: z.ZodType;
  /** A CSV body instead of JSON. */
  csv?: string;
  /** Query parameters: a zod object validating them, or names with what they mean. */
  query?: z.ZodObject | Record<string, string>;
  /** The success status, when not 200. */
  status?: 201 | 202 | 303;
  /** The response is a page of HTML, not JSON. */
  html?: boolean;
}

const paged = pageQueryInput;
const dayRange = { from: 'first day, YYYY-MM-DD (inclusive)', to: 'last day, YYYY-MM-DD (inclusive)' };
const series = {
  segment: 'segment: `all`, `attr:value`, `owner:<id>`, `campaign:<id>`, `theme:<name>`',
  window: '`week`, `month`, `quarter` or `all`',
  ...dayRange,
};

const DOCS: Record<RouteKey, RouteDoc> = {
  'GET /s/{token}': {
    summary: 'The survey page (`?score=N` preselects; a GET never records)',
    tag: 'survey',
    public: true,
    html: true,
    query: { score: 'preselected score 0–10' },
  },
  'POST /s/{token}': {
    summary: 'Records or replaces the answer',
    tag: 'survey',
    public: true,
    body: surveyAnswerInput,
  },
  'GET /s/{token}/check': {
    summary: "The survey email's honeypot link: only mail scanners follow it",
    tag: 'survey',
    public: true,
    html: true,
  },
  'GET /u/{token}': { summary: 'Asks to confirm the unsubscribe', tag: 'survey', public: true, html: true },
  'POST /u/{token}': { summary: 'One-click unsubscribe (RFC 8058)', tag: 'survey', public: true },
  'GET /leave/{token}': {
    summary: 'The "why did you leave?" page of a lost customer (a GET never records)',
    tag: 'survey',
    public: true,
    html: true,
    query: { reason: 'preselected reason' },
  },
  'POST /leave/{token}': {
    summary: 'Records why the customer left',
    tag: 'survey',
    public: true,
    body: leaveAnswerInput,
  },
  'GET /dashboard': {
    summary: 'The dashboard page (its data comes from the admin API)',
    tag: 'docs',
    public: true,
    html: true,
  },
  'GET /api/openapi.json': { summary: 'This document', tag: 'docs', public: true },
  'POST /auth/sign-in': {
    summary:
      'Emails a one-time sign-in link to an admin or account manager; 202 `{status: "sent"}` for any address',
    tag: 'auth',
    public: true,
    body: signInInput,
    status: 202,
  },
  'GET /auth/callback': {
    summary: "The emailed link's page: a button that signs in (a GET never uses the link)",
    tag: 'auth',
    public: true,
    html: true,
    query: { token: "the link's one-time token" },
  },
  'POST /auth/callback': {
    summary: 'Uses the link (once, within 15 minutes): sets the `nps_session` cookie, 303 to /dashboard',
    tag: 'auth',
    public: true,
    body: signInCallbackInput,
    status: 303,
  },
  'POST /auth/sign-out': {
    summary: 'Ends the session (needs `x-csrf-token`), clears the cookie; 303 to /dashboard, or 200 JSON',
    tag: 'auth',
    public: true,
  },
  'GET /api/me': {
    summary: 'Who is signed in: `{role, ownerId, email, csrfToken}` (all null but role for the admin key)',
    tag: 'auth',
  },
  'GET /api/audit': {
    summary: 'The audit log, newest first (admins)',
    tag: 'auth',
    query: paged.extend({ from: z.string().optional(), to: z.string().optional() }),
  },
  'POST /api/customers': {
    summary: 'Upserts customers (JSON array)',
    tag: 'customers',
    body: customersInput,
  },
  'POST /api/customers/import': {
    summary: 'Upserts customers from CSV, all or nothing',
    tag: 'customers',
    csv: 'id,email,name,locale,ownerId and any attribute columns',
  },
  'GET /api/customers/{id}': { summary: 'One customer', tag: 'customers' },
  'DELETE /api/customers/{id}': {
    summary: 'Erases the customer and everything of theirs, for good',
    tag: 'customers',
  },
  'POST /api/customers/{id}/churn': {
    summary: 'Marks the customer churned; opens their win-back as their value tier says',
    tag: 'value',
    body: churnMarkInput,
  },
  'GET /api/retention': {
    summary: 'Churn, retention and repeat purchases per period; churn by NPS class',
    tag: 'value',
    query: { window: '`month` or `quarter`', ...dayRange },
  },
  'GET /api/value/revenue-at-risk': {
    summary: "Detractors' trailing-year revenue per segment",
    tag: 'value',
  },
  'GET /api/winbacks': {
    summary: 'Win-back cases of lost customers, soonest SLA first',
    tag: 'value',
    query: paged.extend({ status: z.enum(['open', 'contacted', 'won-back', 'not-won']).optional() }),
  },
  'GET /api/winbacks/reasons': {
    summary: 'Why customers left, per value tier',
    tag: 'value',
    query: dayRange,
  },
  'PATCH /api/winbacks/{id}': { summary: 'Works a win-back case', tag: 'value', body: winBackUpdateInput },
  'POST /api/purchases': {
    summary: 'Records purchases (JSON array), idempotent by purchaseId',
    tag: 'value',
    body: purchasesBody,
  },
  'POST /api/purchases/import': {
    summary: 'Records purchases from CSV, all or nothing',
    tag: 'value',
    csv: 'purchaseId,customerId,date,amount,quantity,productId',
  },
  'GET /api/value': {
    summary: 'Value tiers, the value × loyalty matrix, best but not loyal',
    tag: 'value',
    query: paged,
  },
  'POST /api/value/recompute': { summary: 'Starts the value recompute', tag: 'value', status: 202 },
  'POST /api/owners': {
    summary: 'Creates or updates an owner (account manager)',
    tag: 'settings',
    body: ownerInput,
  },
  'GET /api/owners': { summary: 'Every owner', tag: 'settings' },
  'POST /api/campaigns': {
    summary: 'Creates or updates a campaign',
    tag: 'campaigns',
    body: campaignInput,
    status: 201,
  },
  'GET /api/campaigns': { summary: 'Every campaign, in id order', tag: 'campaigns', query: paged },
  'GET /api/campaigns/{id}': { summary: 'A campaign and a page of its runs', tag: 'campaigns', query: paged },
  'POST /api/campaigns/{id}/send': { summary: 'Starts a run', tag: 'campaigns', status: 202 },
  'GET /api/campaigns/{id}/runs/{runId}': {
    summary: "A run's progress and a page of its skipped recipients",
    tag: 'campaigns',
    query: paged,
  },
  'POST /api/campaigns/{id}/runs/{runId}/resume': { summary: 'Resumes a paused run', tag: 'campaigns' },
  'POST /api/surveys': {
    summary: 'Schedules one survey for a customer (an event, e.g. a closed ticket)',
    tag: 'campaigns',
    body: surveyRequestInput,
    status: 202,
  },
  'GET /api/nps': { summary: "A segment's NPS per period, with intervals", tag: 'nps', query: series },
  'GET /api/nps/segments': {
    summary: "Every segment's NPS for one period",
    tag: 'nps',
    query: paged.extend({ window: z.string().optional(), date: z.string().optional() }),
  },
  'GET /api/nps/compare': {
    summary: 'A change between periods, or a segment against the rest, with its p-value',
    tag: 'nps',
    query: { segment: series.segment, against: '`previous` or `rest`', ...dayRange },
  },
  'GET /api/responses': {
    summary: 'Answers, newest first',
    tag: 'nps',
    query: paged.extend({
      segment: z.string().optional(),
      class: z.enum(SCORE_CLASSES).optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      provisional: z.enum(['true', 'false']).optional(),
    }),
  },
  'GET /api/cases': {
    summary: 'Detractor cases',
    tag: 'cases',
    query: paged.extend({ status: z.enum(['open', 'acknowledged', 'contacted', 'resolved']).optional() }),
  },
  'PATCH /api/cases/{id}': { summary: 'Moves a case', tag: 'cases', body: caseUpdateInput },
  'GET /api/cases/metrics': {
    summary: 'Time to first touch and to resolve, per segment',
    tag: 'cases',
    query: dayRange,
  },
  'POST /api/cases/{id}/follow-up': {
    summary: 'Tells the customer what was done (once)',
    tag: 'cases',
    body: followUpInput,
  },
  'GET /api/routing': { summary: 'The owner routing rules', tag: 'settings' },
  'PUT /api/routing': { summary: 'Replaces the owner routing rules', tag: 'settings', body: routingInput },
  'GET /api/themes': {
    summary: 'What detractors talk about: terms by lift, user-defined themes',
    tag: 'nps',
    query: themesQueryInput.extend({ segment: z.string().optional(), window: z.string().optional() }),
  },
  'GET /api/themes/definitions': { summary: 'The user-defined themes', tag: 'settings' },
  'PUT /api/themes/definitions': {
    summary: 'Replaces the user-defined themes',
    tag: 'settings',
    body: themeDefinitionsInput,
  },
  'GET /api/alerts/dead': { summary: 'Alerts given up on', tag: 'alerts', query: paged },
  'POST /api/alerts/{id}/redeliver': { summary: 'Re-drives a dead alert', tag: 'alerts', status: 202 },
};

/** The routes the document names: the test checks them against functions/routes.ts. */
export const documentedRoutes = (): string[] => Object.keys(DOCS);

const jsonSchema = (schema: z.ZodType) =>
  // `input`: what a client sends (before defaults and transforms); a transform has no JSON Schema.
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

const queryParameters = (query: RouteDoc['query']) => {
  if (!query) return [];
  if (query instanceof z.ZodObject) {
    const schema = jsonSchema(query) as { properties?: Record<string, unknown>; required?: string[] };
    return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      schema: s,
    }));
  }
  return Object.entries(query).map(([name, description]) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: { type: 'string' },
  }));
};

const operationOf = (routeKey: RouteKey, doc: RouteDoc) => {
  const path = routeKey.split(' ')[1] ?? '';
  const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const success = {
    description: doc.html ? 'An HTML page' : 'OK',
    content: doc.html
      ? { 'text/html': { schema: { type: 'string' } } }
      : { 'application/json': { schema: {} } },
  };
  const error = {
    description: 'The request was refused',
    content: { 'application/json': { schema: errorSchema } },
  };
  return {
    summary: doc.summary,
    tags: [doc.tag],
    operationId: routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, ''),
    ...(doc.public ? { security: [] } : {}),
    parameters: [...pathParameters, ...queryParameters(doc.query)],
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: jsonSchema(doc.body) },
              // The public pages' forms post the same fields form-encoded.
              ...(doc.public
                ? { 'application/x-www-form-urlencoded': { schema: jsonSchema(doc.body) } }
                : {}),
            },
          },
        }
      : {}),
    ...(doc.csv
      ? {
          requestBody: {
            required: true,
            content: { 'text/csv': { schema: { type: 'string', description: doc.csv } } },
          },
        }
      : {}),
    responses: { [String(doc.status ?? 200)]: success, '4XX': error },
  };
};

let built: unknown;

/** The document, built once per process. */
export const openApiDocument = (): unknown => {
  if (built) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [routeKey, doc] of Object.entries(DOCS) as Array<[RouteKey, RouteDoc]>) {
    const [method = '', path = ''] = routeKey.split(' ');
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationOf(routeKey, doc) };
  }
  built = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'nps-loop',
      version: '1',
      description:
        'Closed-loop Net Promoter Score: survey emails, answers, per-segment NPS, detractor cases and win-backs. `/api` routes take `Authorization: Bearer <admin key>`, or the `nps_session` cookie of a sign-in (writes then carry `x-csrf-token`; account managers reach only their own cases and segment); survey links carry a signed token.',
    },
    components: {
      securitySchemes: {
        adminKey: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'nps_session' },
      },
    },
    security: [{ adminKey: [] }, { session: [] }],
    paths,
  };
  return built;
};
