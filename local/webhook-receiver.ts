import { createServer, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  payload: unknown;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close: () => Promise<void>;
}

/**
 * A loopback receiver for detractor alerts: verifies the Standard Webhooks signature with the
 * secret it was given (per path) and records/logs what arrives. Used by the demo and the tests.
 */
export const startWebhookReceiver = async (opts: {
  port?: number;
  secrets?: Record<string, string>;
  onReceive?: (hook: ReceivedWebhook) => void;
  respond?: (hook: ReceivedWebhook) => number;
}): Promise<WebhookReceiver> => {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const path = new URL(req.url ?? '/', 'http://local').pathname;
      const secret = opts.secrets?.[path];
      let verified = false;
      let payload: unknown = body;
      try {
        payload = secret ? new Webhook(secret).verify(body, headers) : JSON.parse(body);
        verified = Boolean(secret);
      } catch {
        verified = false;
      }
      const hook = { path, headers, body, verified, payload };
      received.push(hook);
      opts.onReceive?.(hook);
      res.writeHead(opts.respond?.(hook) ?? 204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
