import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';
import { launchChromium } from './browser.ts';

/** Screenshots of what each test saw, kept as CI artifacts (gitignored). */
const SHOTS = 'artifacts/screenshots';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** 36 customers answer (enough for `all` to be read, not flagged), two regions, comments in two languages. */
const SCORES = Array.from({ length: 36 }, (_, i) => [10, 9, 9, 8, 7, 3, 6, 10, 9][i % 9] as number);

describe('the dashboard at a glance, in a real browser', () => {
  const stack = useLocalStack();
  let browser: Browser;

  const open = async (options: BrowserContextOptions = {}): Promise<Page> => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await page.goto(`${stack().url}/dashboard`);
    await page.fill('#key', stack().adminKey);
    await page.click('#login button');
    await page.waitForSelector('#app:not([hidden])');
    // Every panel read (their tables filled or their error shown): the headline comes last to fill.
    await page.waitForFunction("(document.getElementById('headline-nps')?.textContent ?? '') !== ''");
    return page;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    const customers = SCORES.map((_, i) => ({
      id: `g-${i}`,
      email: `g-${i}@example.com`,
      locale: i % 2 ? 'zh-CN' : 'en',
      attributes: { region: i % 3 ? 'emea' : 'apac' },
    }));
    await adminFetch(stack(), 'POST', '/api/customers', customers);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'glance', name: 'Glance', brand: 'Acme' });
    await adminFetch(stack(), 'POST', '/api/campaigns/glance/send');
    await stack().settle();
    const emails = await sesEmails(stack());
    expect(emails).toHaveLength(SCORES.length);
    const indexOf = (email: (typeof emails)[number]) =>
      Number((email.destination.to[0] ?? '').replace(/^g-(\d+)@.*/, '$1'));
    // The script-holding comment answered last, so it is the newest: on the comments' first page
    // whatever order the emails were sent in.
    const answerOrder = [...emails].sort((a, b) => Number(indexOf(a) === 5) - Number(indexOf(b) === 5));
    for (const email of answerOrder) {
      const i = indexOf(email);
      const score = SCORES[i] as number;
      const comment =
        i === 5
          ? '<script>alert(1)</script> too slow'
          : score <= 6
            ? i % 2
              ? '价格太贵，客服很慢'
              : 'price is too high'
            : undefined;
      expect((await postAnswer(stack(), tokenOf(email), { score, comment, trigger: 'person' })).status).toBe(
        200,
      );
    }
    await stack().settle();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the NPS the API gives, with its interval, change and distribution; sorts segments', async () => {
    const page = await open();
    const nps = await adminFetch(stack(), 'GET', '/api/nps/segments?window=month');
    const all = (nps.body.segments as Array<{ segment: string; nps: number; responses: number }>).find(
      (s) => s.segment === 'all',
    );
    expect(all?.responses).toBe(SCORES.length);
    // The headline (the last 30 days, the same answers) and the segments table show the API's figure.
    expect(await page.locator('#headline-nps').textContent()).toBe(all?.nps.toFixed(1));
    expect(await page.locator('#headline-figure').textContent()).toContain(`${SCORES.length} answers`);
    // Every answer is today's: nothing in the 30 days before to hold them against.
    expect(await page.locator('#headline-change').textContent()).toBe(
      'No answers in the 30 days before to compare with.',
    );
    const allRow = page.locator('#segments tbody tr', { has: page.locator('td:first-child:text-is("all")') });
    expect(await allRow.locator('td').nth(1).textContent()).toBe(all?.nps.toFixed(1));
    // 36 answers are enough to read; a region of 12 is not.
    expect(await allRow.locator('td').nth(2).textContent()).not.toContain('too few');
    const apac = page.locator('#segments tbody tr', {
      has: page.locator('td:first-child:text-is("region:apac")'),
    });
    expect(await apac.locator('td').nth(2).textContent()).toContain('too few to read');

    // Sorted by NPS, highest first, then lowest first.
    const npsOrder = async () =>
      (await page.locator('#segments tbody tr td:nth-child(2)').allTextContents()).map(Number);
    await page.click('#segments th:nth-child(2)');
    const descending = await npsOrder();
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await page.click('#segments th:nth-child(2)');
    expect(await page.locator('#segments th:nth-child(2)').getAttribute('aria-sort')).toBe('ascending');

    // The distribution: every score's count, as the answers gave them.
    const counts = await page.locator('#distribution tbody tr td:nth-child(2)').allTextContents();
    expect(counts.map(Number)).toEqual(
      Array.from({ length: 11 }, (_, s) => SCORES.filter((x) => x === s).length),
    );
    await page.waitForSelector('#distributionChart .uplot canvas');

    // A comment holding a script is text; the class filter shows detractors only.
    const hostile = page.locator('#responses tbody td', { hasText: '<script>alert(1)</script> too slow' });
    // The comments panel loads beside the others: waited for, not assumed loaded with the chart.
    await expect.poll(() => hostile.count()).toBe(1);
    // The class filter is the API's: the first page holds every detractor (fewer than a page),
    // and nothing else, with no page left to read.
    await page.selectOption('#class', 'detractor');
    await expect
      .poll(() => page.locator('#responses tbody tr').count())
      .toBe(SCORES.filter((s) => s <= 6).length);
    const shown = await page.locator('#responses tbody td:nth-child(3)').allTextContents();
    expect(shown.map(Number).every((score) => score <= 6)).toBe(true);
    expect(await page.locator('#responses-panel button.more').isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/dashboard-en.png`, fullPage: true });
    await page.context().close();
  });

  it('reads in Chinese by the browser language: text, dates and numbers', async () => {
    const page = await open({ locale: 'zh-CN' });
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('#segments-heading').textContent()).toBe('各细分的 NPS');
    expect(await page.locator('#headline-figure').textContent()).toContain('份回答');
    // A date of the comments, as Chinese readers write it.
    expect(await page.locator('#responses tbody tr td:first-child').first().textContent()).toMatch(
      /年|\d+\/\d+\/\d+/,
    );
    // The switch goes back to English, and stays for the next visit.
    await page.selectOption('#lang', 'en');
    await expect.poll(() => page.locator('#segments-heading').textContent()).toBe('NPS by segment');
    await page.screenshot({ path: `${SHOTS}/dashboard-zh-CN.png`, fullPage: true });
    await page.context().close();
  });

  it('fits a 360 px phone without scrolling sideways', async () => {
    const page = await open({ viewport: { width: 360, height: 740 }, isMobile: true });
    const widths = (await page.evaluate(
      '({ page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth })',
    )) as { page: number; view: number };
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    await page.screenshot({ path: `${SHOTS}/dashboard-360.png`, fullPage: true });
    await page.context().close();
  });

  it('has no accessibility violation rated serious or critical (axe)', async () => {
    const page = await open();
    // Evaluated through the debugging protocol, so the page's CSP (nonce scripts only) stays as it is.
    await page.evaluate(axeSource);
    const violations = (await page.evaluate(
      'axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))',
    )) as Array<{ id: string; impact: string; nodes: number }>;
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await page.context().close();
  });
});
