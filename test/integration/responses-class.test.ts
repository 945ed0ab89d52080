import { describe, expect, it } from 'vitest';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

interface Listed {
  responses: Array<{ customerId: string; score: number }>;
  cursor: string | null;
}

/**
 * GET /api/responses?class=: the dashboard's comments filter by class is the API's, applied in the
 * query with the segment's filter, so paging goes through the answers of that class only.
 */
describe('GET /api/responses class=promoter|passive|detractor', () => {
  const stack = useLocalStack();

  it('lists only the answers of the class asked for, with the segment, page by page', async () => {
    const scores: Record<string, number> = { d0: 0, d6: 6, p7: 7, p8: 8, q9: 9, q10: 10, other: 10 };
    await adminFetch(
      stack(),
      'POST',
      '/api/customers',
      Object.keys(scores).map((id) => ({
        id,
        email: `${id}@example.com`,
        attributes: { region: id === 'other' ? 'apac' : 'emea' },
      })),
    );
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'cmp', name: 'Campaign' });
    expect((await adminFetch(stack(), 'POST', '/api/campaigns/cmp/send')).status).toBe(202);
    await stack().settle();
    for (const email of await sesEmails(stack())) {
      const id = email.destination.to[0]?.split('@')[0] ?? '';
      expect((await postAnswer(stack(), tokenOf(email), { score: scores[id] })).status).toBe(200);
    }

    /** Every page of a listing, one answer a page. */
    const all = async (query: string): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const more: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const res = await adminFetch(stack(), 'GET', `/api/responses?${query}&limit=1${more}`);
        expect(res.status).toBe(200);
        const page = res.body as unknown as Listed;
        ids.push(...page.responses.map((r) => r.customerId));
        cursor = page.cursor;
      } while (cursor);
      return ids.sort();
    };
    expect(await all('segment=region:emea&class=detractor')).toEqual(['d0', 'd6']);
    expect(await all('segment=region:emea&class=passive')).toEqual(['p7', 'p8']);
    expect(await all('segment=region:emea&class=promoter')).toEqual(['q10', 'q9']);
    expect(await all('class=promoter')).toEqual(['other', 'q10', 'q9']);
    expect(await all('segment=region:emea')).toHaveLength(6);

    const bad = await adminFetch(stack(), 'GET', '/api/responses?class=fans');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toBe('class must be one of promoter, passive, detractor');
  });
});
