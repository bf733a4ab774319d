import type { Browser } from 'playwright-core';
import { axeViolations, BoardHub, launchBrowser, openBoard, signIn } from './support/hub';

describe('administration: the audit trail and elections', () => {
  let hub: BoardHub;
  let browser: Browser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([BoardHub.start(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('the chair opens the audit trail from the menu, filters it on one record and verifies the chain', async () => {
    const electionId = (await hub.api<{ id: string; code: string }[]>('liaison@ncsc.demo', 'GET', '/elections')).find(
      (e) => e.code === 'TK2025',
    )!.id;
    const created = await hub.api<{ id: string }>('liaison@ncsc.demo', 'POST', '/signals', {
      electionId,
      title: 'Phishingmails uit naam van de Kiesraad',
      description: 'Mails vragen stembureauleden om in te loggen op een nepsite.',
      category: 'cyber',
      severity: 'medium',
      marking: 'GREEN',
    });

    const { context, page } = await openBoard(browser, hub);
    await signIn(page, 'voorzitter@bzk.demo');
    await page.getByTestId('nav-audit').click();
    await page.waitForURL('**/audit');
    await page.getByTestId('audit-table').waitFor();
    expect(await page.locator('h1').innerText()).toBe('Audittrail');
    expect(await page.title()).toBe('Audittrail | Verkiezingstafel');
    expect(await page.getByTestId('audit-event').count()).toBeGreaterThan(0);
    // Newest first.
    const seqs = await page.getByTestId('audit-event').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(await axeViolations(page)).toEqual([]);

    // Only the events about the new signal, in words, with its creator's name and agency.
    await page.getByTestId('audit-filter').fill(created.id);
    await page.getByTestId('audit-apply-filter').click();
    await page.waitForURL(new RegExp(`entityId=${created.id}`));
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="audit-event"]'));
      return rows.length > 0 && rows.every((row) => row.textContent?.includes('Phishingmails uit naam van de Kiesraad'));
    });
    const rows = page.getByTestId('audit-event');
    expect(await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-action')))).toEqual(['signal.create']);
    const row = await rows.filter({ hasText: 'Signaal gemeld' }).innerText();
    expect(row).toContain('Fatima El Amrani (Nationaal Cyber Security Centrum)');
    // The record by its title, as a link to the signal.
    expect(await rows.first().getByRole('link', { name: 'Phishingmails uit naam van de Kiesraad' }).getAttribute('href')).toBe(`/signalen/${created.id}`);

    await page.getByTestId('verify-chain').click();
    const verification = page.getByTestId('verification');
    await verification.waitFor();
    expect(await verification.getAttribute('data-ok')).toBe('true');
    const checked = Number(await verification.getAttribute('data-checked'));
    expect(checked).toBeGreaterThan(0);
    expect(await verification.innerText()).toBe(`De keten is intact: ${checked} gebeurtenissen gecontroleerd.`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('a liaison has no audit trail: no menu item, and its address leads to the board', async () => {
    const { context, page } = await openBoard(browser, hub);
    await signIn(page, 'liaison@nctv.demo');
    await page.getByTestId('nav-elections').waitFor();
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    await page.goto('/audit');
    await page.getByTestId('board-total').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();
  });

  it('the administrator creates an exercise election, with field errors from the API, and sees it marked as an exercise', async () => {
    const { context, page } = await openBoard(browser, hub);
    await signIn(page, 'beheer@bzk.demo');
    await page.getByTestId('nav-elections').click();
    await page.waitForURL('**/verkiezingen');
    await page.locator('[data-testid="election"][data-code="TK2025"]').waitFor();
    const form = page.getByTestId('election-form');
    await form.waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Empty: the summary names every required field.
    await form.getByTestId('create-election').click();
    const summary = page.locator('.vt-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(/Vul code in[\s\S]*Vul naam in[\s\S]*Kies soort verkiezing[\s\S]*geldige datum/);
    expect(await axeViolations(page)).toEqual([]);

    // A code that exists already: the API's 409 lands on the code field.
    await page.locator('#election-code').fill('TK2025');
    await page.locator('#election-name').fill('Oefening gemeenteraadsverkiezingen 2026');
    await page.locator('#election-type').selectOption('GR');
    await page.locator('#election-day').fill('2026-03-18');
    await form.getByTestId('create-election').click();
    await page.getByTestId('election-code-error').waitFor();
    expect(await page.getByTestId('election-code-error').innerText()).toBe('Er bestaat al een verkiezing met de code TK2025.');
    expect(await page.locator('#election-code').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#election-code').getAttribute('aria-describedby')).toContain('election-code-error');
    expect(await page.locator('#election-name').getAttribute('aria-invalid')).toBeNull();

    // Corrected: an exercise for two municipalities, with its polling day as a milestone.
    await page.locator('#election-code').fill('gr2026-oefening');
    await page.locator('#election-phase').selectOption('campaign');
    await page.locator('#election-exercise').check();
    await page.locator('#election-scope-some').check();
    await page.locator('#election-municipality-GM0363').check();
    await page.locator('#election-municipality-GM0344').check();
    await page.locator('#election-milestone-polling_day').fill('2026-03-18');
    await form.getByTestId('create-election').click();

    await page.getByTestId('election-created').waitFor();
    expect(await page.getByTestId('election-created').innerText()).toBe('De verkiezing GR2026-OEFENING is aangemaakt.');
    const row = page.locator('[data-testid="election"][data-code="GR2026-OEFENING"]');
    await row.waitFor();
    expect(await row.getAttribute('data-exercise')).toBe('true');
    expect(await row.getByTestId('exercise-badge').innerText()).toBe('Oefening');
    expect(await row.innerText()).toMatch(/Gemeenteraad[\s\S]*Campagne[\s\S]*2 gemeenten[\s\S]*Dag van stemming/);
    // The form is empty again, ready for the next one.
    expect(await page.locator('#election-code').inputValue()).toBe('');
    expect(await axeViolations(page)).toEqual([]);

    const stored = (await hub.api<{ code: string; exercise: boolean; municipalities: string[]; phase: string }[]>('beheer@bzk.demo', 'GET', '/elections')).find(
      (e) => e.code === 'GR2026-OEFENING',
    );
    expect(stored).toMatchObject({ exercise: true, phase: 'campaign', municipalities: ['GM0344', 'GM0363'] });

    // On the board, choosing it shows the exercise in the heading, the banner and the choice.
    await page.getByRole('link', { name: 'Situatiebeeld' }).click();
    await page.locator('#board-election').waitFor();
    const option = await page.locator('#board-election option').filter({ hasText: 'GR2026-OEFENING' }).innerText();
    expect(option).toContain('(Oefening)');
    const id = await page.locator('#board-election option').filter({ hasText: 'GR2026-OEFENING' }).getAttribute('value');
    await page.locator('#board-election').selectOption(id!);
    await page.getByTestId('exercise-banner').waitFor();
    expect(await page.getByTestId('exercise-banner').innerText()).toContain('GR2026-OEFENING is geen echte verkiezing');
    expect(await page.locator('h1').innerText()).toContain('GR2026-OEFENING (oefening)');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('a liaison reads the elections, the exercise marked as such, and is offered no form to create one', async () => {
    await hub.api('beheer@bzk.demo', 'POST', '/elections', {
      code: 'PS2027-OEFENING',
      name: 'Oefening Provinciale Statenverkiezingen 2027',
      type: 'PS',
      electionDay: '2027-03-17',
      exercise: true,
    });
    const { context, page } = await openBoard(browser, hub);
    await signIn(page, 'liaison@kiesraad.demo');
    await page.getByTestId('nav-elections').click();
    await page.locator('[data-testid="election"][data-code="TK2025"]').waitFor();
    expect(await page.getByTestId('election-form').count()).toBe(0);
    expect(await page.getByTestId('create-election').count()).toBe(0);
    const exercise = page.locator('[data-testid="election"][data-code="PS2027-OEFENING"]');
    expect(await exercise.getByTestId('exercise-badge').innerText()).toBe('Oefening');
    expect(await page.locator('[data-testid="election"][data-code="TK2025"]').getByTestId('exercise-badge').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
