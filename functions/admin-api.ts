import httpRouterHandler, { type Method } from '@middy/http-router';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { type AdminRouteKey, ROUTES } from '#functions/routes';
import { queueAlerts } from '#shared/alerts/outbox';
import { parseCustomersCsv } from '#shared/api/customers-csv';
import { parseDayRange } from '#shared/api/date-range';
import {
  campaignInput,
  caseUpdateInput,
  churnMarkInput,
  customersInput,
  followUpInput,
  ownerInput,
  pageRequestOf,
  parsePurchasesJson,
  purchasesBody,
  routingInput,
  surveyRequestInput,
  themeDefinitionsInput,
  themesQueryInput,
  winBackUpdateInput,
} from '#shared/api/inputs';
import { parsePurchasesCsv } from '#shared/api/purchases-csv';
import { auditRange, erasedCustomerRef, recordAudit } from '#shared/audit/log';
import { actorOf, meOf, type Principal } from '#shared/auth/principal';
import { type Access, accessFor, OWNER_RULES, type OwnerRule, ownSegmentOf } from '#shared/auth/roles';
import { requestSurvey } from '#shared/campaigns/event-survey';
import { validateReminder } from '#shared/campaigns/remind';
import { resumeCampaignRun } from '#shared/campaigns/run-health';
import { campaignRuns, runStatus } from '#shared/campaigns/run-status';
import { saveCampaign } from '#shared/campaigns/save-campaign';
import { validateSchedule } from '#shared/campaigns/schedule';
import { newRunId, startRun } from '#shared/campaigns/start-run';
import { sendCaseFollowUp } from '#shared/cases/follow-up';
import { readCaseMetrics } from '#shared/cases/metrics';
import { worksCase } from '#shared/cases/policy';
import { saveRoutingRules } from '#shared/cases/routing';
import { updateCase } from '#shared/cases/update-case';
import { config } from '#shared/config';
import { saveCustomers } from '#shared/customers/save-customers';
import { NotFoundError, ValidationError } from '#shared/errors';
import { requireUser } from '#shared/http/auth';
import { type HttpEvent, httpHandler, parseBody, pathParam } from '#shared/http/handler';
import { type HttpResult, json } from '#shared/http/responses';
import { invokeAsync } from '#shared/invoke';
import { SCORE_CLASSES, type ScoreClass } from '#shared/nps/score';
import { responseFilterOf } from '#shared/nps/segments';
import { periodOf } from '#shared/nps/windows';
import { publicOwner, saveOwner } from '#shared/owners/save-owner';
import { savePurchases } from '#shared/purchases/save-purchases';
import { readRetention, readRevenueAtRisk } from '#shared/retention/read-retention';
import { compareSegment, parseAgainst } from '#shared/rollup/compare-nps';
import { npsBySegment, npsSeries, parseSegment, parseWindow, periodRange } from '#shared/rollup/read-nps';
import { deadAlerts, getAlert, resetAlertForRedelivery } from '#shared/store/alerts';
import { listAuditEntries } from '#shared/store/audit';
import { getCampaign, listCampaigns } from '#shared/store/campaigns';
import { getCase, listCases } from '#shared/store/cases';
import { getCustomer } from '#shared/store/customers';
import { eraseCustomer } from '#shared/store/erasure';
import { listOwners } from '#shared/store/owners';
import { listProvisional } from '#shared/store/provisional';
import { listResponses } from '#shared/store/responses';
import { putChurnMark } from '#shared/store/retention';
import { getRoutingRules } from '#shared/store/routing';
import { caseStatus } from '#shared/store/schemas';
import { getThemeDefinitions, putThemeDefinitions } from '#shared/store/themes';
import { getWinBack, listWinBacks } from '#shared/store/winbacks';
import { themesReport } from '#shared/themes/report';
import { readValue } from '#shared/value/read-value';
import { WIN_BACK_STATUSES, type WinBackStatus } from '#shared/winback/policy';
import { readLossReasons, updateWinBack, winBackOnMark } from '#shared/winback/work';

