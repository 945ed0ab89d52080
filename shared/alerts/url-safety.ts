import { lookup } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may go. Outside local mode: public addresses only. In local mode (a laptop, the
 * tests) loopback too, so the demo's receiver on 127.0.0.1 works — but never a private range, nor
 * link-local / the instance metadata service (169.254.169.254, fd00:ec2::254): nothing reachable
 * from a VPC or a home network that the internet could not reach.
 *
 * Every rule is a `net.BlockList`, which checks an IPv4-mapped IPv6 address (`::ffff:7f00:1`,
 * `::ffff:127.0.0.1`) against the IPv4 rules, as its documentation shows.
 */
const subnets = (family: 'ipv4' | 'ipv6', list: ReadonlyArray<readonly [string, number]>): BlockList => {
  const blockList = new BlockList();
  for (const [net, prefix] of list) blockList.addSubnet(net, prefix, family);
  return blockList;
};

const LOOPBACK_V4 = subnets('ipv4', [['127.0.0.0', 8]]);
const LOOPBACK_V6 = subnets('ipv6', [['::1', 128]]);

/** IANA's IPv4 special-purpose registry: none of these is a public receiver. */
const NOT_PUBLIC_V4 = subnets('ipv4', [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, the metadata service at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // 6to4 relays
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3], // multicast, reserved, broadcast
]);

/** The IPv6 addresses that mean an IPv4 one: judged by the IPv4 rules. */
const IPV4_MAPPED = subnets('ipv6', [['::ffff:0:0', 96]]);

/**
 * Only global unicast (2000::/3) can be public. That leaves out, among others: `::` and `::1`,
 * IPv4-compatible `::a.b.c.d` (`::127.0.0.1` is `::7f00:1`), NAT64 `64:ff9b::/96` and
 * `64:ff9b:1::/48` (they reach IPv4 addresses, private ones included), discard `100::/64`, unique
 * local `fc00::/7` (the metadata service's `fd00:ec2::254`), link-local `fe80::/10`, site-local
 * `fec0::/10` and multicast `ff00::/8`.
 */
const GLOBAL_UNICAST_V6 = subnets('ipv6', [['2000::', 3]]);

/** The parts of 2000::/3 that are not public receivers either. */
const NOT_PUBLIC_V6 = subnets('ipv6', [
  ['2001::', 23], // IETF protocol assignments, Teredo 2001::/32 among them (it tunnels to IPv4)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: carries an IPv4 address, private ones included
  ['3fff::', 20], // documentation (RFC 9637)
]);

export type AddressKind = 'public' | 'loopback' | 'not-public';

/** What an IP address is, as far as a webhook is concerned; anything not an IP is not public. */
export const addressKind = (address: string): AddressKind => {
  const family = isIP(address);
  if (family === 0) return 'not-public';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (LOOPBACK_V4.check(address, type) || LOOPBACK_V6.check(address, type)) return 'loopback';
  if (family === 4 || IPV4_MAPPED.check(address, 'ipv6'))
    return NOT_PUBLIC_V4.check(address, type) ? 'not-public' : 'public';
  return GLOBAL_UNICAST_V6.check(address, 'ipv6') && !NOT_PUBLIC_V6.check(address, 'ipv6')
    ? 'public'
    : 'not-public';
};

export const isPublicAddress = (address: string): boolean => addressKind(address) === 'public';

/** Public addresses always; loopback in local mode only; nothing else, in any mode. */
export const isDeliverableAddress = (address: string, localMode: boolean): boolean => {
  const kind = addressKind(address);
  return kind === 'public' || (localMode && kind === 'loopback');
};

export class UnsafeUrlError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UnsafeUrlError';
  }
}

/** True when `err`, or any error it was caused by, is an UnsafeUrlError (fetch wraps them). */
export const isUnsafeUrlError = (err: unknown): boolean => {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof UnsafeUrlError) return true;
  }
  return false;
};

/** The URL's host without the brackets of an IPv6 literal. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/**
 * The checks that need no DNS: http(s) only, no credentials, https outside local mode, and a
 * literal address that may be reached. `URL` has already turned every spelling of an address into
 * its canonical form — `http://2130706433/`, `http://0x7f.1/`, `http://0177.0.0.1/` and
 * `http://127.0.0.1./` all become 127.0.0.1, `[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]` — so
 * the literal checked here is the one the connection would use. A host name is checked on the
 * addresses DNS answers (below).
 */
export const assertDeliverableUrl = (raw: string, localMode: boolean): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('webhook URL is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeUrlError('webhook URL must be http(s)');
  if (url.username || url.password) throw new UnsafeUrlError('webhook URL must not carry credentials');
  if (!localMode && url.protocol !== 'https:') throw new UnsafeUrlError('webhook URL must use https');
  const host = hostOf(url);
  if (isIP(host) && !isDeliverableAddress(host, localMode)) {
    throw new UnsafeUrlError(
      `webhook host ${host} is not a public address${localMode ? ' (local mode also allows loopback)' : ''}`,
    );
  }
  return url;
};

type LookupAddress = { address: string; family: number };

/** The refusal of a DNS answer, if any address in it may not be reached. */
const refusedAnswer = (
  hostname: string,
  addresses: LookupAddress[],
  localMode: boolean,
): UnsafeUrlError | undefined => {
  const refused = addresses.find((a) => !isDeliverableAddress(a.address, localMode));
  if (addresses.length > 0 && !refused) return undefined;
  return new UnsafeUrlError(
    `webhook host ${hostname} resolves to ${refused ? refused.address : 'nothing'}, which is not a public address`,
  );
};

/**
 * The checks made when an owner is saved: the static ones, and the name's DNS answer now, so the
 * admin hears at once that `hooks.corp.example` resolves to 10.0.0.7. A name that does not
 * resolve (yet) is accepted — its DNS may be set up after the owner — because delivery checks the
 * very answer it connects with.
 */
export const assertWebhookUrlNow = async (raw: string, localMode: boolean): Promise<URL> => {
  const url = assertDeliverableUrl(raw, localMode);
  const host = hostOf(url);
  if (isIP(host)) return url;
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host, { all: true });
  } catch (err: unknown) {
    // ENOTFOUND, EAI_AGAIN, …: no answer today is no address to refuse.
    if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string') return url;
    throw err;
  }
  const refusal = refusedAnswer(host, addresses, localMode);
  if (refusal) throw refusal;
  return url;
};

/**
 * A DNS lookup for the HTTP client that refuses the answer unless every address in it may be
 * reached. It is the lookup of the very socket that connects (undici hands it to net/tls.connect),
 * so the connection can only go to an address that was checked: there is no second resolution in
 * which DNS could change its answer after the check (DNS rebinding).
 */
export const deliverableLookup =
  (localMode: boolean): LookupFunction =>
  (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, answer) => {
      if (err) return callback(err, '', 0);
      const addresses: LookupAddress[] = Array.isArray(answer) ? answer : [];
      const refusal = refusedAnswer(hostname, addresses, localMode);
      if (refusal) return callback(refusal as NodeJS.ErrnoException, '', 0);
      if (options.all) {
        // LookupFunction's type only describes the single-address callback; net asks for all of
        // them (happy eyeballs) and then expects the list.
        return (callback as unknown as (e: null, list: LookupAddress[]) => void)(null, addresses);
      }
      const [first] = addresses;
      return callback(null, first?.address ?? '', first?.family ?? 4);
    });
  };
