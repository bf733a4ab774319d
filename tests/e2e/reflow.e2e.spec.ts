import type { Browser, Page } from 'playwright-core';
import { BoardHub, launchBrowser, openBoard, signIn } from './support/hub';

/** Elements that stick out of the viewport, outside the data tables (which scroll in their own region). */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const element of Array.from(document.querySelectorAll('body *'))) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1 && !element.closest('table')) {
        out.push(`${element.tagName.toLowerCase()}.${Array.from(element.classList).join('.')}`);
      }
    }
    if (document.documentElement.scrollWidth > width) out.unshift(`page ${document.documentElement.scrollWidth}px wide`);
    return out.slice(0, 10);
  });
}

describe('reflow (WCAG 1.4.10): every page fits 320 CSS pixels without scrolling sideways', () => {
  let hub: BoardHub;
  let browser: Browser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([BoardHub.start(), launchBrowser()]);
    // A change on the audit trail, so that its table has a row to reflow.
    const electionId = (await hub.api<{ id: string; code: string }[]>('liaison@ncsc.demo', 'GET', '/elections')).find((e) => e.code === 'TK2025')!.id;
    await hub.api('liaison@ncsc.demo', 'POST', '/signals', {
      electionId,
      title: 'Een lange titel van een signaal die op een smal scherm over meerdere regels moet vallen',
      description: '',
      category: 'cyber',
      severity: 'low',
      marking: 'GREEN',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it.each([320, 1280])('at %i px the chair reads the sign-in page, board, a signal, the form, elections, audit and security pages', async (width) => {
    const { context, page } = await openBoard(browser, hub);
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/inloggen');
    await page.locator('input[name="email"]').waitFor();
    expect(await overflowing(page)).toEqual([]);
    await signIn(page, 'voorzitter@bzk.demo');
    await page.getByTestId('column').first().waitFor();
    expect(await overflowing(page)).toEqual([]);

    await page.getByTestId('signal-card').first().locator('a').first().click();
    await page.getByTestId('signal-detail').waitFor();
    expect(await overflowing(page)).toEqual([]);

    for (const [path, ready] of [
      ['/signalen/nieuw', 'signal-form'],
      ['/verkiezingen', 'elections-table'],
      ['/audit', 'audit-table'],
    ] as const) {
      await page.goto(path);
      await page.getByTestId(ready).waitFor();
      expect(await overflowing(page)).toEqual([]);
    }
    await page.goto('/account/beveiliging');
    await page.locator('h1').waitFor();
    expect(await overflowing(page)).toEqual([]);
    await context.close();
  });
});
