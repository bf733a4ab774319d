import type { Classification, Marking, Severity, SignalCategory, SignalStatus } from '@verkiezingstafel/domain';

export interface DemoSignal {
  title: string;
  description: string;
  category: SignalCategory;
  severity: Severity;
  status: SignalStatus;
  marking: Marking;
  classification?: Classification;
  owner: string;
  /** E-mail of the demo user who raised it. */
  author: string;
  lead?: string;
  sharedWith?: string[];
  /** E-mails of the named recipients (RED). */
  recipients?: string[];
  affected?: string[];
  platforms?: string[];
  evidence?: string[];
  disarm?: string[];
  source?: string;
}

/** Sample signals of every marking for the TK2025 demo. */
export const DEMO_SIGNALS: DemoSignal[] = [
  {
    title: 'Onjuiste stemuitleg: "schrijf de naam van de lijsttrekker op het stembiljet"',
    description:
      'Berichten op TikTok en X roepen kiezers op de naam van een lijsttrekker op het stembiljet te schrijven. Daarmee wordt de stem ongeldig. Bereik loopt snel op.',
    category: 'process_integrity', severity: 'high', status: 'in_progress', marking: 'CLEAR',
    owner: 'KIESRAAD', author: 'liaison@kiesraad.demo', lead: 'BZK', platforms: ['tiktok', 'x'],
    evidence: ['https://www.tiktok.com/@voorbeeld/video/1'], disarm: ['T0022'],
    source: 'Melding via het publieksloket van de Kiesraad.',
  },
  {
    title: 'Nepwebsite met verkeerde openingstijden van stembureaus',
    description: 'Een site die op de officiële stembureauzoeker lijkt, noemt sluitingstijd 19.00 uur in plaats van 21.00 uur.',
    category: 'disinformation', severity: 'medium', status: 'triaged', marking: 'GREEN',
    owner: 'BZK', author: 'flagger@bzk.demo', platforms: ['website'], affected: ['GM0363', 'GM0599'],
    evidence: ['https://stembureau-zoeker.example/tijden'],
    source: 'Gemeld door een medewerker van de gemeente Amsterdam.',
  },
  {
    title: 'Dreigende berichten aan voorzitter stembureau in Amsterdam-Noord',
    description: 'De voorzitter van een stembureau ontving via sociale media bedreigingen naar aanleiding van de telling.',
    category: 'threat_to_persons', severity: 'high', status: 'new', marking: 'AMBER',
    owner: 'GM0363', author: 'ambtenaar@amsterdam.demo', affected: ['GM0363'], sharedWith: ['POLITIE'],
    source: 'Melding van de betrokken voorzitter bij de gemeente.',
  },
  {
    title: 'DDoS-aanval op uitslagensite van gemeente Rotterdam',
    description: 'Verhoogd verkeer richting de uitslagenpagina sinds 21.15 uur; de site is met tussenpozen onbereikbaar.',
    category: 'cyber', severity: 'critical', status: 'mitigated', marking: 'AMBER',
    owner: 'NCSC', author: 'liaison@ncsc.demo', lead: 'NCSC', affected: ['GM0599'], disarm: ['T0139'],
    source: 'Telemetrie van de hostingpartij via het NCSC-netwerk.',
  },
  {
    title: 'Gecoördineerd netwerk van nepaccounts rond migratiedebat',
    description: 'Een cluster van circa 300 recent aangemaakte accounts versterkt dezelfde berichten, met aanwijzingen voor buitenlandse sturing.',
    category: 'foreign_interference', severity: 'high', status: 'monitoring', marking: 'AMBER_STRICT',
    owner: 'AIVD', author: 'liaison@aivd.demo', lead: 'AIVD', sharedWith: ['BZK', 'NCTV'], platforms: ['x', 'facebook'],
    disarm: ['T0049', 'T0104'], source: 'Eigen onderzoek; brongegevens niet deelbaar.',
  },
  {
    title: 'Inlichtingen over beïnvloedingspoging via diaspora-organisaties',
    description: 'Releasable versie (tear line): een statelijke actor probeert via verenigingen stemadviezen te sturen.',
    category: 'foreign_interference', severity: 'critical', status: 'in_progress', marking: 'RED', classification: 'DEP_V',
    owner: 'AIVD', author: 'liaison@aivd.demo', recipients: ['voorzitter@bzk.demo', 'liaison@nctv.demo'],
    source: 'Menselijke bron; niet verder verspreiden.',
  },
  {
    title: 'Deepfake-video van lijsttrekker over uitstel verkiezingen',
    description: 'Een synthetische video suggereert dat de verkiezingen een week worden uitgesteld. Gedeeld in Telegram-groepen.',
    category: 'synthetic_media', severity: 'high', status: 'triaged', marking: 'GREEN',
    owner: 'NCTV', author: 'liaison@nctv.demo', lead: 'NCTV', platforms: ['telegram', 'youtube'], disarm: ['T0087'],
    source: 'Open bronnen-monitoring NCTV.',
  },
  {
    title: 'Niet-gelabelde politieke advertenties door onbekende adverteerder',
    description: 'Advertenties zonder transparantielabel over de verkiezingen, gericht op jonge kiezers.',
    category: 'political_advertising', severity: 'low', status: 'new', marking: 'GREEN',
    owner: 'ACM', author: 'liaison@acm.demo', platforms: ['instagram', 'facebook'],
    source: 'Signaal uit de DSA-toezichtsmonitor.',
  },
  {
    title: 'Verdachte pakketten bij stembureau in Utrecht',
    description: 'Twee onbeheerde tassen bij de ingang van een stembureau; de politie heeft de omgeving afgezet.',
    category: 'physical_security', severity: 'medium', status: 'closed', marking: 'AMBER',
    owner: 'GM0344', author: 'ambtenaar@utrecht.demo', affected: ['GM0344'], lead: 'NCTV',
    source: 'Melding van de stembureauvoorzitter.',
  },
  {
    title: 'Phishingmails aan gemeentelijke verkiezingsteams',
    description: 'Mails uit naam van de Kiesraad vragen om in te loggen op een nagemaakte portal.',
    category: 'cyber', severity: 'medium', status: 'in_progress', marking: 'AMBER_STRICT',
    owner: 'NCSC', author: 'liaison@ncsc.demo', sharedWith: ['KIESRAAD', 'GM0599', 'BZK'], affected: ['GM0599'],
    source: 'Gedeeld door een CERT-partner.',
  },
  {
    title: 'Dubbele melding: onjuiste stemuitleg op Facebook',
    description: 'Zelfde strekking als de melding over het stembiljet, nu op Facebook.',
    category: 'process_integrity', severity: 'low', status: 'duplicate', marking: 'CLEAR',
    owner: 'BZK', author: 'flagger@bzk.demo', platforms: ['facebook'],
  },
];
