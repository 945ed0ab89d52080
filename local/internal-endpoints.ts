import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './http-server.ts';
import { invoke, isFunctionName } from './lambda.ts';
import { type LocalSqs, SqsApiError } from './sqs.ts';

/**
 * The AWS APIs the handlers call on each other — Lambda Invoke (the admin API starts a dispatch
 * run asynchronously) and SQS (the alert queue) — on their own port, never on the public API's.
 *
 * On AWS only IAM principals reach these; locally any web page the developer opens could POST to
 * 127.0.0.1 (a forged SES complaint to `record-ses-events`, a fake alert on the queue). So:
 * - the port listens on loopback only and is not the one the API, pages and dashboard are on;
 * - every path starts with a secret drawn for this run, carried by the SDK clients in their
 *   endpoint URL (`LAMBDA_ENDPOINT` / `SQS_ENDPOINT`), which a page cannot know;
 * - a request bearing what browsers add (`Origin`, `Sec-Fetch-*`) or a Host other than this
 *   address (DNS rebinding) is refused: the AWS SDK sends none of these.
 */
export interface InternalEndpoints {
  /** The endpoint for the SDK clients: origin and secret path prefix. */
  endpoint: string;
  /** The bare origin, for identifiers that name this host (queue URLs). */
  origin: string;
  /** Resolves when every asynchronous (Event) Lambda invocation started so far has finished. */
  drain: () => Promise<void>;
  close: () => Promise<void>;
}

const refuse = (res: ServerResponse, message: string) =>
  res
    .writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' })
    .end(JSON.stringify({ __type: 'AccessDeniedException', message }));

const isBrowserRequest = (req: IncomingMessage) =>
  req.headers.origin !== undefined || Object.keys(req.headers).some((name) => name.startsWith('sec-fetch-'));

/** The request path without the secret prefix, or undefined when the prefix is wrong or missing. */
const pathBehindSecret = (pathname: string, secret: Buffer): string | undefined => {
  const end = pathname.indexOf('/', 1);
  if (end < 0) return undefined;
  const given = Buffer.from(pathname.slice(1, end));
  return given.length === secret.length && timingSafeEqual(given, secret) ? pathname.slice(end) : undefined;
};

export const startInternalEndpoints = async (opts: {
  /** The alert queue's emulator; answers the SQS JSON protocol (`X-Amz-Target: AmazonSQS.*`). */
  sqs: () => LocalSqs | undefined;
  onInvokeError: (name: string, err: unknown) => void;
}): Promise<InternalEndpoints> => {
  const secret = randomBytes(24).toString('base64url');
  const secretBytes = Buffer.from(secret);
  const background = new Set<Promise<unknown>>();

  const handleInvoke = async (req: IncomingMessage, res: ServerResponse, name: string) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (!isFunctionName(name))
      return send(
        404,
        { Type: 'User', message: `Function not found: ${name}` },
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
      );
    const raw = (await readBody(req)).toString('utf8');
    const event: unknown = raw ? JSON.parse(raw) : {};
    if (req.headers['x-amz-invocation-type'] === 'Event') {
      const run = invoke(name, event).catch((err: unknown) => opts.onInvokeError(name, err));
      background.add(run);
      void run.finally(() => background.delete(run));
      res.writeHead(202).end();
      return;
    }
    send(200, (await invoke(name, event)) ?? null);
  };

  const handleSqs = async (req: IncomingMessage, res: ServerResponse, action: string) => {
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    const sqs = opts.sqs();
    if (!sqs) return send(503, { __type: 'ServiceUnavailable', message: 'the local queue is starting' });
    try {
      const input = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>;
      return send(200, sqs.handle(action, input));
    } catch (err: unknown) {
      if (err instanceof SqsApiError) return send(400, { __type: err.type, message: err.message });
      throw err;
    }
  };

  const server = createServer(async (req, res) => {
    try {
      if (isBrowserRequest(req)) return refuse(res, 'browser requests are refused');
      const host = `127.0.0.1:${req.socket.localPort}`;
      if (req.headers.host !== host) return refuse(res, `the Host must be ${host}`);
      const path = pathBehindSecret(new URL(req.url ?? '/', 'http://local').pathname, secretBytes);
      if (path === undefined) return refuse(res, 'this run’s endpoint secret is missing or wrong');
      if (req.method !== 'POST') return refuse(res, 'only POST is served');
      const target = req.headers['x-amz-target'];
      if (path === '/' && typeof target === 'string' && target.startsWith('AmazonSQS.'))
        return await handleSqs(req, res, target.slice('AmazonSQS.'.length));
      const invokeMatch = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
      if (invokeMatch?.[1]) return await handleInvoke(req, res, decodeURIComponent(invokeMatch[1]));
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: `no local AWS API at ${path}` }));
    } catch (err: unknown) {
      if ((err as { status?: number }).status === 413)
        return res
          .writeHead(413, { 'content-type': 'application/json' })
          .end('{"message":"payload too large"}');
      opts.onInvokeError('internal', err);
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the internal endpoints have no address');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    endpoint: `${origin}/${secret}`,
    origin,
    drain: async () => {
      while (background.size) await Promise.allSettled([...background]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
