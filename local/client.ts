/**
 * A client for a running local stack, as its users drive it — the demo seed, the benchmarks and
 * the tests: the admin API with the bearer key, and the local SES inbox the survey emails land in.
 */
export interface AdminAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message?: string } };
}

/** One admin API request; the answer whatever its status. */
export const adminRequest = async (
  stack: { url: string; adminKey: string },
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminAnswer> => {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as AdminAnswer['body'] };
};

/** The admin API, failing loudly on any answer but 2xx. */
export const adminApi =
  (stack: { url: string; adminKey: string }) =>
  async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const answer = await adminRequest(stack, method, path, body);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer.body;
  };

/** An email as the local SES keeps it (`GET /store`). */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
}

export const inbox = async (stack: { sesUrl: string }): Promise<StoredEmail[]> => {
  const res = await fetch(`${stack.sesUrl}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
};

/** The survey link of an email (its text part), without a preselected score. */
export const surveyLinkOf = (email: StoredEmail): string | undefined =>
  email.body.text?.match(/https?:\/\/\S+?\/s\/[^?\s]+/)?.[0];

/** The survey token in an email's links. */
export const surveyTokenOf = (email: StoredEmail): string | undefined => {
  const token = email.body.text?.match(/\/s\/([^?\s]+)\?score=/)?.[1];
  return token === undefined ? undefined : decodeURIComponent(token);
};
