import { createServer } from 'node:http';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutAddresses } from '../../shared/clients.ts';

const ADDRESS = 'dana.fox@example.com';

/** An SES endpoint that refuses every send the way SES does, quoting the recipient. */
const refusing = createServer((_req, res) => {
  res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' }).end(
    JSON.stringify({
      message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${ADDRESS}`,
    }),
  );
});
let endpoint = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const address = refusing.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => refusing.close(() => resolve())));

const send = (client: SESv2Client) =>
  client
    .send(
      new SendEmailCommand({
        FromEmailAddress: 'surveys@nps-loop.example',
        Destination: { ToAddresses: [ADDRESS] },
        Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
      }),
    )
    .then(
      () => undefined,
      (err: unknown) => err as Error,
    );

describe('SES errors leave the client without the address they quote', () => {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  it('blanks message and stack, keeps the name', async () => {
    const plain = await send(new SESv2Client({ region: 'us-east-1', endpoint, credentials }));
    expect(plain?.message).toContain(ADDRESS); // what SES says, and what tracing would record

    const err = await send(withoutAddresses(new SESv2Client({ region: 'us-east-1', endpoint, credentials })));
    expect(err?.name).toBe('MessageRejected');
    expect(err?.message).toContain('failed the check');
    expect(err?.message).not.toContain(ADDRESS);
    expect(err?.stack ?? '').not.toContain(ADDRESS);
  });
});
