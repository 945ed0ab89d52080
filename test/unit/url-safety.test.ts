import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addressKind,
  assertDeliverableUrl,
  assertWebhookUrlNow,
  deliverableLookup,
  isPublicAddress,
  isUnsafeUrlError,
  UnsafeUrlError,
} from '../../shared/alerts/url-safety.ts';

/** What the connect-time lookup answers for a name, through the system resolver (getaddrinfo). */
const lookUp = (name: string, localMode: boolean) =>
  new Promise<{ error: Error | null; address: string }>((resolve) => {
    deliverableLookup(localMode)(name, {}, (error, address) => resolve({ error, address: String(address) }));
  });

describe('webhook address classes', () => {
  it.each([
    '10.1.2.3',
    '169.254.169.254',
    '172.20.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    'fd00::1',
    'fd00:ec2::254', // the instance metadata service over IPv6
    'fe80::1',
    '::',
    // IPv4 inside IPv6: mapped, compatible, translated, NAT64, 6to4, Teredo
    '::ffff:10.0.0.1',
    '::ffff:a00:1',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '::7f00:1',
    '::ffff:0:7f00:1',
    '64:ff9b::a00:1',
    '64:ff9b:1::1',
    '2002:7f00:1::',
    '2001::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    'fec0::1', // site-local
    'ff02::1',
    '2001:db8::1',
    'not an address',
  ])('treats %s as not public', (address) => {
    expect(addressKind(address)).toBe('not-public');
  });

  it.each(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    'treats %s as loopback, in every spelling',
    (address) => {
      expect(addressKind(address)).toBe('loopback');
    },
  );

  it.each(['93.184.216.34', '1.1.1.1', '::ffff:1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::1'])(
    'treats %s as public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('webhook URL checks without DNS', () => {
  const refused = (raw: string, localMode: boolean) => () => assertDeliverableUrl(raw, localMode);

  it('requires https, no credentials and a public literal address outside local mode', () => {
    expect(refused('http://hooks.example.com/x', false)).toThrow(UnsafeUrlError);
    expect(refused('https://10.0.0.5/x', false)).toThrow(UnsafeUrlError);
    expect(refused('https://[::1]/x', false)).toThrow(UnsafeUrlError);
    expect(refused('https://user:pw@hooks.example.com/x', false)).toThrow(UnsafeUrlError);
    expect(refused('ftp://hooks.example.com/x', true)).toThrow(UnsafeUrlError);
    expect(assertDeliverableUrl('https://hooks.example.com/x', false).hostname).toBe('hooks.example.com');
  });

  it.each([
    'https://[::127.0.0.1]/x',
    'https://[::7f00:1]/x',
    'https://[::ffff:7f00:1]/x',
    'https://[0:0:0:0:0:ffff:127.0.0.1]/x',
    'https://[2002:a9fe:a9fe::]/x',
    'https://[2001::a9fe:a9fe]/x',
    'https://[64:ff9b::a9fe:a9fe]/x',
    'https://[64:ff9b:1::a00:1]/x',
    'https://[fec0::1]/x',
    'https://[fd00:ec2::254]/latest/meta-data/',
    // The URL parser's own spellings of 127.0.0.1 and 169.254.169.254
    'https://2130706433/x',
    'https://0x7f.1/x',
    'https://0177.0.0.1/x',
    'https://127.0.0.1./x',
    'https://0xa9.0xfe.0xa9.0xfe/x',
    'https://2852039166/x',
  ])('refuses %s outside local mode', (raw) => {
    expect(refused(raw, false)).toThrow(UnsafeUrlError);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://2852039166/',
    'http://10.0.0.5:8080/hooks',
    'http://192.168.1.10/hooks',
    'http://[::ffff:a00:5]/hooks',
    'http://[fe80::1]/hooks',
  ])('refuses %s in local mode too: it allows loopback, not private or metadata addresses', (raw) => {
    expect(refused(raw, true)).toThrow(UnsafeUrlError);
  });

  it.each([
    'http://127.0.0.1:3001/hooks',
    'http://[::1]:3001/hooks',
    'http://localhost:3001/hooks',
    'http://2130706433:3001/hooks',
    'https://hooks.example.com/x',
  ])('allows %s in local mode', (raw) => {
    expect(() => assertDeliverableUrl(raw, true)).not.toThrow();
  });
});

describe('webhook DNS answers, checked as the connection is made', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.close();
    server = undefined;
  });

  it('checks a name when the owner is saved, and accepts one that does not resolve yet', async () => {
    await expect(assertWebhookUrlNow('https://localhost/x', false)).rejects.toThrow(/resolves to/);
    await expect(assertWebhookUrlNow('http://localhost:3001/x', true)).resolves.toBeInstanceOf(URL);
    // .invalid never resolves (RFC 6761): its DNS may be set up after the owner is saved.
    await expect(assertWebhookUrlNow('https://hooks.nps-loop.invalid/x', false)).resolves.toBeInstanceOf(URL);
  });

  it('refuses a name that resolves to loopback outside local mode', async () => {
    const { error } = await lookUp('localhost', false);
    expect(error).toBeInstanceOf(UnsafeUrlError);
    expect(error?.message).toContain('127.0.0.1');
  });

  it('refuses, in local mode too, a name that resolves to a private or metadata address', async () => {
    // The system resolver reads these legacy numeric names as addresses (inet_aton), the URL parser
    // never sees them: real answers of 10.0.0.1 and 169.254.169.254 for a name.
    for (const name of ['167772161', '2852039166']) {
      expect((await lookUp(name, true)).error).toBeInstanceOf(UnsafeUrlError);
      expect((await lookUp(name, false)).error).toBeInstanceOf(UnsafeUrlError);
    }
    expect(await lookUp('localhost', true)).toMatchObject({ error: null, address: '127.0.0.1' });
  });

  it('stops the connection itself: no socket reaches a refused address, and the refusal is recognisable', async () => {
    let connections = 0;
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const agent = new Agent({ connect: { lookup: deliverableLookup(false) } });
    try {
      const err = await fetch(`http://localhost:${port}/hook`, { dispatcher: agent }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(isUnsafeUrlError(err)).toBe(true);
      expect(connections).toBe(0);
    } finally {
      await agent.close();
    }
  });
});
