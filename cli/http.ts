import { ApiError, CliError } from './errors.ts';

/**
 * The admin API over HTTP, as `npm start` or a deployed stack serves it: the bearer key on every
 * request, JSON both ways, and every way a request can fail turned into one line the user can act
 * on (a wrong key, an API that is not there, a request the API refused with its own message).
 */
export interface ApiSettings {
  /** `http://127.0.0.1:3000`, or a deployed API's URL (a path prefix is kept). */
  baseUrl: string;
  adminKey: string | undefined;
  /** How long one request may take before it is given up (a batch of 1,000 purchases takes a few seconds). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiClient {
  readonly baseUrl: string;
  request<T>(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<T>;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

/** `npm start`'s address when PORT is not set (local/start.ts). */
export const DEFAULT_API_URL = 'http://127.0.0.1:3000';
const DEFAULT_TIMEOUT_MS = 120_000;

/** The base URL, checked: http(s) only, no trailing slash, no query. */
export const normalizeBaseUrl = (text: string): string => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`the API URL must be an http(s) URL such as ${DEFAULT_API_URL}, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`the API URL must be an http(s) URL such as ${DEFAULT_API_URL}, got "${text}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
};

/**
 * The errno-style code behind a failed fetch (undici wraps it in `cause`, sometimes in an
 * AggregateError), and the innermost message ("fetch failed" says nothing; "bad port" does).
 */
const networkFailureOf = (err: unknown): { code?: string; message: string } => {
  let message = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (e instanceof Error) message = e.message;
    if (typeof code === 'string') return { code, message };
    e = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return { message };
};

/** Why a request never got an answer, as one line. */
export const unreachable = (baseUrl: string, err: unknown, timeoutMs: number): CliError => {
  const where = `the API at ${baseUrl}`;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new CliError(`${where} did not answer within ${Math.round(timeoutMs / 1000)} s`);
  }
  const { code, message } = networkFailureOf(err);
  const hint = 'set NPS_API_URL or --api-url';
  switch (code) {
    case 'ECONNREFUSED':
      return new CliError(`cannot reach ${where}: connection refused — is \`npm start\` running? (${hint})`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new CliError(`cannot reach ${where}: host ${new URL(baseUrl).hostname} not found (${hint})`);
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new CliError(`cannot reach ${where}: the connection timed out (${hint})`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new CliError(`${where} closed the connection before it answered`);
    default:
      return new CliError(`cannot reach ${where}: ${message} (${hint})`);
  }
};

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** A non-2xx answer as one line: the API's own message where it gave one. */
export const refused = (status: number, body: unknown, baseUrl: string): ApiError => {
  const error = (body as ErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : undefined;
  if (status === 401 || status === 403) {
    return new ApiError(
      `the API refused the admin key (${status}${message ? `: ${message}` : ''}) — check NPS_ADMIN_KEY or --admin-key`,
      status,
      code,
    );
  }
  if (message === undefined) {
    return new ApiError(
      `${baseUrl} answered ${status} without an nps-loop error body — is NPS_API_URL the nps-loop API?`,
      status,
      code,
    );
  }
  return new ApiError(`${message} (${status}${code ? ` ${code}` : ''})`, status, code);
};

export const apiClient = (settings: ApiSettings): ApiClient => {
  const baseUrl = normalizeBaseUrl(settings.baseUrl);
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = settings.fetch ?? fetch;

  const request = async <T>(
    method: string,
    path: string,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<T> => {
    // Asked for only when a request is made: `nps reconcile` and `--help` need no key.
    if (!settings.adminKey) {
      throw new CliError(
        'no admin key: set NPS_ADMIN_KEY or pass --admin-key (`npm start` prints it as "Admin key")',
      );
    }
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    const url = `${baseUrl}${path}${params.size > 0 ? `?${params}` : ''}`;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method,
        headers: {
          authorization: `Bearer ${settings.adminKey}`,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err: unknown) {
      throw unreachable(baseUrl, err, timeoutMs);
    }
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) throw refused(res.status, body, baseUrl);
    if (body === undefined) {
      throw new CliError(
        `${baseUrl} answered ${method} ${path} with something other than JSON — is NPS_API_URL the nps-loop API?`,
      );
    }
    return body as T;
  };

  return {
    baseUrl,
    request,
    get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  };
};
