import type { Agency } from '@verkiezingstafel/domain';

/** The core table (BZK to KIESRAAD) and external observers: the same in every deployment. */
export const STANDING_AGENCIES: Agency[] = [
  { code: 'BZK', name: 'Ministerie van Binnenlandse Zaken en Koninkrijksrelaties', type: 'core', province: null },
  { code: 'AIVD', name: 'Algemene Inlichtingen- en Veiligheidsdienst', type: 'core', province: null },
  { code: 'MIVD', name: 'Militaire Inlichtingen- en Veiligheidsdienst', type: 'core', province: null },
  { code: 'NCTV', name: 'Nationaal Coördinator Terrorismebestrijding en Veiligheid', type: 'core', province: null },
  { code: 'NCSC', name: 'Nationaal Cyber Security Centrum', type: 'core', province: null },
  { code: 'POLITIE', name: 'Politie', type: 'core', province: null },
  { code: 'OM', name: 'Openbaar Ministerie', type: 'core', province: null },
  { code: 'KMAR', name: 'Koninklijke Marechaussee', type: 'core', province: null },
  { code: 'ACM', name: 'Autoriteit Consument & Markt', type: 'core', province: null },
  { code: 'AP', name: 'Autoriteit Persoonsgegevens', type: 'core', province: null },
  { code: 'KIESRAAD', name: 'Kiesraad', type: 'core', province: null },
  { code: 'EC', name: 'Europese Commissie', type: 'external', province: null },
];

/**
 * A representative subset of municipalities (CBS codes 2025) for the demo. A deployment
 * imports the official CBS list instead: municipalities merge every year.
 */
export const DEMO_MUNICIPALITIES: Agency[] = [
  { code: 'GM0363', name: 'Amsterdam', type: 'municipality', province: 'Noord-Holland' },
  { code: 'GM0599', name: 'Rotterdam', type: 'municipality', province: 'Zuid-Holland' },
  { code: 'GM0518', name: "'s-Gravenhage", type: 'municipality', province: 'Zuid-Holland' },
  { code: 'GM0344', name: 'Utrecht', type: 'municipality', province: 'Utrecht' },
  { code: 'GM0772', name: 'Eindhoven', type: 'municipality', province: 'Noord-Brabant' },
  { code: 'GM0855', name: 'Tilburg', type: 'municipality', province: 'Noord-Brabant' },
  { code: 'GM0758', name: 'Breda', type: 'municipality', province: 'Noord-Brabant' },
  { code: 'GM0014', name: 'Groningen', type: 'municipality', province: 'Groningen' },
  { code: 'GM0034', name: 'Almere', type: 'municipality', province: 'Flevoland' },
  { code: 'GM0268', name: 'Nijmegen', type: 'municipality', province: 'Gelderland' },
  { code: 'GM0202', name: 'Arnhem', type: 'municipality', province: 'Gelderland' },
  { code: 'GM0200', name: 'Apeldoorn', type: 'municipality', province: 'Gelderland' },
  { code: 'GM0392', name: 'Haarlem', type: 'municipality', province: 'Noord-Holland' },
  { code: 'GM0546', name: 'Leiden', type: 'municipality', province: 'Zuid-Holland' },
  { code: 'GM0935', name: 'Maastricht', type: 'municipality', province: 'Limburg' },
  { code: 'GM0153', name: 'Enschede', type: 'municipality', province: 'Overijssel' },
  { code: 'GM0193', name: 'Zwolle', type: 'municipality', province: 'Overijssel' },
  { code: 'GM0080', name: 'Leeuwarden', type: 'municipality', province: 'Fryslân' },
  { code: 'GM0106', name: 'Assen', type: 'municipality', province: 'Drenthe' },
  { code: 'GM0687', name: 'Middelburg', type: 'municipality', province: 'Zeeland' },
];

export interface DemoUser {
  email: string;
  name: string;
  agency: string;
  roles: ('liaison' | 'chair' | 'municipal' | 'observer' | 'admin')[];
  clearance: 'NONE' | 'DEP_V';
}

/** The demo accounts of contract.md; core-table chair and liaisons hold DEP_V clearance. */
export const DEMO_USERS: DemoUser[] = [
  { email: 'voorzitter@bzk.demo', name: 'Marieke van Dijk', agency: 'BZK', roles: ['chair'], clearance: 'DEP_V' },
  { email: 'flagger@bzk.demo', name: 'Joost Visser', agency: 'BZK', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@aivd.demo', name: 'Sanne de Boer', agency: 'AIVD', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@nctv.demo', name: 'Pieter Smit', agency: 'NCTV', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@ncsc.demo', name: 'Fatima El Amrani', agency: 'NCSC', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@kiesraad.demo', name: 'Hendrik Mulder', agency: 'KIESRAAD', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'liaison@acm.demo', name: 'Lotte de Graaf', agency: 'ACM', roles: ['liaison'], clearance: 'DEP_V' },
  { email: 'ambtenaar@amsterdam.demo', name: 'Daan Bos', agency: 'GM0363', roles: ['municipal'], clearance: 'NONE' },
  { email: 'ambtenaar@rotterdam.demo', name: 'Noor Vermeulen', agency: 'GM0599', roles: ['municipal'], clearance: 'NONE' },
  { email: 'ambtenaar@utrecht.demo', name: 'Sem van den Berg', agency: 'GM0344', roles: ['municipal'], clearance: 'NONE' },
  { email: 'waarnemer@ec.demo', name: 'Élodie Martin', agency: 'EC', roles: ['observer'], clearance: 'NONE' },
  { email: 'beheer@bzk.demo', name: 'Kees Dekker', agency: 'BZK', roles: ['admin'], clearance: 'NONE' },
];
