/**
 * The one definition of a text's length in the hub: its Unicode code points, which is what
 * PostgreSQL's `length()` counts in a UTF-8 database and what every CHECK of the schema
 * measures. A letter with a variation selector (`a\uFE0F`) is two, an emoji of two code points
 * is two, a flag is two, a family emoji joined by ZWJs is every code point it is made of. The
 * API validates, the database checks and the board counts with this same measure.
 */
export function textLength(text: string): number {
  let length = 0;
  // The string iterator steps by code point (a surrogate pair is one step).
  for (const _codePoint of text) length++;
  return length;
}

export interface TextLimit {
  min: number;
  max: number;
}

/**
 * The lengths of the hub's text fields, in code points. The schema's CHECK constraints hold
 * the same numbers (a test compares them); a field without a column of its own (evidence in
 * JSON) is bounded here alone.
 */
export const TEXT_LIMITS = {
  signalTitle: { min: 1, max: 200 },
  signalDescription: { min: 0, max: 20000 },
  signalSource: { min: 0, max: 5000 },
  evidenceUrl: { min: 1, max: 2048 },
  evidenceDescription: { min: 0, max: 500 },
  timelineText: { min: 1, max: 20000 },
  transitionNote: { min: 0, max: 2000 },
  measureDescription: { min: 1, max: 2000 },
  platformReportUrl: { min: 1, max: 2048 },
  platformReportGround: { min: 1, max: 2000 },
  electionName: { min: 1, max: 200 },
  searchQuery: { min: 0, max: 200 },
  cursor: { min: 0, max: 200 },
  email: { min: 3, max: 320 },
  password: { min: 1, max: 1024 },
  /** A password chosen through an invitation link (NCSC: length over complexity). */
  newPassword: { min: 12, max: 200 },
  userName: { min: 1, max: 200 },
  invitationToken: { min: 20, max: 200 },
  auditFilter: { min: 0, max: 200 },
} as const satisfies Record<string, TextLimit>;

/**
 * Instants and dates a body may carry: from 1900 to the end of 2200. Wide enough for any
 * record of an election, narrow enough that every value is one PostgreSQL stores and one that
 * ISO 8601 writes with four digits (a year 9999 plus an offset would come back as `+010000`).
 */
export const EARLIEST_INSTANT = '1900-01-01T00:00:00.000Z';
export const LATEST_INSTANT = '2200-12-31T23:59:59.999Z';

const EARLIEST_MS = Date.parse(EARLIEST_INSTANT);
const LATEST_MS = Date.parse(LATEST_INSTANT);

/** Whether an instant (milliseconds since the epoch) lies in the range the hub accepts. */
export function isInstantInRange(milliseconds: number): boolean {
  return Number.isFinite(milliseconds) && milliseconds >= EARLIEST_MS && milliseconds <= LATEST_MS;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date `YYYY-MM-DD` (no 30 February) within the hub's range. */
export function isCalendarDate(value: string): boolean {
  const match = CALENDAR_DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  return isInstantInRange(date.getTime());
}

/**
 * An instant as RFC 3339 writes it (or a plain date): the part of ISO 8601 that PostgreSQL
 * reads. ISO 8601 alone also admits week dates, negative years and decimal commas, which it
 * does not.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?$/;

/** Whether `value` is a real instant in RFC 3339 form (or a date) within the hub's range. */
export function isTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  if (!isCalendarDate(`${match[1]}-${match[2]}-${match[3]}`)) return false;
  // Without an offset PostgreSQL reads local time; the range is checked on the instant in UTC.
  const withZone = match[4] === undefined ? `${value}T00:00:00Z` : match[7] === undefined ? `${value}Z` : value;
  return isInstantInRange(Date.parse(withZone));
}
