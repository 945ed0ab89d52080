import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.ts';

/**
 * A local stack for one test file — or, with `perTest`, a fresh one for every test: its own tables
 * on the shared DynamoDB Local, its own local SES and HTTP server on free ports. Refuses anything but
 * a loopback endpoint, so no test can reach AWS.
 */
export const useLocalStack = (
  options: LocalStackOptions & { expectStreamFailures?: boolean; perTest?: boolean } = {},
) => {
  const holder: { stack?: LocalStack } = {};
  const [before, after] = options.perTest ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    const endpoint = inject('dynamoEndpoint');
    if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(endpoint)) {
      throw new Error(`integration tests run only against DynamoDB Local, got ${endpoint}`);
    }
    const suffix = randomBytes(4).toString('hex');
    holder.stack = await startLocalStack({
      dynamoEndpoint: endpoint,
      tableName: `nps-${suffix}`,
      aggregatesTableName: `nps-agg-${suffix}`,
      tickMs: 0,
      port: 0,
      log: (line) => console.error(line),
      ...options,
    });
  });
  after(async () => {
    const failures = holder.stack?.streamFailures ?? [];
    await holder.stack?.stop();
    holder.stack = undefined;
    // A batch given up on is a lost answer or alert: no test may leave one behind unnoticed.
    if (!options.expectStreamFailures) expect(failures).toEqual([]);
  });
  return () => {
    if (!holder.stack) throw new Error('local stack not started');
    return holder.stack;
  };
};

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
}

export const sesEmails = async (stack: LocalStack): Promise<StoredEmail[]> => {
  const res = await fetch(`${stack.sesUrl}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
};

/** The survey token in an email's links. */
export const tokenOf = (email: StoredEmail): string => {
  const m = email.body.text?.match(/\/s\/([^?\s]+)\?score=/);
  if (!m?.[1]) throw new Error('no survey link in email');
  return decodeURIComponent(m[1]);
};

export const adminFetch = async (stack: LocalStack, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
  };
};

export const postAnswer = (stack: LocalStack, token: string, answer: unknown) =>
  fetch(`${stack.url}/s/${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(answer),
  });
