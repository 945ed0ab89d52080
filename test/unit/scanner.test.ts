import { describe, expect, it } from 'vitest';
import { surveyAnswerInput } from '../../shared/api/inputs.ts';
import { honeypotUrl, renderSurveyEmail } from '../../shared/email/survey-email.ts';
import {
  BURST_WINDOW_MS,
  judgeSubmission,
  pageMayUseTimer,
  RECENT_SCAN_MS,
} from '../../shared/survey/scanner.ts';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('judging a submission for a mail scanner’s pattern', () => {
  it('takes a submission with a person’s sign as an answer, even right after a honeypot fetch', () => {
    const evidence = { scannedAt: ago(1_000), lastSubmissionAt: ago(500) };
    expect(judgeSubmission('person', evidence, NOW)).toEqual({ kind: 'answer' });
    expect(judgeSubmission('form', evidence, NOW)).toEqual({ kind: 'answer' });
  });

  it('takes a submission without a trigger (the no-script form of older pages) as a person’s', () => {
    expect(judgeSubmission(undefined, { scannedAt: ago(1_000) }, NOW)).toEqual({ kind: 'answer' });
  });

  it('takes a timer submission on an invite no scanner has visited as an answer', () => {
    expect(judgeSubmission('timer', {}, NOW)).toEqual({ kind: 'answer' });
  });

  it('holds a timer submission after a recent honeypot fetch', () => {
    expect(judgeSubmission('timer', { scannedAt: ago(6_000) }, NOW)).toEqual({
      kind: 'provisional',
      reason: 'honeypot',
    });
  });

  it('holds a timer submission on an invite whose honeypot was fetched long ago too', () => {
    expect(judgeSubmission('timer', { scannedAt: ago(7 * 86_400_000) }, NOW)).toEqual({
      kind: 'provisional',
      reason: 'honeypot',
    });
  });

  it('holds a timer submission that follows another submission within seconds (a burst)', () => {
    expect(judgeSubmission('timer', { lastSubmissionAt: ago(BURST_WINDOW_MS - 1) }, NOW)).toEqual({
      kind: 'provisional',
      reason: 'burst',
    });
  });

  it('takes a timer submission well after the invite’s last one as an answer', () => {
    expect(judgeSubmission('timer', { lastSubmissionAt: ago(BURST_WINDOW_MS) }, NOW)).toEqual({
      kind: 'answer',
    });
  });
});

describe('whether the survey page may submit by timer', () => {
  it('allows the timer when no scanner has been seen and strict mode is off', () => {
    expect(pageMayUseTimer({ requirePerson: false, now: NOW })).toBe(true);
  });

  it('allows no timer in strict mode', () => {
    expect(pageMayUseTimer({ requirePerson: true, now: NOW })).toBe(false);
  });

  it('allows no timer while a honeypot fetch is recent, and allows it again later', () => {
    expect(pageMayUseTimer({ scannedAt: ago(RECENT_SCAN_MS - 1), requirePerson: false, now: NOW })).toBe(
      false,
    );
    expect(pageMayUseTimer({ scannedAt: ago(RECENT_SCAN_MS), requirePerson: false, now: NOW })).toBe(true);
  });

  it('counts a fetch stamped a little ahead of this clock as recent', () => {
    const ahead = new Date(NOW.getTime() + 2_000).toISOString();
    expect(pageMayUseTimer({ scannedAt: ahead, requirePerson: false, now: NOW })).toBe(false);
  });
});

describe('the answer body says how it was sent', () => {
  it('accepts person, form and timer, and no trigger at all', () => {
    for (const trigger of ['person', 'form', 'timer'] as const) {
      expect(surveyAnswerInput.parse({ score: 3, trigger }).trigger).toBe(trigger);
    }
    expect(surveyAnswerInput.parse({ score: '3' }).trigger).toBeUndefined();
  });

  it('refuses any other trigger', () => {
    expect(surveyAnswerInput.safeParse({ score: 3, trigger: 'robot' }).success).toBe(false);
  });
});

describe('the honeypot link of the survey email', () => {
  const email = renderSurveyEmail({ publicUrl: 'https://nps.example.com', token: 'tok.en.x', brand: 'Acme' });
  const url = honeypotUrl('https://nps.example.com', 'tok.en.x');

  it('is in the HTML, before the score links, hidden, unfocusable and without text', () => {
    expect(url).toBe('https://nps.example.com/s/tok.en.x/check');
    const anchor = new RegExp(`<a href="${url.replaceAll('.', '\\.')}"([^>]*)>([^<]*)</a>`).exec(email.html);
    expect(anchor?.[1]).toContain('tabindex="-1"');
    expect(anchor?.[1]).toContain('aria-hidden="true"');
    expect(anchor?.[1]).toContain('display:none');
    expect(anchor?.[2]).toBe('');
    expect(email.html.indexOf(url)).toBeLessThan(email.html.indexOf('?score=0'));
  });

  it('is not in the plain text a person reads', () => {
    expect(email.text).not.toContain('/check');
  });

  it('is in reminders too', () => {
    expect(
      renderSurveyEmail({
        publicUrl: 'https://nps.example.com',
        token: 'tok.en.x',
        brand: 'Acme',
        reminder: true,
      }).html,
    ).toContain(url);
  });
});
