import { describe, expect, it } from 'vitest';
import { dispatchRun } from '../../shared/campaigns/dispatch.ts';
import { createRun } from '../../shared/store/campaigns.ts';
import { adminFetch, sesEmails, useLocalStack } from '../support/local-stack.ts';

const CUSTOMERS = ['ana', 'ben', 'cho'].map((id) => ({ id, email: `${id}@example.com`, attributes: {} }));

const runOf = async (stack: Parameters<typeof adminFetch>[0], campaignId: string) => {
  const campaign = await adminFetch(stack, 'GET', `/api/campaigns/${campaignId}`);
  return (campaign.body.runs as Array<{ invited: number; sent: number; skipped: number }>)[0];
};

/** Survey fatigue across campaigns, through the real dispatch on DynamoDB Local. */
describe('survey fatigue', () => {
  const stack = useLocalStack({ perTest: true });

  const campaign = async (id: string, fatigueDays: number) => {
    expect((await adminFetch(stack(), 'POST', '/api/campaigns', { id, name: id, fatigueDays })).status).toBe(
      201,
    );
  };
  const send = async (id: string) => {
    expect((await adminFetch(stack(), 'POST', `/api/campaigns/${id}/send`)).status).toBe(202);
    await stack().settle();
  };

  it('surveys nobody twice within fatigueDays, whichever campaign asks', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', CUSTOMERS);
    await campaign('spring', 30);
    await campaign('pulse', 30);
    await send('spring');
    await send('pulse');
    expect(await runOf(stack(), 'spring')).toMatchObject({ invited: 3, sent: 3, skipped: 0 });
    expect(await runOf(stack(), 'pulse')).toMatchObject({ invited: 0, sent: 0, skipped: 3 });
    expect(await sesEmails(stack())).toHaveLength(3);
  });

  it('lets a campaign with fatigueDays 0 survey again at once', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', CUSTOMERS);
    await campaign('spring', 30);
    await campaign('always', 0);
    await send('spring');
    await send('always');
    expect(await runOf(stack(), 'always')).toMatchObject({ invited: 3, sent: 3, skipped: 0 });
    expect(await sesEmails(stack())).toHaveLength(6);
  });

  it('gives each customer one slot when two runs dispatch at the same moment', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', CUSTOMERS);
    await campaign('a', 30);
    await campaign('b', 30);
    const restartAt = new Date(Date.now() + 600_000);
    expect(await createRun({ campaignId: 'a', runId: 'race-a', trigger: 'manual' }, restartAt)).toBe(true);
    expect(await createRun({ campaignId: 'b', runId: 'race-b', trigger: 'manual' }, restartAt)).toBe(true);
    const [a, b] = await Promise.all([dispatchRun('a', 'race-a'), dispatchRun('b', 'race-b')]);
    // Both decided on the same empty slots; the conditional take lets one run have each customer.
    expect(a.invited + b.invited).toBe(3);
    expect(a.skipped + b.skipped).toBe(3);
    await stack().settle();
    expect(await sesEmails(stack())).toHaveLength(3);
  });

  it('lets a retried dispatch of the same run go on with the customers it already took', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', CUSTOMERS);
    await campaign('c', 30);
    expect(await createRun({ campaignId: 'c', runId: 'twice', trigger: 'manual' }, new Date())).toBe(true);
    const [first, second] = await Promise.all([dispatchRun('c', 'twice'), dispatchRun('c', 'twice')]);
    // One of the two finds the run taken and returns; whichever dispatches invites everyone once.
    expect(Math.max(first.invited, second.invited)).toBe(3);
    await stack().settle();
    expect(await sesEmails(stack())).toHaveLength(3);
  });

  it('invites customers who share an address, each once, and completes the run', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [
      ...CUSTOMERS,
      { id: 'ana-2', email: 'ANA@example.com', attributes: {} },
    ]);
    await campaign('shared', 30);
    await send('shared');
    expect(await runOf(stack(), 'shared')).toMatchObject({ invited: 4, sent: 4, skipped: 0 });
  });
});
