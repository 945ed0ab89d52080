import { MessageRejected } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { sendDueReminders } from '../../shared/campaigns/remind.ts';
import { getClients, setClientsForTests } from '../../shared/clients.ts';
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

/**
 * Reminders as one story — campaign r sent and reminded, then plain sent, then paged — told afresh
 * for every test: each starts on its own empty stack, replays the steps before its own with the
 * helpers below, and checks only its own step. Any test runs alone, in any order.
 */
describe('campaign reminders', () => {
  const stack = useLocalStack({ perTest: true });

  /** The four customers and campaign r (remind after 3 days) sent to them: the survey emails. */
  const sendR = async () => {
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
    return sent;
  };

  /** One answers, one unsubscribes in one click; the other two stay silent. */
  const answerAndUnsubscribe = async (sent: Map<string, StoredEmail>) => {
    const answered = tokenOf(sent.get('answers@example.com') as StoredEmail);
    expect((await postAnswer(stack(), answered, { score: 8 })).status).toBe(200);
    const leaving = tokenOf(sent.get('leaves@example.com') as StoredEmail);
    const unsub = await fetch(`${stack().url}/u/${leaving}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsub.status).toBe(200);
  };

  /** Campaign r's whole reminder step: sent, answered, the sweep 3 days on, silent answers it. */
  const remindR = async () => {
    await answerAndUnsubscribe(await sendR());
    const later = new Date(Date.now() + 3 * DAY + 60_000);
    expect(await sendDueReminders(later)).toEqual({ sent: 2, skipped: 2, failed: 0 });
    const silent = (await sesEmails(stack()))
      .slice(4)
      .find((e) => to(e) === 'silent@example.com') as StoredEmail;
    expect((await postAnswer(stack(), tokenOf(silent), { score: 10 })).status).toBe(200);
  };

  /** Campaign plain (no reminder rule) sent to everyone not unsubscribed, and a sweep long after. */
  const sendPlain = async () => {
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'plain', name: 'Plain', fatigueDays: 0 });
    await adminFetch(stack(), 'POST', '/api/campaigns/plain/send');
    await stack().settle();
    expect(await sendDueReminders(new Date(Date.now() + 60 * DAY))).toEqual({
      sent: 0,
      skipped: 0,
      failed: 0,
    });
  };

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
    const sent = await sendR();
    // One answers, one unsubscribes; the other two stay silent.
    await answerAndUnsubscribe(sent);

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
    await remindR();
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

  it('pages through many due reminders, retries a failed send later and gives up after five', async () => {
    await remindR();
    await sendPlain();
    const many = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id) => ({ id, email: `${id}@example.com` }));
    await adminFetch(stack(), 'POST', '/api/customers', many);
    await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'paged',
      name: 'Paged',
      reminderDays: 2,
      fatigueDays: 0,
      audience: {},
    });
    await adminFetch(stack(), 'POST', '/api/campaigns/paged/send');
    await stack().settle();
    const due = new Date(Date.now() + 2 * DAY + 60_000);
    // SES starts refusing p5's address just before its reminder (throttles are waited out instead:
    // send-rate.test.ts).
    const ses = getClients().ses;
    const failing = {
      send: (command: { input?: { Destination?: { ToAddresses?: string[] } } }) =>
        command.input?.Destination?.ToAddresses?.[0] === 'p5@example.com'
          ? Promise.reject(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }))
          : ses.send(command as never),
    };
    setClientsForTests({ ...getClients(), ses: failing as unknown as typeof ses });
    try {
      // Pages of two: the earlier silent customers of this file and p1..p5 all come due.
      const first = await sendDueReminders(due, 2);
      expect(first.failed).toBe(1);
      const p5 = (await sesEmails(stack())).filter((e) => to(e) === 'p5@example.com');
      expect(p5).toHaveLength(1); // the survey only
      // Not due again until its backoff has passed; then fails again, four more times at most.
      expect(await sendDueReminders(new Date(due.getTime() + 60_000), 2)).toEqual({
        sent: 0,
        skipped: 0,
        failed: 0,
      });
      let at = due.getTime();
      for (let attempt = 1; attempt < 5; attempt++) {
        at += 15 * 60_000 * 2 ** (attempt - 1) + 1000;
        expect(await sendDueReminders(new Date(at), 2)).toEqual({ sent: 0, skipped: 0, failed: 1 });
      }
      expect(await sendDueReminders(new Date(at + 30 * DAY), 2)).toEqual({ sent: 0, skipped: 0, failed: 0 });
    } finally {
      setClientsForTests({ ...getClients(), ses });
    }
    const reminded = (await sesEmails(stack())).filter((e) => e.subject.startsWith('Reminder'));
    expect(reminded.map(to)).toEqual(expect.arrayContaining(['p1@example.com', 'p4@example.com']));
    expect(reminded.map(to)).not.toContain('p5@example.com');
  });
});