/** Who asks, and what of the route's data they may reach (shared/auth/roles.ts). */
interface Caller {
  principal: Principal;
  access: Access;
}
type Route = (event: HttpEvent, caller: Caller) => Promise<HttpResult>;

/** The role rules of every admin route: a route without a rule does not compile. */
const RULES: Record<AdminRouteKey, OwnerRule> = OWNER_RULES;

/** An account manager's narrowing of a listing: their owner id, or undefined for everything. */
const ownerOf = (access: Access, kind: Access['kind']): string | undefined =>
  access.kind === kind && 'ownerId' in access ? access.ownerId : undefined;

const retentionSettings = () => ({
  churnAfterDays: config().CHURN_AFTER_DAYS,
  timeZone: config().TIME_ZONE,
  dimensions: config().SEGMENT_DIMENSIONS,
});

const query = (event: HttpEvent, name: string) => event.queryStringParameters?.[name] || undefined;

/** A true/false query parameter (absent: false), or a 400. */
const parseFlag = (name: string, value: string | undefined): boolean => {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ValidationError(`${name} must be true or false`);
};

/** `class=promoter|passive|detractor` (absent: every class), or a 400. */
const parseScoreClass = (value: string | undefined): ScoreClass | undefined => {
  if (value === undefined) return undefined;
  const found = SCORE_CLASSES.find((c) => c === value);
  if (!found) throw new ValidationError(`class must be one of ${SCORE_CLASSES.join(', ')}`);
  return found;
};

/**
 * A list route's `limit` and `cursor`. Every list answers its items under its own field name and
 * `cursor`: null at the end of the listing, else the value to send back for the next page.
 */
const pageOf = (event: HttpEvent) =>
  pageRequestOf({ limit: query(event, 'limit'), cursor: query(event, 'cursor') });

/** A CSV import's body, as text. */
const csvBody = (event: HttpEvent): string => {
  if (typeof event.body !== 'string' || event.body === '') {
    throw new ValidationError('send the CSV as the request body (content-type: text/csv)', 'invalid_csv');
  }
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};

