import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import { restartStalledRuns } from '../../shared/campaigns/dispatch.ts';
import { createRun } from '../../shared/store/campaigns.ts';
import { runCounterItems } from '../../shared/store/run-progress.ts';
import { suppressAddress } from '../../shared/store/suppressions.ts';
import { adminFetch, sesEmails, snsEvent, useLocalStack } from '../support/local-stack.ts';

const customers = (ids: string[], attributes: Record<string, string> = {}) =>
  ids.map((id) => ({ id, email: `${id}@example.com`, attributes }));

describe('campaign runs: progress, skip reasons, and one email per person per run', () => {
  const stack = useLocalStack({ perTest: true });

  it('shows where each recipient stands, and why each one skipped got nothing', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [
      ...customers(['ann', 'bob', 'cat', 'dan', 'fay']),
      ...customers(['eve'], { tier: 'key' }),
    ]);
    // eve was surveyed by another campaign last week; bob bounced, cat complained, dan unsubscribed.
    await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'key',
      name: 'Key',
      audience: { tier: 'key' },
    });
    await adminFetch(stack(), 'POST', '/api/campaigns/key/send');
    await stack().settle();
    const bounce = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'bob@example.com' }] },
    };
    await invoke('record-ses-events', snsEvent(bounce));
    await invoke(
      'record-ses-events',
      snsEvent({
        eventType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'cat@example.com' }] },
      }),
    );
    await suppressAddress('dan@example.com', 'unsubscribe');

    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', fatigueDays: 90 });
    const { runId } = (await adminFetch(stack(), 'POST', '/api/campaigns/q4/send')).body as { runId: string };
    await stack().settle();

    const run = await adminFetch(stack(), 'GET', `/api/campaigns/q4/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      runId,
      status: 'sent',
      invited: 2,
      sent: 2,
      skipped: 4,
      progress: {
        recipients: 6,
        queued: 0,
        deferred: 0,
        sent: 2,
        suppressed: 4,
        failed: 0,
        reasons: { bounced: 1, complained: 1, unsubscribed: 1, fatigued: 1 },
        settled: true,
      },
    });
    const skipped = run.body.skippedRecipients as Array<{ customerId: string; reason: string }>;
    expect(skipped.map((r) => [r.customerId, r.reason])).toEqual([
      ['bob', 'bounced'],
      ['cat', 'complained'],
      ['dan', 'unsubscribed'],
      ['eve', 'fatigued'],
    ]);

    // A page at a time, like every list.
    const first = await adminFetch(stack(), 'GET', `/api/campaigns/q4/runs/${runId}?limit=3`);
    expect(first.body.skippedRecipients).toHaveLength(3);
    const rest = await adminFetch(
      stack(),
      'GET',
      `/api/campaigns/q4/runs/${runId}?limit=3&cursor=${encodeURIComponent(String(first.body.cursor))}`,
    );
    expect((rest.body.skippedRecipients as Array<{ customerId: string }>).map((r) => r.customerId)).toEqual([
      'eve',
    ]);
    expect(rest.body.cursor).toBeNull();

    expect((await adminFetch(stack(), 'GET', '/api/campaigns/q4/runs/nope')).status).toBe(404);
    const emailed = (await sesEmails(stack())).map((e) => e.destination.to[0]).sort();
    expect(emailed).toEqual(['ann@example.com', 'eve@example.com', 'fay@example.com']);
  });

  // 400 recipients dispatched in two processes and sent: ~25 s alone, more on a loaded machine.
  it('sends nobody two emails when its dispatch is killed mid-run and the sweep restarts it', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    await adminFetch(stack(), 'POST', '/api/customers', customers(ids));
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'big', name: 'Big', fatigueDays: 0 });
    const startedAt = new Date();
    await createRun({ campaignId: 'big', runId: 'crash', trigger: 'manual' }, startedAt, startedAt);

    // The dispatch runs in a process of its own, killed without warning once it is under way.
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('../support/dispatch-child.ts', import.meta.url)), 'big', 'crash'],
      { env: process.env, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const invited = async () =>
      (await runCounterItems('big', 'crash')).reduce((n, item) => n + (Number(item.queued) || 0), 0);
    for (let seen = 0; seen < 40; seen = await invited()) {
      if (child.exitCode !== null) throw new Error('the dispatch finished before it could be killed');
    }
    child.kill('SIGKILL');
    await exited;
    const atKill = await invited();
    expect(atKill).toBeGreaterThanOrEqual(40);
    expect(atKill).toBeLessThan(ids.length);

    // The sweep finds the run open past its lease and dispatches it again, from where it stands.
    expect(await restartStalledRuns(new Date(Date.now() + 17 * 60_000))).toBe(1);
    await stack().settle();

    const emails = await sesEmails(stack());
    const recipients = emails.map((e) => e.destination.to[0]);
    expect(recipients).toHaveLength(ids.length);
    expect(new Set(recipients).size).toBe(ids.length);
    const run = await adminFetch(stack(), 'GET', '/api/campaigns/big/runs/crash');
    expect(run.body.progress).toMatchObject({
      recipients: ids.length,
      sent: ids.length,
      queued: 0,
      settled: true,
    });
  }, 120_000);
});
