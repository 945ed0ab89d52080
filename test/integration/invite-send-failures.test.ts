import { MessageRejected, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { getClients } from '../../shared/clients.ts';
import { config } from '../../shared/config.ts';
import { type Invite, inviteItem } from '../../shared/store/schemas.ts';
import { adminFetch, sendDue, sesEmails, useLocalStack } from '../support/local-stack.ts';

const MINUTE = 60_000;

const invites = async (): Promise<Array<Invite & { gsi1sk?: string }>> => {
  const out = await getClients().ddb.send(
    new ScanCommand({
      TableName: config().TABLE_NAME,
      FilterExpression: 'kind = :invite',
      ExpressionAttributeValues: { ':invite': 'invite' },
    }),
  );
  return (out.Items ?? []).map((i) => ({ ...inviteItem.parse(i), gsi1sk: i.gsi1sk as string | undefined }));
};

/** Every SES send fails, as for an address SES refuses, until restored. */
const sesRefusing = () => {
  const ses = mockClient(SESv2Client);
  ses
    .on(SendEmailCommand)
    .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }));
  return ses;
};

describe('a survey email that keeps failing', () => {
  const stack = useLocalStack({ perTest: true, extraEnv: { INVITE_SEND_ATTEMPTS: '3' } });
  let ses: ReturnType<typeof mockClient> | undefined;
  afterEach(() => {
    ses?.restore();
    ses = undefined;
  });

  const sendCampaign = async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'a', email: 'a@example.com' },
      { id: 'b', email: 'b@example.com' },
    ]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', brand: 'Acme' });
    expect((await adminFetch(stack(), 'POST', '/api/campaigns/q4/send')).status).toBe(202);
    await stack().settle();
  };

  it('is retried with backoff behind the others, then given up with its reason', async () => {
    ses = sesRefusing();
    const start = Date.now();
    await sendCampaign();
    const failed = await invites();
    expect(failed).toHaveLength(2);
    for (const invite of failed) {
      expect(invite).toMatchObject({
        sendAttempts: 1,
        lastSendError: expect.stringContaining('MessageRejected'),
      });
      expect(invite.sentAt).toBeUndefined();
      // Listed again by its next try (a minute on), no longer by when it was written.
      expect(Date.parse(invite.gsi1sk?.split('#')[0] ?? '')).toBeGreaterThanOrEqual(start + MINUTE);
    }

    // Not due yet: the sweep leaves them alone.
    expect(await sendDue(new Date(start + MINUTE / 2))).toBe(0);
    expect((await invites()).map((i) => i.sendAttempts)).toEqual([1, 1]);
    await sendDue(new Date(start + 10 * MINUTE));
    expect((await invites()).map((i) => i.sendAttempts)).toEqual([2, 2]);
    await sendDue(new Date(start + 30 * MINUTE));
    const givenUp = await invites();
    for (const invite of givenUp) {
      expect(invite.skippedReason).toBe('given up');
      expect(invite.lastSendError).toMatch(/^after 3 attempts: .*MessageRejected/);
      expect(invite.gsi1sk).toBeUndefined();
    }

    // SES works again: nothing given up is sent after all.
    ses.restore();
    ses = undefined;
    expect(await sendDue(new Date(start + 120 * MINUTE))).toBe(0);
    expect(await sesEmails(stack())).toEqual([]);
  });

  it('is never sent once its link has expired', async () => {
    ses = sesRefusing();
    const start = Date.now();
    await sendCampaign();
    ses.restore();
    ses = undefined;
    // The sweep finds them a month on: the links (30 days) are dead.
    expect(await sendDue(new Date(start + 30 * 86_400_000))).toBe(0);
    expect((await invites()).map((i) => i.skippedReason)).toEqual(['expired', 'expired']);
    expect(await sesEmails(stack())).toEqual([]);
  });
});
