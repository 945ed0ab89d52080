import { describe, expect, it } from 'vitest';
import { renderFollowUpEmail } from '../../shared/email/follow-up-email.ts';

const base = {
  publicUrl: 'https://nps.example.com',
  token: 'tok.en.x',
  brand: 'Acme',
  score: 3,
  message: 'We refunded your last invoice.',
};

describe('follow-up email', () => {
  it('quotes what the customer said and what was done, with the unsubscribe link', () => {
    const email = renderFollowUpEmail({ ...base, name: 'Kim', comment: 'Too slow.' });
    expect(email.subject).toBe('Acme: what we did about your feedback');
    expect(email.text).toContain('Hello Kim,');
    expect(email.text).toContain('You told us: “Too slow.”');
    expect(email.text).toContain('Here is what we did:\nWe refunded your last invoice.');
    expect(email.unsubscribeUrl).toBe('https://nps.example.com/u/tok.en.x');
    expect(email.html).toContain('href="https://nps.example.com/u/tok.en.x"');
  });

  it('recalls the score when there was no comment', () => {
    expect(renderFollowUpEmail(base).text).toContain('You rated Acme 3 out of 10.');
  });

  it('escapes customer, owner and brand strings in the HTML', () => {
    const email = renderFollowUpEmail({
      ...base,
      brand: 'A&B <Corp>',
      name: '<img src=x onerror=alert(1)>',
      comment: '</p><script>alert(1)</script>',
      message: 'Fixed <b>it</b>\nsecond line',
    });
    expect(email.html).not.toMatch(/<img|<script|<b>/);
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('Fixed &lt;b&gt;it&lt;/b&gt;<br>second line');
    expect(email.html).toContain('A&amp;B &lt;Corp&gt;');
  });

  it('keeps the subject on one line whatever the brand holds', () => {
    const email = renderFollowUpEmail({ ...base, brand: 'Evil\r\nBcc: victim@example.com' });
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('speaks the customer locale, English otherwise', () => {
    expect(renderFollowUpEmail({ ...base, locale: 'de' }).subject).toBe(
      'Acme: Was wir aus Ihrem Feedback gemacht haben',
    );
    expect(renderFollowUpEmail({ ...base, locale: 'fr-CA' }).text).toContain(
      'Vous avez donné à Acme la note de 3 sur 10.',
    );
    expect(renderFollowUpEmail({ ...base, locale: 'pt' }).subject).toBe(
      'Acme: what we did about your feedback',
    );
  });
});
