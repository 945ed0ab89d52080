import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DEFAULT_ROUTE, type FunctionName, ROUTES } from '#functions/routes';
import { invoke } from './lambda.ts';

/** Lambda's synchronous invocation payload limit: what API Gateway can pass on at all. */
const MAX_BODY_BYTES = 6 * 1_048_576;

interface CompiledRoute {
  routeKey: string;
  method: string;
  pattern: RegExp;
  params: string[];
  fn: FunctionName;
}

const compiled: CompiledRoute[] = ROUTES.map(({ routeKey, fn }) => {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const params: string[] = [];
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { routeKey, method, pattern: new RegExp(`^${source}$`), params, fn };
});

/** Like API Gateway: the `$default` route takes whatever no other route matches. */
const defaultRoute: CompiledRoute = { ...DEFAULT_ROUTE, method: '*', pattern: /^/, params: [] };

const matchRoute = (method: string, path: string) => {
  for (const route of compiled) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    const pathParameters = Object.fromEntries(
      route.params.map((p, i) => [p, decodeURIComponent(m[i + 1] ?? '')]),
    );
    return { route, pathParameters };
  }
  return { route: defaultRoute, pathParameters: {} };
};

export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped: closing the socket mid-upload would reset the
      // connection before the client could read the 413.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(Object.assign(new Error('payload too large'), { status: 413 }));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });

const isTextual = (contentType: string) =>
  contentType === '' ||
  /^(text\/|application\/(json|x-www-form-urlencoded|xml|[\w.+-]+\+json))/.test(contentType);

/** An HTTP request as API Gateway (HTTP API, payload format 2.0) hands it to Lambda. */
const toApiGatewayEvent = (
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: CompiledRoute,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === 'cookie') cookies.push(...String(value).split(/;\s*/));
    else headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const textual = isTextual(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: cookies.length ? cookies : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: route.params.length ? pathParameters : undefined,
    body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
};

const sendResult = (res: ServerResponse, result: unknown) => {
  // Like API Gateway: a result without statusCode is a 200 JSON body.
  const structured: APIGatewayProxyStructuredResultV2 =
    result && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(structured.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body
    ? Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  res.writeHead(structured.statusCode ?? 200, headers).end(body);
};

const sendJsonError = (res: ServerResponse, status: number, code: string, message: string) => {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ error: { code, message } }));
};

export interface LocalHttpServer {
  server: Server;
  port: number;
  close: () => Promise<void>;
}

/**
 * The local API Gateway: routes requests to the HTTP handlers and answers `/health` — nothing
 * else. The AWS APIs the handlers call (Lambda Invoke, SQS) are on another port
 * (local/internal-endpoints.ts): here their paths get the API's 404, like any unknown route.
 */
export const startHttpServer = async (opts: {
  port: number;
  host?: string;
  isReady: () => boolean;
  onInvokeError: (name: string, err: unknown) => void;
}): Promise<LocalHttpServer> => {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const method = req.method ?? 'GET';
      if (url.pathname === '/health') {
        return opts.isReady()
          ? res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}')
          : sendJsonError(res, 503, 'starting', 'the local stack is still starting');
      }
      if (method === 'GET' && url.pathname === '/')
        return res.writeHead(302, { location: '/dashboard' }).end();
      const match = matchRoute(method, url.pathname);
      const body = await readBody(req);
      const event = toApiGatewayEvent(req, url, body, match.route, match.pathParameters);
      sendResult(res, await invoke(match.route.fn, event));
    } catch (err: unknown) {
      const status = (err as { status?: number }).status;
      if (status === 413)
        return sendJsonError(res, 413, 'payload_too_large', 'the request body is too large');
      // What API Gateway answers when the integration itself fails.
      opts.onInvokeError('http', err);
      if (!res.headersSent) sendJsonError(res, 500, 'internal_error', 'Internal Server Error');
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
