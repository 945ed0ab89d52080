import { httpHandler } from '#shared/http/handler';
import { html, json } from '#shared/http/responses';
import { dashboardPage } from '#shared/pages/dashboard';
import { openApiDocument } from './openapi.ts';

/**
 * GET /dashboard — the static page; its data comes from the authenticated admin API.
 * GET /api/openapi.json — the API's OpenAPI 3.1 document: static too, public (it holds no data).
 */
export const handler = httpHandler(async (event) =>
  event.routeKey === 'GET /api/openapi.json' ? json(200, openApiDocument()) : html(200, dashboardPage()),
);
