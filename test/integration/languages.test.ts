import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../shared/email/messages.ts';
import { tokenKey } from '../../shared/secrets.ts';
import { deriveInviteId, signSurveyToken } from '../../shared/tokens/survey-token.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

describe('customers and owners read their own language', () => {
  const stack = useLocalStack({ perTest: true });

  it('asks each customer in their locale, with the campaign’s wording for it, and alerts the owner in theirs', async () => {
    const owner = await adminFetch(stack(), 'POST', '/api/owners', {
      id: 'wang',
      name: 'Wang Fang',
      email: 'wang@nps-loop.example',
      locale: 'zh-CN',
    });
    expect(owner.status).toBe(200);
    const customers = await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'li', email: 'li@example.cn', name: '李伟', locale: 'zh-Hans', ownerId: 'wang' },
      { id: 'chen', email: 'chen@example.tw', name: '陳美玲', locale: 'zh-Hant-TW', ownerId: 'wang' },
      { id: 'dana', email: 'dana@example.com', name: 'Dana Fox', locale: 'en-GB', ownerId: 'wang' },
    ]);
    expect(customers.status).toBe(200);
    const campaign = await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: 'q4',
      name: 'Q4',
      brand: 'Lenovo',
      locales: { zh: { brand: '联想' }, 'zh-TW': { brand: '聯想' } },
    });
    expect(campaign.status).toBe(201);
    await adminFetch(stack(), 'POST', '/api/campaigns/q4/send');
    await stack().settle();
    const byAddress = new Map((await sesEmails(stack())).map((e) => [e.destination.to[0], e]));

    expect(byAddress.get('li@example.cn')?.subject).toBe('关于联想的一个简短问题');
    expect(byAddress.get('li@example.cn')?.body.html).toContain('您有多大可能向朋友或同事推荐联想？');
    expect(byAddress.get('chen@example.tw')?.subject).toBe('關於聯想的一個簡短問題');
    expect(byAddress.get('dana@example.com')?.subject).toBe('A quick question about Lenovo');

    // The survey page speaks the invite's language too.
    const token = tokenOf(byAddress.get('li@example.cn') ?? ({} as never));
    const page = await (await fetch(`${stack().url}/s/${token}?score=2`)).text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain('完全不可能');

    expect((await postAnswer(stack(), token, { score: 2, comment: '服务太慢' })).status).toBe(200);
    await stack().settle();
    const alert = (await sesEmails(stack())).find((e) => e.destination.to.includes('wang@nps-loop.example'));
    expect(alert?.subject).toBe('新的贬损者：李伟 打了 2/10 分');
    expect(alert?.body.text).toContain('工单状态: 待处理');
    expect(alert?.body.text).toContain('评论: 服务太慢');
  });

  it('says a closed or unknown survey link in the browser’s language', async () => {
    const key = await tokenKey();
    const expired = signSurveyToken(
      key,
      deriveInviteId(key, 'gone', 'run', 'c1'),
      new Date(Date.now() - 60_000),
    );
    const page = async (token: string, language?: string) => {
      const res = await fetch(`${stack().url}/s/${token}?score=9`, {
        headers: language ? { 'accept-language': language } : {},
      });
      return { status: res.status, html: await res.text() };
    };
    const closed = await page(expired, 'zh-CN,zh;q=0.9,en;q=0.5');
    expect(closed.status).toBe(410);
    expect(closed.html).toContain(CATALOGS['zh-CN']?.closed);
    expect(closed.html).toContain('lang="zh-CN"');
    const unknown = await page('not-a-survey-token', 'zh-TW');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain(CATALOGS['zh-TW']?.invalid);
    expect((await page(expired)).html).toContain(CATALOGS.en?.closed);
    const unsubscribe = await fetch(`${stack().url}/u/not-a-token`, {
      headers: { 'accept-language': 'de-DE' },
    });
    expect(await unsubscribe.text()).toContain(CATALOGS.de?.invalid);
  });

  it('refuses a locale that is not a language tag', async () => {
    const res = await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'x', email: 'x@example.com', locale: 'chinese please' },
    ]);
    expect(res.status).toBe(400);
  });
});
