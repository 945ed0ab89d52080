import { describe, expect, it } from 'vitest';
import { localDate, nextDay, periodOfDate } from '../../shared/nps/windows.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

/** A zone whose date differs from UTC's right now (+14 h or −11 h), so a UTC reading would be wrong. */
const zoneOffDate = (now: Date) => {
  const utc = periodOfDate('day', localDate(now, 'UTC'));
  return ['Pacific/Kiritimati', 'Pacific/Pago_Pago'].find(
    (tz) => periodOfDate('day', localDate(now, tz)) !== utc,
  ) as string;
};

describe('GET /api/responses from/to: dates in the account time zone', () => {
  const timeZone = zoneOffDate(new Date());
  const stack = useLocalStack({ timeZone });

  it('lists an answer under its local date, not its UTC date', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'c1', email: 'c1@example.com' }]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'cmp', name: 'Campaign' });
    await adminFetch(stack(), 'POST', '/api/campaigns/cmp/send');
    await stack().settle();
    const [email] = await sesEmails(stack());
    if (!email) throw new Error('no survey email');
    expect((await postAnswer(stack(), tokenOf(email), { score: 9 })).status).toBe(200);
    const [stored] = (await adminFetch(stack(), 'GET', '/api/responses')).body.responses as Array<{
      respondedAt: string;
    }>;
    const answeredAt = new Date(stored?.respondedAt ?? Number.NaN);

    const local = localDate(answeredAt, timeZone);
    const day = periodOfDate('day', local);
    const utcDay = periodOfDate('day', localDate(answeredAt, 'UTC'));
    // The zone was picked at start-up; only a UTC midnight in between could make the dates agree.
    if (day === utcDay) return;
    const count = async (query: string) => {
      const res = await adminFetch(stack(), 'GET', `/api/responses?${query}`);
      expect(res.status).toBe(200);
      return (res.body.responses as unknown[]).length;
    };
    expect(await count(`from=${day}&to=${day}`)).toBe(1);
    expect(await count(`from=${utcDay}&to=${utcDay}`)).toBe(0);
    expect(await count(`from=${periodOfDate('day', nextDay(local))}`)).toBe(0);
    expect(await count(`to=${day}`)).toBe(1);

    for (const bad of ['from=2026-13-01', 'to=yesterday', `from=${day}&to=2000-01-01`, 'to=9999-12-31']) {
      const res = await adminFetch(stack(), 'GET', `/api/responses?${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toBe('invalid_date');
    }
  });
});
