import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSurveyEmail } from '../../shared/email/survey-email.ts';
import { launchChromium } from './browser.ts';

/** The survey email as a mail client's HTML view draws it, in real Chromium at phone widths. */
describe('the survey email fits a phone', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const email = renderSurveyEmail({
    publicUrl: 'https://nps.example.com',
    token: 'AAAAAAAAAAAAAAAAAAAAAA.zzzzzz.BBBBBBBBBBBBBBBBBBBBBB',
    brand: 'Acme Industrial Supplies & Services',
    name: 'Dana Fox',
  });

  it.each([320, 360, 1280])(
    'at %i px: no sideways scrolling, every score at least 24 × 24 px',
    async (width) => {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      try {
        await page.setContent(email.html);
        const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
        expect(scrollWidth).toBeLessThanOrEqual(width);
        const boxes = await page.$$eval('a[href*="score="]', (links) =>
          links.map((a) => {
            const r = a.getBoundingClientRect();
            return { label: a.getAttribute('aria-label'), width: r.width, height: r.height };
          }),
        );
        expect(boxes).toHaveLength(11);
        for (const box of boxes) {
          expect(box.width).toBeGreaterThanOrEqual(24);
          expect(box.height).toBeGreaterThanOrEqual(24);
        }
        expect(boxes[0]?.label).toBe('0 out of 10');
        // One neutral colour for all eleven: no red for 0–6, no green for 9–10.
        const colours = await page.$$eval('a[href*="score="]', (links) =>
          links.map((a) => a.ownerDocument.defaultView?.getComputedStyle(a).color),
        );
        expect(new Set(colours).size).toBe(1);
        // The honeypot link is in the HTML, but nobody meets it: not drawn, not in the tab order,
        // not in the accessibility tree.
        const honeypot = page.locator('a[href$="/check"]');
        expect(await honeypot.count()).toBe(1);
        expect(await honeypot.boundingBox()).toBeNull();
        expect(await honeypot.isVisible()).toBe(false);
        await page.keyboard.press('Tab');
        expect(await page.evaluate('document.activeElement?.getAttribute("href") ?? ""')).toContain(
          'score=0',
        );
        expect(await page.locator('body').ariaSnapshot()).not.toContain('check');
      } finally {
        await page.close();
      }
    },
  );
});
