import type { Browser, Page } from 'playwright-core';
import { axeViolations, BoardHub, launchBrowser, openBoard, signIn } from './support/hub';

interface CreatedSignal {
  id: string;
  version: number;
}

async function openSignal(page: Page, id: string): Promise<void> {
  await page.goto(`/signalen/${id}`);
  await page.getByTestId('signal-detail').waitFor();
}

describe('working on a signal: measures and platform reports', () => {
  let hub: BoardHub;
  let browser: Browser;
  let electionId: string;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([BoardHub.start(), launchBrowser()]);
    electionId = (await hub.api<{ id: string; code: string }[]>('liaison@nctv.demo', 'GET', '/elections')).find((e) => e.code === 'TK2025')!.id;
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  async function newSignal(title: string): Promise<CreatedSignal> {
    return hub.api<CreatedSignal>('liaison@nctv.demo', 'POST', '/signals', {
      electionId,
      title,
      description: 'Berichten met een onjuiste uitleg over het stemmen.',
      category: 'process_integrity',
      severity: 'high',
      marking: 'GREEN',
      platforms: ['x'],
    });
  }

  it("the chair adds a measure for NCTV, and NCTV's liaison marks it done", async () => {
    const created = await newSignal('Onjuiste uitleg: stemmen met een kopie van het paspoort');

    const chair = await openBoard(browser, hub);
    await signIn(chair.page, 'voorzitter@bzk.demo');
    await openSignal(chair.page, created.id);
    await chair.page.locator('#measure-description').fill('Rectificatie publiceren via de kanalen van de Kiesraad');
    await chair.page.locator('#measure-owner').selectOption('NCTV');
    await chair.page.locator('#measure-due').fill('2025-10-27');
    await chair.page.getByTestId('add-measure').click();

    const measure = chair.page.getByTestId('measure').filter({ hasText: 'Rectificatie publiceren' });
    await measure.waitFor();
    expect(await measure.getByTestId('measure-status').getAttribute('data-status')).toBe('open');
    expect(await chair.page.getByTestId('detail-notice').innerText()).toContain('De maatregel is toegevoegd.');
    expect(await axeViolations(chair.page)).toEqual([]);

    const liaison = await openBoard(browser, hub);
    await signIn(liaison.page, 'liaison@nctv.demo');
    await openSignal(liaison.page, created.id);
    const own = liaison.page.getByTestId('measure').filter({ hasText: 'Rectificatie publiceren' });
    await own.waitFor();
    // Keyboard alone: focus the button and press Enter.
    await own.getByTestId('measure-done').focus();
    await liaison.page.keyboard.press('Enter');
    await liaison.page.waitForFunction(
      () => document.querySelector('[data-testid="measure-status"]')?.getAttribute('data-status') === 'done',
    );
    expect(await own.getByTestId('measure-done').count()).toBe(0);
    expect(await liaison.page.getByTestId('detail-notice').innerText()).toContain('is gereed gemeld');

    // The chair's page follows live, and the API agrees.
    await chair.page.waitForFunction(
      () => document.querySelector('[data-testid="measure-status"]')?.getAttribute('data-status') === 'done',
    );
    const measures = await hub.api<{ description: string; status: string }[]>('voorzitter@bzk.demo', 'GET', `/signals/${created.id}/measures`);
    expect(measures).toEqual([expect.objectContaining({ description: 'Rectificatie publiceren via de kanalen van de Kiesraad', status: 'done' })]);

    await Promise.all([chair.context.close(), liaison.context.close()]);
  });

  it('the flagger reports a post to a platform and records its outcome; a liaison of another agency sees the report but no form', async () => {
    const created = await newSignal('Bericht: "schrijf de naam van de lijsttrekker op het stembiljet"');

    const flagger = await openBoard(browser, hub);
    await signIn(flagger.page, 'flagger@bzk.demo');
    await openSignal(flagger.page, created.id);
    const section = flagger.page.getByTestId('platform-reports');
    await section.getByTestId('reports-empty').waitFor();
    const form = flagger.page.getByTestId('platform-report-form');

    // Nothing filled in: every required field is named in the summary and marked invalid.
    await form.getByTestId('add-platform-report').click();
    const summary = section.locator('.vt-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/Kies het platform[\s\S]*link[\s\S]*grond van de melding/i);
    expect(await flagger.page.locator('#report-url').getAttribute('aria-invalid')).toBe('true');

    // A link the API refuses comes back on its own field (problem+json errors).
    await flagger.page.locator('#report-platform').selectOption('x');
    await flagger.page.locator('#report-url').fill('https://nepbericht');
    await flagger.page.locator('#report-ground').fill('Onjuiste uitleg over hoe te stemmen: de stem wordt ongeldig.');
    await form.getByTestId('add-platform-report').click();
    await flagger.page.locator('#report-url-error').waitFor();
    expect(await summary.innerText()).toContain('Vul een link in die begint met https://');
    expect(await flagger.page.locator('#report-platform').getAttribute('aria-invalid')).toBeNull();

    await flagger.page.locator('#report-url').fill('https://x.com/nepnieuws/status/1850000000000000000');
    await form.getByTestId('add-platform-report').click();
    const row = section.getByTestId('platform-report');
    await row.waitFor();
    expect(await section.getByTestId('reports-notice').innerText()).toBe('De melding bij X is vastgelegd.');
    expect(await row.getByTestId('report-platform').innerText()).toContain('X');
    expect(await row.getByTestId('report-url').getAttribute('href')).toBe('https://x.com/nepnieuws/status/1850000000000000000');
    expect(await row.getByTestId('report-ground').innerText()).toContain('de stem wordt ongeldig');
    expect(await row.getAttribute('data-outcome')).toBe('pending');
    expect(await row.getByTestId('report-outcome').innerText()).toBe('In afwachting');
    expect(await row.getByTestId('report-responded-at').innerText()).toBe('–');
    expect(await summary.count()).toBe(0);
    expect(await axeViolations(flagger.page)).toEqual([]);

    // Another agency's liaison reads the report with the signal, without any way to change it.
    const liaison = await openBoard(browser, hub);
    await signIn(liaison.page, 'liaison@nctv.demo');
    await openSignal(liaison.page, created.id);
    const seen = liaison.page.getByTestId('platform-report');
    await seen.waitFor();
    expect(await seen.getAttribute('data-outcome')).toBe('pending');
    expect(await liaison.page.getByTestId('platform-report-form').count()).toBe(0);
    expect(await liaison.page.getByTestId('report-record').count()).toBe(0);
    expect(await liaison.page.getByTestId('report-outcome-choice').count()).toBe(0);
    await liaison.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();

    // The platform removed the post: the flagger records it, by keyboard.
    await row.getByTestId('report-outcome-choice').selectOption('removed');
    await row.getByTestId('report-outcome-choice').focus();
    await flagger.page.keyboard.press('Tab');
    expect(await flagger.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('report-record');
    await flagger.page.keyboard.press('Enter');
    await flagger.page.waitForFunction(
      () => document.querySelector('[data-testid="platform-report"]')?.getAttribute('data-outcome') === 'removed',
    );
    expect(await section.getByTestId('reports-notice').innerText()).toBe('De uitkomst van melding 1 is vastgelegd: Verwijderd.');
    expect(await row.getByTestId('report-responded-at').innerText()).not.toBe('–');
    expect(await axeViolations(flagger.page)).toEqual([]);

    // The liaison's page follows without a reload.
    await liaison.page.waitForFunction(
      () => document.querySelector('[data-testid="platform-report"]')?.getAttribute('data-outcome') === 'removed',
    );
    expect(await seen.getByTestId('report-outcome').innerText()).toBe('Verwijderd');
    expect(await axeViolations(liaison.page)).toEqual([]);

    const reports = await hub.api<{ outcome: string; respondedAt: string | null }[]>(
      'liaison@nctv.demo',
      'GET',
      `/signals/${created.id}/platform-reports`,
    );
    expect(reports).toEqual([expect.objectContaining({ outcome: 'removed', respondedAt: expect.any(String) })]);

    await Promise.all([flagger.context.close(), liaison.context.close()]);
  });
});
