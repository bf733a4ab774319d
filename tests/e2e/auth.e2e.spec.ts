import type { Browser } from 'playwright-core';
import { axeViolations, BoardHub, launchBrowser, openBoard, signIn } from './support/hub';

describe('signing in through the board', () => {
  let hub: BoardHub;
  let browser: Browser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([BoardHub.start(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('a liaison signs in, sees name, agency and role, switches to English and back, and signs out', async () => {
    const { context, page } = await openBoard(browser, hub);
    await page.goto('/');
    await page.waitForURL('**/inloggen');
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');
    expect(await page.locator('h1').innerText()).toMatch(/inloggen/i);
    expect(await axeViolations(page)).toEqual([]);

    await signIn(page, 'liaison@nctv.demo');
    expect(await page.getByTestId('account-agency').innerText()).toContain('NCTV');
    expect(await page.getByTestId('account-roles').innerText()).toMatch(/liaison|verbindingspersoon/i);
    expect(await axeViolations(page)).toEqual([]);

    const signOutNl = await page.getByRole('button', { name: 'Uitloggen' }).count();
    expect(signOutNl).toBe(1);
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Nederlands' }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('nl');

    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await page.waitForURL('**/inloggen');
    await page.getByTestId('signed-out').waitFor();
    // The session is gone on the server too, and nothing of the user is left on the page.
    const me = await page.request.get('/api/auth/me');
    expect(me.status()).toBe(401);
    expect(await page.getByTestId('account-name').count()).toBe(0);
    await page.goto('/');
    await page.waitForURL('**/inloggen');
    await context.close();
  });

  it('a wrong password is refused without saying which part was wrong, and the page stays usable by keyboard', async () => {
    const { context, page } = await openBoard(browser, hub);
    await page.goto('/inloggen');
    await page.keyboard.press('Tab'); // skip link
    await page.locator('input[name="email"]').focus();
    await page.keyboard.type('voorzitter@bzk.demo');
    await page.keyboard.press('Tab');
    await page.keyboard.type('niet-het-wachtwoord');
    await page.keyboard.press('Enter');
    const summary = page.locator('.utrecht-alert, [role="alert"]').first();
    await summary.waitFor();
    const text = await summary.innerText();
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/wachtwoord is onjuist|e-mailadres is onbekend/i);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getByTestId('account-name').count()).toBe(0);
    await context.close();
  });

  it.each([
    'voorzitter@bzk.demo',
    'flagger@bzk.demo',
    'liaison@aivd.demo',
    'liaison@nctv.demo',
    'liaison@ncsc.demo',
    'liaison@kiesraad.demo',
    'liaison@acm.demo',
    'ambtenaar@amsterdam.demo',
    'ambtenaar@rotterdam.demo',
    'ambtenaar@utrecht.demo',
    'waarnemer@ec.demo',
    'beheer@bzk.demo',
  ])('demo user %s signs in through the board', async (email) => {
    const { context, page } = await openBoard(browser, hub);
    await signIn(page, email);
    const me = (await (await page.request.get('/api/auth/me')).json()) as { email: string };
    expect(me.email).toBe(email);
    await context.close();
  });
});
