import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { newWebhookSecret } from '../../shared/owners/save-owner.ts';
import { getAlert } from '../../shared/store/alerts.ts';
import { putOwner } from '../../shared/store/owners.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

/** A TCP listener on loopback that counts the connections it is offered, and drops them. */
const countingListener = async () => {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * An owner as it may be in the table from before webhook URLs were checked when saved: written
 * to the store directly, so that only the delivery's own checks stand between it and the URL.
 */
const ownerSavedBeforeTheCheck = (id: string, webhookUrl: string) =>
  putOwner({
    id,
    name: `Legacy ${id}`,
    webhookUrl,
    webhookSecret: newWebhookSecret(),
    style: 'generic',
    updatedAt: new Date().toISOString(),
  });

/** One customer per owner, one campaign to them all; returns each owner's customer's survey token. */
const surveyEveryOwnersCustomer = async (stack: LocalStack, ownerIds: string[]) => {
  await adminFetch(
    stack,
    'POST',
    '/api/customers',
    ownerIds.map((ownerId) => ({ id: `c-${ownerId}`, email: `c-${ownerId}@example.com`, ownerId })),
  );
  await adminFetch(stack, 'POST', '/api/campaigns', { id: 'hooks', name: 'Hooks', fatigueDays: 0 });
  await adminFetch(stack, 'POST', '/api/campaigns/hooks/send');
  await stack.settle();
  const emails = await sesEmails(stack);
  return new Map(
    ownerIds.map((ownerId) => {
      const email = emails.find((e) => e.destination.to.includes(`c-${ownerId}@example.com`));
      if (!email) throw new Error(`no survey email for the customer of ${ownerId}`);
      return [ownerId, tokenOf(email)];
    }),
  );
};

/** The customer of `ownerId` answers 2; the webhook alert that raises, after its first attempt. */
const detractAndReadWebhookAlert = async (stack: LocalStack, token: string) => {
  expect((await postAnswer(stack, token, { score: 2 })).status).toBe(200);
  await stack.settle();
  return getAlert(`${token.split('.')[0]}.v1.webhook`);
};

const saveOwnerWithWebhook = (stack: LocalStack, id: string, webhookUrl: string) =>
  adminFetch(stack, 'POST', '/api/owners', { id, name: `Owner ${id}`, webhookUrl });

describe('webhook URLs in local mode: loopback is allowed, private and metadata addresses never', () => {
  const stack = useLocalStack();
  let tokens: Map<string, string>;

  beforeAll(async () => {
    await ownerSavedBeforeTheCheck('metadata', 'http://169.254.169.254/latest/meta-data/');
    await ownerSavedBeforeTheCheck('private', 'http://10.0.0.5:8080/hooks');
    tokens = await surveyEveryOwnersCustomer(stack(), ['metadata', 'private']);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://2852039166/latest/meta-data/',
    'http://10.0.0.5:8080/hooks',
    'http://192.168.1.10/hooks',
    'http://[::ffff:10.0.0.5]/hooks',
    'http://[::7f00:1]:3001/hooks',
  ])('refuses to save an owner whose webhook is %s: 400 invalid_webhook_url, nothing saved', async (url) => {
    const res = await saveOwnerWithWebhook(stack(), 'refused', url);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_webhook_url', message: expect.any(String) });
    const owners = await adminFetch(stack(), 'GET', '/api/owners');
    expect((owners.body.owners as Array<{ id: string }>).map((o) => o.id)).not.toContain('refused');
  });

  it('saves an owner whose webhook is on loopback', async () => {
    for (const url of [
      'http://127.0.0.1:3001/hooks/a',
      'http://[::1]:3001/hooks/a',
      'http://localhost:3001/a',
    ])
      expect((await saveOwnerWithWebhook(stack(), 'loopback', url)).status).toBe(200);
  });

  it('gives up at once on an owner saved before the check whose webhook is a private or metadata address', async () => {
    for (const ownerId of ['metadata', 'private']) {
      const alert = await detractAndReadWebhookAlert(stack(), tokens.get(ownerId) ?? '');
      // Dead after one attempt: retrying could not make the address deliverable. Without the
      // check the attempt would connect there and be retried for a day.
      expect(alert).toMatchObject({ status: 'dead', attempts: 1 });
      expect(alert?.lastError).toMatch(/UnsafeUrlError: .*not a public address/);
    }
  });
});

describe('webhook URLs outside local mode: public addresses only, checked on the DNS answer too', () => {
  const stack = useLocalStack({ extraEnv: { LOCAL_MODE: 'false' } });
  let listener: Awaited<ReturnType<typeof countingListener>>;
  let tokens: Map<string, string>;

  beforeAll(async () => {
    listener = await countingListener();
    // `localhost` is a name: only its DNS answer (127.0.0.1) shows it is not public.
    await ownerSavedBeforeTheCheck('resolves-to-loopback', `https://localhost:${listener.port}/hooks`);
    tokens = await surveyEveryOwnersCustomer(stack(), ['resolves-to-loopback']);
  });
  afterAll(() => listener.close());

  it.each([
    'https://localhost/hooks',
    'https://[::7f00:1]/hooks',
    'https://[::ffff:7f00:1]/hooks',
    'https://[2002:7f00:1::]/hooks',
    'https://[2001::7f00:1]/hooks',
    'https://[64:ff9b:1::a00:1]/hooks',
    'https://[fec0::1]/hooks',
    'https://2130706433/hooks',
    'https://0x7f.1/hooks',
    'https://127.0.0.1./hooks',
    'http://hooks.example.com/plain-http',
  ])('refuses to save an owner whose webhook is %s', async (url) => {
    const res = await saveOwnerWithWebhook(stack(), 'refused', url);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid_webhook_url');
  });

  it('refuses, as it connects, a name that resolves to a non-public address: no connection, no retry', async () => {
    const alert = await detractAndReadWebhookAlert(stack(), tokens.get('resolves-to-loopback') ?? '');
    expect(listener.connections()).toBe(0);
    expect(alert).toMatchObject({ status: 'dead', attempts: 1 });
    expect(alert?.lastError).toMatch(/localhost resolves to .*not a public address/);
  });
});