/** One handler per admin route of functions/routes.ts: a route missing here, or extra, does not compile. */
const handlers: Record<AdminRouteKey, Route> = {
  'GET /api/me': async (_event, { principal }) => json(200, meOf(principal)),
  'GET /api/audit': async (event) => {
    const range = auditRange({ from: query(event, 'from'), to: query(event, 'to') }, config().TIME_ZONE);
    const entries = await listAuditEntries(range, pageOf(event));
    return json(200, { entries: entries.items, cursor: entries.cursor ?? null });
  },
  'POST /api/customers': async (event) => {
    return json(200, await saveCustomers(parseBody(customersInput, event.body)));
  },
  'POST /api/customers/import': async (event) =>
    json(200, await saveCustomers(parseCustomersCsv(csvBody(event)))),
  'GET /api/customers/{id}': async (event) => {
    const customer = await getCustomer(pathParam(event, 'id'));
    if (!customer) throw new NotFoundError('customer not found');
    return json(200, customer);
  },
  'DELETE /api/customers/{id}': async (event, { principal }) => {
    const customerId = pathParam(event, 'id');
    const report = await eraseCustomer(customerId);
    // After the erasure, not with it: an erasure is a tombstone and batches of deletes, no one
    // transaction. One that failed part-way has no entry, and its retry (a DELETE is repeatable)
    // writes it.
    await recordAudit(actorOf(principal), {
      action: 'customer.erase',
      customerRef: await erasedCustomerRef(customerId),
    });
    return json(200, report);
  },
  'POST /api/purchases': async (event) =>
    json(200, await savePurchases(parsePurchasesJson(parseBody(purchasesBody, event.body)))),
  'POST /api/purchases/import': async (event) =>
    json(200, await savePurchases(parsePurchasesCsv(csvBody(event)))),
  'GET /api/value': async (event) => json(200, await readValue(pageOf(event))),
  // Its own route: it reads a year of purchases and answers, which no page of the value view should wait for.
  'GET /api/value/revenue-at-risk': async () => json(200, await readRevenueAtRisk(retentionSettings())),
  'GET /api/retention': async (event) =>
    json(
      200,
      await readRetention(
        { window: query(event, 'window'), from: query(event, 'from'), to: query(event, 'to') },
        retentionSettings(),
      ),
    ),
  'POST /api/customers/{id}/churn': async (event) => {
    const input = parseBody(churnMarkInput, event.body);
    const mark = {
      customerId: pathParam(event, 'id'),
      kind: input.kind,
      on: input.on ?? periodOf('day', new Date(), config().TIME_ZONE),
      ...(input.note ? { note: input.note } : {}),
      markedAt: new Date().toISOString(),
    };
    await putChurnMark(mark);
    // Lost at once: the win-back case and the "why did you leave?" email, as the value tier says.
    const winBack = await winBackOnMark(mark);
    return json(200, {
      ...mark,
      winBack: winBack
        ? { lossId: winBack.lossId, case: winBack.winBack, survey: winBack.surveyState ?? null }
        : null,
    });
  },
  'GET /api/winbacks': async (event, { access }) => {
    const status = query(event, 'status');
    if (status !== undefined && !(WIN_BACK_STATUSES as readonly string[]).includes(status)) {
      throw new ValidationError(`status must be one of ${WIN_BACK_STATUSES.join(', ')}`, 'invalid_status');
    }
    const found = await listWinBacks(
      pageOf(event),
      status ? [status as WinBackStatus] : undefined,
      ownerOf(access, 'own-cases'),
    );
    return json(200, { winBacks: found.items, cursor: found.cursor ?? null });
  },
  'PATCH /api/winbacks/{id}': async (event) =>
    json(200, await updateWinBack(pathParam(event, 'id'), parseBody(winBackUpdateInput, event.body))),
  'GET /api/winbacks/reasons': async (event) =>
    json(200, await readLossReasons({ from: query(event, 'from'), to: query(event, 'to') })),
  'POST /api/value/recompute': async () => {
    await invokeAsync(config().VALUE_FUNCTION_NAME, {});
    // Started: GET /api/value shows its figures (`computedAt`) once it is done.
    return json(202, { status: 'started' });
  },
  'POST /api/owners': async (event) => {
    const input = parseBody(ownerInput, event.body);
    const { owner, generatedSecret } = await saveOwner(input);
    // A generated signing secret is shown once, to whoever saved the owner, so the receiver can be
    // set up; after that it is write-only.
    return json(200, {
      ...publicOwner(owner),
      ...(generatedSecret ? { webhookSecret: owner.webhookSecret } : {}),
    });
  },
  'GET /api/owners': async () => json(200, { owners: (await listOwners()).map(publicOwner) }),
  'POST /api/campaigns': async (event) => {
    const input = parseBody(campaignInput, event.body);
    validateReminder(input.reminderDays);
    const nextRunAt = input.schedule
      ? validateSchedule(input.schedule, new Date(), config().TIME_ZONE)
      : undefined;
    const campaign = await saveCampaign(input, nextRunAt);
    return json(201, { id: campaign.id, nextRunAt: campaign.nextRunAt ?? null });
  },
  'GET /api/campaigns': async (event) => {
    const campaigns = await listCampaigns(pageOf(event));
    return json(200, { campaigns: campaigns.items, cursor: campaigns.cursor ?? null });
  },
  'GET /api/campaigns/{id}': async (event) => {
    const page = pageOf(event);
    const campaign = await getCampaign(pathParam(event, 'id'));
    if (!campaign) throw new NotFoundError('campaign not found');
    const runs = await campaignRuns(campaign.id, page);
    return json(200, { ...campaign, runs: runs.items, cursor: runs.cursor ?? null });
  },
  'POST /api/campaigns/{id}/send': async (event) => {
    const campaign = await getCampaign(pathParam(event, 'id'));
    if (!campaign) throw new NotFoundError('campaign not found');
    return json(202, await startRun(campaign.id, newRunId(), 'manual'));
  },
  'GET /api/campaigns/{id}/runs/{runId}': async (event) => {
    const run = await runStatus(pathParam(event, 'id'), pathParam(event, 'runId'), pageOf(event));
    return json(200, { ...run, cursor: run.cursor ?? null });
  },
  'POST /api/campaigns/{id}/runs/{runId}/resume': async (event) =>
    json(200, await resumeCampaignRun(pathParam(event, 'id'), pathParam(event, 'runId'))),
  'POST /api/surveys': async (event) => {
    const result = await requestSurvey(parseBody(surveyRequestInput, event.body));
    // Scheduled (or already, for a replayed key): 202 with the invite; skipped: 200 with why.
    return json(result.scheduled ? 202 : 200, result);
  },
  'GET /api/nps': async (event) => {
    const segment = parseSegment(query(event, 'segment'));
    const window = parseWindow(query(event, 'window'));
    const range = periodRange(window, query(event, 'from'), query(event, 'to'), config().TIME_ZONE);
    return json(200, { segment, window, points: await npsSeries(segment, window, range) });
  },
  'GET /api/nps/segments': async (event, { access }) => {
    const window = parseWindow(query(event, 'window') ?? 'all');
    const date = query(event, 'date');
    const period = window === 'all' ? 'all' : periodRange(window, date, date, config().TIME_ZONE).to;
    const own = ownerOf(access, 'own-segments');
    const segments = await npsBySegment(
      window,
      period,
      pageOf(event),
      own === undefined ? undefined : ownSegmentOf(own),
    );
    return json(200, { window, period, segments: segments.items, cursor: segments.cursor ?? null });
  },
  'GET /api/nps/compare': async (event) => {
    const segment = parseSegment(query(event, 'segment'));
    const against = parseAgainst(query(event, 'against'));
    const dates = { from: query(event, 'from'), to: query(event, 'to') };
    return json(200, await compareSegment(segment, against, dates, config().TIME_ZONE));
  },
  'GET /api/responses': async (event) => {
    const page = pageOf(event);
    const segment = query(event, 'segment');
    const { since, until } = parseDayRange(
      { from: query(event, 'from'), to: query(event, 'to') },
      config().TIME_ZONE,
    );
    const listing = {
      filter: segment ? responseFilterOf(parseSegment(segment)) : undefined,
      scoreClass: parseScoreClass(query(event, 'class')),
      since,
      until,
      ...page,
    };
    // `provisional=true`: the answers held apart as a mail scanner's (never counted nor alerted).
    const responses = parseFlag('provisional', query(event, 'provisional'))
      ? await listProvisional(listing)
      : await listResponses(listing);
    return json(200, { responses: responses.items, cursor: responses.cursor ?? null });
  },
  'GET /api/cases': async (event, { access }) => {
    const statusText = query(event, 'status');
    const status = statusText === undefined ? undefined : caseStatus.parse(statusText);
    const cases = await listCases(pageOf(event), status ? [status] : undefined, ownerOf(access, 'own-cases'));
    return json(200, { cases: cases.items, cursor: cases.cursor ?? null });
  },
  'PATCH /api/cases/{id}': async (event, { principal }) =>
    json(
      200,
      await updateCase(
        pathParam(event, 'id'),
        parseBody(caseUpdateInput, event.body),
        new Date(),
        actorOf(principal),
      ),
    ),
  'GET /api/cases/metrics': async (event) =>
    json(
      200,
      await readCaseMetrics({ from: query(event, 'from'), to: query(event, 'to') }, config().TIME_ZONE),
    ),
  'POST /api/cases/{id}/follow-up': async (event, { principal }) => {
    // The body is optional: without a message the case's outcome is what the customer reads.
    const input = event.body === undefined || event.body === '' ? {} : parseBody(followUpInput, event.body);
    return json(200, await sendCaseFollowUp(pathParam(event, 'id'), input, new Date(), actorOf(principal)));
  },
  'GET /api/routing': async () => json(200, await getRoutingRules()),
  'PUT /api/routing': async (event) =>
    json(200, await saveRoutingRules(parseBody(routingInput, event.body).rules)),
  'GET /api/themes': async (event) => {
    const options = themesQueryInput.parse({
      minCount: query(event, 'minCount'),
      limit: query(event, 'limit'),
    });
    const report = await themesReport({
      segment: parseSegment(query(event, 'segment')),
      window: parseWindow(query(event, 'window')),
      from: query(event, 'from'),
      to: query(event, 'to'),
      ...options,
    });
    return json(200, report);
  },
  'GET /api/themes/definitions': async () => json(200, await getThemeDefinitions()),
  'PUT /api/themes/definitions': async (event) =>
    json(200, await putThemeDefinitions(parseBody(themeDefinitionsInput, event.body).themes)),
  'GET /api/alerts/dead': async (event) => {
    const dead = await deadAlerts(pageOf(event));
    return json(200, { alerts: dead.items, cursor: dead.cursor ?? null });
  },
  'POST /api/alerts/{id}/redeliver': async (event) => {
    const alert = await resetAlertForRedelivery(pathParam(event, 'id'));
    await queueAlerts([alert.alertId]);
    return json(202, {
      alertId: alert.alertId,
      status: (await getAlert(alert.alertId))?.status ?? alert.status,
    });
  },
};

