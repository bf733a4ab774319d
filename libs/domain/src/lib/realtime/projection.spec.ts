import { type Actor, defineAbilityFor, type MarkedRecord } from '../ability';
import type { DomainEvent, Positioned } from '../events';
import type { Signal } from '../signal';
import type { TimelineEntry } from '../timeline';
import type { Viewer } from './projection';
import { realtimeProjections } from './registry';

/** The registry of projections as pure functions: live per audience, replay judged as records are now. */

const AMSTERDAM: Actor = { id: 'u-ams', agency: { code: 'GM0363', type: 'municipality' }, roles: ['municipal'], clearance: 'NONE' };
const NCTV: Actor = { id: 'u-nctv', agency: { code: 'NCTV', type: 'core' }, roles: ['liaison'], clearance: 'DEP_V' };
const viewer = (actor: Actor): Viewer => ({ actor, ability: defineAbilityFor(actor), facts: new Set() });

function signal(fields: Partial<Signal> = {}): Signal {
  return {
    id: 's1',
    electionId: 'e1',
    title: 'Titel',
    description: '',
    category: 'other',
    severity: 'low',
    status: 'new',
    marking: 'GREEN',
    classification: 'NONE',
    ownerAgency: 'AIVD',
    leadAgency: null,
    sharedWith: [],
    recipients: [],
    affectedMunicipalities: [],
    platforms: [],
    evidence: [],
    disarmTechniques: [],
    source: 'bron',
    firstSeenAt: null,
    createdBy: 'u-aivd',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
}
const audienceOf = (s: Signal): MarkedRecord => ({
  ownerAgency: s.ownerAgency,
  marking: s.marking,
  classification: s.classification,
  sharedWith: s.sharedWith,
  recipients: s.recipients,
  affectedMunicipalities: s.affectedMunicipalities,
});

let position = 0;
function at<E extends DomainEvent>(event: E): Positioned<E> {
  return { ...event, position: ++position, at: '2026-01-01T00:00:00.000Z' };
}
const created = (s: Signal) => at({ type: 'signal.created', data: { signal: s } });
const updated = (s: Signal, before: Signal) => at({ type: 'signal.updated', data: { signal: s, before: audienceOf(before) } });
const commented = (s: Signal, entry: Partial<TimelineEntry> = {}) =>
  at({
    type: 'timeline.added',
    data: {
      signal: s,
      entry: { id: `t${position}`, signalId: s.id, kind: 'comment', text: 'Opmerking', marking: s.marking, ownMarking: false, authorId: 'u-aivd', authorName: 'A', authorAgency: 'AIVD', data: null, createdAt: '', ...entry },
    },
  });
const told = (messages: { message: { type: string; data: unknown } }[]) => messages.map(({ message }) => message.type);

describe('realtimeProjections', () => {
  it('parses each stored event of a known type and shape, and nothing else', () => {
    expect(realtimeProjections.parse('signal.created', { signal: signal() })).toEqual({ type: 'signal.created', data: { signal: signal() } });
    expect(realtimeProjections.parse('session.ended', { sessionId: 'x', userId: 'y' })).toEqual({ type: 'session.ended', data: { sessionId: 'x', userId: 'y' } });
    expect(realtimeProjections.parse('signal.created', { signal: { id: 's1' } })).toBeNull();
    expect(realtimeProjections.parse('no.such.event', {})).toBeNull();
    expect(realtimeProjections.parse('toString', {})).toBeNull();
  });

  it('binds every record event to the projection of its kind, and session and user events to none', () => {
    const kinds = [created(signal()), commented(signal())].map((e) => realtimeProjections.change(e)?.kind);
    expect(kinds).toEqual(['signal', 'timeline_entry']);
    expect(realtimeProjections.change(at({ type: 'user.changed', data: { userId: 'u', active: true } }))).toBeNull();
  });

  it('live: a tightening tells a reader that saw the signal it is revoked, with the id only', () => {
    const before = signal();
    const after = signal({ version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] });
    const change = realtimeProjections.change(updated(after, before))!;
    expect(change.live(viewer(AMSTERDAM))).toEqual({ type: 'signal.revoked', data: { id: 's1' } });
    expect(change.live(viewer(NCTV))).toMatchObject({ type: 'signal.updated', data: { id: 's1', version: 2 } });
  });

  it('names RED recipients before and after a change, to be judged on their own', () => {
    const before = signal({ marking: 'RED', recipients: ['u-a'] });
    const after = signal({ version: 2, marking: 'RED', recipients: ['u-b'] });
    expect([...realtimeProjections.change(updated(after, before))!.named].sort()).toEqual(['u-a', 'u-b']);
  });

  describe('replay', () => {
    it('tells nothing of a signal created and tightened out of sight while away', () => {
      const first = signal();
      const events = [created(first), updated(signal({ version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] }), first)];
      expect(realtimeProjections.replay(viewer(AMSTERDAM), events)).toEqual([]);
    });

    it('revokes only a signal the viewer could read before the replayed events', () => {
      const seen = signal({ id: 'seen' });
      const hidden = signal({ id: 'hidden', marking: 'AMBER_STRICT', sharedWith: ['NCTV'] });
      const events = [
        updated({ ...seen, version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] }, seen),
        updated({ ...hidden, version: 2, marking: 'RED' }, hidden),
      ];
      expect(realtimeProjections.replay(viewer(AMSTERDAM), events).map(({ message }) => message)).toEqual([{ type: 'signal.revoked', data: { id: 'seen' } }]);
    });

    it('tells a changed signal once, as it is at the end, at the position of its last event', () => {
      const v1 = signal({ marking: 'AMBER_STRICT', sharedWith: ['NCTV'] });
      const v2 = signal({ version: 2 });
      const v3 = signal({ version: 3, title: 'Nu' });
      const events = [updated(v2, v1), updated(v3, v2)];
      const replayed = realtimeProjections.replay(viewer(AMSTERDAM), events);
      expect(replayed).toHaveLength(1);
      expect(replayed[0]).toMatchObject({ position: events[1]!.position, message: { type: 'signal.updated', data: { title: 'Nu', version: 3 } } });
      expect(replayed[0]!.message.data).not.toHaveProperty('source');
    });

    it('judges a comment by its signal as it is now', () => {
      const first = signal();
      const events = [commented(first), updated(signal({ version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] }), first)];
      // Amsterdam read the signal before: it learns of the revocation, not of the comment.
      expect(told(realtimeProjections.replay(viewer(AMSTERDAM), events))).toEqual(['signal.revoked']);
      expect(told(realtimeProjections.replay(viewer(NCTV), events))).toEqual(['timeline.added', 'signal.updated']);
    });

    it('tells only records whose last event is not after `tellThrough` (a live socket had the later ones)', () => {
      const a = signal({ id: 'a' });
      const b = signal({ id: 'b' });
      const events = [created(a), created(b), updated({ ...a, version: 2 }, a)];
      const replayed = realtimeProjections.replay(viewer(NCTV), events, { tellThrough: events[1]!.position });
      expect(replayed.map(({ message }) => (message.data as { id: string }).id)).toEqual(['b']);
    });

    it('withdraws on a live socket a record it had seen that stayed out of its sight since it went live', () => {
      // Amsterdam held the signal before it went away; it was tightened before the socket went
      // live and changed again (still too strict for Amsterdam) after: no live message told it.
      const seen = signal({ id: 's' });
      const tightened = signal({ id: 's', version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] });
      const events = [updated(tightened, seen), updated({ ...tightened, version: 3, title: 'Later' }, tightened)];
      const replayed = realtimeProjections.replay(viewer(AMSTERDAM), events, { tellThrough: events[0]!.position });
      expect(replayed).toEqual([{ position: events[0]!.position, at: events[0]!.at, message: { type: 'signal.revoked', data: { id: 's' } } }]);
    });

    it('tells a live socket nothing of a record a live message already told it', () => {
      const seen = signal({ id: 's' });
      const tightened = signal({ id: 's', version: 2, marking: 'AMBER_STRICT', sharedWith: ['NCTV'] });
      const loosened = signal({ id: 's', version: 3 });
      const events = [updated(tightened, seen), updated(loosened, tightened)];
      expect(realtimeProjections.replay(viewer(AMSTERDAM), events, { tellThrough: events[0]!.position })).toEqual([]);
    });
  });
});
