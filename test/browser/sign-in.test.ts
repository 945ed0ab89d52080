import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';
import { launchChromium } from './browser.ts';

const SHOTS = 'artifacts/screenshots';
const ADMIN = 'boss@example.com';

/**
 * Both sign-ins through the dashboard, as people do them: the address typed in, the link from the
 * email (local SES), its page's button, the session cookie — an account manager sees their own
 * customers' cases and works them, an admin sees everything.
 */
describe('signing in to the dashboard with an emailed link', () => {
  const stack = useLocalStack({ extraEnv: { ADMIN_EMAILS: ADMIN } });
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium();
    for (const [id, email] of [
      ['alice', 'alice@example.com'],
      ['bob', 'bob@example.com'],
    ]) {
      await adminFetch(stack(), 'POST', '/api/owners', { id, name: id, email });
    }
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'ca', email: 'ca@example.com', ownerId: 'alice', attributes: { tier: 'key' } },
      { id: 'cb', email: 'cb@example.com', ownerId: 'bob', attributes: { tier: 'key' } },
    ]);
    await adminFetch(stack(), 'POST', '/api/campaigns', { id: 'q', name: 'Q', brand: 'Acme' });
    await adminFetch(stack(), 'POST', '/api/campaigns/q/send');
    await stack().settle();
    for (const email of await sesEmails(stack())) {
      const comment =
        email.destination.to[0] === 'ca@example.com' ? 'alice customer unhappy' : 'bob customer unhappy';
      expect(
        (await postAnswer(stack(), tokenOf(email), { score: 2, comment, trigger: 'person' })).status,
      ).toBe(200);
    }
    await stack().settle();
    expect((await adminFetch(stack(), 'GET', '/api/cases')).body.cases).toHaveLength(2);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Asks for a link on the dashboard, follows it from the email and presses its button. */
  const signIn = async (address: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${stack().url}/dashboard`);
    await page.fill('#email', address);
    await page.click('#signin button');
    await expect.poll(() => page.locator('#signin-status').textContent()).toContain('link is on its way');
    let link: string | undefined;
    await expect
      .poll(async () => {
        // Alice has her detractor alert emails too: the one with the link is the sign-in.
        link = (await sesEmails(stack()))
          .filter((e) => e.destination.to[0] === address)
          .map((e) => e.body.text?.match(/https?:\/\/\S+\/auth\/callback\?token=[^\s"]+/)?.[0])
          .find((found) => found !== undefined);
        return link;
      })
      .toBeDefined();
    await page.goto(String(link));
    // The link's page uses nothing by itself (mail scanners open links): the person presses the button.
    await page.click('form button');
    await page.waitForURL(/\/dashboard$/);
    await page.waitForSelector('#app:not([hidden])');
    return page;
  };

  it('an account manager sees their own cases only, works one, and signs out', async () => {
    const page = await signIn('alice@example.com');
    expect(await page.locator('#who').textContent()).toContain('alice@example.com');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'nps_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await expect.poll(() => page.locator('#cases tbody tr').count()).toBe(1);
    expect(await page.locator('#cases tbody tr td').nth(1).textContent()).toBe('ca');
    // Admin panels are not theirs.
    expect(await page.locator('#value-panel').isHidden()).toBe(true);
    expect(await page.locator('#dead-panel').isHidden()).toBe(true);
    // A case moved with the session (its CSRF token sent by the page).
    await page.locator('#cases button', { hasText: 'Mark acknowledged' }).click();
    await expect
      .poll(() => page.locator('#cases tbody tr td').nth(5).textContent())
      .toContain('acknowledged');
    const cases = (await adminFetch(stack(), 'GET', '/api/cases')).body.cases as Array<{
      customerId: string;
      status: string;
    }>;
    expect(cases.find((c) => c.customerId === 'ca')?.status).toBe('acknowledged');
    expect(cases.find((c) => c.customerId === 'cb')?.status).toBe('open');
    await page.screenshot({ path: `${SHOTS}/dashboard-owner.png`, fullPage: true });

    await page.click('#signout');
    await page.waitForSelector('#signin-forms:not([hidden])');
    expect((await page.context().cookies()).find((c) => c.name === 'nps_session')).toBeUndefined();
    await page.context().close();
  });

  it('an admin signs in the same way and sees every case and panel', async () => {
    const page = await signIn(ADMIN);
    expect(await page.locator('#who').textContent()).toContain(ADMIN);
    await expect.poll(() => page.locator('#cases tbody tr').count()).toBe(2);
    expect(await page.locator('#value-panel').isVisible()).toBe(true);
    await page.context().close();
  });
});