type RouteEntry = (typeof ROUTES)[number];
const isAdminRoute = (r: RouteEntry): r is Extract<RouteEntry, { fn: 'admin-api' }> => r.fn === 'admin-api';

/** Who each request in flight is from: set before the router runs, read by the route it picks. */
const principals = new WeakMap<object, Principal>();

/**
 * The role checks of one route, before its handler: the access the caller's role gives (a 403
 * otherwise), and for an account manager's case route the case itself — another owner's case is a
 * 404, worded as for a case that does not exist. A detractor case is also the escalation owner's
 * once escalated to them (shared/cases/policy.ts). A case's owner is set once, when it opens, and
 * its escalation owner once, so the case read here is the one the handler acts on.
 */
const authorized = async (routeKey: AdminRouteKey, event: HttpEvent): Promise<Caller> => {
  const principal = principals.get(event);
  if (!principal) throw new Error('a route ran without its caller');
  const access = accessFor(principal, RULES[routeKey], event.queryStringParameters ?? {});
  if (access.kind === 'own-case') {
    const caseId = pathParam(event, 'id');
    const winBack = routeKey === 'PATCH /api/winbacks/{id}';
    const found = winBack ? await getWinBack(caseId) : await getCase(caseId);
    const theirs = winBack ? found?.ownerId === access.ownerId : found && worksCase(found, access.ownerId);
    if (!theirs) {
      throw new NotFoundError(`${winBack ? 'win-back case' : 'case'} ${caseId} does not exist`);
    }
  }
  return { principal, access };
};

// The router reads only the method and path; each handler gets the event with its parsed body.
const router = httpRouterHandler<APIGatewayProxyEventV2, HttpResult>({
  routes: ROUTES.filter(isAdminRoute).map(({ routeKey }) => {
    const [method, path] = routeKey.split(' ') as [Method, string];
    const route = handlers[routeKey];
    return {
      method,
      path,
      handler: async (event: HttpEvent) => route(event, await authorized(routeKey, event)),
    };
  }),
  notFoundResponse: ({ method, path }) => {
    throw new NotFoundError(`no route ${method} ${path}`);
  },
});

/** Every admin route: who is asking first (the bearer key or a session, else 401), then the route. */
const admin = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
  principals.set(event, await requireUser(event));
  return router(event as APIGatewayProxyEventV2, context);
};

export const handler = httpHandler(admin);
