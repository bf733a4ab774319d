/**
 * An independent reading of visibility.md, written for the tests: who may read which signal and
 * which of its fields. It deliberately does not use libs/domain (the implementation under
 * test); a difference between the two is what the suites look for.
 */

export const MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Marking = (typeof MARKINGS)[number];
export const CLASSIFICATIONS = ['NONE', 'DEP_V'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
export type Role = 'liaison' | 'chair' | 'municipal' | 'observer' | 'admin';

/** BZK to KIESRAAD: the core table (domain.md). */
export const CORE_TABLE = ['BZK', 'AIVD', 'MIVD', 'NCTV', 'NCSC', 'POLITIE', 'OM', 'KMAR', 'ACM', 'AP', 'KIESRAAD'];

export interface DemoUserSpec {
  email: string;
  agency: string;
  roles: Role[];
  clearance: 'NONE' | 'DEP_V';
}

/** The demo users of contract.md. */
export const DEMO: DemoUserSpec[] = [
  { email: 'voorzitter@bzk.demo', agency: 'BZK', roles: ['chair'], clearance: 'DEP_V' },
  { email: 'flagger@bzk.demo', agency: 'BZK', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@aivd.demo', agency: 'AIVD', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@nctv.demo', agency: 'NCTV', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@ncsc.demo', agency: 'NCSC', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@kiesraad.demo', agency: 'KIESRAAD', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@acm.demo', agency: 'ACM', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'ambtenaar@amsterdam.demo', agency: 'GM0363', roles: ['municipal'], clearance: 'NONE' },
  { email: 'ambtenaar@rotterdam.demo', agency: 'GM0599', roles: ['municipal'], clearance: 'NONE' },
  { email: 'ambtenaar@utrecht.demo', agency: 'GM0344', roles: ['municipal'], clearance: 'NONE' },
  { email: 'waarnemer@ec.demo', agency: 'EC', roles: ['observer'], clearance: 'NONE' },
  { email: 'beheer@bzk.demo', agency: 'BZK', roles: ['admin'], clearance: 'NONE' },
];

export const CHAIR = 'voorzitter@bzk.demo';
export const FLAGGER = 'flagger@bzk.demo';
export const AIVD = 'liaison@aivd.demo';
export const NCTV = 'liaison@nctv.demo';
export const NCSC = 'liaison@ncsc.demo';
export const KIESRAAD = 'liaison@kiesraad.demo';
export const ACM = 'liaison@acm.demo';
export const AMSTERDAM = 'ambtenaar@amsterdam.demo';
export const ROTTERDAM = 'ambtenaar@rotterdam.demo';
export const UTRECHT = 'ambtenaar@utrecht.demo';
export const OBSERVER = 'waarnemer@ec.demo';
export const ADMIN = 'beheer@bzk.demo';

export interface Reader extends DemoUserSpec {
  id: string;
}

/** What decides who reads a signal. */
export interface Audience {
  ownerAgency: string;
  marking: Marking;
  classification: Classification;
  sharedWith: readonly string[];
  recipients: readonly string[];
  affectedMunicipalities: readonly string[];
}

const isMunicipality = (agency: string) => /^GM\d{4}$/.test(agency);
const CONTENT_ROLES: Role[] = ['liaison', 'chair', 'municipal', 'observer'];

/** Whether the TLP marking alone admits the reader (visibility.md, markings table). */
function markingAdmits(reader: Reader, s: Audience): boolean {
  if (s.ownerAgency === reader.agency) return true; // rule 1
  switch (s.marking) {
    case 'CLEAR':
    case 'GREEN':
      return true;
    case 'AMBER':
      return (
        CORE_TABLE.includes(reader.agency) ||
        (isMunicipality(reader.agency) && s.affectedMunicipalities.includes(reader.agency)) ||
        s.sharedWith.includes(reader.agency)
      );
    case 'AMBER_STRICT':
      return s.sharedWith.includes(reader.agency);
    case 'RED':
      return s.recipients.map((r) => r.toLowerCase()).includes(reader.id.toLowerCase());
  }
}

/** Whether the reader reads the content of the signal: marking AND classification admit them. */
export function readsContent(reader: Reader, s: Audience): boolean {
  if (!reader.roles.some((role) => CONTENT_ROLES.includes(role))) return false; // admin only: metadata
  if (s.classification === 'DEP_V' && reader.clearance !== 'DEP_V') return false;
  return markingAdmits(reader, s);
}

/** Whether the signal exists at all for the reader (content, or metadata for an admin). */
export function sees(reader: Reader, s: Audience): boolean {
  return reader.roles.includes('admin') || readsContent(reader, s);
}

/** Rule 3: what an administrator sees of every signal. */
export const METADATA_FIELDS = [
  'id',
  'electionId',
  'status',
  'marking',
  'classification',
  'ownerAgency',
  'version',
  'createdAt',
  'updatedAt',
] as const;

/**
 * Every field of a signal as the API returns it, but `source` (contract.md, plus the fields the
 * implementation documents besides: disarmTechniques, firstSeenAt, createdBy).
 */
export const CONTENT_FIELDS = [
  ...METADATA_FIELDS,
  'title',
  'description',
  'category',
  'severity',
  'leadAgency',
  'sharedWith',
  'recipients',
  'affectedMunicipalities',
  'platforms',
  'evidence',
  'disarmTechniques',
  'firstSeenAt',
  'createdBy',
] as const;

/** The fields of the signal the reader receives, or null when it does not exist for them. */
export function visibleFields(reader: Reader, s: Audience): string[] | null {
  if (readsContent(reader, s)) {
    // Rule 4: how the originator knows is for the originator alone.
    return s.ownerAgency === reader.agency ? [...CONTENT_FIELDS, 'source'] : [...CONTENT_FIELDS];
  }
  if (reader.roles.includes('admin')) return [...METADATA_FIELDS];
  return null;
}

/** The record as the reader should receive it, from the full record (all fields). */
export function redactFor<T extends Audience & { id: string }>(reader: Reader, full: T): Record<string, unknown> | null {
  const fields = visibleFields(reader, full);
  if (!fields) return null;
  const out: Record<string, unknown> = {};
  for (const field of fields) out[field] = (full as unknown as Record<string, unknown>)[field];
  return out;
}

const STRICTNESS: Record<Marking, number> = { CLEAR: 0, GREEN: 1, AMBER: 2, AMBER_STRICT: 3, RED: 4 };
export const isLooser = (a: Marking, than: Marking) => STRICTNESS[a] < STRICTNESS[than];
