import { createServer } from 'node:http';
import { MessageRejected, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/observability.ts';
import { getAlert } from '../../shared/store/alerts.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

const OWNER_ADDRESS = 'owner.mail@nps-loop.example';
const CUSTOMER_ADDRESS = 'dana.fox@example.com';

/** Everything the process prints while `act` runs: the handlers' log lines and the stack's own. */
const printedBy = async (act: () => Promise<void>): Promise<string> => {
  const printed: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  };
  const keep = (...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    ...(['log', 'info', 'warn', 'error'] as const).map((m) => vi.spyOn(console, m).mockImplementation(keep)),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return printed.join('\n');
};

describe('delivery errors that quote an address', () => {
  const stack = useLocalStack();
  afterEach(() => logger.setLogLevel('ERROR'));

  it('reaches no log line and no stored alert, whoever was sending', async () => {
    await adminFetch(stack(), 'POST', '/api/owners', { id: 'mail', name: 'Mail Only', email: OWNER_ADDRESS });
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'dana', email: CUSTOMER_ADDRESS, name: 'Dana Fox', ownerId: 'mail' },
    ]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'first', name: 'First', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/first/send');
    await stack().settle();
    const survey = (await sesEmails(stack())).find((e) => e.destination.to.includes(CUSTOMER_ADDRESS));
    if (!survey) throw new Error('no survey email');
    const token = tokenOf(survey);

    // From here SES refuses every email the way it does in its sandbox, naming the recipient: an
    // error path the local SES cannot produce.
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).callsFake((input: { Destination?: { ToAddresses?: string[] } }) => {
      throw new MessageRejected({
        message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${input.Destination?.ToAddresses?.join(', ')}`,
        $metadata: { httpStatusCode: 400 },
      });
    });
    logger.setLogLevel('WARN');
    try {
      const printed = await printedBy(async () => {
        // The owner's alert email (delivery records its error on the alert) …
        expect((await postAnswer(stack(), token, { score: 2, comment: 'Too slow' })).status).toBe(200);
        await stack().settle();
        // … a survey email (dispatch logs it and leaves it to the sweep) …
        await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'second', name: 'Second', fatigueDays: 0 });
        await adminFetch(stack(), 'POST', '/api/campaigns/second/send');
        await stack().settle();
        // … and a follow-up (a 500 for the admin, logged).
        const cases = await adminFetch(stack(), 'GET', '/api/cases');
        const caseId =
          (cases.body.cases as Array<{ caseId: string; customerId: string }>).find(
            (c) => c.customerId === 'dana',
          )?.caseId ?? '';
        await adminFetch(stack(), 'PATCH', `/api/cases/${caseId}`, { status: 'resolved', outcome: 'Fixed' });
        expect((await adminFetch(stack(), 'POST', `/api/cases/${caseId}/follow-up`)).status).toBe(500);
      });
      expect(ses.commandCalls(SendEmailCommand).length).toBeGreaterThanOrEqual(3);
      expect(printed).toContain('MessageRejected');
      expect(printed).not.toContain(OWNER_ADDRESS);
      expect(printed).not.toContain(CUSTOMER_ADDRESS);
    } finally {
      ses.restore();
    }

    const alert = await getAlert(`${token.split('.')[0]}.v1.email`);
    expect(alert?.attempts).toBe(1);
    expect(alert?.lastError).toMatch(/^MessageRejected: .*failed the check in region US-EAST-1: <email>$/);
    expect(JSON.stringify(alert)).not.toContain(OWNER_ADDRESS);
  });

  it("records a webhook receiver's answer without the address it names", async () => {
    const receiver = createServer((_req, res) =>
      res.writeHead(500).end('no mailbox for hooks.owner@corp.example, contact admin@corp.example'),
    );
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await adminFetch(stack(), 'POST', '/api/owners', {
        id: 'hook',
        name: 'Hook Owner',
        webhookUrl: `http://127.0.0.1:${port}/hook`,
      });
      await adminFetch(stack(), 'POST', '/api/customers', [
        { id: 'li', email: 'li.wei@example.cn', name: 'Li Wei', ownerId: 'hook' },
      ]);
      await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'third', name: 'Third', fatigueDays: 0 });
      await adminFetch(stack(), 'POST', '/api/campaigns/third/send');
      await stack().settle();
      const survey = (await sesEmails(stack())).find((e) => e.destination.to.includes('li.wei@example.cn'));
      if (!survey) throw new Error('no survey email');
      const token = tokenOf(survey);
      expect((await postAnswer(stack(), token, { score: 1 })).status).toBe(200);
      await stack().settle();
      const alert = await getAlert(`${token.split('.')[0]}.v1.webhook`);
      expect(alert).toMatchObject({ status: 'pending', lastStatusCode: 500 });
      expect(alert?.lastError).toBe('receiver answered 500: no mailbox for <email>, contact <email>');
    } finally {
      receiver.closeAllConnections();
      receiver.close();
    }
  });
});
