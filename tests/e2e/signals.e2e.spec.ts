import type { Browser, Page } from 'playwright-core';
import { axeViolations, BoardHub, launchBrowser, openBoard, signIn } from './support/hub';

interface CreatedSignal {
  id: string;
  version: number;
  title: string;
}

/** Waits until the board has loaded its signals (the counter is shown, the columns are there). */
async function boardLoaded(page: Page): Promise<void> {
  await page.getByTestId('board-total').waitFor();
  await page.locator('[data-testid="column"][data-status="new"]').waitFor();
  await page.waitForFunction(() => document.querySelector('.vt-columns')?.getAttribute('aria-busy') === 'false');
}

function card(page: Page, id: string) {
  return page.locator(`[data-testid="signal-card"][data-signal-id="${id}"]`);
}

describe('signals on the board', () => {
  let hub: BoardHub;
  let browser: Browser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([BoardHub.start(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('a liaison creates an AMBER signal affecting Amsterdam; Amsterdam sees it, Rotterdam does not', async () => {
    const liaison = await openBoard(browser, hub);
    await signIn(liaison.page, 'liaison@nctv.demo');
    await boardLoaded(liaison.page);
    expect(await axeViolations(liaison.page)).toEqual([]);

    await liaison.page.getByTestId('new-signal').click();
    await liaison.page.getByTestId('signal-form').waitFor();
    // The form says which election's table the signal goes to.
    expect(await liaison.page.getByTestId('form-election').innerText()).toMatch(/TK2025/);
    // The marking is a deliberate choice: nothing is preselected.
    expect(await liaison.page.locator('input[name="marking"]:checked').count()).toBe(0);
    expect(await axeViolations(liaison.page)).toEqual([]);

    // Saving without a marking names the missing fields in an error summary.
    await liaison.page.getByTestId('save-signal').click();
    await liaison.page.locator('.vt-error-summary').waitFor();
    expect(await liaison.page.locator('.vt-error-summary').innerText()).toMatch(/TLP-markering/);

    const title = 'Nepbericht: stembureau Amsterdam-Oost gesloten';
    await liaison.page.locator('#signal-title').fill(title);
    await liaison.page.locator('#signal-description').fill('Op sociale media gaat rond dat het stembureau in de Dapperbuurt dicht is.');
    await liaison.page.locator('#signal-category').selectOption('disinformation');
    await liaison.page.locator('#signal-severity').selectOption('high');
    await liaison.page.getByTestId('marking-AMBER').check();
    await liaison.page.getByTestId('municipality-GM0363').check();
    await liaison.page.getByTestId('save-signal').click();

    await liaison.page.getByTestId('signal-detail').waitFor();
    const banner = liaison.page.getByTestId('marking-banner');
    expect(await banner.getAttribute('data-marking')).toBe('AMBER');
    expect(await banner.innerText()).toContain('TLP:AMBER');
    expect(await liaison.page.getByTestId('detail-title').innerText()).toBe(title);
    expect(await liaison.page.getByTestId('detail-municipalities').innerText()).toContain('GM0363');
    expect(await axeViolations(liaison.page)).toEqual([]);
    const id = (await liaison.page.getByTestId('signal-detail').getAttribute('data-signal-id'))!;

    const amsterdam = await openBoard(browser, hub);
    await signIn(amsterdam.page, 'ambtenaar@amsterdam.demo');
    await boardLoaded(amsterdam.page);
    await card(amsterdam.page, id).waitFor();
    expect(await card(amsterdam.page, id).innerText()).toContain(title);
    expect(await card(amsterdam.page, id).getByTestId('marking-label').innerText()).toBe('TLP:AMBER');
    expect(await axeViolations(amsterdam.page)).toEqual([]);

    const rotterdam = await openBoard(browser, hub);
    await signIn(rotterdam.page, 'ambtenaar@rotterdam.demo');
    await boardLoaded(rotterdam.page);
    expect(await card(rotterdam.page, id).count()).toBe(0);
    expect(await rotterdam.page.getByText(title).count()).toBe(0);
    // Not by its address either.
    await rotterdam.page.goto(`/signalen/${id}`);
    await rotterdam.page.getByTestId('detail-not-found').waitFor();

    await Promise.all([liaison.context.close(), amsterdam.context.close(), rotterdam.context.close()]);
  });

  it('the Dutch full-text search on the board finds a signal by words of its description', async () => {
    await hub.api<CreatedSignal>('liaison@ncsc.demo', 'POST', '/signals', {
      electionId: (await hub.api<{ id: string; code: string }[]>('liaison@ncsc.demo', 'GET', '/elections')).find((e) => e.code === 'TK2025')!.id,
      title: 'DDoS op uitslagensite',
      description: 'Overbelastingsaanvallen op de website met verkiezingsuitslagen.',
      category: 'cyber',
      severity: 'medium',
      marking: 'GREEN',
    });
    const { context, page } = await openBoard(browser, hub);
    await signIn(page, 'voorzitter@bzk.demo');
    await boardLoaded(page);
    await page.getByTestId('filter-q').fill('overbelastingsaanvallen website');
    await page.getByTestId('apply-filters').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="signal-card"]').length === 1);
    expect(await page.getByTestId('signal-card').innerText()).toContain('DDoS op uitslagensite');
    await context.close();
  });

  it('a stale edit shows the conflict dialog with the current version, and loading it replaces the form', async () => {
    const electionId = (await hub.api<{ id: string; code: string }[]>('liaison@nctv.demo', 'GET', '/elections')).find(
      (e) => e.code === 'TK2025',
    )!.id;
    const created = await hub.api<CreatedSignal>('liaison@nctv.demo', 'POST', '/signals', {
      electionId,
      title: 'Bedreiging van een lijsttrekker',
      description: 'Dreigberichten tegen een lijsttrekker in Utrecht.',
      category: 'threat_to_persons',
      severity: 'high',
      marking: 'AMBER',
    });

    const first = await openBoard(browser, hub);
    const second = await openBoard(browser, hub);
    await Promise.all([signIn(first.page, 'liaison@nctv.demo'), signIn(second.page, 'liaison@nctv.demo')]);
    for (const { page } of [first, second]) {
      await page.goto(`/signalen/${created.id}/bewerken`);
      await page.getByTestId('signal-form').waitFor();
      await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('#signal-title')?.value ?? '') !== '');
    }

    await second.page.locator('#signal-title').fill('Bedreiging van een lijsttrekker (bevestigd)');
    await second.page.getByTestId('save-signal').click();
    await second.page.getByTestId('signal-detail').waitFor();

    await first.page.locator('#signal-title').fill('Bedreiging van een lijsttrekker (mijn versie)');
    await first.page.getByTestId('save-signal').click();
    const dialog = first.page.getByTestId('conflict-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await first.page.getByTestId('conflict-current-title').innerText()).toBe('Bedreiging van een lijsttrekker (bevestigd)');
    // The user's own input is still there behind the dialog.
    expect(await first.page.locator('#signal-title').inputValue()).toBe('Bedreiging van een lijsttrekker (mijn versie)');
    expect(await axeViolations(first.page)).toEqual([]);

    await first.page.getByTestId('conflict-reload').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await first.page.locator('#signal-title').inputValue()).toBe('Bedreiging van een lijsttrekker (bevestigd)');

    // Saved on top of the current version, the edit goes through.
    await first.page.locator('#signal-severity').selectOption('critical');
    await first.page.getByTestId('save-signal').click();
    await first.page.getByTestId('signal-detail').waitFor();
    const stored = await hub.api<{ severity: string; version: number; title: string }>('liaison@nctv.demo', 'GET', `/signals/${created.id}`);
    expect(stored).toMatchObject({ severity: 'critical', title: 'Bedreiging van een lijsttrekker (bevestigd)', version: 3 });

    await Promise.all([first.context.close(), second.context.close()]);
  });

  it('the detail page offers only the transitions the ability allows, and a comment lands on the timeline', async () => {
    const electionId = (await hub.api<{ id: string; code: string }[]>('liaison@acm.demo', 'GET', '/elections')).find((e) => e.code === 'TK2025')!.id;
    const created = await hub.api<CreatedSignal>('liaison@acm.demo', 'POST', '/signals', {
      electionId,
      title: 'Misleidende politieke advertentie',
      description: 'Advertentie met een valse datum van de verkiezing.',
      category: 'political_advertising',
      severity: 'low',
      marking: 'GREEN',
    });

    // The owner's liaison cannot triage a new signal (the chair's move) but can comment.
    const owner = await openBoard(browser, hub);
    await signIn(owner.page, 'liaison@acm.demo');
    await owner.page.goto(`/signalen/${created.id}`);
    await owner.page.getByTestId('signal-detail').waitFor();
    expect(await owner.page.getByTestId('transition').count()).toBe(0);
    await owner.page.locator('#comment-text').fill('Advertentie is bij het platform gemeld.');
    await owner.page.getByTestId('add-comment').click();
    await owner.page.getByText('Advertentie is bij het platform gemeld.').waitFor();

    // The chair triages it.
    const chair = await openBoard(browser, hub);
    await signIn(chair.page, 'voorzitter@bzk.demo');
    await chair.page.goto(`/signalen/${created.id}`);
    await chair.page.getByTestId('signal-detail').waitFor();
    const offered = await chair.page.getByTestId('transition').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-to')));
    expect(offered.sort()).toEqual(['duplicate', 'rejected', 'triaged']);
    expect(await chair.page.getByTestId('edit-signal').count()).toBe(0);
    await chair.page.locator('[data-testid="transition"][data-to="triaged"]').click();
    await chair.page.waitForFunction(() => document.querySelector('[data-testid="detail-status"]')?.getAttribute('data-status') === 'triaged');
    expect(await axeViolations(chair.page)).toEqual([]);

    await Promise.all([owner.context.close(), chair.context.close()]);
  });
});
