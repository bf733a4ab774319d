import { allowedTransitions, type SignalStatus, type TransitionKind, transitionKind } from './signal';

/** The lifecycle of domain.md and the decisions taken on it, restated as data. */
const STATUSES: SignalStatus[] = ['new', 'triaged', 'in_progress', 'monitoring', 'mitigated', 'closed', 'rejected', 'duplicate'];
const LIFECYCLE: Record<SignalStatus, Partial<Record<SignalStatus, TransitionKind>>> = {
  new: { triaged: 'chair', rejected: 'chair', duplicate: 'chair' },
  triaged: { in_progress: 'work', rejected: 'chair', duplicate: 'chair' },
  in_progress: { monitoring: 'work', mitigated: 'work' },
  monitoring: { in_progress: 'work', mitigated: 'work' },
  mitigated: { in_progress: 'work', closed: 'chair' },
  closed: { in_progress: 'chair' },
  rejected: {},
  duplicate: {},
};

describe('signal lifecycle', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to, LIFECYCLE[from][to] ?? null] as const));

  it('covers 64 from × to pairs', () => {
    expect(pairs).toHaveLength(64);
  });

  it.each(pairs)('%s → %s: %s', (from, to, kind) => {
    expect(transitionKind(from, to)).toBe(kind);
    expect(allowedTransitions(from).includes(to)).toBe(kind !== null);
  });

  it.each(STATUSES.map((from) => [from, Object.keys(LIFECYCLE[from]).sort()] as const))('from %s the allowed next states are %j', (from, next) => {
    expect([...allowedTransitions(from)].sort()).toEqual(next);
  });

  it.each(['rejected', 'duplicate'] as const)('%s is terminal', (status) => {
    expect(allowedTransitions(status)).toEqual([]);
    for (const to of STATUSES) expect(transitionKind(status, to)).toBeNull();
  });

  it('no other status is terminal: closed can be reopened by the chair', () => {
    for (const status of STATUSES.filter((s) => s !== 'rejected' && s !== 'duplicate')) {
      expect([status, allowedTransitions(status).length > 0]).toEqual([status, true]);
    }
    expect(transitionKind('closed', 'in_progress')).toBe('chair');
  });

  it('no status moves to itself, and nothing moves back to new', () => {
    for (const status of STATUSES) {
      expect(transitionKind(status, status)).toBeNull();
      expect(transitionKind(status, 'new')).toBeNull();
    }
  });

  it('only the chair triages, rejects, marks duplicate, closes and reopens', () => {
    expect(transitionKind('new', 'triaged')).toBe('chair');
    expect(transitionKind('new', 'rejected')).toBe('chair');
    expect(transitionKind('triaged', 'duplicate')).toBe('chair');
    expect(transitionKind('mitigated', 'closed')).toBe('chair');
    expect(transitionKind('closed', 'in_progress')).toBe('chair');
  });

  it('those working the signal move it between triaged, in_progress, monitoring and mitigated', () => {
    expect(transitionKind('triaged', 'in_progress')).toBe('work');
    expect(transitionKind('in_progress', 'monitoring')).toBe('work');
    expect(transitionKind('monitoring', 'in_progress')).toBe('work');
    expect(transitionKind('monitoring', 'mitigated')).toBe('work');
    expect(transitionKind('mitigated', 'in_progress')).toBe('work');
  });

  it('every status is reachable from new', () => {
    const seen = new Set<SignalStatus>(['new']);
    const queue: SignalStatus[] = ['new'];
    while (queue.length > 0) {
      for (const next of allowedTransitions(queue.shift()!)) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...STATUSES].sort());
  });
});
