import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Page } from '../pages/layout.ts';

export type HttpResult = APIGatewayProxyStructuredResultV2;

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

export const html = (statusCode: number, page: Page): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': page.csp,
    'referrer-policy': 'no-referrer',
  },
  body: page.html,
});

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** Browsers asking for a page get HTML; fetch/JSON clients get JSON. */
export const wantsHtml = (event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>): boolean => {
  const accept = event.headers?.accept ?? '';
  const contentType = event.headers?.['content-type'] ?? '';
  if (accept.includes('application/json') || contentType.includes('application/json')) return false;
  return (
    event.requestContext.http.method === 'GET' || accept.includes('text/html') || contentType.includes('form')
  );
};
