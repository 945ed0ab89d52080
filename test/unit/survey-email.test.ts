import { describe, expect, it } from 'vitest';
import { renderSurveyEmail } from '../../shared/email/survey-email.ts';

const base = { publicUrl: 'https://nps.example.com', token: 'tok.en.x', brand: 'Acme' };

describe('survey email', () => {
  it('offers the 0–10 scale as eleven links in HTML and text', () => {
    const email = renderSurveyEmail(base);
    for (let s = 0; s <= 10; s++) {
      expect(email.html).toContain(`https://nps.example.com/s/tok.en.x?score=${s}"`);
      expect(email.text).toContain(`https://nps.example.com/s/tok.en.x?score=${s}\n`.trimEnd());
    }
    expect(email.unsubscribeUrl).toBe('https://nps.example.com/u/tok.en.x');
    expect(email.html).toContain('How likely are you to recommend Acme to a friend or colleague?');
  });

  it('escapes customer and brand strings in the HTML', () => {
    const email = renderSurveyEmail({ ...base, brand: 'A&B <Corp>', name: '<img src=x onerror=alert(1)>' });
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('A&amp;B &lt;Corp&gt;');
  });

  it('keeps the subject on one line whatever the brand holds', () => {
    const email = renderSurveyEmail({ ...base, brand: 'Evil\r\nBcc: victim@example.com' });
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('speaks the customer locale', () => {
    expect(renderSurveyEmail({ ...base, locale: 'de' }).subject).toBe('Eine kurze Frage zu Acme');
    expect(renderSurveyEmail({ ...base, locale: 'pt-BR' }).subject).toBe('A quick question about Acme');
  });
});
