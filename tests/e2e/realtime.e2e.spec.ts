import type { Browser, Page } from 'playwright-core';
import { axeViolations, BoardHub, launchBrowser, openBoard, signIn } from './support/hub';

interface CreatedSignal {
  id: string;
  version: number;
}

async function boardLive(page: Page): Promise<void> {
  await page.getByTestId('board-total').waitFor();
  await page.waitForFunction(() => document.querySelector('.vt-columns')?.getAttribute('aria-busy') === 'false');
  await page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();
}

function card(page: Page, id: string) {
  return page.locator(`[data-testid="signal-card"][data-signal-id="${id}"]`);
}

describe('live boards', () => {
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

  it("a liaison's status change appears on the chair's board without a reload, highlighted and counted", async () => {
    const created = await hub.api<CreatedSignal>('liaison@nctv.demo', 'POST', '/signals', {
      electionId,
      title: 'Gecoördineerde nepaccounts rond het debat',
      description: 'Een netwerk van nepaccounts verspreidt dezelfde berichten.',
      category: 'foreign_interference',
      severity: 'high',
      marking: 'AMBER',
    });
    const triaged = await hub.api<CreatedSignal>('voorzitter@bzk.demo', 'POST', `/signals/${created.id}/transitions`, {
      to: 'triaged',
      version: created.version,
    });
    expect(triaged.version).toBe(created.version + 1);

    const chair = await openBoard(browser, hub);
    await signIn(chair.page, 'voorzitter@bzk.demo');
    await boardLive(chair.page);
    const triagedColumn = chair.page.locator('[data-testid="column"][data-status="triaged"]');
    const progressColumn = chair.page.locator('[data-testid="column"][data-status="in_progress"]');
    await triagedColumn.locator(`[data-signal-id="${created.id}"]`).waitFor();
    const countBefore = Number(await progressColumn.getByTestId('column-count').innerText());
    expect(await axeViolations(chair.page)).toEqual([]);
    // Marks the page so that a reload would be noticed.
    await chair.page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const liaison = await openBoard(browser, hub);
    await signIn(liaison.page, 'liaison@nctv.demo');
    await liaison.page.goto(`/signalen/${created.id}`);
    await liaison.page.getByTestId('signal-detail').waitFor();
    await liaison.page.locator('[data-testid="transition"][data-to="in_progress"]').click();
    await liaison.page.waitForFunction(() => document.querySelector('[data-testid="detail-status"]')?.getAttribute('data-status') === 'in_progress');

    await progressColumn.locator(`[data-signal-id="${created.id}"]`).waitFor();
    expect(await triagedColumn.locator(`[data-signal-id="${created.id}"]`).count()).toBe(0);
    expect(Number(await progressColumn.getByTestId('column-count').innerText())).toBe(countBefore + 1);
    expect(await card(chair.page, created.id).getAttribute('data-highlighted')).toBe('true');
    expect(await chair.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // Someone else changed it: it counts as new since the chair looked, until marked as seen.
    await card(chair.page, created.id).getByTestId('new-badge').waitFor();
    await chair.page.getByTestId('mark-seen').click();
    // The badge goes once the board has rendered the change (the click does not wait for that).
    await card(chair.page, created.id).getByTestId('new-badge').waitFor({ state: 'detached' });
    expect(await card(chair.page, created.id).getByTestId('new-badge').count()).toBe(0);

    await Promise.all([chair.context.close(), liaison.context.close()]);
  });

  it("tightening a marking removes the card from the Amsterdam user's board, live", async () => {
    const created = await hub.api<CreatedSignal>('liaison@nctv.demo', 'POST', '/signals', {
      electionId,
      title: 'Dreiging tegen stembureau Amsterdam-Noord',
      description: 'Oproep op een forum om het stembureau te verstoren.',
      category: 'physical_security',
      severity: 'critical',
      marking: 'AMBER',
      affectedMunicipalities: ['GM0363'],
    });

    const amsterdam = await openBoard(browser, hub);
    await signIn(amsterdam.page, 'ambtenaar@amsterdam.demo');
    await boardLive(amsterdam.page);
    await card(amsterdam.page, created.id).waitFor();

    const liaison = await openBoard(browser, hub);
    await signIn(liaison.page, 'liaison@nctv.demo');
    await liaison.page.goto(`/signalen/${created.id}/bewerken`);
    await liaison.page.getByTestId('signal-form').waitFor();
    await liaison.page.waitForFunction(() => (document.querySelector<HTMLInputElement>('#signal-title')?.value ?? '') !== '');
    await liaison.page.getByTestId('marking-RED').check();
    await liaison.page.getByTestId('save-signal').click();
    await liaison.page.getByTestId('signal-detail').waitFor();
    expect(await liaison.page.getByTestId('marking-banner').getAttribute('data-marking')).toBe('RED');

    await card(amsterdam.page, created.id).waitFor({ state: 'detached' });
    expect(await amsterdam.page.getByText('Dreiging tegen stembureau Amsterdam-Noord').count()).toBe(0);
    expect(await amsterdam.page.getByTestId('connection-state').getAttribute('data-state')).toBe('live');

    await Promise.all([amsterdam.context.close(), liaison.context.close()]);
  });

  it('after a network drop the board reconnects, catches up on what it missed and is live again', async () => {
    const chair = await openBoard(browser, hub);
    // Keep hold of the page's WebSockets, so the test can cut them as a dropped network would.
    await chair.context.addInitScript(() => {
      const sockets: WebSocket[] = [];
      (window as unknown as { vtSockets: WebSocket[] }).vtSockets = sockets;
      const Native = window.WebSocket;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
    await signIn(chair.page, 'voorzitter@bzk.demo');
    await boardLive(chair.page);

    await chair.context.setOffline(true);
    await chair.page.evaluate(() => (window as unknown as { vtSockets: WebSocket[] }).vtSockets.forEach((ws) => ws.close()));
    await chair.page.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    const missed = await hub.api<CreatedSignal>('liaison@ncsc.demo', 'POST', '/signals', {
      electionId,
      title: 'Phishing gericht op stembureauleden',
      description: 'E-mails die zich voordoen als de gemeente.',
      category: 'cyber',
      severity: 'medium',
      marking: 'GREEN',
    });
    expect(await card(chair.page, missed.id).count()).toBe(0);
    await chair.context.setOffline(false);
    // The board resumes after its last position: the change it missed arrives without a reload.
    await card(chair.page, missed.id).waitFor();
    await chair.page.locator('[data-testid="connection-state"][data-state="live"]').waitFor();
    await chair.context.close();
  });

  it('the board asks for its signals once on load, not twice', async () => {
    const chair = await openBoard(browser, hub);
    const lists: string[] = [];
    chair.page.on('request', (request) => {
      const url = new URL(request.url());
      // A first page of the board's list (further pages carry a cursor).
      if (request.method() === 'GET' && url.pathname === '/api/signals' && !url.searchParams.has('cursor')) lists.push(url.search);
    });
    await signIn(chair.page, 'voorzitter@bzk.demo');
    await boardLive(chair.page);
    expect(lists).toHaveLength(1);
    await chair.context.close();
  });

  it('a card revoked while a REST reload is in flight never comes back from that stale answer', async () => {
    const signal = await hub.api<CreatedSignal>('liaison@nctv.demo', 'POST', '/signals', {
      electionId,
      title: 'Wordt verstrengd tijdens het herladen',
      description: 'x',
      category: 'other',
      severity: 'low',
      marking: 'GREEN',
    });
    const amsterdam = await openBoard(browser, hub);
    await signIn(amsterdam.page, 'ambtenaar@amsterdam.demo');
    await boardLive(amsterdam.page);
    await card(amsterdam.page, signal.id).waitFor();

    // The next list answer is read from the API at once (it holds the card), and handed to the board later.
    let answered!: () => void;
    const read = new Promise<void>((resolve) => (answered = resolve));
    let handOver!: () => void;
    const held = new Promise<void>((resolve) => (handOver = resolve));
    await amsterdam.page.route('**/api/signals?*', async (route) => {
      const response = await route.fetch();
      answered();
      await held;
      await route.fulfill({ response });
    });
    await amsterdam.page.getByTestId('apply-filters').click();
    await read;
    // While that answer is in flight, the signal is tightened out of Amsterdam's sight: revoked live.
    await hub.api('liaison@nctv.demo', 'PATCH', `/signals/${signal.id}`, { version: signal.version, marking: 'AMBER_STRICT', sharedWith: ['AIVD'] });
    await card(amsterdam.page, signal.id).waitFor({ state: 'detached' });
    handOver();
    await amsterdam.page.waitForFunction(() => document.querySelector('.vt-columns')?.getAttribute('aria-busy') === 'false');
    await amsterdam.page.unroute('**/api/signals?*');
    expect(await card(amsterdam.page, signal.id).count()).toBe(0);
    await amsterdam.context.close();
  });
});
