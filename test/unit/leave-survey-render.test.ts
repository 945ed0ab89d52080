import { describe, expect, it } from 'vitest';
import { renderLeaveEmail } from '../../shared/email/leave-email.ts';
import { leavePage, leaveThanksPage } from '../../shared/pages/leave-pages.ts';
import { LEAVE_REASONS } from '../../shared/winback/reasons.ts';

const base = { publicUrl: 'https://nps.example.com', token: 'tok.en/x+y=', brand: 'Acme' };
/** The token as it appears in a URL path. */
const ENCODED = 'tok.en%2Fx%2By%3D';

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);

describe('leave email', () => {
  it('links each of the six reasons, in order, to the page with that reason preselected', () => {
    const email = renderLeaveEmail({ ...base, name: 'Kim' });
    const page = `https://nps.example.com/leave/${ENCODED}`;
    expect(hrefs(email.html)).toEqual([
      ...LEAVE_REASONS.map((reason) => `${page}?reason=${reason}`),
      page,
      `https://nps.example.com/u/${ENCODED}`,
    ]);
    expect(email.subject).toBe('Acme: may we ask why you left?');
    expect(email.text).toContain('Hello Kim,');
    expect(email.text).toContain('We noticed you have not ordered from Acme for a while.');
    expect(email.html).toContain('>I went to another company</a>');
    expect(email.text).toContain(`The price: ${page}?reason=price`);
    expect(email.text).toContain(`I no longer need it: ${page}?reason=no-longer-needed`);
    expect(email.text).toContain(`Something else: ${page}?reason=other`);
    expect(email.text).not.toContain('<');
  });

  it('carries a visible unsubscribe link and its URL for List-Unsubscribe', () => {
    const email = renderLeaveEmail(base);
    const unsub = `https://nps.example.com/u/${ENCODED}`;
    expect(email.unsubscribeUrl).toBe(unsub);
    expect(email.html).toContain(
      `<a href="${unsub}" style="color:#57606a">Unsubscribe from these surveys</a>`,
    );
    expect(email.text).toContain(`Unsubscribe from these surveys: ${unsub}`);
  });

  it('escapes a hostile brand and name, and keeps the subject on one line', () => {
    const email = renderLeaveEmail({
      ...base,
      brand: 'A&B <script>alert(1)</script>\r\nBcc: victim@example.com',
      name: '<img src=x onerror=alert(1)>',
    });
    expect(email.html).not.toMatch(/<script|<img/);
    expect(email.html).toContain('A&amp;B &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('Hello &lt;img src=x onerror=alert(1)&gt;,');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toBe(
      'A&B <script>alert(1)</script> Bcc: victim@example.com: may we ask why you left?',
    );
  });

  it('speaks the customer locale: simplified Chinese for zh-CN', () => {
    const email = renderLeaveEmail({ ...base, locale: 'zh-CN' });
    expect(email.html).toContain('lang="zh-CN"');
    expect(email.subject).toBe('Acme：能否告诉我们您离开的原因？');
    expect(email.html).toContain('>我选择了其他公司</a>');
    expect(email.text).toContain(`价格: https://nps.example.com/leave/${ENCODED}?reason=price`);
    expect(email.html).not.toContain('The price');
  });
});

describe('leave page', () => {
  it('posts to /leave/<encoded token> with six required radios, the given one checked', () => {
    const { html } = leavePage({ ...base, selected: 'competitor' });
    expect(html).toContain(`<form method="post" action="/leave/${ENCODED}">`);
    expect(html).toContain('<legend><h1>What made you stop buying from Acme?</h1></legend>');
    const radios = [...html.matchAll(/<input type="radio"[^>]*>/g)].map((match) => match[0]);
    expect(radios).toHaveLength(6);
    for (const [i, reason] of LEAVE_REASONS.entries()) {
      expect(radios[i]).toContain(`name="reason" value="${reason}"`);
      expect(radios[i]).toContain(`id="reason-${reason}"`);
      expect(radios[i]).toContain('required');
      expect(html).toContain(`<label for="reason-${reason}">`);
    }
    expect(radios.filter((radio) => radio.includes(' checked'))).toEqual([
      '<input type="radio" id="reason-competitor" name="reason" value="competitor" checked required>',
    ]);
    expect(html).toContain('<label for="comment">Anything you would like to tell us? (optional)</label>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('We have received your answer');
  });

  it('checks nothing without a reason, and says an answer came when there was one', () => {
    expect(leavePage(base).html).not.toContain(' checked');
    expect(leavePage({ ...base, selected: 'price', answered: true }).html).toContain(
      'We have received your answer. You can change it below and send it again.',
    );
  });

  it('escapes a hostile comment and brand', () => {
    const { html } = leavePage({
      ...base,
      brand: 'A&B <script>x</script>',
      comment: '</textarea><script>alert(1)</script>',
    });
    expect(html).not.toMatch(/<\/textarea><script|<script>x/);
    expect(html).toContain(
      '<textarea id="comment" name="comment" maxlength="2000">&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>',
    );
    expect(html).toContain('What made you stop buying from A&amp;B &lt;script&gt;x&lt;/script&gt;?');
  });

  it('speaks the customer locale', () => {
    const { html } = leavePage({ ...base, locale: 'zh-TW', selected: 'quality' });
    expect(html).toContain('lang="zh-TW"');
    expect(html).toContain('是什麼讓您不再在Acme購買？');
    expect(html).toContain('<label for="reason-quality">品質</label>');
  });
});

describe('leave thanks page', () => {
  it('thanks in the customer locale, English otherwise', () => {
    expect(leaveThanksPage({ brand: 'Acme' }).html).toContain(
      '<h1>Thank you for telling us</h1><p>Your answer helps Acme do better.</p>',
    );
    const german = leaveThanksPage({ brand: 'A&B', locale: 'de-AT' }).html;
    expect(german).toContain('lang="de"');
    expect(german).toContain(
      '<h1>Vielen Dank für Ihre Rückmeldung</h1><p>Ihre Antwort hilft A&amp;B, besser zu werden.</p>',
    );
  });
});
