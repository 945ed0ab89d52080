import type { LocalStack } from '../local/stack.ts';

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export const percentile = (xs: number[], p: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
};

/** The admin API of a local stack, failing loudly on any non-2xx answer. */
export const adminApi =
  (stack: LocalStack) =>
  async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };

/** Survey tokens by customer id (the local part of the address), from the local SES store. */
export const surveyTokens = async (stack: LocalStack): Promise<Map<string, string>> => {
  const store = (await (await fetch(`${stack.sesUrl}/store`)).json()) as {
    emails: Array<{ destination: { to: string[] }; body: { text?: string } }>;
  };
  return new Map(
    store.emails.map((e) => [
      e.destination.to[0]?.replace(/@.*/, '') ?? '',
      e.body.text?.match(/\/s\/([^?\s]+)\?/)?.[1] ?? '',
    ]),
  );
};
