/** TLP 2.0 markings, loosest first. */
export const MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Marking = (typeof MARKINGS)[number];

/** Separate from TLP: Departementaal Vertrouwelijk needs the DEP_V clearance. */
export const CLASSIFICATIONS = ['NONE', 'DEP_V'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/**
 * State-secret levels: this hub is not accredited for them, so input carrying one is refused
 * with an error saying so (never stored, never downgraded).
 */
export const STATE_SECRET_CLASSIFICATIONS = [
  'STG_CONFIDENTIEEL',
  'STG_GEHEIM',
  'STG_ZEER_GEHEIM',
] as const;

export function isStateSecretClassification(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const normalised = value.toUpperCase().replace(/[\s.-]+/g, '_').replace(/^STAATSGEHEIM_/, 'STG_');
  return (
    (STATE_SECRET_CLASSIFICATIONS as readonly string[]).includes(normalised) ||
    /^STG_?(CONFIDENTIEEL|GEHEIM|ZEER_GEHEIM)$/.test(normalised)
  );
}

/** Every read of a record marked AMBER+STRICT or RED, or classified DEP_V, is written to the audit trail. */
export function isAuditedOnRead(record: { marking: Marking; classification: Classification }): boolean {
  return record.marking === 'AMBER_STRICT' || record.marking === 'RED' || record.classification === 'DEP_V';
}

export function markingRank(marking: Marking): number {
  return MARKINGS.indexOf(marking);
}

export function isStricterOrEqual(candidate: Marking, than: Marking): boolean {
  return markingRank(candidate) >= markingRank(than);
}

/** Who a record is shared with: the parts of a record that decide its audience. */
export interface Audience {
  marking: Marking;
  classification: Classification;
  sharedWith: readonly string[];
  recipients: readonly string[];
  affectedMunicipalities: readonly string[];
}

function grows(before: readonly string[], after: readonly string[]): boolean {
  return after.some((item) => !before.includes(item));
}

/**
 * Whether a change widens who may read a record: a looser marking, a lower classification,
 * or more agencies, recipients or (under AMBER) affected municipalities. Only the owner
 * agency may do that (visibility.md); anyone who may edit may narrow it.
 */
export function loosensAudience(before: Audience, after: Audience): boolean {
  if (markingRank(after.marking) < markingRank(before.marking)) return true;
  if (before.classification === 'DEP_V' && after.classification === 'NONE') return true;
  if (grows(before.sharedWith, after.sharedWith) && ['AMBER', 'AMBER_STRICT'].includes(after.marking)) return true;
  if (grows(before.recipients, after.recipients) && after.marking === 'RED') return true;
  if (grows(before.affectedMunicipalities, after.affectedMunicipalities) && after.marking === 'AMBER') return true;
  return false;
}
