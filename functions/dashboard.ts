import { httpHandler } from '#shared/http/handler';
import { html } from '#shared/http/responses';
import { dashboardPage } from '#shared/pages/dashboard';

/** GET /dashboard — the static page; its data comes from the authenticated admin API. */
export const handler = httpHandler(async () => html(200, dashboardPage()));
