import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Addresses a webhook must never reach from inside AWS: loopback, private, link-local (metadata), … */
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  blockedV4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
] as const) {
  blockedV6.addSubnet(net, prefix, 'ipv6');
}

export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 4) return !blockedV4.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged by its IPv4 part.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return !blockedV4.check(mapped, 'ipv4');
  if (/^::ffff:/i.test(address)) return false;
  return !blockedV6.check(address, 'ipv6');
};

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

/**
 * Static checks on a webhook URL: http(s) only, no credentials, and outside local mode https and
 * no literal private address. The resolved addresses are checked at connect time (below).
 */
export const assertDeliverableUrl = (raw: string, localMode: boolean): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('webhook URL is not a valid URL');
  }
  if (url.username || url.password) throw new UnsafeUrlError('webhook URL must not carry credentials');
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeUrlError('webhook URL must be http(s)');
  if (localMode) return url;
  if (url.protocol !== 'https:') throw new UnsafeUrlError('webhook URL must use https');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host))
    throw new UnsafeUrlError(`webhook host ${host} is not a public address`);
  return url;
};

/**
 * A DNS lookup for the HTTP client that refuses private answers. Checking at connect time, on the
 * very addresses the socket will use, closes the gap in which DNS could change after a check
 * (DNS rebinding) — the connection can only go where the check looked.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = Array.isArray(addresses) ? addresses : [];
    const unsafe = list.find((a) => !isPublicAddress(a.address));
    if (list.length === 0 || unsafe) {
      const error = new UnsafeUrlError(`webhook host ${hostname} resolves to a non-public address`);
      return callback(error as NodeJS.ErrnoException, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    const [first] = list;
    return callback(null, first?.address ?? '', first?.family ?? 4);
  });
};
