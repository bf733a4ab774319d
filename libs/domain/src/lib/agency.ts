/** The kinds of agency that sit at (or watch) the election table. */
export const AGENCY_TYPES = ['core', 'municipality', 'external'] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];

/** BZK to KIESRAAD: the core table (domain.md). */
export const CORE_TABLE_AGENCIES = [
  'BZK',
  'AIVD',
  'MIVD',
  'NCTV',
  'NCSC',
  'POLITIE',
  'OM',
  'KMAR',
  'ACM',
  'AP',
  'KIESRAAD',
] as const;
export type CoreTableAgency = (typeof CORE_TABLE_AGENCIES)[number];

export interface AgencyRef {
  code: string;
  name: string;
  type: AgencyType;
}

export interface Agency extends AgencyRef {
  /** Province of a municipality; null for other agencies. */
  province: string | null;
}

/** A CBS municipality code: GM followed by four digits, e.g. GM0363 (Amsterdam). */
export const CBS_MUNICIPALITY_CODE = /^GM\d{4}$/;

export function isMunicipalityCode(code: string): boolean {
  return CBS_MUNICIPALITY_CODE.test(code);
}

export function isCoreTableAgency(code: string): boolean {
  return (CORE_TABLE_AGENCIES as readonly string[]).includes(code);
}
