import { describe, expect, it } from 'vitest';
import { sendDueReminders } from '../../shared/campaigns/remind.ts';
import {
  adminFetch,
  postAnswer,
  type StoredEmail,
  sesEmails,
  tokenOf,
  useLocalStack,
} from '../support/local-stack.ts';

const DAY = 86_400_000;
const CUSTOMERS = ['answers', 'silent', 'leaves', 'other'].map((id) => ({
  id,
  email: `${id}@example.com`,
  name: id,
  locale: id === 'silent' ? 'de' : undefined,
  attributes: { tier: 'key' },
}));

const to = (email: StoredEmail) => email.destination.to[0] ?? '';

describe('campaign reminders', () => {
  const stack = useLocalStack();

  it('refuses a reminder that would come after the survey link expired', async () => {
    // Links live 30 days; a reminder on day 29 would have less than a day left.
    for (const reminderDays of [30, 29]) {
      const res = await adminFetch(stack(), 'POST', '/api/campaigns', { name: 'late', reminderDays });
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('invalid_reminder');
    }
    expect(
      (await adminFetch(stack(), 'POST', '/api/campaigns', { name: 'ok', reminderDays: 28 })).status,
    ).toBe(201);
  });

  it('reminds only those who have not answered, once, with the same link, after the set days', async () => {
    expect((await adminFetch(stack(), 'POST', '/api/customers', CUSTOMERS)).status).toBe(200);
    await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'r',
      name: 'R',
      brand: 'Acme',
      reminderDays: 3,
    });
    await adminFetch(stack(), 'POST', '/api/campaigns/r/send');
    await stack().settle();
    const sent = new Map((await sesEmails(stack())).map((e) => [to(e), e]));
    expect(sent.size).toBe(4);

    // One answers, one unsubscribes; the other two stay silent.
    const answered = tokenOf(sent.get('answers@example.com') as StoredEmail);
    expect((await postAnswer(stack(), answered, { score: 8 })).status).toBe(200);
    const leaving = tokenOf(sent.get('leaves@example.com') as StoredEmail);
    const unsub = await fetch(`${stack().url}/u/${leaving}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsub.status).toBe(200);

    // Not yet due: nothing goes out.
    expect(await sendDueReminders(new Date(Date.now() + 2 * DAY))).toEqual({
      sent: 0,
      skipped: 0,
      failed: 0,
    });

    const later = new Date(Date.now() + 3 * DAY + 60_000);
    expect(await sendDueReminders(later)).toEqual({ sent: 2, skipped: 2, failed: 0 });
    const reminders = (await sesEmails(stack())).slice(4);
    expect(reminders.map(to).sort()).toEqual(['other@example.com', 'silent@example.com']);
    const silent = reminders.find((e) => to(e) === 'silent@example.com') as StoredEmail;
    expect(silent.subject).toBe('Erinnerung: Eine kurze Frage zu Acme');
    expect(tokenOf(silent)).toBe(tokenOf(sent.get('silent@example.com') as StoredEmail));
    expect(silent.headers).toEqual(
      expect.arrayContaining([{ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' }]),
    );

    // Never a second reminder, however often the sweep runs.
    expect(await sendDueReminders(new Date(later.getTime() + DAY))).toEqual({
      sent: 0,
      skipped: 0,
      failed: 0,
    });
    expect(await sesEmails(stack())).toHaveLength(6);

    // The reminder's link records the answer like the first email's.
    expect((await postAnswer(stack(), tokenOf(silent), { score: 10 })).status).toBe(200);
  });

  it('sends no reminder for a campaign without the rule', async () => {
    const before = (await sesEmails(stack())).length;
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'plain', name: 'Plain', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/plain/send');
    await stack().settle();
    expect((await sesEmails(stack())).length).toBe(before + 3); // the unsubscribed address is skipped
    expect(await sendDueReminders(new Date(Date.now() + 60 * DAY))).toEqual({
      sent: 0,
      skipped: 0,
      failed: 0,
    });
  });
});
