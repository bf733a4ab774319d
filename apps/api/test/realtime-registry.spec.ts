import {
  canReadSignal,
  DOMAIN_EVENT_PARSERS,
  type DomainEventMap,
  isMarkedRecord,
  type MarkedRecord,
  measureProjection,
  type MessageOf,
  platformReportProjection,
  type Projection,
  ProjectionRegistry,
  readableSignalFields,
  type RecordEventMap,
  type Signal,
  signalProjection,
  timelineProjection,
  type Viewer,
} from '@verkiezingstafel/domain';
import { REALTIME_PROJECTIONS } from '../src/realtime/realtime.tokens';
import { RealtimeGateway } from '../src/realtime/realtime.gateway';
import { outboxMaxPosition, readyPosition } from './support/realtime-harness';
import { connectSocket, type Received, type TestSocket } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

/*
 * "Realtime as a registry of projections": a kind of record the hub does not have, added
 * through the registry alone (its events, its projection, one `register`), is delivered,
 * replayed and redacted like a signal, by the unchanged gateway. The toy kind is a notice
 * that may be posted in a huddle (a scope sockets follow, like a meeting): a RED notice there
 * is read only by those present at that moment (a fact its events state, like checking in).
 */

interface Notice extends MarkedRecord {
  id: string;
  huddleId: string | null;
  text: string;
  source: string;
  version: number;
}
type RedactedNotice = Partial<Notice> & { id: string };

interface ToyEvents extends DomainEventMap {
  /** `before`: the audience before the change (null: a new notice). */
  'toy.notice': { notice: Notice; before: MarkedRecord | null };
  /** Who is present in a huddle now (checking in and out). */
  'toy.attendance': { huddleId: string; present: string[] };
}
interface ToyMessages extends RecordEventMap {
  'notice.changed': RedactedNotice;
  'notice.withdrawn': { id: string };
}

/** A notice is read like a signal of the same marking and audience; in a huddle, RED needs presence instead of naming. */
function asSignal(notice: Notice): Signal {
  return {
    id: notice.id,
    electionId: '',
    title: notice.text,
    description: '',
    category: 'other',
    severity: 'low',
    status: 'new',
    marking: notice.marking,
    classification: notice.classification,
    ownerAgency: notice.ownerAgency,
    leadAgency: null,
    sharedWith: [...notice.sharedWith],
    recipients: [...notice.recipients],
    affectedMunicipalities: [...notice.affectedMunicipalities],
    platforms: [],
    evidence: [],
    disarmTechniques: [],
    source: notice.source,
    firstSeenAt: null,
    createdBy: '',
    version: notice.version,
    createdAt: '',
    updatedAt: '',
  };
}

function redactNotice({ ability, facts }: Viewer, notice: Notice): RedactedNotice | null {
  // In a huddle, RED is for those present at that moment, instead of those named.
  const presentOnly = notice.huddleId !== null && notice.marking === 'RED';
  const signal = asSignal(notice);
  if (presentOnly ? !facts.has('present') : !canReadSignal(ability, signal)) return null;
  const fields = readableSignalFields(ability, presentOnly ? { ...signal, marking: 'GREEN' } : signal);
  return {
    id: notice.id,
    marking: notice.marking,
    ownerAgency: notice.ownerAgency,
    version: notice.version,
    ...(fields.includes('title') ? { text: notice.text } : {}),
    ...(fields.includes('source') ? { source: notice.source } : {}),
  };
}

const noticeProjection: Projection<ToyEvents, MessageOf<ToyMessages>, 'toy.notice' | 'toy.attendance'> = {
  kind: 'notice',
  events: ['toy.notice', 'toy.attendance'],
  subject: (event) => (event.type === 'toy.notice' ? `notice:${event.data.notice.id}` : `huddle:${event.data.huddleId}`),
  scope: (event) => {
    const huddleId = event.type === 'toy.notice' ? event.data.notice.huddleId : event.data.huddleId;
    return huddleId === null ? null : `huddle:${huddleId}`;
  },
  facts: (event) => (event.type === 'toy.attendance' ? [{ fact: 'present', holders: event.data.present }] : []),
  named: (event) => (event.type === 'toy.notice' && event.data.notice.marking === 'RED' ? event.data.notice.recipients : []),
  live: (viewer, event) => {
    if (event.type === 'toy.attendance') return null;
    const data = redactNotice(viewer, event.data.notice);
    return data ? { type: 'notice.changed', data } : null;
  },
  before: (viewer, event) => {
    if (event.type === 'toy.attendance' || event.data.before === null) return 'absent';
    return redactNotice(viewer, { ...event.data.notice, ...event.data.before }) ? 'seen' : 'hidden';
  },
  replay: (viewer, last, before) => {
    if (last.type === 'toy.attendance') return null;
    const data = redactNotice(viewer, last.data.notice);
    if (data) return { type: 'notice.changed', data };
    return before === 'seen' ? { type: 'notice.withdrawn', data: { id: last.data.notice.id } } : null;
  },
};

