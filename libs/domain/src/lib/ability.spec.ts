/**
 * The visibility rules (shared/design/visibility.md and the decisions taken on it), checked
 * against the one CASL rule set in ability.ts.
 *
 * Every expectation here comes from `expected()`, a plain function written from the design
 * (not from ability.ts), or is stated by hand. Nothing is derived from the code under test:
 * the agency lists, the metadata fields and the field universe of a signal are restated here.
 */
import fc from 'fast-check';
import {
  type Actor,
  type AppAbility,
  defineAbilityFor,
  measureSubject,
  readableSignalFields,
  redactSignal,
  redactTimelineEntry,
  type SignalRecord,
  signalSubject,
  timelineEntrySubject,
} from './ability';
import type { AgencyType } from './agency';
import type { Classification, Marking } from './marking';
import type { Signal } from './signal';
import type { TimelineEntry } from './timeline';
import type { Clearance, Role } from './user';

// ---------------------------------------------------------------------------------------------
// The specification, restated
// ---------------------------------------------------------------------------------------------

const CORE_TABLE = ['BZK', 'AIVD', 'MIVD', 'NCTV', 'NCSC', 'POLITIE', 'OM', 'KMAR', 'ACM', 'AP', 'KIESRAAD'];
const METADATA_FIELDS = [
  'id',
  'electionId',
  'status',
  'marking',
  'classification',
  'ownerAgency',
  'version',
  'createdAt',
  'updatedAt',
];
const CONTENT_ROLES: readonly Role[] = ['liaison', 'chair', 'municipal', 'observer'];
const ACTING_ROLES: readonly Role[] = ['liaison', 'chair', 'municipal'];
const ALL_MARKINGS: readonly Marking[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
const ALL_CLASSIFICATIONS: readonly Classification[] = ['NONE', 'DEP_V'];

const SIGNAL_ACTIONS = [
  'read',
  'comment',
  'create',
  'update',
  'loosen',
  'transition_chair',
  'transition_work',
  'add_measure',
] as const;
type SignalAction = (typeof SIGNAL_ACTIONS)[number];
/** The signal actions, and `update_source`: whether the actor may set, change or clear `source` (rule 4). */
type ActionTable = Record<SignalAction | 'update_source', boolean>;

interface Profile extends Actor {
  label: string;
}

function profile(label: string, id: string, code: string, type: AgencyType, roles: Role[], clearance: Clearance): Profile {
  return { label, id, agency: { code, type }, roles, clearance };
}

const has = (actor: Actor, role: Role) => actor.roles.includes(role);
const hasAny = (actor: Actor, roles: readonly Role[]) => roles.some((role) => has(actor, role));
const isAdminOnly = (actor: Actor) => has(actor, 'admin') && !hasAny(actor, CONTENT_ROLES);

/** A complete signal: its keys are the field universe (typed as Signal, so a new field shows up). */
function fullSignal(record: SignalRecord, id = 'sig-1'): Signal {
  return {
    id,
    electionId: 'TK2025',
    title: 'Berichten: schrijf de naam van de lijsttrekker op het stembiljet',
    description: 'Posts instruct voters to write a name on the ballot, which invalidates the vote.',
    category: 'process_integrity',
    severity: 'high',
    status: 'triaged',
    marking: record.marking,
    classification: record.classification,
    ownerAgency: record.ownerAgency,
    leadAgency: record.leadAgency,
    sharedWith: [...record.sharedWith],
    recipients: [...record.recipients],
    affectedMunicipalities: [...record.affectedMunicipalities],
    platforms: ['x', 'tiktok'],
    evidence: [{ url: 'https://example.org/post/1', description: 'screenshot' }],
    disarmTechniques: ['T0086.002'],
    source: 'HUMINT via liaison, do not share',
    firstSeenAt: '2025-10-20T08:00:00.000Z',
    createdBy: 'u-author',
    version: 3,
    createdAt: '2025-10-20T09:00:00.000Z',
    updatedAt: '2025-10-21T09:00:00.000Z',
  };
}

const ALL_SIGNAL_FIELDS = Object.keys(fullSignal(audience('BZK', null, 'GREEN', 'NONE')));
const CONTENT_FIELDS = ALL_SIGNAL_FIELDS.filter((field) => !METADATA_FIELDS.includes(field));

function audience(
  ownerAgency: string,
  leadAgency: string | null,
  marking: Marking,
  classification: Classification,
  extra: Partial<Pick<SignalRecord, 'sharedWith' | 'recipients' | 'affectedMunicipalities'>> = {},
): SignalRecord {
  return {
    ownerAgency,
    leadAgency,
    marking,
    classification,
    sharedWith: extra.sharedWith ?? [],
    recipients: extra.recipients ?? [],
    affectedMunicipalities: extra.affectedMunicipalities ?? [],
  };
}

/** TLP admission of a non-admin content reader (after the clearance check), with the reason. */
function tlpAdmits(actor: Actor, record: Omit<SignalRecord, 'leadAgency'>): [boolean, string] {
  const code = actor.agency.code;
  if (record.ownerAgency === code) return [true, 'own agency is the originator'];
  switch (record.marking) {
    case 'CLEAR':
    case 'GREEN':
      return [true, `${record.marking} is for every user`];
    case 'AMBER':
      if (CORE_TABLE.includes(code)) return [true, 'AMBER admits the core table'];
      if (actor.agency.type === 'municipality' && record.affectedMunicipalities.includes(code)) {
        return [true, 'AMBER admits the affected municipality'];
      }
      if (record.sharedWith.includes(code)) return [true, 'AMBER shared with the agency'];
      return [false, 'AMBER: not core table, not affected, not shared with'];
    case 'AMBER_STRICT':
      return record.sharedWith.includes(code)
        ? [true, 'AMBER_STRICT shared with the agency']
        : [false, 'AMBER_STRICT: agency not in sharedWith'];
    case 'RED':
      return record.recipients.includes(actor.id) ? [true, 'RED names the user'] : [false, 'RED: user not named'];
  }
}

/** Whether the actor reads the content of a record, and why (or why not). */
function contentAccess(actor: Actor, record: Omit<SignalRecord, 'leadAgency'>): [boolean, string] {
  if (!hasAny(actor, CONTENT_ROLES)) return [false, 'no content role'];
  if (record.classification === 'DEP_V' && actor.clearance !== 'DEP_V') return [false, 'DEP_V needs the clearance'];
  return tlpAdmits(actor, record);
}

interface Expected {
  visible: boolean;
  fields: string[];
  reason: string;
  actions: ActionTable;
}

/** The oracle: what the specification says this actor may see and do with this signal. */
function expected(actor: Actor, record: SignalRecord): Expected {
  const code = actor.agency.code;
  const admin = has(actor, 'admin');
  const acting = hasAny(actor, ACTING_ROLES);
  const chair = has(actor, 'chair');
  const liaison = has(actor, 'liaison');
  const owner = record.ownerAgency === code;
  const lead = record.leadAgency === code;
  const clearanceOk = record.classification !== 'DEP_V' || actor.clearance === 'DEP_V';
  const [content, why] = contentAccess(actor, record);

  const fields = new Set<string>();
  if (admin) METADATA_FIELDS.forEach((field) => fields.add(field));
  if (content) ALL_SIGNAL_FIELDS.filter((field) => field !== 'source' || owner).forEach((field) => fields.add(field));

  const affected = record.affectedMunicipalities;
  const municipalMayCreate = has(actor, 'municipal') && (affected.length === 0 || (affected.length === 1 && affected[0] === code));

  const actions: ActionTable = {
    read: content || admin,
    // Rule 8: observers (and admins) read and never write, comments included.
    comment: content && acting,
    create: clearanceOk && (liaison || chair || municipalMayCreate),
    // A municipality (without a table role) edits its own signals only while they name itself alone.
    update:
      clearanceOk &&
      acting &&
      ((owner && (liaison || chair || affected.length === 0 || (affected.length === 1 && affected[0] === code))) || (liaison && lead)),
    // Rule 4: source is written, like it is read, by the owner agency alone; never by the lead agency.
    update_source: false,
    loosen: clearanceOk && acting && owner,
    // DEP_V needs the clearance for every action, also where an admin's metadata read shows the record.
    transition_chair: clearanceOk && chair,
    transition_work: clearanceOk && (chair || (acting && (owner || lead))),
    add_measure: clearanceOk && (chair || (acting && lead)),
  };
  actions.update_source = actions.update && owner;
  let reason: string;
  if (content) reason = fields.has('source') ? `content + source (${why})` : `content, no source (${why})`;
  else if (admin) reason = `metadata only (admin; ${why})`;
  else reason = `hidden (${why})`;
  return { visible: content || admin, fields: [...fields].sort(), reason, actions };
}

// ---------------------------------------------------------------------------------------------
// The actor profiles and record instances of the matrix
// ---------------------------------------------------------------------------------------------

const chairBZK = profile('chair BZK (DEP_V)', 'u-chair-bzk', 'BZK', 'core', ['chair'], 'DEP_V');
const liaisonBZK = profile('liaison BZK (DEP_V)', 'u-liaison-bzk', 'BZK', 'core', ['liaison'], 'DEP_V');
const liaisonAIVD = profile('liaison AIVD (DEP_V)', 'u-liaison-aivd', 'AIVD', 'core', ['liaison'], 'DEP_V');
const liaisonAIVDUncleared = profile('liaison AIVD (no clearance)', 'u-liaison-aivd-2', 'AIVD', 'core', ['liaison'], 'NONE');
const liaisonNCTV = profile('liaison NCTV (DEP_V)', 'u-liaison-nctv', 'NCTV', 'core', ['liaison'], 'DEP_V');
const municipalAmsterdam = profile('municipal GM0363 (no clearance)', 'u-gm0363', 'GM0363', 'municipality', ['municipal'], 'NONE');
const municipalRotterdam = profile('municipal GM0599 (DEP_V)', 'u-gm0599', 'GM0599', 'municipality', ['municipal'], 'DEP_V');
const observerEC = profile('observer EC (no clearance)', 'u-observer-ec', 'EC', 'external', ['observer'], 'NONE');
const adminBZK = profile('admin BZK (no clearance)', 'u-admin-bzk', 'BZK', 'core', ['admin'], 'NONE');
const adminLiaisonNCSC = profile('admin+liaison NCSC (no clearance)', 'u-admin-ncsc', 'NCSC', 'core', ['admin', 'liaison'], 'NONE');
const adminChairBZK = profile('admin+chair BZK (no clearance)', 'u-admin-chair-bzk', 'BZK', 'core', ['admin', 'chair'], 'NONE');

const PROFILES: Profile[] = [
  chairBZK,
  liaisonBZK,
  liaisonAIVD,
  liaisonAIVDUncleared,
  liaisonNCTV,
  municipalAmsterdam,
  municipalRotterdam,
  observerEC,
  adminBZK,
  adminLiaisonNCSC,
  adminChairBZK,
];

const OWNERS = ['AIVD', 'BZK', 'GM0363'];
const LEADS: (string | null)[] = [null, 'NCTV'];
const SHARED_WITH: string[][] = [[], ['GM0599'], ['EC', 'NCTV']];
/** Named recipients: none, or a BZK liaison (not the chair, of the same agency: naming is per user). */
const RECIPIENTS: string[][] = [[], [liaisonBZK.id]];
const AFFECTED: string[][] = [[], ['GM0363'], ['GM0599']];

const list = (items: readonly string[]) => `[${items.join(',')}]`;

function recordLabel(record: SignalRecord): string {
  return (
    `${record.marking}/${record.classification} owner=${record.ownerAgency} lead=${record.leadAgency ?? '-'} ` +
    `shared=${list(record.sharedWith)} recipients=${list(record.recipients)} affected=${list(record.affectedMunicipalities)}`
  );
}

function allRecords(): SignalRecord[] {
  const records: SignalRecord[] = [];
  for (const marking of ALL_MARKINGS)
    for (const classification of ALL_CLASSIFICATIONS)
      for (const owner of OWNERS)
        for (const lead of LEADS)
          for (const sharedWith of SHARED_WITH)
            for (const recipients of RECIPIENTS)
              for (const affectedMunicipalities of AFFECTED)
                records.push(audience(owner, lead, marking, classification, { sharedWith, recipients, affectedMunicipalities }));
  return records;
}

const RECORDS = allRecords();

const abilities = new Map<Actor, AppAbility>();
function abilityOf(actor: Actor): AppAbility {
  let ability = abilities.get(actor);
  if (!ability) {
    ability = defineAbilityFor(actor);
    abilities.set(actor, ability);
  }
  return ability;
}

function actualActions(ability: AppAbility, record: SignalRecord | Signal): ActionTable {
  const subject = signalSubject('id' in record ? record : fullSignal(record));
  const table = {} as ActionTable;
  for (const action of SIGNAL_ACTIONS) table[action] = ability.can(action, subject);
  table.update_source = ability.can('update', subject, 'source');
  return table;
}

function describeActions(actions: ActionTable): string {
  const writes = [...SIGNAL_ACTIONS, 'update_source' as const].filter((action) => action !== 'read' && actions[action]);
  return writes.length > 0 ? `may ${writes.join(', ')}` : 'may do nothing';
}

// ---------------------------------------------------------------------------------------------
// 1. The exhaustive matrix, per actor
// ---------------------------------------------------------------------------------------------

describe.each(PROFILES.map((actor) => [actor.label, actor] as const))('%s', (_label, actor) => {
  const cases = RECORDS.map((record) => {
    const want = expected(actor, record);
    return [`${recordLabel(record)} → ${want.reason}; ${describeActions(want.actions)}`, record, want] as const;
  });

  it.each(cases)('%s', (_name, record, want) => {
    const ability = abilityOf(actor);
    const signal = fullSignal(record);

    expect(actualActions(ability, signal)).toEqual(want.actions);
    expect([...readableSignalFields(ability, signal)].sort()).toEqual(want.visible ? want.fields : []);

    // Exactly the readable fields, with their values; null when the signal does not exist for the reader.
    const redacted = redactSignal(ability, signal);
    expect(redacted).toStrictEqual(want.visible ? Object.fromEntries(want.fields.map((field) => [field, signal[field as keyof Signal]])) : null);
  });

  const MEASURE_OWNERS = ['BZK', 'AIVD', 'NCTV', 'NCSC', 'GM0363', 'GM0599', 'EC'];
  const acting = hasAny(actor, ACTING_ROLES);
  const otherCases: [string, (ability: AppAbility) => boolean, boolean][] = [
    ...MEASURE_OWNERS.map((owner): [string, (ability: AppAbility) => boolean, boolean] => [
      `update a measure owned by ${owner}`,
      (ability) => ability.can('update', measureSubject({ id: 'm-1', ownerAgency: owner })),
      has(actor, 'chair') || (acting && actor.agency.code === owner),
    ]),
    ['create a platform report', (ability) => ability.can('create', 'PlatformReport'), acting && actor.agency.code === 'BZK'],
    ['update a platform report', (ability) => ability.can('update', 'PlatformReport'), acting && actor.agency.code === 'BZK'],
    ['read the audit trail', (ability) => ability.can('read', 'Audit'), has(actor, 'admin') || has(actor, 'chair')],
    ['verify the audit trail', (ability) => ability.can('verify', 'Audit'), has(actor, 'admin') || has(actor, 'chair')],
    ['create an election', (ability) => ability.can('create', 'Election'), has(actor, 'admin')],
  ];
  it.each(otherCases.map(([name, check, want]) => [`${want ? 'may' : 'may not'} ${name}`, check, want] as const))(
    '%s',
    (_name, check, want) => {
      expect(check(abilityOf(actor))).toBe(want);
    },
  );

  // Timeline entries: filtered on their own marking, the author's agency as originator.
  describe.each(ALL_MARKINGS.flatMap((marking) => ALL_CLASSIFICATIONS.map((classification) => [marking, classification] as const)))(
    'timeline entries marked %s/%s',
    (marking, classification) => {
      const entries = OWNERS.flatMap((author) =>
        SHARED_WITH.flatMap((sharedWith) =>
          RECIPIENTS.flatMap((recipients) =>
            AFFECTED.map((affectedMunicipalities) => audience(author, null, marking, classification, { sharedWith, recipients, affectedMunicipalities })),
          ),
        ),
      );
      const label = (entry: SignalRecord) =>
        `author=${entry.ownerAgency} shared=${list(entry.sharedWith)} recipients=${list(entry.recipients)} affected=${list(entry.affectedMunicipalities)}`;

      it('with a marking of their own, are readable exactly where that marking admits the reader (admins: metadata, never the text)', () => {
        const ability = abilityOf(actor);
        const actual: Record<string, string> = {};
        const want: Record<string, string> = {};
        for (const entry of entries) {
          const [content] = contentAccess(actor, entry);
          want[label(entry)] = content ? 'text' : has(actor, 'admin') ? 'metadata' : 'hidden';

          const { leadAgency: _lead, ...marked } = entry;
          const readable = ability.can('read', timelineEntrySubject({ id: 't-1', ...marked, signalOwnerAgency: 'KIESRAAD' }));
          const timelineEntry: TimelineEntry = {
            id: 't-1',
            signalId: 'sig-1',
            kind: 'comment',
            text: 'Assessment: coordinated, foreign origin likely',
            marking,
            ownMarking: true,
            authorId: 'u-author',
            authorName: 'Author',
            authorAgency: entry.ownerAgency,
            data: null,
            createdAt: '2025-10-21T10:00:00.000Z',
          };
          // The signal it hangs on carries the audience lists and the classification; its owner
          // (KIESRAAD, no actor's agency) and marking (CLEAR) must not lend the entry an audience.
          const redacted = redactTimelineEntry(ability, timelineEntry, { ...marked, ownerAgency: 'KIESRAAD', marking: 'CLEAR' });
          if (!readable) actual[label(entry)] = redacted === null ? 'hidden' : 'hidden by can(), returned by redactTimelineEntry';
          else if (redacted === null) actual[label(entry)] = 'readable by can(), null from redactTimelineEntry';
          else if (redacted.text === timelineEntry.text) actual[label(entry)] = 'text';
          else actual[label(entry)] = 'metadata';
        }
        expect(actual).toEqual(want);
      });
    },
  );

  // An entry without a marking of its own (a system entry, a comment at its signal's marking)
  // follows its signal: exactly the signal's readers now, whichever agency wrote it and
  // whatever marking the signal had when it was written (rule 7: loosening shows the history).
  it("reads an entry that follows its signal exactly where it reads the signal now, whoever wrote it and whatever the marking was then", () => {
    const ability = abilityOf(actor);
    const actual: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const record of RECORDS) {
      const { leadAgency: _lead, ...signal } = record;
      for (const author of ['AIVD', 'NCTV', 'GM0363', 'EC']) {
        for (const then of ALL_MARKINGS) {
          const name = `${recordLabel(record)} author=${author} written at ${then}`;
          const [content] = contentAccess(actor, signal);
          want[name] = content ? `text at ${record.marking}` : has(actor, 'admin') ? `metadata at ${record.marking}` : 'hidden';
          const entry: TimelineEntry = {
            id: 't-2',
            signalId: 'sig-1',
            kind: then === record.marking ? 'comment' : 'system',
            text: 'Same accounts seen elsewhere',
            marking: then,
            ownMarking: false,
            authorId: 'u-author',
            authorName: 'Author',
            authorAgency: author,
            data: null,
            createdAt: '2025-10-21T10:00:00.000Z',
          };
          const redacted = redactTimelineEntry(ability, entry, signal);
          actual[name] = redacted === null ? 'hidden' : `${redacted.text === entry.text ? 'text' : 'metadata'} at ${redacted.marking}`;
        }
      }
    }
    expect(actual).toEqual(want);
  });

  // An entry its author marked stricter than its signal: judged on that marking with the
  // author's agency as originator, and read by the signal's owner agency too unless RED.
  it("reads an entry marked stricter by its author where its marking admits the reader, or as the signal's owner agency unless RED", () => {
    const ability = abilityOf(actor);
    const actual: Record<string, string> = {};
    const want: Record<string, string> = {};
    for (const record of RECORDS) {
      const { leadAgency: _lead, ...signal } = record;
      for (const author of ['AIVD', 'NCTV', 'GM0363']) {
        for (const marking of ALL_MARKINGS.filter((m) => ALL_MARKINGS.indexOf(m) > ALL_MARKINGS.indexOf(record.marking))) {
          const name = `${recordLabel(record)} author=${author} marked ${marking}`;
          const [asEntry] = contentAccess(actor, { ...signal, ownerAgency: author, marking });
          const [readsSignal] = contentAccess(actor, signal);
          const asOwner = readsSignal && actor.agency.code === signal.ownerAgency && marking !== 'RED';
          want[name] = asEntry || asOwner ? 'text' : has(actor, 'admin') ? 'metadata' : 'hidden';
          const entry: TimelineEntry = {
            id: 't-3',
            signalId: 'sig-1',
            kind: 'assessment',
            text: 'Attribution: likely foreign',
            marking,
            ownMarking: true,
            authorId: 'u-author',
            authorName: 'Author',
            authorAgency: author,
            data: null,
            createdAt: '2025-10-21T10:00:00.000Z',
          };
          const redacted = redactTimelineEntry(ability, entry, signal);
          actual[name] = redacted === null ? 'hidden' : redacted.text === entry.text ? 'text' : 'metadata';
        }
      }
    }
    expect(actual).toEqual(want);
  });
});

