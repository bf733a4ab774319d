import {
  AbilityBuilder,
  createMongoAbility,
  type ForcedSubject,
  type MongoAbility,
  type MongoQuery,
  subject as asSubject,
} from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { type AgencyRef, isCoreTableAgency } from './agency';
import type { Classification, Marking } from './marking';
import {
  type RedactedSignal,
  type Signal,
  SIGNAL_FIELDS,
  SIGNAL_METADATA_FIELDS,
  SIGNAL_OWNER_ONLY_FIELDS,
  SIGNAL_READABLE_FIELDS,
  SIGNAL_WRITABLE_FIELDS,
} from './signal';
import type { Clearance, Role } from './user';

/** The one who asks: what the rules need to know of a signed-in user. */
export interface Actor {
  id: string;
  agency: Pick<AgencyRef, 'code' | 'type'>;
  roles: readonly Role[];
  clearance: Clearance;
}

/** The fields of a marked record that decide who reads it (signal, timeline entry, ...). */
export interface MarkedRecord {
  ownerAgency: string;
  marking: Marking;
  classification: Classification;
  sharedWith: readonly string[];
  recipients: readonly string[];
  affectedMunicipalities: readonly string[];
}

export interface SignalRecord extends MarkedRecord {
  leadAgency: string | null;
}

/**
 * A timeline entry as the rules judge it. An entry that follows its signal has the signal's
 * owner and marking here; an entry with a marking of its own (stricter, set by its author) has
 * its author's agency as `ownerAgency` and that marking. Either way the audience lists and the
 * classification are the signal's, and `signalOwnerAgency` is the signal's owner.
 */
export interface TimelineEntryRecord extends MarkedRecord {
  signalOwnerAgency: string;
}

export interface MeasureRecord {
  ownerAgency: string;
}

/** What the rules on user administration look at: whose account it is. */
export interface UserRecord {
  id: string;
}

/**
 * The parts of an account an administrator changes; `password` and `totp` stand for the
 * resets (a new invitation, a cleared second factor).
 */
export const USER_ADMIN_FIELDS = ['name', 'roles', 'agency', 'clearance', 'active', 'password', 'totp'] as const;
export type UserAdminField = (typeof USER_ADMIN_FIELDS)[number];
/** What of their own account an administrator may not change: its access, its credentials. */
export const OWN_ACCOUNT_LOCKED_FIELDS: readonly UserAdminField[] = ['roles', 'agency', 'clearance', 'active', 'password', 'totp'];

export type AppAction =
  | 'read'
  | 'create'
  | 'update'
  | 'loosen'
  | 'transition_chair'
  | 'transition_work'
  | 'comment'
  | 'add_measure'
  | 'verify';

type Tagged<Name extends string, T> = T & ForcedSubject<Name>;

export type AppSubject =
  | 'Signal'
  | Tagged<'Signal', Partial<Signal> & SignalRecord>
  | 'TimelineEntry'
  | Tagged<'TimelineEntry', Record<string, unknown> & TimelineEntryRecord>
  | 'Measure'
  | Tagged<'Measure', Record<string, unknown> & MeasureRecord>
  | 'User'
  | Tagged<'User', Record<string, unknown> & UserRecord>
  | 'PlatformReport'
  | 'Election'
  | 'Agency'
  | 'Audit'
  | 'Stats'
  | 'all';

export type AppAbility = MongoAbility<[AppAction, AppSubject], MongoQuery>;

/** Roles that read content; `admin` alone reads metadata only (visibility.md rule 3). */
const CONTENT_ROLES: readonly Role[] = ['liaison', 'chair', 'municipal', 'observer'];
/** Roles that act on records (observers read; admins administer). */
const ACTING_ROLES: readonly Role[] = ['liaison', 'chair', 'municipal'];

/** Agencies whose liaisons may send alerts (visibility.md writes table). */
export const ALERT_SENDING_AGENCIES = ['BZK', 'NCTV', 'KIESRAAD'] as const;

const TIMELINE_METADATA_FIELDS = ['id', 'signalId', 'kind', 'marking', 'ownMarking', 'authorAgency', 'createdAt'];

/** What a lead agency's liaison may change of a signal it does not own: everything but `source` (rule 4). */
const LEAD_WRITABLE_FIELDS: string[] = SIGNAL_WRITABLE_FIELDS.filter((field) => !(SIGNAL_OWNER_ONLY_FIELDS as readonly string[]).includes(field));

