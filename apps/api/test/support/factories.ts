import type { Provider } from '@nestjs/common';
import type { Response } from 'supertest';
import { type Session, signInAll } from './hub-helpers';
import { startTestApp, type TestApp } from './test-app';
import { ADMIN } from './visibility-oracle';

/*
 * Data for the API suites, made the way a user makes it: through the API, as a signed-in demo
 * user (immich's medium factories, over HTTP here). Each `new...` returns the record as its
 * maker received it and throws, naming the request, when the API refuses it: arranging a test
 * never fails silently.
 */

type Body = Record<string, unknown>;

/** A signal as its maker received it (a field the maker may not read is absent). */
export interface SignalView {
  id: string;
  version: number;
  status: string;
  marking: string;
  [field: string]: unknown;
}

export interface ElectionView {
  id: string;
  code: string;
  [field: string]: unknown;
}

export interface MeasureView {
  id: string;
  signalId: string;
  ownerAgency: string;
  status: string;
  version: number;
  [field: string]: unknown;
}

export interface PlatformReportView {
  id: string;
  signalId: string;
  outcome: string;
  version: number;
  [field: string]: unknown;
}

export interface TimelineEntryView {
  id: string;
  kind?: string;
  text?: string;
  marking?: string;
  [field: string]: unknown;
}

/** Who makes a record: a demo user's e-mail or its signed-in session. */
export type Maker = string | Session;

/** A body as the API would take it for a new signal; every field can be overridden. */
export function signalBody(electionId: string, overrides: Body = {}): Body {
  return {
    electionId,
    title: 'Berichten over een verschoven verkiezingsdag',
    description: 'Accounts verspreiden dat de stemming een dag later is.',
    category: 'disinformation',
    severity: 'medium',
    marking: 'GREEN',
    ...overrides,
  };
}

export function measureBody(overrides: Body = {}): Body {
  return { description: 'Platform verzoeken het bericht te labelen', ownerAgency: 'KIESRAAD', ...overrides };
}

export function platformReportBody(overrides: Body = {}): Body {
  return { platform: 'x', contentUrl: 'https://x.com/voorbeeld/status/1', ground: 'Onjuiste informatie over het stemmen', ...overrides };
}

let electionCounter = 0;

/** A fresh election code no other suite of this run uses (suites run in databases of their own). */
function freshElectionCode(): string {
  electionCounter += 1;
  return `TK2099F${electionCounter.toString(36).toUpperCase()}`;
}

/** The factories of one suite: its hub, a signed-in session per demo user, and `new...` per record. */
export class Factory {
  /** The election new signals belong to unless a body names another: TK2025 of the demo seed, or `useElection`. */
  electionId: string;

  private constructor(
    readonly hub: TestApp,
    /** One signed-in session per demo user, by e-mail. */
    readonly as: Record<string, Session>,
    electionId: string,
  ) {
    this.electionId = electionId;
  }

  /** A factory for a running hub: signs every demo user in once. */
  static async for(hub: TestApp): Promise<Factory> {
    const as = await signInAll(hub);
    const [demo] = (await hub.db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)) as { id: string }[];
    if (!demo) throw new Error('the demo election TK2025 is missing from the seed');
    return new Factory(hub, as, demo.id);
  }

  /** Starts the hub on a database of its own (`env` overrides settings, `providers` the app's) and signs every demo user in. */
  static async start(env: Record<string, string> = {}, providers: Provider[] = []): Promise<Factory> {
    return Factory.for(await startTestApp(env, providers));
  }

  session(maker: Maker): Session {
    if (typeof maker !== 'string') return maker;
    const session = this.as[maker];
    if (!session) throw new Error(`no signed-in demo user ${maker}`);
    return session;
  }

  /** New signals go to this election from now on. */
  useElection(election: ElectionView | string): void {
    this.electionId = typeof election === 'string' ? election : election.id;
  }

  /** An election made by the administrator (or `by`); a fresh code unless one is given. */
  async newElection(overrides: Body = {}, by: Maker = ADMIN): Promise<ElectionView> {
    const code = typeof overrides['code'] === 'string' ? overrides['code'] : freshElectionCode();
    const body = { code, name: `Testverkiezing ${code}`, type: 'TK', electionDay: '2099-03-18', ...overrides };
    return (await this.made('POST /api/elections', 201, this.post(by, '/api/elections', body))) as ElectionView;
  }

  /** A signal raised by `by` in the factory's election, GREEN unless told otherwise. */
  async newSignal(by: Maker, overrides: Body = {}): Promise<SignalView> {
    return (await this.made('POST /api/signals', 201, this.post(by, '/api/signals', signalBody(this.electionId, overrides)))) as SignalView;
  }

  /** A measure on a signal, owned by the Kiesraad unless told otherwise. */
  async newMeasure(by: Maker, signalId: string, overrides: Body = {}): Promise<MeasureView> {
    const path = `/api/signals/${signalId}/measures`;
    return (await this.made(`POST ${path}`, 201, this.post(by, path, measureBody(overrides)))) as MeasureView;
  }

  /** A platform report on a signal (BZK reports). */
  async newPlatformReport(by: Maker, signalId: string, overrides: Body = {}): Promise<PlatformReportView> {
    const path = `/api/signals/${signalId}/platform-reports`;
    return (await this.made(`POST ${path}`, 201, this.post(by, path, platformReportBody(overrides)))) as PlatformReportView;
  }

  /** A comment (or assessment) on a signal's timeline. */
  async newComment(by: Maker, signalId: string, overrides: Body = {}): Promise<TimelineEntryView> {
    const path = `/api/signals/${signalId}/timeline`;
    return (await this.made(`POST ${path}`, 201, this.post(by, path, { text: 'Gezien.', ...overrides }))) as TimelineEntryView;
  }

  /** Moves a signal to `to` from the version it has now. */
  async transition(by: Maker, signalId: string, to: string, note?: string): Promise<SignalView> {
    const path = `/api/signals/${signalId}/transitions`;
    const version = await this.versionOf('signals', signalId);
    const body = { to, version, ...(note === undefined ? {} : { note }) };
    return (await this.made(`POST ${path} → ${to}`, 200, this.post(by, path, body))) as SignalView;
  }

  /** Edits a signal from the version it has now. */
  async editSignal(by: Maker, signalId: string, changes: Body): Promise<SignalView> {
    const path = `/api/signals/${signalId}`;
    const version = await this.versionOf('signals', signalId);
    const response = this.hub.http().patch(path).set(this.session(by).auth).send({ version, ...changes });
    return (await this.made(`PATCH ${path}`, 200, response)) as SignalView;
  }

  /** The stored version of a record, straight from the database. */
  async versionOf(table: 'signals' | 'measures' | 'platform_reports', id: string): Promise<number> {
    const [row] = (await this.hub.db.query(`SELECT version FROM ${table} WHERE id = $1`, [id])) as { version: number }[];
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row.version;
  }

  close(): Promise<void> {
    return this.hub.close();
  }

  private post(by: Maker, path: string, body: Body) {
    return this.hub.http().post(path).set(this.session(by).auth).send(body);
  }

  private async made(what: string, status: number, request: PromiseLike<Response>): Promise<unknown> {
    const response = await request;
    if (response.status !== status) {
      throw new Error(`arranging: ${what} answered ${response.status}, not ${status}: ${JSON.stringify(response.body)}`);
    }
    return response.body as unknown;
  }
}
