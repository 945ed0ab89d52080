import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The EMF lines are off for the rest of the suite (vitest.config.ts); this file checks them.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
const { count, logger, observedHandler, redact } = await import('../../shared/observability.ts');
const { httpHandler } = await import('../../shared/http/handler.ts');

const context = {
  functionName: 'submit-response',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:submit-response',
  memoryLimitInMB: '512',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

/** Every line the process writes to stdout or stderr while `act` runs, parsed. */
const linesWrittenBy = async (act: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> => {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
};

afterEach(() => vi.restoreAllMocks());

describe('observability', () => {
  it('publishes the business facts a handler counted as an EMF line', async () => {
    const handler = observedHandler<{ requestContext: { requestId: string } }, string>(
      'requestContext.requestId',
    ).handler(async () => {
      count('AnswerRecorded');
      count('DetractorRaised', 2);
      return 'ok';
    });
    const lines = await linesWrittenBy(() => handler({ requestContext: { requestId: 'r-42' } }, context));
    const emf = lines.filter((l) => '_aws' in l);
    const names = emf.flatMap(
      (l) =>
        (
          l._aws as { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> }
        ).CloudWatchMetrics[0]?.Metrics.map((m) => m.Name) ?? [],
    );
    expect(names).toEqual(expect.arrayContaining(['AnswerRecorded', 'DetractorRaised']));
    expect(emf.find((l) => 'DetractorRaised' in l)?.DetractorRaised).toBe(2);
  });

  it('logs with the Lambda context and the correlation id', async () => {
    const handler = observedHandler<{ requestContext: { requestId: string } }, void>(
      'requestContext.requestId',
    ).handler(async () => {
      logger.info('answer recorded', { inviteId: 'inv-1' });
    });
    const lines = await linesWrittenBy(() => handler({ requestContext: { requestId: 'r-7' } }, context));
    expect(lines.find((l) => l.message === 'answer recorded')).toMatchObject({
      function_name: 'submit-response',
      function_request_id: 'req-1',
      correlation_id: 'r-7',
      inviteId: 'inv-1',
    });
  });

  it('never writes a survey token or an email address, in messages, fields or errors', async () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUv.t5x9k2.ZyXwVuTsRqPoNmLkJiHgFe';
    const lines = await linesWrittenBy(async () => {
      logger.error(`request failed on /s/${token}`, {
        err: new Error('Email address is not verified: dana.fox@example.com'),
        to: 'Li Wei <li.wei@example.cn>',
      });
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token);
    expect(text).not.toContain('dana.fox@example.com');
    expect(text).not.toContain('li.wei@example.cn');
    expect(text).toContain('/s/<token>');
    expect(redact('mail bob@corp.io now')).toBe('mail <email> now');
  });

  it('blanks the one-time token of a sign-in link, in its URL and in the form its page posts', () => {
    const secret = 'q1W2e3R4t5Y6u7I8o9P0a1S2d3F4g5H6j7K8l9Z0x1C';
    expect(redact(`open https://nps.example.com/auth/callback?token=${secret} now`)).toBe(
      'open https://nps.example.com/auth/callback?token=<token> now',
    );
    expect(redact(`token=${secret}&x=1`)).toBe('token=<token>&x=1');
    expect(redact('a tokens=list stays')).toBe('a tokens=list stays');
  });

  /** A survey link cut short by a mail client: not a whole token, but most of one. */
  const cutToken = 'AbCdEfGhIjKlMnOpQrStUv.t5x9k2.ZyXwVuTsRq';

  it('logs the route of a failed request, never its path', async () => {
    const failing = httpHandler(async () => {
      throw new Error('the table is gone');
    });
    const requestTo = (rawPath: string, routeKey: string) => ({
      version: '2.0',
      routeKey,
      rawPath,
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { requestId: 'r-9', http: { method: 'GET', path: rawPath } },
    });
    const lines = await linesWrittenBy(async () => {
      await failing(
        requestTo('/api/customers/dana.fox%40example.com', 'GET /api/customers/{id}') as never,
        context,
      );
      await failing(requestTo(`/s/${cutToken}`, 'POST /s/{token}') as never, context);
    });
    const failures = lines.filter((l) => l.message === 'request failed');
    expect(failures.map((l) => l.route)).toEqual(['GET /api/customers/{id}', 'POST /s/<token>']);
    const text = JSON.stringify(failures);
    expect(text).not.toContain('dana.fox');
    expect(text).not.toContain(cutToken.slice(0, 22));
  });

  it('blanks tokens and addresses in paths, percent-encoded ones and cut tokens included, and in nested error causes', async () => {
    const lines = await linesWrittenBy(async () => {
      logger.error('event', {
        event: {
          rawPath: `/u/${cutToken}`,
          requestContext: { http: { path: `/s/${cutToken}` } },
          headers: { referer: `https://nps.example.com/s/${cutToken}?score=3` },
        },
        path: '/api/customers/li.wei%40example.cn',
        err: new Error('send failed', {
          cause: new Error('MessageRejected: identities failed the check: dana.fox@example.com', {
            cause: new Error(`while sending the link /s/${cutToken} to pepper@example.org`),
          }),
        }),
      });
    });
    const text = JSON.stringify(lines);
    for (const secret of [cutToken.slice(0, 22), 'dana.fox', 'li.wei', 'pepper@'])
      expect(text).not.toContain(secret);
    expect(text).toContain('/u/<token>');
    expect(text).toContain('https://nps.example.com/s/<token>?score=3');
    expect(text).toContain('/api/customers/<email>');
    expect(redact('routes: GET /s/{token}, /work/main/shared/s/x.ts')).toBe(
      'routes: GET /s/<token>, /work/main/shared/s/x.ts',
    );
  });
});