/**
 * The single rule set of the hub (visibility.md). The API asks it for every read and write,
 * pushes it into SQL for lists, counts and search, the realtime channel asks it per audience,
 * and the board asks it to show or hide buttons.
 */
export function defineAbilityFor(actor: Actor): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const agency = actor.agency.code;
  const has = (role: Role) => actor.roles.includes(role);
  const readsContent = CONTENT_ROLES.some(has);
  const acts = ACTING_ROLES.some(has);

  can('read', 'Election');
  can('read', 'Agency');

  if (readsContent) {
    can('read', 'Stats');
    for (const type of ['Signal', 'TimelineEntry'] as const) {
      const fields = type === 'Signal' ? [...SIGNAL_READABLE_FIELDS] : undefined;
      // Whoever may read a signal may comment on it, except observers (rule 8) and admins
      // (visibility.md writes table).
      const actions: AppAction[] = type === 'Signal' && acts ? ['read', 'comment'] : ['read'];
      const admit = (conditions: MongoQuery) => {
        for (const action of actions) can(action, type, action === 'read' ? fields : undefined, conditions);
      };
      // 1. The originator always reads its own records.
      admit({ ownerAgency: agency });
      // TLP:CLEAR and TLP:GREEN: every user of the hub.
      admit({ marking: { $in: ['CLEAR', 'GREEN'] } });
      // TLP:AMBER: the core table, affected municipalities, and agencies it is shared with.
      if (isCoreTableAgency(agency)) admit({ marking: 'AMBER' });
      if (actor.agency.type === 'municipality') admit({ marking: 'AMBER', affectedMunicipalities: agency });
      // TLP:AMBER+STRICT: only the agencies it is shared with.
      admit({ marking: { $in: ['AMBER', 'AMBER_STRICT'] }, sharedWith: agency });
      // TLP:RED: only the users named.
      admit({ marking: 'RED', recipients: actor.id });
    }
    // 7. An entry its author marked stricter than its signal is still read by the signal's
    //    owner agency, unless it is RED (RED names its readers).
    can('read', 'TimelineEntry', { signalOwnerAgency: agency, marking: { $ne: 'RED' } });
    // 4. How the originator knows is for the originator alone.
    can('read', 'Signal', ['source'], { ownerAgency: agency });
  }

  if (acts) {
    if (has('liaison') || has('chair')) {
      can('create', 'Signal');
      can('create', 'TimelineEntry');
    }
    if (has('municipal')) {
      // A municipality raises local signals: affected municipalities ⊆ its own.
      can('create', 'Signal', { affectedMunicipalities: { $size: 0 } });
      can('create', 'Signal', { affectedMunicipalities: { $all: [agency], $size: 1 } });
      can('create', 'TimelineEntry');
    }
    // Content: the owner agency's users and the lead agency's liaisons. A municipality's own
    // signals stay about itself when edited, as when they were raised.
    if (has('liaison') || has('chair')) {
      can('update', 'Signal', { ownerAgency: agency });
    } else {
      can('update', 'Signal', { ownerAgency: agency, affectedMunicipalities: { $size: 0 } });
      can('update', 'Signal', { ownerAgency: agency, affectedMunicipalities: { $all: [agency], $size: 1 } });
    }
    // 4. The lead agency edits the content, but never how the originator knows (`source`).
    if (has('liaison')) can('update', 'Signal', LEAD_WRITABLE_FIELDS, { leadAgency: agency });
    can('loosen', 'Signal', { ownerAgency: agency });
    // Working states: owner or lead agency, and the chair.
    can('transition_work', 'Signal', { ownerAgency: agency });
    can('transition_work', 'Signal', { leadAgency: agency });
    // Measures: created by the chair and the lead agency, updated by their owner and the chair.
    can('add_measure', 'Signal', { leadAgency: agency });
    can('update', 'Measure', { ownerAgency: agency });
    if (agency === 'BZK') {
      can('create', 'PlatformReport');
      can('update', 'PlatformReport');
    }
  }

  if (has('chair')) {
    can('transition_chair', 'Signal');
    can('transition_work', 'Signal');
    can('add_measure', 'Signal');
    can('update', 'Measure');
    can('read', 'Audit');
    can('verify', 'Audit');
  }

  // Departementaal Vertrouwelijk: the clearance is needed on top of whatever TLP admits.
  if (actor.clearance !== 'DEP_V') {
    // Every action on such a signal, so that no other route (an administrator's metadata read)
    // lends an uncleared user a way to triage it, move it or set a measure on it.
    for (const action of ['read', 'create', 'update', 'comment', 'loosen', 'transition_chair', 'transition_work', 'add_measure'] as const) {
      cannot(action, 'Signal', { classification: 'DEP_V' });
      cannot(action, 'TimelineEntry', { classification: 'DEP_V' });
    }
  }

  // 3. Administrators see metadata of every record, DEP_V included, and never content.
  //    Declared last so that it outranks the clearance rule above for metadata only.
  if (has('admin')) {
    can('read', 'Signal', [...SIGNAL_METADATA_FIELDS]);
    can('read', 'TimelineEntry', TIMELINE_METADATA_FIELDS);
    can('read', 'Stats');
    can('create', 'Election');
    can('update', 'Election');
    can('read', 'Audit');
    can('verify', 'Audit');
    // Users: list, create, change, deactivate, reset. Never their own access: removing it
    // would lock the hub out, widening it would let an administrator read content.
    can(['read', 'create', 'update'], 'User');
    cannot('update', 'User', [...OWN_ACCOUNT_LOCKED_FIELDS], { id: actor.id });
  }

  return build();
}