const registry = new ProjectionRegistry<ToyEvents, ToyMessages>({
  ...DOMAIN_EVENT_PARSERS,
  'toy.notice': (data) => {
    const { notice, before } = (data ?? {}) as { notice?: unknown; before?: unknown };
    return isMarkedRecord(notice) && (before === null || isMarkedRecord(before)) ? { notice: notice as Notice, before } : null;
  },
  'toy.attendance': (data) => (data !== null && typeof data === 'object' ? (data as ToyEvents['toy.attendance']) : null),
})
  .register(signalProjection)
  .register(timelineProjection)
  .register(measureProjection)
  .register(platformReportProjection)
  .register(noticeProjection);

describe('realtime: a kind of record added through the registry of projections alone', () => {
  let hub: TestApp;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const opened: TestSocket[] = [];
  const live = jest.spyOn(noticeProjection, 'live');

  beforeAll(async () => {
    // The toy's events are not the product's: the registry reaches the app as a provider override.
    hub = await startTestApp({}, [{ provide: REALTIME_PROJECTIONS, useValue: registry }]);
    const rows = (await hub.db.query(`SELECT id, email FROM users`)) as { id: string; email: string }[];
    for (const email of ['liaison@nctv.demo', 'liaison@aivd.demo', 'liaison@ncsc.demo', 'liaison@kiesraad.demo', 'ambtenaar@amsterdam.demo', 'beheer@bzk.demo']) {
      ids[email] = rows.find((r) => r.email === email)!.id;
      tokens[email] = await hub.login(email);
    }
  });
  afterEach(() => {
    for (const socket of opened.splice(0)) socket.close();
  });
  afterAll(async () => {
    await hub?.close();
  });

  async function connect(email: string, options: { after?: number } = {}): Promise<TestSocket> {
    const socket = await connectSocket(hub.url, tokens[email]!, options);
    opened.push(socket);
    await readyPosition(socket);
    return socket;
  }

  /** Commits a toy event as a service would: a row in the outbox. */
  async function commit<K extends 'toy.notice' | 'toy.attendance'>(type: K, data: ToyEvents[K]): Promise<number> {
    const [row] = (await hub.db.query(`INSERT INTO outbox_events (position, type, data) VALUES (0, $1, $2::jsonb) RETURNING position`, [type, JSON.stringify(data)])) as {
      position: string;
    }[];
    return Number(row!.position);
  }

  let serial = 0;
  function notice(fields: Partial<Notice>): Notice {
    serial++;
    return {
      id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
      huddleId: null,
      text: `Mededeling ${serial}`,
      source: 'eigen bron',
      version: 1,
      ownerAgency: 'AIVD',
      marking: 'GREEN',
      classification: 'NONE',
      sharedWith: [],
      recipients: [],
      affectedMunicipalities: [],
      ...fields,
    };
  }

  const notices = (socket: TestSocket): Received['payload'][] =>
    socket.received.filter((r) => r.event.startsWith('notice.')).map((r) => ({ event: r.event, position: r.payload.position, ...(r.payload.data as object) }));

  /** Everything through `position` has reached these sockets (a GREEN notice everyone reads). */
  async function settled(...sockets: TestSocket[]): Promise<void> {
    const marker = notice({ text: 'markering' });
    await commit('toy.notice', { notice: marker, before: null });
    for (const socket of sockets) await socket.waitFor((r) => (r.payload.data as { id?: string } | undefined)?.id === marker.id);
  }

  it('delivers each notice to the audiences that may read it, redacted as a signal of its marking is', async () => {
    const [nctv, aivd, amsterdam, admin, ncsc] = await Promise.all(
      ['liaison@nctv.demo', 'liaison@aivd.demo', 'ambtenaar@amsterdam.demo', 'beheer@bzk.demo', 'liaison@ncsc.demo'].map((e) => connect(e)),
    );
    const amber = notice({ marking: 'AMBER', text: 'Voor de tafel', source: 'bron van de AIVD' });
    const position = await commit('toy.notice', { notice: amber, before: null });
    const red = notice({ marking: 'RED', recipients: [ids['liaison@nctv.demo']!], text: 'Alleen voor de NCTV' });
    await commit('toy.notice', { notice: red, before: null });
    await settled(nctv!, aivd!, amsterdam!, admin!, ncsc!);

    const about = (socket: TestSocket, id: string) => notices(socket).filter((n) => n['id'] === id);
    expect(about(nctv!, amber.id)).toEqual([{ event: 'notice.changed', position, id: amber.id, marking: 'AMBER', ownerAgency: 'AIVD', version: 1, text: 'Voor de tafel' }]);
    // The owner agency alone reads the source; an administrator reads metadata only; Amsterdam is not affected.
    expect(about(aivd!, amber.id)[0]).toMatchObject({ text: 'Voor de tafel', source: 'bron van de AIVD' });
    expect(about(admin!, amber.id)).toEqual([{ event: 'notice.changed', position, id: amber.id, marking: 'AMBER', ownerAgency: 'AIVD', version: 1 }]);
    expect(about(amsterdam!, amber.id)).toEqual([]);
    // RED: the named user only.
    expect(about(nctv!, red.id)).toHaveLength(1);
    expect(about(ncsc!, red.id)).toEqual([]);
    expect(about(aivd!, red.id)).toHaveLength(1); // the owner agency reads its own records
  });

  it('replays a notice as it is now: nothing of one tightened out of sight, a withdrawal only of one seen before', async () => {
    const seen = notice({ text: 'Gezien' });
    await commit('toy.notice', { notice: seen, before: null });
    const amsterdam = await connect('ambtenaar@amsterdam.demo');
    await settled(amsterdam);
    const from = Math.max(...amsterdam.received.map((r) => (r.payload.position as number | undefined) ?? 0));
    amsterdam.close();

    await commit('toy.notice', { notice: { ...seen, version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] }, before: seen });
    const during = notice({ text: 'Ontstaan en verstrengd terwijl weg' });
    await commit('toy.notice', { notice: during, before: null });
    await commit('toy.notice', { notice: { ...during, version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] }, before: during });
    const edited = notice({ text: 'Eerste tekst' });
    await commit('toy.notice', { notice: edited, before: null });
    const lastEdit = await commit('toy.notice', { notice: { ...edited, version: 2, text: 'Tweede tekst' }, before: edited });

    const back = await connect('ambtenaar@amsterdam.demo', { after: from });
    const told = notices(back).map((n) => [n['event'], n['id'], n['text']]);
    expect(told).toEqual([
      ['notice.withdrawn', seen.id, undefined],
      ['notice.changed', edited.id, 'Tweede tekst'],
    ]);
    expect(notices(back).find((n) => n['id'] === edited.id)?.['position']).toBe(lastEdit);
  });

  it('tells a huddle only to its followers, a RED notice there only to those present, and evaluates once per audience, never per socket', async () => {
    const gateway = hub.app.get(RealtimeGateway);
    const nctvSockets = await Promise.all([connect('liaison@nctv.demo'), connect('liaison@nctv.demo')]);
    const kiesraad = await connect('liaison@kiesraad.demo');
    const ncsc = await connect('liaison@ncsc.demo'); // does not follow
    const huddle = 'h1';
    const asOf = await outboxMaxPosition(hub);
    for (const socket of [...nctvSockets, kiesraad]) {
      await expect(gateway.follow(socket.socket.id!, `huddle:${huddle}`, socket === kiesraad ? [] : ['present'], asOf)).resolves.toBe(true);
    }

    live.mockClear();
    const red = notice({ huddleId: huddle, marking: 'RED', text: 'Alleen voor wie aanwezig is' });
    await commit('toy.notice', { notice: red, before: null });
    const green = notice({ huddleId: huddle, text: 'Voor de volgers' });
    await commit('toy.notice', { notice: green, before: null });
    await Promise.all([...nctvSockets, kiesraad].map((s) => s.waitFor((r) => (r.payload.data as { id?: string } | undefined)?.id === green.id)));
    // Two audiences in the huddle (NCTV present, KIESRAAD not): two evaluations per notice, whatever the sockets.
    expect(live).toHaveBeenCalledTimes(4);
    for (const socket of nctvSockets) expect(notices(socket).map((n) => n['id'])).toEqual([red.id, green.id]);
    expect(notices(kiesraad).map((n) => n['id'])).toEqual([green.id]);

    // Checking out hides the next RED notice at once: the fact comes with the event, on every instance alike.
    await commit('toy.attendance', { huddleId: huddle, present: [] });
    const later = notice({ huddleId: huddle, marking: 'RED', text: 'Na het uitchecken' });
    await commit('toy.notice', { notice: later, before: null });
    const marker = notice({ huddleId: huddle, text: 'markering in de huddle' });
    await commit('toy.notice', { notice: marker, before: null });
    await Promise.all([...nctvSockets, kiesraad].map((s) => s.waitFor((r) => (r.payload.data as { id?: string } | undefined)?.id === marker.id)));
    for (const socket of nctvSockets) expect(notices(socket).map((n) => n['id'])).toEqual([red.id, green.id, marker.id]);

    // A socket that does not follow the huddle is told nothing of it.
    await settled(ncsc);
    expect(notices(ncsc).filter((n) => [red.id, green.id, later.id, marker.id].includes(n['id'] as string))).toEqual([]);
  });
});
