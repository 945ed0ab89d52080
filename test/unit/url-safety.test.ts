import { describe, expect, it } from 'vitest';
import {
  assertDeliverableUrl,
  isPublicAddress,
  publicOnlyLookup,
  UnsafeUrlError,
} from '../../shared/alerts/url-safety.ts';

describe('webhook URL safety', () => {
  it.each([
    '10.1.2.3',
    '127.0.0.1',
    '169.254.169.254',
    '172.20.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
  ])('treats %s as private', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])('treats %s as public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('requires https and a public literal address outside local mode', () => {
    expect(() => assertDeliverableUrl('http://hooks.example.com/x', false)).toThrow(UnsafeUrlError);
    expect(() => assertDeliverableUrl('https://10.0.0.5/x', false)).toThrow(UnsafeUrlError);
    expect(() => assertDeliverableUrl('https://[::1]/x', false)).toThrow(UnsafeUrlError);
    expect(() => assertDeliverableUrl('https://user:pw@hooks.example.com/x', false)).toThrow(UnsafeUrlError);
    expect(() => assertDeliverableUrl('ftp://hooks.example.com/x', true)).toThrow(UnsafeUrlError);
    expect(assertDeliverableUrl('https://hooks.example.com/x', false).hostname).toBe('hooks.example.com');
    expect(assertDeliverableUrl('http://127.0.0.1:3001/hooks', true).port).toBe('3001');
  });

  it('refuses, at connect time, a host name that resolves to a private address', async () => {
    const error = await new Promise<Error | null>((resolve) => {
      publicOnlyLookup('localhost', {}, (err) => resolve(err));
    });
    expect(error).toBeInstanceOf(UnsafeUrlError);
  });
});