// ---------------------------------------------------------------------------------------------
// 1b. The rules, each stated on its own over the whole matrix (no oracle involved)
// ---------------------------------------------------------------------------------------------

function everyCase(
  actors: readonly Profile[],
  where: (actor: Profile, record: SignalRecord) => boolean,
  check: (actor: Profile, record: SignalRecord, redacted: Partial<Signal> | null, ability: AppAbility) => boolean,
): string[] {
  const failures: string[] = [];
  let applicable = 0;
  for (const actor of actors)
    for (const record of RECORDS) {
      if (!where(actor, record)) continue;
      applicable++;
      const ability = abilityOf(actor);
      if (!check(actor, record, redactSignal(ability, fullSignal(record)), ability)) failures.push(`${actor.label}: ${recordLabel(record)}`);
    }
  // A rule that applies to nothing proves nothing.
  if (applicable === 0) failures.push('rule applies to no case of the matrix');
  return failures;
}

const municipalities = [municipalAmsterdam, municipalRotterdam];
const contentReaders = PROFILES.filter((actor) => !isAdminOnly(actor));

describe('the rules, each over the whole matrix', () => {
  it('rule 1: the owner agency always reads its own signals, content included (DEP_V: with the clearance)', () => {
    expect(
      everyCase(
        contentReaders,
        (actor, record) => record.ownerAgency === actor.agency.code && (record.classification === 'NONE' || actor.clearance === 'DEP_V'),
        (_actor, _record, redacted) => redacted?.title !== undefined,
      ),
    ).toEqual([]);
  });

  it('rule 2: the chair reads AMBER_STRICT only where BZK owns it or is in sharedWith', () => {
    expect(
      everyCase(
        [chairBZK],
        (_actor, record) => record.marking === 'AMBER_STRICT',
        (_actor, record, redacted) => (redacted !== null) === (record.ownerAgency === 'BZK' || record.sharedWith.includes('BZK')),
      ),
    ).toEqual([]);
  });

  it('rule 2: the chair reads RED only where named or BZK owns it; a BZK colleague being named does not count', () => {
    expect(
      everyCase(
        [chairBZK],
        (_actor, record) => record.marking === 'RED',
        (actor, record, redacted) => (redacted !== null) === (record.ownerAgency === 'BZK' || record.recipients.includes(actor.id)),
      ),
    ).toEqual([]);
  });

  it('a municipality never receives an AMBER_STRICT signal it is not named in', () => {
    expect(
      everyCase(
        municipalities,
        (actor, record) =>
          record.marking === 'AMBER_STRICT' && record.ownerAgency !== actor.agency.code && !record.sharedWith.includes(actor.agency.code),
        (_actor, _record, redacted) => redacted === null,
      ),
    ).toEqual([]);
  });

  it('a municipality receives an AMBER signal only as owner, as affected municipality or when shared with', () => {
    expect(
      everyCase(
        municipalities,
        (actor, record) => record.marking === 'AMBER' && (record.classification === 'NONE' || actor.clearance === 'DEP_V'),
        (actor, record, redacted) =>
          (redacted !== null) ===
          [record.ownerAgency, ...record.affectedMunicipalities, ...record.sharedWith].includes(actor.agency.code),
      ),
    ).toEqual([]);
  });

  it('being listed as affected does not admit a municipality to AMBER_STRICT or RED', () => {
    expect(
      everyCase(
        [municipalAmsterdam],
        (actor, record) =>
          (record.marking === 'AMBER_STRICT' || record.marking === 'RED') &&
          record.affectedMunicipalities.includes('GM0363') &&
          record.ownerAgency !== 'GM0363' &&
          !record.sharedWith.includes('GM0363') &&
          !record.recipients.includes(actor.id),
        (_actor, _record, redacted) => redacted === null,
      ),
    ).toEqual([]);
  });

  it('an external observer receives AMBER only when shared with, and never writes', () => {
    expect(
      everyCase(
        [observerEC],
        (_actor, record) => record.marking === 'AMBER' && record.classification === 'NONE',
        (_actor, record, redacted) => (redacted !== null) === record.sharedWith.includes('EC'),
      ),
    ).toEqual([]);
  });

  it('RED reaches only the named users and the owner agency', () => {
    expect(
      everyCase(
        contentReaders,
        (_actor, record) => record.marking === 'RED',
        (actor, record, redacted, ability) => {
          const admitted = record.ownerAgency === actor.agency.code || record.recipients.includes(actor.id);
          const contentShown = redacted?.title !== undefined;
          return ability.can('comment', signalSubject(fullSignal(record))) === contentShown && (!contentShown || admitted);
        },
      ),
    ).toEqual([]);
  });

  it('DEP_V content needs the clearance, also for the owner agency (uncleared content readers: nothing, or metadata if admin)', () => {
    expect(
      everyCase(
        contentReaders.filter((actor) => actor.clearance !== 'DEP_V'),
        (_actor, record) => record.classification === 'DEP_V',
        (actor, record, redacted, ability) => {
          const subject = signalSubject(fullSignal(record));
          const noWrites = ['create', 'update', 'comment', 'loosen'].every((action) => !ability.can(action as SignalAction, subject));
          if (!noWrites) return false;
          if (!has(actor, 'admin')) return redacted === null;
          return redacted !== null && Object.keys(redacted).every((field) => METADATA_FIELDS.includes(field));
        },
      ),
    ).toEqual([]);
  });

  it('DEP_V AND TLP: a cleared reader still needs the marking to admit it', () => {
    expect(
      everyCase(
        contentReaders.filter((actor) => actor.clearance === 'DEP_V'),
        (_actor, record) => record.classification === 'DEP_V',
        (actor, record, redacted) => {
          const twin = { ...record, classification: 'NONE' as const };
          return (redacted === null) === (redactSignal(abilityOf(actor), fullSignal(twin)) === null);
        },
      ),
    ).toEqual([]);
  });

  it('CLEAR and GREEN signals without DEP_V reach every content reader', () => {
    expect(
      everyCase(
        contentReaders,
        (_actor, record) => (record.marking === 'CLEAR' || record.marking === 'GREEN') && record.classification === 'NONE',
        (_actor, _record, redacted) => redacted?.title !== undefined && redacted.description !== undefined,
      ),
    ).toEqual([]);
  });

  it('rule 4: source is returned only to the owner agency, and always to it when it reads the signal', () => {
    expect(
      everyCase(
        PROFILES,
        () => true,
        (actor, record, redacted) => {
          if (redacted === null || isAdminOnly(actor)) return redacted === null || !('source' in redacted);
          const contentShown = redacted.title !== undefined;
          return ('source' in redacted) === (contentShown && record.ownerAgency === actor.agency.code);
        },
      ),
    ).toEqual([]);
  });

  it('rule 3: an admin-only user sees the metadata of every signal, DEP_V and RED included, and no content, not even BZK\'s', () => {
    expect(
      everyCase(
        [adminBZK],
        () => true,
        (_actor, _record, redacted) => redacted !== null && [...Object.keys(redacted)].sort().join() === [...METADATA_FIELDS].sort().join(),
      ),
    ).toEqual([]);
  });

  it('observers and admins never write signals, comments included (rule 8)', () => {
    const writes: SignalAction[] = ['comment', 'create', 'update', 'loosen', 'transition_chair', 'transition_work', 'add_measure'];
    expect(
      everyCase(
        [observerEC, adminBZK],
        () => true,
        (actor, record, _redacted, ability) => {
          const subject = signalSubject(fullSignal(record));
          return writes.every((action) => !ability.can(action, subject));
        },
      ),
    ).toEqual([]);
  });

  it('a municipality creates signals only for itself: affected municipalities empty or exactly its own', () => {
    const ability = abilityOf(municipalAmsterdam);
    const create = (affectedMunicipalities: string[]) =>
      ability.can('create', signalSubject(fullSignal(audience('GM0363', null, 'AMBER', 'NONE', { affectedMunicipalities }))));
    expect(create([])).toBe(true);
    expect(create(['GM0363'])).toBe(true);
    expect(create(['GM0599'])).toBe(false);
    expect(create(['GM0363', 'GM0599'])).toBe(false);
    expect(create(['GM0599', 'GM0363'])).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// 1c. The key rules, by hand-written example
// ---------------------------------------------------------------------------------------------

describe('the key rules, by example', () => {
  const read = (actor: Actor, record: SignalRecord) => redactSignal(defineAbilityFor(actor), fullSignal(record));

  it('rule 1: AIVD reads its own RED signal that names nobody, and its own AMBER_STRICT shared with nobody', () => {
    expect(read(liaisonAIVD, audience('AIVD', null, 'RED', 'NONE'))?.title).toBeDefined();
    expect(read(liaisonAIVD, audience('AIVD', null, 'AMBER_STRICT', 'NONE'))?.description).toBeDefined();
    expect(read(liaisonAIVDUncleared, audience('AIVD', null, 'RED', 'NONE'))?.title).toBeDefined();
    expect(read(municipalAmsterdam, audience('GM0363', null, 'RED', 'NONE'))?.title).toBeDefined();
  });

  it('rule 1: the owner agency may edit, loosen and move its signal; another agency may not', () => {
    const ability = defineAbilityFor(liaisonAIVD);
    const own = signalSubject(fullSignal(audience('AIVD', null, 'AMBER', 'NONE')));
    const other = signalSubject(fullSignal(audience('NCTV', null, 'AMBER', 'NONE')));
    expect(['update', 'loosen', 'transition_work'].map((action) => ability.can(action as SignalAction, own))).toEqual([true, true, true]);
    expect(['update', 'loosen', 'transition_work'].map((action) => ability.can(action as SignalAction, other))).toEqual([false, false, false]);
  });

  it('rule 2: the chair does not read an AIVD AMBER_STRICT signal shared with NCTV only, nor an AIVD RED signal naming a BZK colleague', () => {
    expect(read(chairBZK, audience('AIVD', null, 'AMBER_STRICT', 'NONE', { sharedWith: ['NCTV'] }))).toBeNull();
    expect(read(chairBZK, audience('AIVD', null, 'RED', 'NONE', { recipients: [liaisonBZK.id] }))).toBeNull();
    expect(read(liaisonBZK, audience('AIVD', null, 'RED', 'NONE', { recipients: [liaisonBZK.id] }))?.title).toBeDefined();
  });

  it('RED naming a municipal user: that user reads it, its neighbour municipality and the chair do not', () => {
    const record = audience('AIVD', null, 'RED', 'NONE', { recipients: [municipalRotterdam.id], affectedMunicipalities: ['GM0363', 'GM0599'] });
    expect(read(municipalRotterdam, record)?.title).toBeDefined();
    expect(read(municipalRotterdam, record)).not.toHaveProperty('source');
    expect(read(municipalAmsterdam, record)).toBeNull();
    expect(read(chairBZK, record)).toBeNull();
    // Naming admits to reading, not to editing.
    expect(defineAbilityFor(municipalRotterdam).can('update', signalSubject(fullSignal(record)))).toBe(false);
  });

  it('rule 2: the chair reads AMBER_STRICT shared with BZK and RED naming the chair', () => {
    expect(read(chairBZK, audience('AIVD', null, 'AMBER_STRICT', 'NONE', { sharedWith: ['BZK'] }))?.title).toBeDefined();
    expect(read(chairBZK, audience('AIVD', null, 'RED', 'NONE', { recipients: [chairBZK.id] }))?.title).toBeDefined();
  });

  it('rule 2: the chair may triage and close a signal it cannot read, but not see it', () => {
    const ability = defineAbilityFor(chairBZK);
    const red = signalSubject(fullSignal(audience('AIVD', null, 'RED', 'NONE')));
    expect(ability.can('read', red)).toBe(false);
    expect(ability.can('comment', red)).toBe(false);
    expect(ability.can('transition_chair', red)).toBe(true);
  });

  it('rule 3: an admin of BZK sees only metadata of a DEP_V RED AIVD signal and of a GREEN BZK signal', () => {
    const metadataOnly = {
      id: 'sig-1',
      electionId: 'TK2025',
      status: 'triaged',
      marking: 'RED',
      classification: 'DEP_V',
      ownerAgency: 'AIVD',
      version: 3,
      createdAt: '2025-10-20T09:00:00.000Z',
      updatedAt: '2025-10-21T09:00:00.000Z',
    };
    expect(read(adminBZK, audience('AIVD', 'NCTV', 'RED', 'DEP_V'))).toEqual(metadataOnly);
    expect(read(adminBZK, audience('BZK', null, 'GREEN', 'NONE'))).toEqual({
      ...metadataOnly,
      marking: 'GREEN',
      classification: 'NONE',
      ownerAgency: 'BZK',
    });
  });

  it('rule 3: an admin may not comment on, edit or create signals, and may create elections and verify the audit', () => {
    const ability = defineAbilityFor(adminBZK);
    const own = signalSubject(fullSignal(audience('BZK', null, 'GREEN', 'NONE')));
    expect(ability.can('comment', own)).toBe(false);
    expect(ability.can('update', own)).toBe(false);
    expect(ability.can('create', own)).toBe(false);
    expect(ability.can('create', 'Election')).toBe(true);
    expect(ability.can('verify', 'Audit')).toBe(true);
  });

  it('rule 3 with a content role: admin+liaison of NCSC without clearance reads GREEN content but only metadata of DEP_V', () => {
    const green = read(adminLiaisonNCSC, audience('AIVD', null, 'GREEN', 'NONE'));
    expect(green?.title).toBeDefined();
    expect(green).not.toHaveProperty('source');
    const depv = read(adminLiaisonNCSC, audience('NCSC', null, 'GREEN', 'DEP_V'));
    expect(depv).not.toBeNull();
    expect(Object.keys(depv!).sort()).toEqual([...METADATA_FIELDS].sort());
  });

  it('rule 4: source goes to the owner agency only, not to a lead agency, the chair or a named recipient', () => {
    const record = audience('AIVD', 'NCTV', 'RED', 'NONE', { recipients: [chairBZK.id, liaisonNCTV.id] });
    expect(read(liaisonAIVD, record)?.source).toBe('HUMINT via liaison, do not share');
    expect(read(liaisonNCTV, record)).not.toHaveProperty('source');
    expect(read(liaisonNCTV, record)?.title).toBeDefined();
    expect(read(chairBZK, record)).not.toHaveProperty('source');
    expect(read(adminBZK, audience('BZK', null, 'CLEAR', 'NONE'))).not.toHaveProperty('source');
  });

  it('DEP_V AND TLP: clearance without admission reads nothing; admission without clearance reads nothing', () => {
    // Cleared NCTV, AMBER_STRICT shared with AIVD only: TLP refuses.
    expect(read(liaisonNCTV, audience('AIVD', null, 'AMBER_STRICT', 'DEP_V', { sharedWith: ['MIVD'] }))).toBeNull();
    // Uncleared AIVD, its own GREEN signal: the classification refuses, owner or not.
    expect(read(liaisonAIVDUncleared, audience('AIVD', null, 'GREEN', 'DEP_V'))).toBeNull();
    // Both admit: content.
    expect(read(liaisonNCTV, audience('AIVD', null, 'AMBER', 'DEP_V'))?.title).toBeDefined();
    expect(read(liaisonAIVD, audience('AIVD', null, 'RED', 'DEP_V'))?.source).toBeDefined();
  });

  it('DEP_V without clearance: no create, update, comment or loosen, even by the owner agency', () => {
    const ability = defineAbilityFor(liaisonAIVDUncleared);
    const depv = signalSubject(fullSignal(audience('AIVD', null, 'GREEN', 'DEP_V')));
    for (const action of ['create', 'update', 'comment', 'loosen'] as const) expect([action, ability.can(action, depv)]).toEqual([action, false]);
    const plain = signalSubject(fullSignal(audience('AIVD', null, 'GREEN', 'NONE')));
    for (const action of ['create', 'update', 'comment', 'loosen'] as const) expect([action, ability.can(action, plain)]).toEqual([action, true]);
  });

  it('the lead agency: its liaisons edit and add measures, its other acting users only move it', () => {
    const record = audience('AIVD', 'NCTV', 'AMBER', 'NONE');
    const nctvMunicipalRole = profile('municipal-role NCTV user', 'u-nctv-m', 'NCTV', 'core', ['municipal'], 'NONE');
    const liaison = defineAbilityFor(liaisonNCTV);
    const other = defineAbilityFor(nctvMunicipalRole);
    const subject = signalSubject(fullSignal(record));
    expect([liaison.can('update', subject), liaison.can('add_measure', subject), liaison.can('transition_work', subject), liaison.can('loosen', subject)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect([other.can('update', subject), other.can('add_measure', subject), other.can('transition_work', subject)]).toEqual([false, true, true]);
  });

  it('a timeline entry stricter than its signal is filtered on its own marking, with its author as originator', () => {
    // A GREEN BZK signal, an AIVD comment on it marked RED naming nobody.
    const signal = audience('BZK', null, 'GREEN', 'NONE');
    const entry: TimelineEntry = {
      id: 't-9',
      signalId: 'sig-1',
      kind: 'assessment',
      text: 'Attribution: state actor',
      marking: 'RED',
      ownMarking: true,
      authorId: 'u-liaison-aivd',
      authorName: 'AIVD liaison',
      authorAgency: 'AIVD',
      data: null,
      createdAt: '2025-10-21T10:00:00.000Z',
    };
    expect(redactTimelineEntry(defineAbilityFor(liaisonAIVD), entry, signal)?.text).toBe('Attribution: state actor');
    expect(redactTimelineEntry(defineAbilityFor(liaisonAIVDUncleared), entry, signal)?.text).toBe('Attribution: state actor');
    // The signal's owner (BZK) and everyone else outside the entry's audience do not see it.
    expect(redactTimelineEntry(defineAbilityFor(chairBZK), entry, signal)).toBeNull();
    expect(redactTimelineEntry(defineAbilityFor(liaisonBZK), entry, signal)).toBeNull();
    expect(redactTimelineEntry(defineAbilityFor(municipalAmsterdam), entry, signal)).toBeNull();
    // An admin sees that it exists, not what it says.
    const forAdmin = redactTimelineEntry(defineAbilityFor(adminBZK), entry, signal);
    expect(forAdmin).not.toBeNull();
    expect(forAdmin).not.toHaveProperty('text');
    // Through the subject too.
    const subject = timelineEntrySubject({ id: 't-9', ownerAgency: 'AIVD', marking: 'RED', classification: 'NONE', sharedWith: [], recipients: [], affectedMunicipalities: [], signalOwnerAgency: 'BZK' });
    expect(defineAbilityFor(chairBZK).can('read', subject)).toBe(false);
    expect(defineAbilityFor(liaisonAIVD).can('read', subject)).toBe(true);
  });

  it("a comment marked stricter than its signal is read by the signal's owner agency, unless it is RED", () => {
    // An AMBER AIVD signal; NCTV comments AMBER+STRICT (shared with nobody), then RED (naming nobody).
    const signal = audience('AIVD', null, 'AMBER', 'NONE');
    const comment = (marking: Marking): TimelineEntry => ({
      id: `t-${marking}`,
      signalId: 'sig-1',
      kind: 'comment',
      text: `NCTV, ${marking}`,
      marking,
      ownMarking: true,
      authorId: 'u-liaison-nctv',
      authorName: 'NCTV liaison',
      authorAgency: 'NCTV',
      data: null,
      createdAt: '2025-10-21T10:00:00.000Z',
    });
    expect(redactTimelineEntry(defineAbilityFor(liaisonAIVD), comment('AMBER_STRICT'), signal)?.text).toBe('NCTV, AMBER_STRICT');
    expect(redactTimelineEntry(defineAbilityFor(liaisonAIVD), comment('RED'), signal)).toBeNull();
    expect(redactTimelineEntry(defineAbilityFor(liaisonNCTV), comment('RED'), signal)?.text).toBe('NCTV, RED');
    // The rest of the core table reads the AMBER signal, not the stricter comment.
    expect(redactTimelineEntry(defineAbilityFor(chairBZK), comment('AMBER_STRICT'), signal)).toBeNull();
  });

  it("a status change written while the signal was AMBER+STRICT follows the signal when its owner loosens it to GREEN", () => {
    const system: TimelineEntry = {
      id: 't-s',
      signalId: 'sig-1',
      kind: 'system',
      text: '',
      marking: 'AMBER_STRICT',
      ownMarking: false,
      authorId: 'u-chair-bzk',
      authorName: 'Chair',
      authorAgency: 'BZK',
      data: { change: 'transition', from: 'new', to: 'triaged' },
      createdAt: '2025-10-21T10:00:00.000Z',
    };
    const before = audience('AIVD', null, 'AMBER_STRICT', 'NONE', { sharedWith: ['BZK'] });
    const after = audience('AIVD', null, 'GREEN', 'NONE', { sharedWith: ['BZK'] });
    expect(redactTimelineEntry(defineAbilityFor(municipalAmsterdam), system, before)).toBeNull();
    expect(redactTimelineEntry(defineAbilityFor(municipalAmsterdam), system, after)).toMatchObject({ id: 't-s', marking: 'GREEN', kind: 'system' });
    expect(redactTimelineEntry(defineAbilityFor(observerEC), system, after)).toMatchObject({ marking: 'GREEN' });
  });

  it('rule 4: the lead agency edits every field but source, which only the owner agency sets, changes or clears', () => {
    const subject = signalSubject(fullSignal(audience('AIVD', 'NCTV', 'AMBER', 'NONE')));
    const lead = defineAbilityFor(liaisonNCTV);
    const owner = defineAbilityFor(liaisonAIVD);
    for (const field of ['title', 'description', 'marking', 'leadAgency', 'evidence', 'firstSeenAt']) {
      expect([field, lead.can('update', subject, field)]).toEqual([field, true]);
    }
    expect(lead.can('update', subject, 'source')).toBe(false);
    expect(owner.can('update', subject, 'source')).toBe(true);
    expect(defineAbilityFor(chairBZK).can('update', subject, 'source')).toBe(false);
  });

  it('rule 8: an observer reads a GREEN signal and its comments, and may not comment', () => {
    const subject = signalSubject(fullSignal(audience('AIVD', null, 'GREEN', 'NONE')));
    const observer = defineAbilityFor(observerEC);
    expect(observer.can('read', subject)).toBe(true);
    expect(observer.can('comment', subject)).toBe(false);
    expect(observer.can('comment', 'Signal')).toBe(false);
    expect(observer.can('create', 'TimelineEntry')).toBe(false);
  });

  it('a timeline entry on a DEP_V signal needs the clearance, also for its author\'s agency', () => {
    const subject = timelineEntrySubject({ id: 't-1', ownerAgency: 'AIVD', marking: 'GREEN', classification: 'DEP_V', sharedWith: [], recipients: [], affectedMunicipalities: [], signalOwnerAgency: 'AIVD' });
    expect(defineAbilityFor(liaisonAIVDUncleared).can('read', subject)).toBe(false);
    expect(defineAbilityFor(liaisonAIVD).can('read', subject)).toBe(true);
    expect(defineAbilityFor(adminBZK).can('read', subject)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Properties over random actors and records
// ---------------------------------------------------------------------------------------------

describe('properties over random actors and records', () => {
  const AGENCIES: [string, AgencyType][] = [
    ...CORE_TABLE.map((code): [string, AgencyType] => [code, 'core']),
    ['GM0363', 'municipality'],
    ['GM0599', 'municipality'],
    ['GM0518', 'municipality'],
    ['GM0344', 'municipality'],
    ['EC', 'external'],
  ];
  const CODES = AGENCIES.map(([code]) => code);
  const MUNICIPAL_CODES = AGENCIES.filter(([, type]) => type === 'municipality').map(([code]) => code);
  const USER_IDS = ['u-1', 'u-2', 'u-3', 'u-4'];
  const ROLES: Role[] = ['liaison', 'chair', 'municipal', 'observer', 'admin'];

  const actorArb = fc.record({
    id: fc.constantFrom(...USER_IDS),
    agency: fc.constantFrom(...AGENCIES).map(([code, type]) => ({ code, type })),
    roles: fc.subarray(ROLES, { minLength: 1 }),
    clearance: fc.constantFrom<Clearance>('NONE', 'DEP_V'),
  });
  const recordArb = fc.record({
    ownerAgency: fc.constantFrom(...CODES),
    leadAgency: fc.option(fc.constantFrom(...CODES), { nil: null }),
    marking: fc.constantFrom(...ALL_MARKINGS),
    classification: fc.constantFrom(...ALL_CLASSIFICATIONS),
    sharedWith: fc.subarray(CODES, { maxLength: 4 }),
    recipients: fc.subarray(USER_IDS),
    affectedMunicipalities: fc.subarray(MUNICIPAL_CODES),
  });
  const RUNS = { numRuns: 2000 };
  const cache = new Map<string, AppAbility>();
  const abilityFor = (actor: Actor) => {
    const key = JSON.stringify(actor);
    if (!cache.has(key)) cache.set(key, defineAbilityFor(actor));
    return cache.get(key)!;
  };
  const redact = (actor: Actor, record: SignalRecord) => redactSignal(abilityFor(actor), fullSignal(record));

  it('(a) redactSignal returns null exactly when the specification says unreadable', () => {
    fc.assert(
      fc.property(actorArb, recordArb, (actor, record) => {
        expect(redact(actor, record) === null).toBe(!expected(actor, record).visible);
      }),
      RUNS,
    );
  });

  it("(b) source is never returned unless the actor's agency is the owner", () => {
    fc.assert(
      fc.property(actorArb, recordArb, (actor, record) => {
        const redacted = redact(actor, record);
        if (redacted !== null && 'source' in redacted) expect(actor.agency.code).toBe(record.ownerAgency);
      }),
      RUNS,
    );
  });

  it('(c) an admin-only actor never receives a content field', () => {
    fc.assert(
      fc.property(
        actorArb.map((actor) => ({ ...actor, roles: ['admin'] as Role[] })),
        recordArb,
        (actor, record) => {
          const redacted = redact(actor, record);
          expect(redacted).not.toBeNull();
          expect(Object.keys(redacted!).filter((field) => CONTENT_FIELDS.includes(field))).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('(d) a redacted signal only has fields from the readable set (and all of them)', () => {
    fc.assert(
      fc.property(actorArb, recordArb, (actor, record) => {
        const redacted = redact(actor, record);
        const want = expected(actor, record);
        const keys = redacted === null ? [] : Object.keys(redacted).sort();
        expect(keys.filter((field) => !want.fields.includes(field))).toEqual([]);
        expect(keys).toEqual(want.visible ? want.fields : []);
      }),
      RUNS,
    );
  });

  it('(f) one ability reused over many records answers each exactly like a fresh ability (no audience is confused with another)', () => {
    fc.assert(
      fc.property(actorArb, fc.array(recordArb, { minLength: 2, maxLength: 40 }), (actor, records) => {
        const reused = defineAbilityFor(actor);
        for (const record of records) {
          const signal = fullSignal(record);
          expect(redactSignal(reused, signal)).toEqual(redactSignal(defineAbilityFor(actor), signal));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('(e) every action agrees with the specification', () => {
    fc.assert(
      fc.property(actorArb, recordArb, (actor, record) => {
        expect(actualActions(abilityFor(actor), record)).toEqual(expected(actor, record).actions);
      }),
      RUNS,
    );
  });
});
