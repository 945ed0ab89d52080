import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { adminFetch, sesEmails, useLocalStack } from '../support/local-stack.ts';
import { launchChromium } from './browser.ts';

/** Readiness waits: a page's post and the stack's settle take longer while other browser tests run. */
const READY = { timeout: 10_000 };

/** Every link of an email's HTML, as a link-crawling scanner reads them: the hidden ones too. */
const hrefsOf = (html: string) =>
  [...html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? '').replaceAll('&amp;', '&'));

/** The scanner's deliberate dwell on each page: long enough to run the page's script, no input. */
const DWELL_MS = 3_000;

const npsAll = async (stack: LocalStack) => {
  await stack.settle();
  const res = await adminFetch(stack, 'GET', '/api/nps?segment=all&window=all');
  return res.body.points as Array<{ responses: number; promoters: number; detractors: number }>;
};

const responsesOf = async (stack: LocalStack, customerId: string, provisional = false) => {
  await stack.settle();
  const res = await adminFetch(stack, 'GET', `/api/responses${provisional ? '?provisional=true' : ''}`);
  return (res.body.responses as Array<{ customerId: string; score: number; version: number }>).filter(
    (r) => r.customerId === customerId,
  );
};

/** Every console error and failed script of a page: a CSP refusal shows up here. */
const watch = (page: Page) => {
  const problems: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
};

describe('in a real browser: mail scanners that run script, and the people they stand between', () => {
  const stack = useLocalStack();
  let browser: Browser;
  const emails = new Map<string, string>();

  beforeAll(async () => {
    browser = await launchChromium();
    await adminFetch(stack(), 'POST', '/api/owners', {
      id: 'alice',
      name: 'Alice',
      email: 'alice@example.com',
    });
    await adminFetch(
      stack(),
      'POST',
      '/api/customers',
      ['scanned', 'person', 'reader'].map((id) => ({ id, email: `${id}@example.com`, ownerId: 'alice' })),
    );
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'q4', name: 'Q4', brand: 'Acme' });
    await adminFetch(stack(), 'POST', '/api/campaigns/q4/send');
    await stack().settle();
    for (const email of await sesEmails(stack()))
      emails.set(email.destination.to[0] ?? '', email.body.html ?? '');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('counts nothing and alerts nobody when a scanner opens every link and dwells 3 s on each', async () => {
    const links = hrefsOf(emails.get('scanned@example.com') ?? '');
    // Eleven scores, the unsubscribe link and the honeypot.
    expect(links).toHaveLength(13);
    const honeypot = links.find((l) => l.endsWith('/check'));
    expect(honeypot).toBeDefined();

    const context = await browser.newContext();
    const statuses = new Map<string, number>();
    context.on('response', (res: Response) => statuses.set(res.url(), res.status()));
    await Promise.all(
      links.map(async (link) => {
        const page = await context.newPage();
        // The honeypot answers 204, which Chromium does not navigate to: the fetch is what counts.
        await page.goto(link).catch(() => undefined);
        await page.waitForTimeout(DWELL_MS);
        await page.close();
      }),
    );
    await context.close();
    expect(statuses.get(honeypot ?? '')).toBe(204);
    expect(links.filter((l) => l.includes('?score=')).every((l) => statuses.get(l) === 200)).toBe(true);

    // The honeypot fetch is noted: the invite's page now waits for a person, with no timer.
    const again = await fetch(links.find((l) => l.endsWith('?score=0')) ?? '');
    expect(await again.text()).toContain('"timerMs":null');
    await stack().tick();
    expect(await npsAll(stack())).toEqual([]);
    expect(await responsesOf(stack(), 'scanned')).toEqual([]);
    expect((await adminFetch(stack(), 'GET', '/api/cases')).body.cases).toEqual([]);
    const alertEmails = (await sesEmails(stack())).filter((e) =>
      e.destination.to.includes('alice@example.com'),
    );
    expect(alertEmails).toEqual([]);
  });

  it('records a person who opens a score link and moves the mouse, in one step, counted once', async () => {
    const link = hrefsOf(emails.get('person@example.com') ?? '').find((l) => l.endsWith('?score=4'));
    const page = await browser.newPage();
    const problems = watch(page);
    const posts: string[] = [];
    page.on('request', (req) => req.method() === 'POST' && posts.push(req.postData() ?? ''));
    await page.goto(link ?? '');
    await page.mouse.move(60, 80);
    await page.mouse.move(120, 160);
    await expect.poll(() => page.locator('#status').textContent(), READY).toContain('Thank you');

    expect(posts).toEqual([JSON.stringify({ score: 4, trigger: 'person' })]);
    expect(await responsesOf(stack(), 'person')).toEqual([expect.objectContaining({ score: 4, version: 1 })]);
    expect(await responsesOf(stack(), 'person', true)).toEqual([]);
    expect(await npsAll(stack())).toEqual([expect.objectContaining({ responses: 1, detractors: 1 })]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('records a reader who never touches the page after five seconds visible, by the timer', async () => {
    const link = hrefsOf(emails.get('reader@example.com') ?? '').find((l) => l.endsWith('?score=10'));
    const page = await browser.newPage();
    const problems = watch(page);
    const posted = page.waitForRequest((req) => req.method() === 'POST', { timeout: 10_000 });
    await page.goto(link ?? '');
    expect((await posted).postData()).toBe(JSON.stringify({ score: 10, trigger: 'timer' }));
    await expect.poll(() => page.locator('#status').textContent(), READY).toContain('Thank you');
    expect(await responsesOf(stack(), 'reader')).toEqual([expect.objectContaining({ score: 10 })]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
