import { describe, expect, it } from 'vitest';
import { invoke } from '../../local/lambda.ts';
import { tokenKey } from '../../shared/secrets.ts';
import { verifySurveyToken } from '../../shared/tokens/survey-token.ts';
import { adminFetch, sendDue, sesEmails, snsEvent, tokenOf, useLocalStack } from '../support/local-stack.ts';
import { zoneWhereItIs } from '../support/time-zones.ts';

type RunBody = { progress: Record<string, unknown>; pausedReason?: string };

describe('send windows in each recipient’s local time', () => {
  const stack = useLocalStack({ perTest: true });

  it('sends now to whoever is inside the window and defers the others to its opening', async () => {
    // The window is 11:00–14:00 every day; it is about noon for `near` and midnight for `far`.
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'near', email: 'near@example.com', attributes: { timezone: zoneWhereItIs(12) } },
      { id: 'far', email: 'far@example.com', attributes: { timezone: zoneWhereItIs(0) } },
    ]);
    const campaign = await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'daytime',
      name: 'Daytime',
      sendWindow: { start: '11:00', end: '14:00' },
    });
    expect(campaign.status).toBe(201);
    const { runId } = (await adminFetch(stack(), 'POST', '/api/campaigns/daytime/send')).body as {
      runId: string;
    };
    await stack().settle();

    expect((await sesEmails(stack())).map((e) => e.destination.to[0])).toEqual(['near@example.com']);
    const waiting = await adminFetch(stack(), 'GET', `/api/campaigns/daytime/runs/${runId}`);
    expect((waiting.body as RunBody).progress).toMatchObject({ sent: 1, deferred: 1, settled: false });

    // Not before `far`'s window opens at 11:00 their time, about eleven hours from now.
    expect(await sendDue(new Date(Date.now() + 9 * 3_600_000))).toBe(0);
    expect(await sendDue(new Date(Date.now() + 12 * 3_600_000))).toBe(1);
    const done = await adminFetch(stack(), 'GET', `/api/campaigns/daytime/runs/${runId}`);
    expect((done.body as RunBody).progress).toMatchObject({ sent: 2, deferred: 0, settled: true });
  });

  it('refuses a window that ends before it starts, or a time that is none', async () => {
    for (const sendWindow of [
      { start: '17:00', end: '09:00' },
      { start: '9am', end: '17:00' },
      { days: ['someday'], start: '09:00', end: '17:00' },
    ]) {
      const res = await adminFetch(stack(), 'POST', '/api/campaigns', { name: 'Bad', sendWindow });
      expect(res.status).toBe(400);
    }
  });
});

describe('a run that pauses itself on complaints', () => {
  const stack = useLocalStack({
    perTest: true,
    // Slow enough to catch the run midway; a small run's worth of emails before the rates count.
    extraEnv: { SES_MAX_SEND_RATE: '2', RUN_PAUSE_MIN_SENT: '3' },
  });

  it('stops sending past the complaint rate, says why, and goes on when resumed — nobody twice', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    await adminFetch(
      stack(),
      'POST',
      '/api/customers',
      ids.map((id) => ({ id, email: `${id}@example.com` })),
    );
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'news', name: 'News', fatigueDays: 0 });
    const { runId } = (await adminFetch(stack(), 'POST', '/api/campaigns/news/send')).body as {
      runId: string;
    };

    // Three emails out; the first recipient complains (SES's event carries the email's invite tag).
    let emails = await sesEmails(stack());
    while (emails.length < 3) emails = await sesEmails(stack());
    const first = emails[0];
    if (!first) throw new Error('no email');
    const { inviteId } = verifySurveyToken(await tokenKey(), tokenOf(first));
    const complaint = {
      eventType: 'Complaint',
      mail: { messageId: first.messageId, tags: { campaign: ['news'], invite: [inviteId] } },
      complaint: { complainedRecipients: [{ emailAddress: first.destination.to[0] }] },
    };
    await invoke('record-ses-events', snsEvent(complaint));
    await invoke('record-ses-events', snsEvent(complaint)); // SNS may deliver it again: counted once
    await stack().settle();

    const paused = (await adminFetch(stack(), 'GET', `/api/campaigns/news/runs/${runId}`)).body as RunBody;
    expect(paused.pausedReason).toMatch(/^complaint rate [\d.]+ % \(1 of \d+ sent\) passed 0\.30 %$/);
    expect(paused.progress).toMatchObject({ complaints: 1, settled: false });
    const sentWhilePaused = (await sesEmails(stack())).length;
    expect(sentWhilePaused).toBeLessThan(ids.length);
    expect(paused.progress.deferred).toBe(ids.length - sentWhilePaused);
    expect(await sendDue()).toBe(0); // the held invites stay held

    const resumed = await adminFetch(stack(), 'POST', `/api/campaigns/news/runs/${runId}/resume`);
    expect(resumed.status).toBe(200);
    await stack().settle();
    const recipients = (await sesEmails(stack())).map((e) => e.destination.to[0]);
    expect(recipients).toHaveLength(ids.length);
    expect(new Set(recipients).size).toBe(ids.length);
    const done = (await adminFetch(stack(), 'GET', `/api/campaigns/news/runs/${runId}`)).body as RunBody;
    expect(done.pausedReason).toBeUndefined();
    expect(done.progress).toMatchObject({ sent: ids.length, deferred: 0, queued: 0, settled: true });
    expect((await adminFetch(stack(), 'POST', `/api/campaigns/news/runs/${runId}/resume`)).status).toBe(409);
  });
});
