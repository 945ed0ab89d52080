import { describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import { adminFetch, snsEvent, useLocalStack } from '../support/local-stack.ts';

describe('SES feedback: hard bounces and complaints are never surveyed again', () => {
  const stack = useLocalStack();

  it('suppresses permanent bounces and complaints, but not transient bounces', async () => {
    const customers = ['hard', 'soft', 'angry', 'fine'].map((id) => ({ id, email: `${id}@example.com` }));
    await adminFetch(stack(), 'POST', '/api/customers', customers);
    const bounce = (type: string, address: string) => ({
      eventType: 'Bounce',
      mail: { destination: [address] },
      bounce: { bounceType: type, bouncedRecipients: [{ emailAddress: address }] },
    });
    expect(await invoke('record-ses-events', snsEvent(bounce('Permanent', 'HARD@example.com')))).toEqual({
      suppressed: 1,
    });
    expect(await invoke('record-ses-events', snsEvent(bounce('Transient', 'soft@example.com')))).toEqual({
      suppressed: 0,
    });
    const complaint = {
      eventType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'angry@example.com' }] },
    };
    expect(await invoke('record-ses-events', snsEvent(complaint))).toEqual({ suppressed: 1 });
    expect(await invoke('record-ses-events', snsEvent(complaint))).toEqual({ suppressed: 1 }); // idempotent
    expect(await invoke('record-ses-events', snsEvent({ eventType: 'Delivery', delivery: {} }))).toEqual({
      suppressed: 0,
    });
    await expect(
      invoke('record-ses-events', snsEvent({ eventType: 'Bounce', bounce: {} })),
    ).rejects.toThrow();

    await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'after',
      name: 'After feedback',
      fatigueDays: 0,
    });
    await adminFetch(stack(), 'POST', '/api/campaigns/after/send');
    await stack().settle();
    const run = await adminFetch(stack(), 'GET', '/api/campaigns/after');
    expect(run.body.runs).toEqual([expect.objectContaining({ invited: 2, sent: 2, skipped: 2 })]);
  });
});