export function signalSubject(record: Partial<Signal> & SignalRecord): Tagged<'Signal', Partial<Signal> & SignalRecord> {
  return asSubject('Signal', { ...record });
}

export function timelineEntrySubject(
  record: Record<string, unknown> & TimelineEntryRecord,
): Tagged<'TimelineEntry', Record<string, unknown> & TimelineEntryRecord> {
  return asSubject('TimelineEntry', { ...record });
}

export function userSubject(record: Record<string, unknown> & UserRecord): Tagged<'User', Record<string, unknown> & UserRecord> {
  return asSubject('User', { ...record });
}

export function measureSubject(record: Record<string, unknown> & MeasureRecord): Tagged<'Measure', Record<string, unknown> & MeasureRecord> {
  return asSubject('Measure', { ...record });
}

interface AstNode {
  field?: string;
  value?: unknown;
}

/** The record fields that the conditions of the actor's `read` rules on signals look at. */
function readConditionFields(ability: AppAbility): readonly string[] {
  const fields = new Set<string>();
  const walk = (node: AstNode | null | undefined): void => {
    if (!node) return;
    if (typeof node.field === 'string') fields.add(node.field);
    else if (Array.isArray(node.value)) for (const child of node.value as AstNode[]) walk(child);
  };
  const visit = (query: unknown): void => {
    if (query === null || typeof query !== 'object') return;
    for (const [key, value] of Object.entries(query)) {
      if (!key.startsWith('$')) fields.add(key);
      else if (Array.isArray(value)) for (const part of value) visit(part);
    }
  };
  for (const rule of ability.rulesFor('read', 'Signal')) {
    walk(rule.ast as AstNode | null | undefined);
    visit(rule.conditions);
  }
  return [...fields].sort();
}

/** Distinct audiences a reader meets are few; the memo of one ability stays small. */
const MEMO_LIMIT = 1024;

/** What an ability answers for one audience: may it read, and which fields. */
interface ReadVerdict {
  readable: boolean;
  fields: readonly (keyof Signal)[];
}

interface ReadMemo {
  conditionFields: readonly string[];
  verdicts: Map<string, ReadVerdict>;
}
const readMemos = new WeakMap<AppAbility, ReadMemo>();

/**
 * Which fields of this signal the actor reads depends only on the values of the fields its
 * rules' conditions look at (owner, marking, audience, ...). Lists ask for many signals with
 * the same few audiences, so the answer of the ability is kept per audience, per ability.
 */
function readVerdict(ability: AppAbility, signal: SignalRecord & Partial<Signal>): ReadVerdict {
  let memo = readMemos.get(ability);
  if (!memo) {
    memo = { conditionFields: readConditionFields(ability), verdicts: new Map() };
    readMemos.set(ability, memo);
  }
  const record = signal as unknown as Record<string, unknown>;
  const key = JSON.stringify(memo.conditionFields.map((field) => record[field] ?? null));
  let verdict = memo.verdicts.get(key);
  if (verdict === undefined) {
    const readable = ability.can('read', signalSubject(signal));
    const fields = readable
      ? (permittedFieldsOf(ability, 'read', signalSubject(signal), {
          fieldsFrom: (rule) => rule.fields ?? [...SIGNAL_FIELDS],
        }) as (keyof Signal)[])
      : [];
    verdict = { readable, fields };
    if (memo.verdicts.size >= MEMO_LIMIT) memo.verdicts.clear();
    memo.verdicts.set(key, verdict);
  }
  return verdict;
}

