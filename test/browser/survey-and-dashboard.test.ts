import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminFetch, sesEmails, useLocalStack } from '../support/local-stack.ts';
import { launchChromium } from './browser.ts';

/** Readiness waits: a page's post and the stack's settle take longer while other browser tests run. */
const READY = { timeout: 10_000 };

/** The link for one score, as the customer clicks it in the survey email. */
const scoreLink = (html: string, score: number) => {
  const m = new RegExp(`href="([^"]+\\?score=${score})"`).exec(html);
  if (!m?.[1]) throw new Error(`no link for score ${score}`);
  return m[1].replaceAll('&amp;', '&');
};

describe('in a real browser: the customer answers, the manager reads and acts', () => {
  const stack = useLocalStack();
  let browser: Browser;
  const links = new Map<string, string>();

  const responseOf = async (customerId: string) => {
    await stack().settle();
    const res = await adminFetch(stack(), 'GET', '/api/responses');
    return (
      res.body.responses as Array<{ customerId: string; score: number; comment?: string; version: number }>
    ).find((r) => r.customerId === customerId);
  };
  /** Every console error and failed request of a page: a CSP refusal shows up here. */
  const watch = (page: Page) => {
    const problems: string[] = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    page.on('pageerror', (err) => problems.push(err.message));
    return problems;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    await adminFetch(stack(), 'POST', '/api/owners', {
      id: 'alice',
      name: 'Alice',
      email: 'alice@example.com',
    });
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'js', email: 'js@example.com', name: 'Jo Script', ownerId: 'alice', attributes: { tier: 'key' } },
      {
        id: 'nojs',
        email: 'nojs@example.com',
        name: 'No Script',
        ownerId: 'alice',
        attributes: { tier: 'smb' },
      },
    ]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', brand: 'Acme' });
    await adminFetch(stack(), 'POST', '/api/campaigns/q4/send');
    await stack().settle();
    for (const email of await sesEmails(stack()))
      links.set(email.destination.to[0] ?? '', email.body.html ?? '');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('records the clicked score from the email link, then the comment typed on the page', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(scoreLink(links.get('js@example.com') ?? '', 3));
    // The page records the preselected score on the first sign of a person (mail scanners that
    // run script show none): the customer moves the mouse.
    await page.mouse.move(40, 40);
    await expect.poll(() => page.locator('#status').textContent(), READY).toContain('Thank you');
    expect(await page.locator('input[name=score][value="3"]').isChecked()).toBe(true);
    expect(await responseOf('js')).toMatchObject({ score: 3, version: 1 });

    await page.fill('#comment', '<img src=x onerror=alert(1)> Too slow');
    await page.click('button[type=submit]');
    await expect
      .poll(async () => (await responseOf('js'))?.comment, READY)
      .toBe('<img src=x onerror=alert(1)> Too slow');
    expect(await responseOf('js')).toMatchObject({ score: 3, version: 2 });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('works without JavaScript: the button posts the form, the thank-you page takes a comment', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(scoreLink(links.get('nojs@example.com') ?? '', 9));
    // Opening the link alone records nothing (mail scanners open every link).
    expect(await responseOf('nojs')).toBeUndefined();
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Thank you")');
    expect(await responseOf('nojs')).toMatchObject({ score: 9 });
    await page.fill('#comment', 'Great support');
    await page.click('button[type=submit]');
    await page.waitForSelector('h1:has-text("Thank you")');
    expect(await responseOf('nojs')).toMatchObject({ score: 9, comment: 'Great support' });
    await context.close();
  });

  it('shows the figures and the case on the dashboard, customer text as text, and moves the case on', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(`${stack().url}/dashboard`);
    await page.fill('#key', 'not-the-key');
    await page.click('#login button');
    await expect.poll(() => page.locator('#error').textContent()).not.toBe('');
    expect(await page.locator('#app').isHidden()).toBe(true);

    await page.fill('#key', stack().adminKey);
    await page.click('#login button');
    await page.waitForSelector('#app:not([hidden])');
    const cells = async (table: string, first: string) =>
      page
        .locator(`#${table} tbody tr`, { has: page.locator(`td:first-child:text-is("${first}")`) })
        .locator('td')
        .allTextContents();
    // One promoter (9), one detractor (3): NPS 0 overall, its adjusted-Wald interval ±73.3, and two
    // answers are too few to read; tier:key is the detractor alone.
    expect((await cells('segments', 'all')).slice(0, 4)).toEqual([
      'all',
      '0.0',
      '-73.3 to 73.3 · too few to read',
      '2',
    ]);
    expect((await cells('segments', 'tier:key'))[1]).toBe('-100.0');

    // The trend chart: drawn by uPlot (a canvas), under the page's CSP, with this month's NPS.
    await page.waitForSelector('#trendChart .uplot canvas');
    expect(await page.locator('#trendChart .u-legend').textContent()).toContain('NPS');
    await page.hover('#trendChart .u-over', { position: { x: 2, y: 100 } });
    await expect.poll(() => page.locator('#trendChart .u-legend').textContent()).toContain('0.0');

    const caseRow = page.locator('#cases tbody tr', { hasText: 'js' });
    expect(await caseRow.locator('td').nth(3).textContent()).toBe('<img src=x onerror=alert(1)> Too slow');
    expect(await page.locator('#cases img').count()).toBe(0);
    await caseRow.locator('button', { hasText: 'Mark acknowledged' }).click();
    await expect.poll(() => caseRow.locator('td').nth(5).textContent()).toContain('acknowledged');
    const cases = await adminFetch(stack(), 'GET', '/api/cases');
    expect(cases.body.cases).toEqual([expect.objectContaining({ customerId: 'js', status: 'acknowledged' })]);
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.close();
  });

  it('keeps every other panel when one API fails, and reads a list a page at a time', async () => {
    const page = await browser.newPage();
    const problems = watch(page);
    // The follow-up figures fail as a server fault would; the responses come a page of one at a
    // time (the API pages them, with real cursors: only the page size is changed on the way).
    await page.route('**/api/cases/metrics*', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'internal_error', message: 'Something went wrong on our side.' },
        }),
      }),
    );
    await page.route('**/api/responses?*', (route) =>
      route.continue({
        url: route
          .request()
          .url()
          .replace(/limit=\d+/, 'limit=1'),
      }),
    );
    await page.goto(`${stack().url}/dashboard`);
    await page.fill('#key', stack().adminKey);
    await page.click('#login button');
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.locator('#error').textContent()).toBe('');

    expect(await page.locator('#followup-panel .error').textContent()).toBe(
      'Something went wrong on our side.',
    );
    expect(await page.locator('#followup tbody tr').count()).toBe(0);
    for (const other of ['segments', 'trend', 'cases', 'responses', 'dead']) {
      expect(await page.locator(`#${other}-panel .error`).textContent(), other).toBe('');
    }
    expect(await page.locator('#segments tbody tr').count()).toBeGreaterThan(1);
    expect(await page.locator('#trend tbody tr').count()).toBe(1);
    expect(await page.locator('#cases tbody tr').count()).toBe(1);
    await page.waitForSelector('#trendChart .uplot canvas');

    // Two answers (the two customers above): one per page, the button reads the second.
    const more = page.locator('#responses-panel button.more');
    expect(await page.locator('#responses tbody tr').count()).toBe(1);
    expect(await more.isVisible()).toBe(true);
    await more.click();
    await expect.poll(() => page.locator('#responses tbody tr').count()).toBe(2);
    await expect.poll(() => more.isVisible()).toBe(false);
    const customers = await page.locator('#responses tbody tr td:nth-child(2)').allTextContents();
    expect(customers.sort()).toEqual(['js', 'nojs']);

    // The 500 is the test's own; the 401 is the page asking for a session there is none of (/api/me).
    expect(problems.filter((p) => !p.includes('500') && !p.includes('401'))).toEqual([]);
    await page.close();
  });
});
