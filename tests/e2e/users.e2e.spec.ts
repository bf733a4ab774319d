import type { Browser, Page } from 'playwright-core';
import { axeViolations, BoardHub, launchBrowser, openBoard, signIn } from './support/hub';

/*
 * User administration in the board (issue: an administrator who can run the hub): from a new
 * account through its invitation mail to the user's first sign-in, and a change of access that
 * reaches the user's open board at once.
 */

const LINK = /(\/uitnodiging#[A-Za-z0-9_-]{20,})/;

async function expectNoAxeViolations(page: Page): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page)).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function invitationLink(hub: BoardHub, email: string, atLeast = 1): Promise<string> {
  const mails = await hub.mailsTo(email, atLeast);
  const match = LINK.exec(mails[mails.length - 1]!.text ?? '');
  if (!match) throw new Error(`no invitation link in the mail to ${email}`);
  return match[1]!;
}

describe('user administration in the board', () => {
  let hub: BoardHub;
  let browser: Browser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([BoardHub.start(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('the administrator creates a user, who sets a password through the mailed link and signs in', async () => {
    const admin = await openBoard(browser, hub);
    await signIn(admin.page, 'beheer@bzk.demo');
    await admin.page.getByTestId('nav-users').click();
    await admin.page.waitForURL('**/beheer/gebruikers');
    await admin.page.getByTestId('users-table').waitFor();
    await expectNoAxeViolations(admin.page);

    // Search narrows the list, and the URL keeps it.
    await admin.page.getByTestId('users-search').fill('amsterdam');
    await admin.page.getByTestId('users-apply').click();
    await admin.page.waitForURL(/q=amsterdam/);
    await admin.page.waitForFunction(() => document.querySelectorAll('[data-testid="user-row"]').length === 1);
    expect(await admin.page.getByTestId('user-row').getAttribute('data-email')).toBe('ambtenaar@amsterdam.demo');

    await admin.page.getByTestId('new-user').click();
    await admin.page.waitForURL('**/beheer/gebruikers/nieuw');
    // Nothing is marked invalid on a fresh form.
    expect(await admin.page.locator('[aria-invalid="true"]').count()).toBe(0);
    await expectNoAxeViolations(admin.page);

    // Sent empty: the summary takes focus, each field says what is wrong, in Dutch.
    await admin.page.getByTestId('create-user').click();
    const summary = admin.page.locator('vt-error-summary [role="alert"]');
    await summary.waitFor();
    expect(await summary.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await admin.page.locator('#user-email-error').innerText()).toBe('Vul het e-mailadres in.');
    expect(await admin.page.locator('#user-roles-error').innerText()).toBe('Kies ten minste één rol.');
    await expectNoAxeViolations(admin.page);

    const email = 'j.de.vries@nctv.example';
    await admin.page.locator('#user-email').fill(email);
    await admin.page.locator('#user-name').fill('Jasmijn de Vries');
    await admin.page.locator('#user-agency').selectOption('NCTV');
    await admin.page.locator('#user-role-liaison').check();
    await admin.page.locator('#user-clearance').selectOption('DEP_V');
    await admin.page.getByTestId('create-user').click();
    await admin.page.getByTestId('user-created').waitFor();
    expect(await admin.page.getByTestId('user-state').innerText()).toBe('Uitgenodigd');
    expect(await admin.page.getByTestId('user-name').innerText()).toBe('Jasmijn de Vries');
    expect(await admin.page.getByTestId('user-invitation').innerText()).toContain('De link werkt tot');
    await expectNoAxeViolations(admin.page);

    // A second account with the same address is refused at the field.
    await admin.page.goto('/beheer/gebruikers/nieuw');
    await admin.page.locator('#user-email').fill(email.toUpperCase());
    await admin.page.locator('#user-name').fill('Nog een keer');
    await admin.page.locator('#user-agency').selectOption('NCTV');
    await admin.page.locator('#user-role-liaison').check();
    await admin.page.getByTestId('create-user').click();
    await admin.page.locator('#user-email-error').waitFor();
    expect(await admin.page.locator('#user-email-error').innerText()).toBe('Er is al een account met dit e-mailadres.');

    // The invited user, in a browser of its own, follows the link from the mail.
    const mail = (await hub.mailsTo(email))[0]!;
    expect(mail.subject).toContain('Uitnodiging voor de Verkiezingstafel');
    const link = await invitationLink(hub, email);
    const invited = await openBoard(browser, hub);
    await invited.page.goto(link);
    await invited.page.getByTestId('invitation-for').waitFor();
    expect(await invited.page.getByTestId('invitation-for').innerText()).toContain('Jasmijn de Vries');
    // The token leaves the address bar at once.
    expect(new URL(invited.page.url()).hash).toBe('');
    await expectNoAxeViolations(invited.page);

    await invited.page.locator('#invitation-password').fill('een zin van vier woorden');
    await invited.page.locator('#invitation-repeat').fill('een andere zin');
    await invited.page.getByTestId('invitation-submit').click();
    await invited.page.locator('#invitation-repeat-error').waitFor();
    expect(await invited.page.locator('#invitation-repeat-error').innerText()).toBe('De twee wachtwoorden zijn niet gelijk.');
    await invited.page.locator('#invitation-repeat').fill('een zin van vier woorden');
    await invited.page.getByTestId('invitation-submit').click();
    await invited.page.getByTestId('invitation-done').waitFor();
    await expectNoAxeViolations(invited.page);

    await signIn(invited.page, email, 'een zin van vier woorden');
    expect(await invited.page.getByTestId('account-name').innerText()).toContain('Jasmijn de Vries');

    // The link works once.
    const again = await openBoard(browser, hub);
    await again.page.goto(link);
    await again.page.getByTestId('invitation-spent').waitFor();
    expect(await again.page.getByTestId('invitation-spent').innerText()).toContain('al gebruikt');

    // The administrator sees the account active now.
    await admin.page.goto('/beheer/gebruikers?state=active&q=vries');
    await admin.page.locator('[data-testid="user-row"][data-email="j.de.vries@nctv.example"]').waitFor();
    for (const open of [admin, invited, again]) await open.context.close();
  });

  it("a change of clearance takes a card off that user's open board at once", async () => {
    const electionId = (await hub.api<{ id: string; code: string }[]>('liaison@aivd.demo', 'GET', '/elections')).find((e) => e.code === 'TK2025')!.id;
    const depv = await hub.api<{ id: string }>('liaison@aivd.demo', 'POST', '/signals', {
      electionId,
      title: 'Departementaal vertrouwelijke waarneming',
      description: 'Alleen voor wie de rubricering heeft.',
      category: 'foreign_interference',
      severity: 'high',
      marking: 'GREEN',
      classification: 'DEP_V',
    });

    const liaison = await openBoard(browser, hub);
    await signIn(liaison.page, 'liaison@nctv.demo');
    const card = liaison.page.locator(`[data-testid="signal-card"][data-signal-id="${depv.id}"]`);
    await card.waitFor();
    await liaison.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();

    const admin = await openBoard(browser, hub);
    await signIn(admin.page, 'beheer@bzk.demo');
    await admin.page.goto('/beheer/gebruikers?q=liaison%40nctv.demo');
    await admin.page.locator('[data-testid="user-row"][data-email="liaison@nctv.demo"] a').click();
    await admin.page.getByTestId('user-form').waitFor();
    await admin.page.locator('#user-clearance').selectOption('NONE');
    await admin.page.getByTestId('save-user').click();
    await admin.page.getByTestId('user-notice').getByText('De wijzigingen zijn opgeslagen').waitFor();

    // Without a reload, the card is gone from the liaison's board.
    await card.waitFor({ state: 'detached' });
    expect(await liaison.page.locator(`[data-signal-id="${depv.id}"]`).count()).toBe(0);

    // The administrator's own access is not offered for change.
    await admin.page.goto('/beheer/gebruikers?q=beheer');
    await admin.page.locator('[data-testid="user-row"][data-email="beheer@bzk.demo"] a').click();
    await admin.page.getByTestId('own-account').waitFor();
    expect(await admin.page.getByTestId('deactivate').count()).toBe(0);
    await expectNoAxeViolations(admin.page);
    for (const open of [admin, liaison]) await open.context.close();
  });

  it('the chair reads the audit trail in words, changes apart from reads, and downloads it as CSV', async () => {
    const chair = await openBoard(browser, hub);
    await signIn(chair.page, 'voorzitter@bzk.demo');
    await chair.page.getByTestId('nav-audit').click();
    await chair.page.getByTestId('audit-table').waitFor();
    const actions = await chair.page.getByTestId('audit-event').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(actions).not.toContain('signal.read');
    expect(actions).toContain('signal.create');
    expect(await chair.page.getByTestId('audit-event').filter({ hasText: 'Signaal gemeld' }).count()).toBeGreaterThan(0);
    await expectNoAxeViolations(chair.page);

    await chair.page.getByTestId('audit-kind-read').click();
    await chair.page.waitForURL(/kind=read/);
    await chair.page.waitForFunction(() => !document.querySelector('[data-testid="audit-count"]')?.textContent?.includes('Laden'));
    const reads = await chair.page.getByTestId('audit-event').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(reads.every((action) => action === 'signal.read' || action === 'audit.export')).toBe(true);

    // A filter lives in the URL and survives a reload, as a removable chip.
    await chair.page.getByTestId('audit-kind-change').click();
    await chair.page.getByTestId('audit-action').selectOption('signal.create');
    await chair.page.getByTestId('audit-apply-filter').click();
    await chair.page.waitForURL(/action=signal.create/);
    await chair.page.reload();
    await chair.page.getByTestId('audit-table').waitFor();
    expect(await chair.page.locator('.vt-chip').first().innerText()).toContain('Signaal gemeld');
    const filtered = await chair.page.getByTestId('audit-event').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(new Set(filtered)).toEqual(new Set(['signal.create']));

    const [download] = await Promise.all([chair.page.waitForEvent('download'), chair.page.getByTestId('audit-export').click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(path!, 'utf8');
    expect(csv.startsWith('\uFEFFVolgnummer;Tijdstip (UTC);Soort;Handeling')).toBe(true);
    expect(csv).toContain('Signaal gemeld');
    expect(csv).not.toContain('Maatregel toegevoegd');
    await chair.context.close();
  });
});
