import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { renderFollowUpEmail } from '../../shared/email/follow-up-email.ts';
import { CATALOGS, type MessageKey, messagesFor, resolveLocale } from '../../shared/email/messages.ts';
import { renderSurveyEmail } from '../../shared/email/survey-email.ts';

const SAMPLE = {
  brand: 'Acme',
  name: 'Li Wei',
  score: 3,
  comment: 'slow',
  customer: 'Li Wei',
  status: 'open',
  minutes: 15,
};

describe('message catalogs', () => {
  const keys = Object.keys(CATALOGS.en ?? {}).sort();

  it.each(Object.keys(CATALOGS))('%s holds every key of en, each a valid ICU message', (locale) => {
    const catalog = CATALOGS[locale];
    if (!catalog) throw new Error(`no catalog ${locale}`);
    expect(Object.keys(catalog).sort()).toEqual(keys);
    for (const key of keys) {
      const text = String(new IntlMessageFormat(catalog[key as MessageKey], locale).format(SAMPLE));
      expect(text, `${locale}.${key}`).not.toMatch(/[{}]/);
      expect(text.trim().length, `${locale}.${key}`).toBeGreaterThan(0);
    }
  });

  it('picks the catalog by the customer locale, falling back to en', () => {
    expect(resolveLocale('zh')).toBe('zh-CN');
    expect(resolveLocale('zh-CN')).toBe('zh-CN');
    expect(resolveLocale('zh-Hans-HK')).toBe('zh-CN');
    expect(resolveLocale('zh_SG')).toBe('zh-CN');
    expect(resolveLocale('zh-TW')).toBe('zh-TW');
    expect(resolveLocale('zh-HK')).toBe('zh-TW');
    expect(resolveLocale('zh-Hant')).toBe('zh-TW');
    expect(resolveLocale('zh-Hant-CN')).toBe('zh-TW');
    expect(resolveLocale('de-AT')).toBe('de');
    expect(resolveLocale('FR')).toBe('fr');
    expect(resolveLocale('pt-BR')).toBe('en');
    expect(resolveLocale(undefined)).toBe('en');
  });

  it('formats placeholders the ICU way, values never parsed as messages', () => {
    expect(messagesFor('en').t('subject', { brand: "O'Brien {Ltd}" })).toBe(
      "A quick question about O'Brien {Ltd}",
    );
    expect(messagesFor('zh-CN').t('scoreLabel', { score: 7 })).toBe('7 分（满分 10 分）');
  });
});

describe('emails in Chinese', () => {
  it('sends the survey in simplified or traditional Chinese by the customer locale, escaped', () => {
    const base = { publicUrl: 'https://nps.example.com', token: 't', brand: '<b>联想</b>', name: '李伟' };
    const simplified = renderSurveyEmail({ ...base, locale: 'zh-Hans' });
    expect(simplified.subject).toBe('关于<b>联想</b>的一个简短问题');
    expect(simplified.html).toContain('lang="zh-CN"');
    expect(simplified.html).toContain('您有多大可能向朋友或同事推荐&lt;b&gt;联想&lt;/b&gt;？');
    expect(simplified.html).not.toContain('<b>联想</b>');
    expect(simplified.text).toContain('完全不可能');
    const traditional = renderSurveyEmail({ ...base, locale: 'zh-HK' });
    expect(traditional.subject).toBe('關於<b>联想</b>的一個簡短問題');
    expect(traditional.html).toContain('取消訂閱這些調查');
  });

  it('keeps a campaign’s own question as typed, with its brand', () => {
    const email = renderSurveyEmail({
      publicUrl: 'https://nps.example.com',
      token: 't',
      brand: 'Acme',
      locale: 'zh-CN',
      question: "Would you recommend {brand}'s support?",
    });
    expect(email.html).toContain('Would you recommend Acme&#39;s support?');
  });

  it('tells the customer what was done, in zh-TW', () => {
    const email = renderFollowUpEmail({
      publicUrl: 'https://nps.example.com',
      token: 't',
      brand: 'Acme',
      locale: 'zh-TW',
      score: 3,
      comment: '太慢',
      message: '我們已加派人手。',
    });
    expect(email.subject).toBe('Acme：我們根據您的意見所做的改善');
    expect(email.text).toContain('您告訴我們：「太慢」');
  });
});