/** Whether the actor may read the signal at all (any field). */
export function canReadSignal(ability: AppAbility, signal: SignalRecord & Partial<Signal>): boolean {
  return readVerdict(ability, signal).readable;
}

/** The fields of this signal the actor may read (empty when none). */
export function readableSignalFields(ability: AppAbility, signal: SignalRecord & Partial<Signal>): (keyof Signal)[] {
  return [...readVerdict(ability, signal).fields];
}

/**
 * The signal as this actor may see it: fields it may not read are absent, and a signal it
 * may not read at all is `null` (it does not exist for that reader).
 */
export function redactSignal(ability: AppAbility, signal: Signal): RedactedSignal | null {
  const { readable, fields } = readVerdict(ability, signal);
  if (!readable) return null;
  const result: Record<string, unknown> = { id: signal.id };
  for (const field of fields) result[field] = signal[field];
  return result as RedactedSignal;
}

const TIMELINE_FIELDS = ['id', 'signalId', 'kind', 'text', 'marking', 'ownMarking', 'authorId', 'authorName', 'authorAgency', 'data', 'createdAt'];

/** What decides how a timeline entry is judged: whether it carries a marking of its own. */
export interface JudgedEntry {
  marking: Marking;
  /** Set by its author, stricter than the signal at the time; otherwise the entry follows the signal. */
  ownMarking: boolean;
}

/**
 * Whether a timeline entry is judged on its own (visibility.md rule 7): only when its author
 * gave it a marking stricter than its signal's. Every other entry (system entries, comments at
 * the signal's marking) follows the signal's current marking, whatever the signal's marking was
 * when it was written: loosening a signal shows its history to its new readers.
 */
export function isJudgedOnItsOwn(entry: JudgedEntry): boolean {
  return entry.ownMarking;
}

/** The marking an entry is read under now: its own, or its signal's current one. */
export function effectiveEntryMarking(entry: JudgedEntry, signal: { marking: Marking }): Marking {
  return isJudgedOnItsOwn(entry) ? entry.marking : signal.marking;
}

/** The entry as the rules see it, on the signal as it is now. */
export function timelineEntryRecord(entry: JudgedEntry & { authorAgency: string }, signal: MarkedRecord): TimelineEntryRecord {
  const own = isJudgedOnItsOwn(entry);
  return {
    ownerAgency: own ? entry.authorAgency : signal.ownerAgency,
    marking: effectiveEntryMarking(entry, signal),
    classification: signal.classification,
    sharedWith: signal.sharedWith,
    recipients: signal.recipients,
    affectedMunicipalities: signal.affectedMunicipalities,
    signalOwnerAgency: signal.ownerAgency,
  };
}

/**
 * A timeline entry as this actor may see it, or null. An entry with a marking of its own is
 * judged on that marking, with its author's agency as originator (and the signal's owner agency
 * reading it unless RED), within the audience of its signal; any other entry exactly as its
 * signal is now, and it is given the signal's current marking. The caller checks that the
 * actor reads the signal at all.
 */
export function redactTimelineEntry<T extends { id: string; authorAgency: string } & JudgedEntry>(
  ability: AppAbility,
  entry: T,
  signal: MarkedRecord,
): (Partial<T> & { id: string }) | null {
  const judged = timelineEntryRecord(entry, signal);
  const record = timelineEntrySubject({ id: entry.id, ...judged });
  if (!ability.can('read', record)) return null;
  const shown = new Map<string, unknown>(Object.entries(entry));
  shown.set('marking', judged.marking);
  const fields = permittedFieldsOf(ability, 'read', record, { fieldsFrom: (rule) => rule.fields ?? TIMELINE_FIELDS });
  const result: Record<string, unknown> = { id: entry.id };
  for (const field of fields) if (shown.has(field)) result[field] = shown.get(field);
  return result as Partial<T> & { id: string };
}
