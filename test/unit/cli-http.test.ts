import { describe, expect, it } from 'vitest';
import { ApiError, CliError } from '../../cli/errors.ts';
import { apiClient, normalizeBaseUrl } from '../../cli/http.ts';

const answering =
  (status: number, body: string): typeof fetch =>
  async () =>
    new Response(body, { status });

const failing =
  (err: unknown): typeof fetch =>
  async () => {
    throw err;
  };

const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });

const messageOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (err: unknown) {
    expect(err).toBeInstanceOf(CliError);
    return (err as CliError).message;
  }
  throw new Error('no error');
};

const client = (doFetch: typeof globalThis.fetch) =>
  apiClient({ baseUrl: 'http://127.0.0.1:3000/', adminKey: 'k', fetch: doFetch });

describe('nps: the API client says in one line why a request failed', () => {
  it('sends the key and JSON, and reads JSON', async () => {
    let seen: { url: string; init?: RequestInit } | undefined;
    const api = client(async (url: string | URL | Request, init?: RequestInit) => {
      seen = { url: String(url), init };
      return new Response('{"upserted":2}', { status: 200 });
    });
    expect(await api.post('/api/customers', [{ id: 'a' }])).toEqual({ upserted: 2 });
    expect(seen?.url).toBe('http://127.0.0.1:3000/api/customers');
    expect(seen?.init?.headers).toMatchObject({
      authorization: 'Bearer k',
      'content-type': 'application/json',
    });
    await api.get('/api/nps', { segment: 'tier:key', from: undefined, limit: 5 });
    expect(seen?.url).toBe('http://127.0.0.1:3000/api/nps?segment=tier%3Akey&limit=5');
  });

  it('a wrong key', async () => {
    const body = JSON.stringify({ error: { code: 'unauthorized', message: 'The admin key is not valid.' } });
    expect(await messageOf(client(answering(401, body)).get('/api/campaigns'))).toBe(
      'the API refused the admin key (401: The admin key is not valid.) — check NPS_ADMIN_KEY or --admin-key',
    );
    expect(await messageOf(client(answering(403, '')).get('/api/campaigns'))).toBe(
      'the API refused the admin key (403) — check NPS_ADMIN_KEY or --admin-key',
    );
  });

  it('no key at all, before any request', async () => {
    const keyless = apiClient({
      baseUrl: 'http://h',
      adminKey: undefined,
      fetch: failing(new Error('not called')),
    });
    expect(await messageOf(keyless.get('/api/nps'))).toMatch(
      /^no admin key: set NPS_ADMIN_KEY or pass --admin-key/,
    );
  });

  it("a refusal, in the API's own words, with its status and code", async () => {
    const body = JSON.stringify({ error: { code: 'invalid_segment', message: 'segment must be all, …' } });
    const err = await client(answering(400, body))
      .get('/api/nps')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ message: 'segment must be all, … (400 invalid_segment)', status: 400 });
  });

  it('something that is not the nps-loop API', async () => {
    expect(await messageOf(client(answering(502, '<html>Bad gateway</html>')).get('/api/nps'))).toBe(
      'http://127.0.0.1:3000 answered 502 without an nps-loop error body — is NPS_API_URL the nps-loop API?',
    );
    expect(await messageOf(client(answering(200, '<html></html>')).get('/api/nps'))).toMatch(
      /with something other than JSON — is NPS_API_URL the nps-loop API\?$/,
    );
  });

  it('an API that is not there: refused, unknown host, timed out', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' });
    expect(await messageOf(client(failing(fetchFailed(refused))).get('/api/nps'))).toBe(
      'cannot reach the API at http://127.0.0.1:3000: connection refused — is `npm start` running? (set NPS_API_URL or --api-url)',
    );
    // localhost: one attempt per address, in an AggregateError.
    const both = Object.assign(new AggregateError([refused, refused]), {});
    expect(await messageOf(client(failing(fetchFailed(both))).get('/api/nps'))).toMatch(/connection refused/);
    const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND api.example'), { code: 'ENOTFOUND' });
    expect(
      await messageOf(
        apiClient({
          baseUrl: 'https://api.example',
          adminKey: 'k',
          fetch: failing(fetchFailed(unknown)),
        }).get('/x'),
      ),
    ).toBe(
      'cannot reach the API at https://api.example: host api.example not found (set NPS_API_URL or --api-url)',
    );
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(
      await messageOf(
        apiClient({ baseUrl: 'http://h', adminKey: 'k', timeoutMs: 5000, fetch: failing(timeout) }).get('/x'),
      ),
    ).toBe('the API at http://h did not answer within 5 s');
  });

  it('checks the URL it is given', () => {
    expect(normalizeBaseUrl('https://abc.execute-api.eu-west-1.amazonaws.com/')).toBe(
      'https://abc.execute-api.eu-west-1.amazonaws.com',
    );
    expect(normalizeBaseUrl('http://127.0.0.1:3000/prefix/')).toBe('http://127.0.0.1:3000/prefix');
    expect(() => normalizeBaseUrl('127.0.0.1:3000')).toThrow(/must be an http\(s\) URL/);
    expect(() => normalizeBaseUrl('not a url')).toThrow(/must be an http\(s\) URL/);
  });
});
