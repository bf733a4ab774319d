import { authenticator } from 'otplib';
import type { Browser } from 'playwright-core';
import { axeViolations, BoardHub, DEMO_PASSWORD, launchBrowser, openBoard, signIn } from './support/hub';

/** The code an authenticator app shows `offsetSeconds` from now. */
function codeAt(secret: string, offsetSeconds = 0): string {
  return authenticator.clone({ epoch: Date.now() + offsetSeconds * 1000 }).generate(secret);
}

describe('two-factor sign-in', () => {
  let hub: BoardHub;
  let browser: Browser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([BoardHub.start(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('a liaison enrols an authenticator app on the security page and from then on signs in with its code', async () => {
    const email = 'liaison@kiesraad.demo';
    const { context, page } = await openBoard(browser, hub);
    await signIn(page, email);
    await page.getByRole('link', { name: 'Beveiliging' }).click();
    await page.waitForURL('**/account/beveiliging');
    expect(await page.getByTestId('totp-status').innerText()).toBe('Uit');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Inloggen in twee stappen instellen' }).click();
    const shown = page.getByTestId('totp-secret');
    await shown.waitFor();
    expect(await page.getByRole('img', { name: /QR-code/ }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    const secret = (await shown.innerText()).replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    await page.locator('#totp-confirm-code').fill(codeAt(secret));
    await page.keyboard.press('Enter');
    await page.getByText('Inloggen in twee stappen staat aan.').waitFor();
    expect(await page.getByTestId('totp-status').innerText()).toBe('Aan');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Uitloggen' }).click();
    await page.waitForURL('**/inloggen');

    // The password alone is not enough any more: the board asks for the code.
    await page.locator('input[name="email"]').fill(email);
    await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
    await page.locator('form button[type="submit"]').click();
    await page.getByTestId('code-needed').waitFor();
    expect(await page.getByTestId('account-name').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // A wrong code is refused.
    const valid = new Set([-30, 0, 30, 60].map((offset) => codeAt(secret, offset)));
    let wrong = '000000';
    while (valid.has(wrong)) wrong = String(Number(wrong) + 1).padStart(6, '0');
    await page.locator('#sign-in-code').fill(wrong);
    await page.keyboard.press('Enter');
    await page.locator('.vt-error-summary').waitFor();
    expect(await page.getByTestId('account-name').count()).toBe(0);

    // The next code of the app (the one used to enrol is never accepted twice) signs in.
    await page.locator('#sign-in-code').fill(codeAt(secret, 30));
    await page.keyboard.press('Enter');
    await page.getByTestId('account-name').waitFor();
    const me = (await (await page.request.get('/api/auth/me')).json()) as { email: string; totpEnabled: boolean };
    expect(me).toMatchObject({ email, totpEnabled: true });
    await context.close();
  });
});
